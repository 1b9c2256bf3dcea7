#include <heaplab/gc/heap_growing.h>

#include <algorithm>
#include <cmath>

#include <heaplab/heap/globals.h>

namespace heaplab {

namespace {
// x64 without pointer compression: V8's limits are scaled by kHeapLimitMultiplier = 2.
constexpr std::size_t kMinSize = 128 * 2 * MB;
constexpr std::size_t kMaxSize = 1024 * 2 * MB;
constexpr std::size_t kMaxInitialOldGenerationSize = 256 * 2 * MB;
}  // namespace

HeapGrowing::HeapGrowing(std::size_t max_old_generation_size)
    : max_(max_old_generation_size),
      limit_(std::min(kMaxInitialOldGenerationSize, max_old_generation_size / 2) / kPageSize *
             kPageSize) {}

double HeapGrowing::MaxGrowingFactor(std::size_t max_heap) {
  constexpr double kMinSmallFactor = 1.3;
  constexpr double kMaxSmallFactor = 2.0;
  constexpr double kHighFactor = 4.0;
  if (max_heap >= kMaxSize) return kHighFactor;
  const double size = static_cast<double>(std::max(max_heap, kMinSize));
  return kMinSmallFactor + (kMaxSmallFactor - kMinSmallFactor) *
                               (size - static_cast<double>(kMinSize)) /
                               static_cast<double>(kMaxSize - kMinSize);
}

// The factor that keeps mutator utilization at the target given how fast the collector marks
// (gc_speed) and the mutator allocates (mutator_speed), both in bytes per ms.
double HeapGrowing::DynamicGrowingFactor(double gc_speed, double mutator_speed, double max_factor) {
  if (gc_speed == 0 || mutator_speed == 0) return max_factor;
  const double speed_ratio = gc_speed / mutator_speed;
  const double a = speed_ratio * (1 - kTargetMutatorUtilization);
  const double b = speed_ratio * (1 - kTargetMutatorUtilization) - kTargetMutatorUtilization;
  double factor = (a < b * max_factor) ? a / b : max_factor;
  factor = std::min(factor, max_factor);
  return std::max(factor, kMinGrowingFactor);
}

std::size_t HeapGrowing::MinimumAllocationLimitGrowingStep(GrowingMode mode) {
  const std::size_t unit = std::max(kPageSize, MB);
  return unit * (mode == GrowingMode::Conservative ? 2 : 8);
}

std::size_t HeapGrowing::CalculateAllocationLimit(std::size_t current, std::size_t max,
                                                  std::size_t new_space_capacity, double factor,
                                                  GrowingMode mode) {
  factor = EffectiveFactor(factor, mode);
  current = std::max<std::size_t>(current, 1);
  const auto grown = static_cast<std::size_t>(static_cast<double>(current) * factor);
  const std::size_t limit =
      std::max(grown, current + MinimumAllocationLimitGrowingStep(mode)) + new_space_capacity;
  const std::size_t halfway = current / 2 + max / 2;
  return std::min(limit, halfway);
}

double HeapGrowing::EffectiveFactor(double factor, GrowingMode mode) {
  if (mode == GrowingMode::Conservative) return std::min(factor, kConservativeGrowingFactor);
  if (mode == GrowingMode::Minimal) return kMinGrowingFactor;
  return factor;
}

void HeapGrowing::ConfigureInitialOldGenerationSize(std::size_t old_size,
                                                    double average_survival_ratio,
                                                    GrowingMode mode) {
  if (configured_) return;
  const std::size_t lowered = std::max(
      old_size + MinimumAllocationLimitGrowingStep(mode),
      static_cast<std::size_t>(static_cast<double>(limit_) * average_survival_ratio / 100));
  if (lowered < limit_) {
    limit_ = lowered;
  } else {
    configured_ = true;
  }
}

LimitTrace HeapGrowing::RecomputeAfterFullGc(std::size_t old_size, std::size_t new_space_capacity,
                                             double gc_speed, double mutator_speed,
                                             GrowingMode mode) {
  LimitTrace t;
  t.gc_speed = gc_speed;
  t.mutator_speed = mutator_speed;
  t.old_size = old_size;
  t.factor = DynamicGrowingFactor(gc_speed, mutator_speed, MaxGrowingFactor(max_));
  limit_ = CalculateAllocationLimit(old_size, max_, new_space_capacity, t.factor, mode);
  // V8's global memory controller: the same computation against twice the maximum.
  t.global_limit = CalculateAllocationLimit(old_size, 2 * max_, new_space_capacity, t.factor, mode);
  t.limit = limit_;
  t.limit_factor = EffectiveFactor(t.factor, mode);
  configured_ = true;
  return t;
}

}  // namespace heaplab
