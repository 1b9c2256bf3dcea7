// Out of memory as V8 declares it: four ineffective full GCs near the limit, or a heap that
// cannot grow even after a full GC.
#include <gtest/gtest.h>

#include <heaplab/gc/oom.h>
#include "test_heap.h"

namespace heaplab::test {
namespace {

GcConfig Limited(std::size_t max_old_mb) {
  GcConfig config;
  config.clock = ClockKind::Model;
  config.heap.max_old_space_size = max_old_mb * MB;
  return config;
}

// Near the limit full GCs come back to back, reduce memory and free almost nothing, and the
// mutator barely runs; V8 then gives up, either after four ineffective full GCs or when a GC
// leaves the old generation over its maximum (fixtures: oom.log and oom_plain.log).
TEST(OutOfMemory, ALeakingCacheDiesNearTheLimitAfterReducingFullGcs) {
  // Stop-the-world marking. With incremental marking heaplab's leak-cache still dies at the
  // limit, but by "Reached heap limit" after two reducing GCs, not yet by V8's ineffective
  // mark-compacts (docs/incremental-marking.md, section 7).
  GcConfig config = Limited(64);
  config.incremental_marking = false;
  Session s(config);
  struct Count : GcObserver {
    void OnGc(const GcEvent& e) override { reducing += e.reduce_memory ? 1 : 0; }
    int reducing = 0;
  } count;
  s.tracer().AddObserver(&count);
  try {
    s.ReplayScenario(*FindScenario("leak-cache"), {});
    FAIL() << "expected out of memory";
  } catch (const OutOfMemory&) {
  }
  EXPECT_GE(s.heap().OldGenerationSize(), 64 * MB * 8 / 10);
  EXPECT_LT(s.tracer().average_mu(), 0.4);
  EXPECT_GE(count.reducing, 3);
}

TEST(OutOfMemory, FourIneffectiveFullGcsInARowAreFatal) {
  // A heap kept at 90% of a 32 MiB maximum by live objects, and nothing but full GCs.
  GcConfig config = Limited(32);
  std::string t = "heaplab-trace 1\n";
  for (int i = 1; i <= 230; ++i)
    t += "a " + std::to_string(i) + " 131072 0\n";
  for (int i = 0; i < 10; ++i)
    t += "g major\n";
  try {
    ReplayText(config, t);
    FAIL() << "expected out of memory";
  } catch (const OutOfMemory& oom) {
    EXPECT_EQ(oom.kind(), OutOfMemory::Kind::IneffectiveMarkCompacts);
  }
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
