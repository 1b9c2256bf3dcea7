#include "test_heap.h"

#include <gtest/gtest.h>

namespace heaplab {

void PrintTo(PromotionRule rule, std::ostream* os) {
  *os << (rule == PromotionRule::V8 ? "v8" : "book");
}

void PrintTo(Compaction compaction, std::ostream* os) {
  *os << (compaction == Compaction::Evacuate ? "evacuate"
          : compaction == Compaction::Slide  ? "slide"
                                             : "none");
}

}  // namespace heaplab

namespace heaplab::test {

GcConfig SmallConfig(std::size_t min_mb, std::size_t max_mb) {
  GcConfig c;
  c.heap.min_semi_space_size = min_mb * MB;
  c.heap.max_semi_space_size = max_mb * MB;
  c.heap.max_old_space_size = 256 * MB;
  c.clock = ClockKind::Model;
  c.verify_heap = true;
  return c;
}

std::unique_ptr<Session> ReplayText(const GcConfig& config, const std::string& text) {
  auto s = std::make_unique<Session>(config);
  std::istringstream in(text);
  s->ReplayStream(in, "test.hlt");
  return s;
}

Address AddressOf(Session& s, Id id) {
  EXPECT_EQ(s.heap().ids().StateOf(id), IdTable::State::Live) << "id " << id;
  return s.heap().ids().Get(id);
}

}  // namespace heaplab::test
