// Sizing formulas that live with the configuration (gc/include/heaplab/gc/config.h).
#include <gtest/gtest.h>

#include <heaplab/gc/config.h>

namespace heaplab {
namespace {

HeapConfig Sizes(std::size_t max_semi, std::size_t max_old) {
  HeapConfig c;
  c.min_semi_space_size = 1 * MB;
  c.max_semi_space_size = max_semi;
  c.max_old_space_size = max_old;
  return c;
}

// V8's Heap::MaxReserved: two semispaces, a new large-object space of one semispace, and the
// old generation. Node 20's defaults here: 16 MiB semispaces, 4096 MiB old generation.
TEST(Config, MaxReservedIsThreeSemispacesPlusTheOldGeneration) {
  EXPECT_EQ(MaxReserved(Sizes(16 * MB, 4096 * MB)), 4096 * MB + 48 * MB);
  EXPECT_EQ(MaxReserved(Sizes(1 * MB, 1 * MB)), 4 * MB);
}

// Each term separately: one more MiB of semispace weighs three, one more of old space one.
TEST(Config, MaxReservedWeighsEachLimit) {
  const std::size_t base = MaxReserved(Sizes(8 * MB, 100 * MB));
  EXPECT_EQ(MaxReserved(Sizes(9 * MB, 100 * MB)) - base, 3 * MB);
  EXPECT_EQ(MaxReserved(Sizes(8 * MB, 101 * MB)) - base, 1 * MB);
  // The minimum semispace size plays no part (control: it differs from the maximum above).
  HeapConfig c = Sizes(8 * MB, 100 * MB);
  c.min_semi_space_size = 8 * MB;
  EXPECT_EQ(MaxReserved(c), base);
}

}  // namespace
}  // namespace heaplab
