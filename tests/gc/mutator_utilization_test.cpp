// Mutator utilization as V8 computes it (GCTracer::RecordMutatorUtilization), checked on the
// tracer with the model clock.
#include <gtest/gtest.h>

#include <heaplab/gc/tracer.h>
#include "test_heap.h"

namespace heaplab::test {
namespace {

TEST(MutatorUtilization, StartsAtOneAndIsUnchangedByScavenges) {
  auto s = ReplayText(SmallConfig(), "heaplab-trace 1\na 1 64 0\ng minor\nt 500\ng minor\n");
  EXPECT_DOUBLE_EQ(s->tracer().current().average_mu, 1.0);
  EXPECT_DOUBLE_EQ(s->tracer().current().current_mu, 1.0);
}

TEST(MutatorUtilization, FollowsV8sAveragingRule) {
  Heap heap(SmallConfig().heap);
  ModelClock clock;
  Tracer tracer(heap, clock);
  auto full_gc = [&](double mutator_ms, double pause_ms) {
    clock.Idle(mutator_ms);
    tracer.Begin(Collector::MarkCompact, Reason::Testing, nullptr);
    clock.Idle(pause_ms);
    tracer.End();
    return tracer.current();
  };
  // The first full GC only sets the start; Begin() charges a fixed set-up cost, which is part
  // of each pause.
  GcEvent e = full_gc(100, 10);
  EXPECT_DOUBLE_EQ(e.average_mu, 1.0);
  e = full_gc(90, 10);
  const double pause = e.pause_ms;
  EXPECT_NEAR(e.current_mu, 90.0 / (90.0 + pause), 1e-9);
  EXPECT_NEAR(e.average_mu, 90.0 / (90.0 + pause), 1e-9);
  e = full_gc(30, 10);
  const double pause3 = e.pause_ms;
  EXPECT_NEAR(e.current_mu, 30.0 / (30.0 + pause3), 1e-9);
  const double avg_mutator = (90.0 + 30.0) / 2;
  const double avg_gc = (pause + pause3) / 2;
  EXPECT_NEAR(e.average_mu, avg_mutator / (avg_mutator + avg_gc), 1e-9);
}

}  // namespace
}  // namespace heaplab::test
