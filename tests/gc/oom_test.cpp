// Out of memory as V8 declares it: four ineffective full GCs near the limit, or a heap that
// cannot grow even after a full GC.
#include <gtest/gtest.h>

#include <cmath>
#include <sstream>
#include <string>

#include <heaplab/gc/oom.h>
#include <heaplab/gc/oom_policy.h>
#include "test_heap.h"

namespace heaplab::test {
namespace {

// The rule alone (V8's Heap::IsIneffectiveMarkCompact): old generation >= 80% of its maximum
// and mutator utilization < 0.4. The numbers are written out here rather than taken from the
// class, so that a change of either threshold or of either comparison fails a test.
constexpr std::size_t kMax = 100 * MB;
constexpr std::size_t kEightyPercent = 80 * MB;  // 0.8 x 100 MiB, exact in a double
constexpr double kLowMu = 0.1;

TEST(IneffectiveMarkCompact, AtEightyPercentOfTheMaximumTheHeapIsHigh) {
  EXPECT_TRUE(IneffectiveMarkCompacts::IsIneffective(kEightyPercent, kMax, kLowMu));
  EXPECT_TRUE(IneffectiveMarkCompacts::IsIneffective(kMax, kMax, kLowMu));
}

TEST(IneffectiveMarkCompact, OneByteUnderEightyPercentTheHeapIsNotHigh) {
  EXPECT_FALSE(IneffectiveMarkCompacts::IsIneffective(kEightyPercent - 1, kMax, kLowMu));
  EXPECT_FALSE(IneffectiveMarkCompacts::IsIneffective(79 * MB, kMax, kLowMu));
}

TEST(IneffectiveMarkCompact, MutatorUtilizationJustUnderPointFourIsLow) {
  EXPECT_TRUE(IneffectiveMarkCompacts::IsIneffective(kMax, kMax, std::nextafter(0.4, 0.0)));
  EXPECT_TRUE(IneffectiveMarkCompacts::IsIneffective(kMax, kMax, 0.39));
}

TEST(IneffectiveMarkCompact, MutatorUtilizationOfPointFourIsNotLow) {
  // V8 compares with <: exactly 0.4 is not low.
  EXPECT_FALSE(IneffectiveMarkCompacts::IsIneffective(kMax, kMax, 0.4));
  EXPECT_FALSE(IneffectiveMarkCompacts::IsIneffective(kMax, kMax, 0.41));
}

TEST(IneffectiveMarkCompact, ThreeIneffectiveFullGcsInARowAreNotFatal) {
  IneffectiveMarkCompacts rule;
  for (int i = 1; i <= 3; ++i) {
    EXPECT_FALSE(rule.Record(kMax, kMax, kLowMu)) << "full GC " << i;
    EXPECT_EQ(rule.consecutive(), i);
  }
}

TEST(IneffectiveMarkCompact, TheFourthIneffectiveFullGcInARowIsFatal) {
  IneffectiveMarkCompacts rule;
  for (int i = 1; i <= 3; ++i)
    ASSERT_FALSE(rule.Record(kMax, kMax, kLowMu));
  EXPECT_TRUE(rule.Record(kMax, kMax, kLowMu));
}

TEST(IneffectiveMarkCompact, AnEffectiveFullGcStartsTheCountAgain) {
  IneffectiveMarkCompacts rule;
  for (int i = 1; i <= 3; ++i)
    ASSERT_FALSE(rule.Record(kMax, kMax, kLowMu));
  EXPECT_FALSE(rule.Record(kEightyPercent - 1, kMax, kLowMu));  // freed enough
  EXPECT_EQ(rule.consecutive(), 0);
  for (int i = 1; i <= 3; ++i)
    EXPECT_FALSE(rule.Record(kMax, kMax, kLowMu)) << "full GC " << i << " after the reset";
  EXPECT_TRUE(rule.Record(kMax, kMax, kLowMu));
}

GcConfig Limited(std::size_t max_old_mb) {
  GcConfig config;
  config.clock = ClockKind::Model;
  config.heap.max_old_space_size = max_old_mb * MB;
  return config;
}

// Near the limit full GCs come back to back, reduce memory and free almost nothing, and the
// mutator barely runs; V8 then gives up, either after four ineffective full GCs or when a GC
// leaves the old generation over its maximum (tests/data/node20/oom.log and oom_plain.log).
TEST(OutOfMemory, ALeakingCacheDiesNearTheLimitAfterReducingFullGcs) {
  // Stop-the-world marking. With incremental marking heaplab's leak-cache still dies at the
  // limit, but by "Reached heap limit" after two reducing GCs, not yet by V8's ineffective
  // mark-compacts (docs/incremental-marking.md, section 7).
  GcConfig config = Limited(64);
  config.incremental_marking = false;
  // The cache's entries promoted by Scavenges, as in the Node run this test was checked
  // against; with pretenuring heaplab's leak-cache ends after two reducing GCs (bench/fidelity
  // has the table).
  config.allocation_site_pretenuring = false;
  // At 72 MiB rather than the fixture's 64: whether heaplab's last full GCs reduce memory hangs
  // on where new space's capacity (1006 KiB per MiB) puts the last promotion; at 64 MiB one full
  // GC now promotes a whole 16 MiB new space past the limit ("Reached heap limit" after no
  // reducing GC), a known gap in issue 10's out-of-memory item (bench/fidelity).
  config.heap.max_old_space_size = 72 * MB;
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
  EXPECT_GE(s.heap().OldGenerationSize(), 72 * MB * 8 / 10);
  EXPECT_LT(s.tracer().average_mu(), 0.4);
  EXPECT_GE(count.reducing, 3);
}

TEST(OutOfMemory, FourIneffectiveFullGcsInARowAreFatal) {
  // A heap kept at 90% of a 32 MiB maximum by live objects, and nothing but full GCs.
  GcConfig config = Limited(32);
  std::string t = "heaplab-trace 1\n";
  for (int i = 1; i <= 230; ++i)
    t += "a " + std::to_string(i) + " 131072 0\n";
  for (int i = 0; i < 20; ++i)  // the model clock's mu falls under 0.4 at the eighth
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

// V8 (HeapAllocator::AllocateRawWithLightRetrySlowPath): an old-space allocation that does
// not fit is retried after each of two full GCs ("allocation failure") before the last resort.
// 12.5 MiB of live 128 KiB objects in a 16 MiB old generation, then an 8 MiB table.
std::string OldTableTrace(bool live) {
  std::string t = "heaplab-trace 1\n";
  if (!live) t += "{\n";
  for (int i = 1; i <= 100; ++i)
    t += "o " + std::to_string(i) + " 131072 0\n";
  if (!live) t += "}\n";
  return t + "o 1000 8388608 0\n";
}

struct ReasonCount : GcObserver {
  void OnGc(const GcEvent& e) override {
    if (e.collector != Collector::MarkCompact) return;
    allocation_failure += e.reason == Reason::AllocationFailure ? 1 : 0;
    last_resort += e.reason == Reason::LastResort ? 1 : 0;
  }
  int allocation_failure = 0;
  int last_resort = 0;
};

TEST(OutOfMemory, AnOldAllocationThatCannotFitIsRetriedAfterTwoFullGcs) {
  Session s(Limited(16));
  ReasonCount count;
  s.tracer().AddObserver(&count);
  std::istringstream in(OldTableTrace(true));
  try {
    s.ReplayStream(in, "old-table");
    FAIL() << "expected out of memory";
  } catch (const OutOfMemory& oom) {
    EXPECT_EQ(oom.kind(), OutOfMemory::Kind::HeapLimit);
  }
  EXPECT_EQ(count.allocation_failure, 2);
  EXPECT_GE(count.last_resort, 2);  // then Heap::CollectAllAvailableGarbage
}

TEST(OutOfMemory, AnOldAllocationThatFitsAfterOneFullGcIsNotRetriedAgain) {
  // Control: the same objects are garbage, so the first full GC makes room.
  Session s(Limited(16));
  ReasonCount count;
  s.tracer().AddObserver(&count);
  std::istringstream in(OldTableTrace(false));
  s.ReplayStream(in, "old-table");
  EXPECT_EQ(count.allocation_failure, 1);
  EXPECT_EQ(count.last_resort, 0);
  EXPECT_EQ(s.heap().ids().StateOf(1000), IdTable::State::Live);
}

}  // namespace
}  // namespace heaplab::test
