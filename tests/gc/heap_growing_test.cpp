// Heap growing against V8's own numbers: the formulas of MemoryController, and the limits Node
// printed under --trace-gc-verbose (tests/data/node20/leaky_cache_verbose.log).
#include <gtest/gtest.h>

#include <vector>

#include <heaplab/gc/heap_growing.h>
#include <heaplab/heap/globals.h>
#include "test_heap.h"

namespace heaplab {
namespace {

TEST(HeapGrowing, MaxGrowingFactorFollowsTheHeapSize) {
  EXPECT_DOUBLE_EQ(HeapGrowing::MaxGrowingFactor(64 * MB), 1.3);
  EXPECT_DOUBLE_EQ(HeapGrowing::MaxGrowingFactor(256 * MB), 1.3);
  EXPECT_NEAR(HeapGrowing::MaxGrowingFactor(1152 * MB), 1.65, 1e-12);
  EXPECT_DOUBLE_EQ(HeapGrowing::MaxGrowingFactor(2048 * MB), 4.0);
  EXPECT_DOUBLE_EQ(HeapGrowing::MaxGrowingFactor(4096 * MB), 4.0);
}

TEST(HeapGrowing, DynamicFactorKeepsMutatorUtilizationAtTarget) {
  // Unknown speeds: the maximum.
  EXPECT_DOUBLE_EQ(HeapGrowing::DynamicGrowingFactor(0, 450397, 4.0), 4.0);
  // Node's line "factor 4.0 based on mu=0.970, speed_ratio=2 (gc=826716, mutator=353333)".
  EXPECT_DOUBLE_EQ(HeapGrowing::DynamicGrowingFactor(826716, 353333, 4.0), 4.0);
  // A fast collector: speed ratio 100 gives a = 3, b = 2.03, factor = a / b.
  EXPECT_NEAR(HeapGrowing::DynamicGrowingFactor(100, 1, 4.0), 3.0 / 2.03, 1e-12);
  // Never below the minimum.
  EXPECT_DOUBLE_EQ(HeapGrowing::DynamicGrowingFactor(1e9, 1, 4.0), 1.1);
}

TEST(HeapGrowing, LimitMatchesNodesHeapControllerLines) {
  // "[HeapController] Limit: old size: 35783 KB, new limit: 159242 KB (4.0)" with a 16 MiB
  // semispace whose usable capacity V8 reports as 16110 KB.
  EXPECT_EQ(HeapGrowing::CalculateAllocationLimit(35783 * KB, 4096 * MB, 16110 * KB, 4.0,
                                                  GrowingMode::Default) /
                KB,
            159242u);
  EXPECT_EQ(HeapGrowing::CalculateAllocationLimit(176338 * KB, 4096 * MB, 16110 * KB, 4.0,
                                                  GrowingMode::Default) /
                KB,
            721462u);
}

TEST(HeapGrowing, LimitGrowsAtLeastByTheStepAndStopsHalfwayToTheMaximum) {
  // live + 8 MiB beats live x 1.1 for a small heap.
  EXPECT_EQ(HeapGrowing::CalculateAllocationLimit(10 * MB, 4096 * MB, 0, 1.1, GrowingMode::Default),
            18 * MB);
  // 2 MiB when conserving memory, and the factor is capped at 1.3.
  EXPECT_EQ(
      HeapGrowing::CalculateAllocationLimit(10 * MB, 4096 * MB, 0, 4.0, GrowingMode::Conservative),
      13 * MB);
  // Near the maximum the limit is halfway between live and the maximum.
  EXPECT_EQ(
      HeapGrowing::CalculateAllocationLimit(60 * MB, 64 * MB, 1 * MB, 1.3, GrowingMode::Default),
      62 * MB);
  // Minimal: factor 1.1.
  EXPECT_EQ(
      HeapGrowing::CalculateAllocationLimit(1000 * MB, 4096 * MB, 0, 4.0, GrowingMode::Minimal),
      1100 * MB);
}

TEST(HeapGrowing, InitialLimitIsHalfTheMaximumUpTo512MiBThenFallsWithSurvival) {
  EXPECT_EQ(HeapGrowing(4096 * MB).limit(), 512 * MB);
  EXPECT_EQ(HeapGrowing(64 * MB).limit(), 32 * MB);
  HeapGrowing g(4096 * MB);
  g.ConfigureInitialOldGenerationSize(1 * MB, 50.0, GrowingMode::Default);
  EXPECT_EQ(g.limit(), 256 * MB);
  EXPECT_FALSE(g.configured());
  g.ConfigureInitialOldGenerationSize(1 * MB, 1.0, GrowingMode::Default);
  EXPECT_EQ(g.limit(), 9 * MB) << "never below live + 8 MiB";
  g.ConfigureInitialOldGenerationSize(1 * MB, 1.0, GrowingMode::Default);
  EXPECT_TRUE(g.configured()) << "stops once the limit no longer falls";
}

TEST(HeapGrowing, FullGcSetsTheLimitFromLiveBytes) {
  HeapGrowing g(4096 * MB);
  const LimitTrace t = g.RecomputeAfterFullGc(100 * MB, 16 * MB, 0, 1000, GrowingMode::Default);
  EXPECT_DOUBLE_EQ(t.factor, 4.0);
  EXPECT_EQ(g.limit(), 416 * MB);
  EXPECT_EQ(t.limit, g.limit());
  EXPECT_TRUE(g.configured());
}

// The collector speed the growing factor uses (V8 11.3's
// GCTracer::CombinedMarkCompactSpeedInBytesPerMillisecond), read from the limit events of a
// leaking cache: for each full GC, the gc speed of its limit computation, its pause, its live
// bytes after, and the bytes and ms of its cycle's marking steps.
struct FullGcSpeeds : GcObserver {
  struct Gc {
    double gc_speed = 0;
    double pause_ms = 0;
    double end_bytes = 0;
    double marked_bytes = 0;
    double steps_ms = 0;
    bool incremental = false;
  };
  void OnHeapEvent(const HeapEvent& e) override {
    if (e.kind == HeapEventKind::LimitChange) speed = e.gc_speed;
  }
  void OnMarking(const MarkingEvent& e) override {
    if (e.kind == MarkingEventKind::Start) marked = 0;
    if (e.kind == MarkingEventKind::Step) marked += static_cast<double>(e.value);
  }
  void OnGc(const GcEvent& e) override {
    if (e.collector != Collector::MarkCompact) return;
    gcs.push_back({speed, e.pause_ms, static_cast<double>(e.end_object_size), marked,
                   e.incremental_ms, e.incremental_steps > 0});
    marked = 0;
  }
  double speed = 0;
  double marked = 0;
  std::vector<Gc> gcs;
};

FullGcSpeeds RunLeakCache(bool incremental_marking) {
  GcConfig config;
  config.clock = ClockKind::Model;
  config.heap.max_old_space_size = 512 * MB;  // three full GCs before the cache is complete
  config.incremental_marking = incremental_marking;
  Session s(config);
  FullGcSpeeds log;
  s.tracer().AddObserver(&log);
  ScenarioOptions o;
  o.params = {{"entries", 1000000}};
  s.ReplayScenario(*FindScenario("leak-cache"), o);
  return log;
}

TEST(HeapGrowing, GcSpeedCombinesMarkingStepsAndFinishingPausesWhenMarkingIsIncremental) {
  const FullGcSpeeds log = RunLeakCache(true);
  ASSERT_GE(log.gcs.size(), 3u);
  for (const FullGcSpeeds::Gc& gc : log.gcs)
    ASSERT_TRUE(gc.incremental && gc.steps_ms > 0 && gc.pause_ms > 0);
  const auto& g = log.gcs;
  // The first full GC has no earlier pause: no speed, so the maximum factor.
  EXPECT_EQ(g[0].gc_speed, 0);
  // The second: the first cycle's step speed s1 and its finishing pause's speed s2, combined
  // as 1 / (1 / s1 + 1 / s2).
  const double s1 = g[0].marked_bytes / g[0].steps_ms;
  const double s2 = g[0].end_bytes / g[0].pause_ms;
  EXPECT_NEAR(g[1].gc_speed, s1 * s2 / (s1 + s2), 1e-6 * s1);
  // It is slower than either, and far slower than live bytes per finishing pause.
  EXPECT_LT(g[1].gc_speed, s1);
  EXPECT_LT(g[1].gc_speed, s2);
  // The third: the step speeds averaged (each cycle's with the record), the pauses summed.
  const double s1b = (s1 + g[1].marked_bytes / g[1].steps_ms) / 2;
  const double s2b = (g[0].end_bytes + g[1].end_bytes) / (g[0].pause_ms + g[1].pause_ms);
  EXPECT_NEAR(g[2].gc_speed, s1b * s2b / (s1b + s2b), 1e-6 * s1b);
}

TEST(HeapGrowing, GcSpeedIsLiveBytesPerPauseWhenFullGcsAreAtomic) {
  // Control: under --no-incremental-marking V8 records the pauses as atomic full GCs
  // (GCTracer::MarkCompactSpeedInBytesPerMillisecond).
  const FullGcSpeeds log = RunLeakCache(false);
  ASSERT_GE(log.gcs.size(), 2u);
  const auto& g = log.gcs;
  EXPECT_FALSE(g[0].incremental);
  EXPECT_EQ(g[0].gc_speed, 0);
  EXPECT_NEAR(g[1].gc_speed, g[0].end_bytes / g[0].pause_ms, 1e-6 * g[1].gc_speed);
}

}  // namespace
}  // namespace heaplab
