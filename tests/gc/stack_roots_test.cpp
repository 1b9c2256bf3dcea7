// Incremental marking and the stack (V8 11.3, IncrementalMarking::MarkRoots): marking starts
// from the global roots alone; the stack and the main thread's handles (heaplab: the handle
// scopes' locals) are visited in the finishing pause only. An object that only a local keeps
// alive stays white while marking runs (unless a store into a black object greys it), and the
// finishing pause marks it. Controls: an atomic full GC's marking starts from every root, and an
// object held by a global root is marked by the incremental steps.
#include <gtest/gtest.h>

#include <sstream>
#include <string>

#include <heaplab/traces/session.h>

#include "test_heap.h"

namespace heaplab::test {
namespace {

// Two lists of `n` objects of 64 bytes: ids 1.. hang from a global root, ids 100001.. from a
// local of the trace's outermost level (a handle never closed: the stack). Both end up old.
std::string TwoLists(int n) {
  std::ostringstream t;
  t << "heaplab-trace 1\na 1 64 1\nr 1\na 100001 64 1\n";
  for (int base : {0, 100000}) {
    for (int i = 2; i <= n; ++i)
      t << "{\na " << base + i << " 64 1\nw " << base + i - 1 << " 0 " << base + i << "\n}\n";
  }
  t << "g major\n";
  return t.str();
}

GcConfig Config() {
  GcConfig config = SmallConfig();
  config.concurrent_marking = false;  // the main thread's steps alone, for a clear count
  return config;
}

TEST(StackRoots, IncrementalMarkingLeavesTheStackToTheFinishingPause) {
  auto s = ReplayText(Config(), TwoLists(500));
  GcController& c = s->controller();
  c.StartIncrementalMarking(Reason::Testing);
  Marker& marker = c.incremental_marking().marker();
  marker.Drain();  // every step marking could take
  // Control: the global root's list is marked by the steps.
  EXPECT_TRUE(marker.IsMarked(AddressOf(*s, 1)));
  EXPECT_TRUE(marker.IsMarked(AddressOf(*s, 500)));
  // The local's list is not: the stack is no root of incremental marking.
  EXPECT_FALSE(marker.IsMarked(AddressOf(*s, 100001)));
  EXPECT_FALSE(marker.IsMarked(AddressOf(*s, 100500)));
  // The finishing pause finds it: nothing the stack holds is freed.
  c.Collect(Collector::MarkCompact, Reason::Testing);
  EXPECT_NE(AddressOf(*s, 100500), Address{0});
  EXPECT_NE(AddressOf(*s, 500), Address{0});
}

TEST(StackRoots, AnAtomicFullGcMarksFromTheStackAtOnce) {
  auto s = ReplayText(Config(), TwoLists(500));
  Marker& marker = s->controller().incremental_marking().marker();
  marker.Start();  // the atomic pause's root marking
  marker.Drain();
  EXPECT_TRUE(marker.IsMarked(AddressOf(*s, 100001)));
  EXPECT_TRUE(marker.IsMarked(AddressOf(*s, 100500)));
}

TEST(StackRoots, MarkingCompletesWithoutTheStacksObjects) {
  // V8 then declares marking complete once the worklist is empty (Node's oom.log: one step):
  // the steps' bytes are the global root's list alone.
  auto s = ReplayText(Config(), TwoLists(500));
  GcController& c = s->controller();
  c.StartIncrementalMarking(Reason::Testing);
  IncrementalMarking& marking = c.incremental_marking();
  while (!marking.IsComplete())
    marking.Step(64 * KB, false);
  EXPECT_EQ(marking.bytes_marked_by_steps(), 500u * 64);
}

TEST(StackRoots, AMarkingCompleteAtItsFirstStepStillCountsThatStep) {
  // V8 (IncrementalMarking::AdvanceOnAllocation) steps on every 64 KiB of allocation, even with
  // nothing left to mark, so the full GC that finishes such a marking says "in 1 steps".
  auto s = ReplayText(Config(), TwoLists(500));
  GcController& c = s->controller();
  c.StartIncrementalMarking(Reason::Testing);
  IncrementalMarking& marking = c.incremental_marking();
  marking.marker().Drain();
  ASSERT_TRUE(marking.IsComplete());
  const int gcs = c.tracer().gc_count();
  c.AdvanceOnAllocation(IncrementalMarking::kAllocatedThreshold);
  ASSERT_EQ(c.tracer().gc_count(), gcs + 1) << "the finishing pause ran";
  EXPECT_EQ(c.tracer().current().collector, Collector::MarkCompact);
  EXPECT_EQ(c.tracer().current().incremental_steps, 1);
  // Control: below the threshold, no step and no pause.
  auto s2 = ReplayText(Config(), TwoLists(500));
  GcController& c2 = s2->controller();
  c2.StartIncrementalMarking(Reason::Testing);
  c2.incremental_marking().marker().Drain();
  c2.AdvanceOnAllocation(IncrementalMarking::kAllocatedThreshold - 1);
  EXPECT_EQ(c2.tracer().gc_count(), gcs);
  EXPECT_EQ(c2.incremental_marking().steps(), 0);
}

}  // namespace
}  // namespace heaplab::test
