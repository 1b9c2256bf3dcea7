// Out of memory as V8 declares it: four ineffective full GCs near the limit, or a heap that
// cannot grow even after a full GC.
#include <gtest/gtest.h>

#include "gc/oom.h"
#include "test_heap.h"

namespace heaplab::test {
namespace {

GcConfig Limited(std::size_t max_old_mb) {
  GcConfig config;
  config.clock = ClockKind::Model;
  config.heap.max_old_space_size = max_old_mb * MB;
  return config;
}

TEST(OutOfMemory, ALeakingCacheDiesOfIneffectiveMarkCompactsNearTheLimit) {
  Session s(Limited(64));
  try {
    s.ReplayScenario(*FindScenario("leak-cache"), {});
    FAIL() << "expected out of memory";
  } catch (const OutOfMemory& oom) {
    EXPECT_EQ(oom.kind(), OutOfMemory::Kind::IneffectiveMarkCompacts);
  }
  EXPECT_GE(s.heap().OldGenerationSize(), 64 * MB * 8 / 10);
  EXPECT_LT(s.tracer().average_mu(), 0.4);
}

TEST(OutOfMemory, TheSameCacheCompletesWithALargeLimit) {
  Session s(Limited(4096));
  ScenarioOptions o;
  o.params = {{"entries", 400000}};
  s.ReplayScenario(*FindScenario("leak-cache"), o);
  EXPECT_EQ(s.heap().ids().StateOf(1), IdTable::State::Live);
  EXPECT_GT(s.heap().OldGenerationSize(), 64 * MB);
}

TEST(OutOfMemory, AnObjectLargerThanTheHeapReachesTheHeapLimit) {
  try {
    ReplayText(Limited(16), "heaplab-trace 1\na 1 33554432 0\n");
    FAIL() << "expected out of memory";
  } catch (const OutOfMemory& oom) {
    EXPECT_EQ(oom.kind(), OutOfMemory::Kind::HeapLimit);
    EXPECT_STREQ(oom.what(),
                 "Reached heap limit Allocation failed - JavaScript heap out of memory");
  }
}

}  // namespace
}  // namespace heaplab::test
