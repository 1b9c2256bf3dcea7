// Heap growing against V8's own numbers: the formulas of MemoryController, and the limits Node
// printed under --trace-gc-verbose (tests/data/node20/leaky_cache_verbose.log).
#include <gtest/gtest.h>

#include <heaplab/gc/heap_growing.h>
#include <heaplab/heap/globals.h>

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

}  // namespace
}  // namespace heaplab
