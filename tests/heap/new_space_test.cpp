// new_space: bump allocation, flips, age mark, resizing within bounds.
#include <gtest/gtest.h>

#include <heaplab/heap/heap.h>

namespace heaplab {
namespace {

HeapConfig Config(std::size_t min_mb, std::size_t max_mb) {
  HeapConfig c;
  c.min_semi_space_size = min_mb * MB;
  c.max_semi_space_size = max_mb * MB;
  c.max_old_space_size = 64 * MB;
  return c;
}

TEST(NewSpace, BumpAllocatesUntilFull) {
  Heap heap(Config(1, 1));
  NewSpace& ns = heap.new_space();
  const Address first = ns.Allocate(64);
  const Address second = ns.Allocate(64);
  EXPECT_EQ(second, first + 64);
  std::size_t allocated = 128;
  while (ns.Allocate(1024) != 0)
    allocated += 1024;
  EXPECT_LE(allocated, 1 * MB);
  EXPECT_GT(allocated, 1 * MB - 1024);
  EXPECT_EQ(ns.Allocate(1024), 0u);
}

TEST(NewSpace, FlipEmptiesToSpaceAndKeepsTheAgeMarkInFromSpace) {
  Heap heap(Config(1, 1));
  NewSpace& ns = heap.new_space();
  ns.Allocate(256);
  ns.SetAgeMarkToTop();
  const Address mark = ns.age_mark();
  const Address old_to = ns.to_space().start();
  ns.Flip();
  EXPECT_EQ(ns.from_space().start(), old_to);
  EXPECT_EQ(ns.Size(), 0u);
  EXPECT_TRUE(heap.InFromSpace(mark - 8));
  EXPECT_TRUE(heap.InFromSpace(old_to));
  EXPECT_FALSE(heap.InFromSpace(ns.to_space().start()));
}

TEST(NewSpace, ResizeStaysWithinInitialAndMaximum) {
  Heap heap(Config(1, 8));
  NewSpace& ns = heap.new_space();
  EXPECT_EQ(ns.Capacity(), 1 * MB);
  EXPECT_EQ(ns.Resize(2 * MB), 2 * MB);
  EXPECT_EQ(ns.Committed(), 4 * MB);
  EXPECT_EQ(ns.Resize(64 * MB), 8 * MB);
  EXPECT_EQ(ns.Resize(0), 1 * MB);
}

TEST(NewSpace, NeverShrinksBelowWhatIsInUse) {
  Heap heap(Config(1, 4));
  NewSpace& ns = heap.new_space();
  ns.Resize(4 * MB);
  for (int i = 0; i < 3 * 1024; ++i)
    ASSERT_NE(ns.Allocate(1024), 0u);
  EXPECT_GE(ns.Resize(1 * MB), 3 * MB);
}

TEST(NewSpace, YoungLargeObjectSpaceTakesAtMostASemispaceAfterItsFirstObject) {
  Heap heap(Config(1, 1));
  const std::size_t big = 600 * KB;
  EXPECT_NE(heap.Allocate(big, 0, Kind::Plain, Generation::Young), 0u);
  EXPECT_EQ(heap.Allocate(big, 0, Kind::Plain, Generation::Young), 0u);
  EXPECT_NE(heap.Allocate(big, 0, Kind::Plain, Generation::Old), 0u);
  EXPECT_EQ(heap.new_lo_space().ObjectCount(), 1u);
  EXPECT_EQ(heap.lo_space().ObjectCount(), 1u);
}

}  // namespace
}  // namespace heaplab
