// Heap growing: the old generation's allocation limit, as V8 11.3 computes it
// (MemoryController<V8HeapTrait> in heap-controller.cc, Heap::RecomputeLimits and
// Heap::ConfigureInitialOldGenerationSize; see docs/v8-reference.md section 4).
//
//   factor = DynamicGrowingFactor(gc speed, mutator speed, MaxGrowingFactor(max old size)),
//            the growth that keeps mutator utilization at 0.97, within [1.1, max factor]
//   limit  = min(max(live x factor, live + step) + new space capacity, (live + max) / 2)
//
// where step is 8 MiB (2 MiB when conserving memory). Before the first full GC the initial
// limit (min(512 MiB, max/2)) is lowered after each GC towards live + step, scaled by the
// average survival ratio, until it stops falling.
#pragma once

#include <cstddef>

namespace heaplab {

// V8's HeapGrowingMode, less kSlow (its memory reducer is not modelled).
enum class GrowingMode { Conservative, Minimal, Default };

struct LimitTrace {          // what --trace-gc-verbose prints as [HeapController] lines
  double factor = 0;         // the dynamic growing factor
  double limit_factor = 0;   // the factor the limit used, after the growing mode
  double gc_speed = 0;       // bytes per ms
  double mutator_speed = 0;  // bytes per ms
  std::size_t old_size = 0;  // bytes
  std::size_t limit = 0;     // bytes
  std::size_t global_limit = 0;
};

class HeapGrowing {
 public:
  static constexpr double kMinGrowingFactor = 1.1;
  static constexpr double kMaxGrowingFactor = 4.0;
  static constexpr double kConservativeGrowingFactor = 1.3;
  static constexpr double kTargetMutatorUtilization = 0.97;

  explicit HeapGrowing(std::size_t max_old_generation_size);

  std::size_t limit() const { return limit_; }
  bool configured() const { return configured_; }

  static double MaxGrowingFactor(std::size_t max_heap);
  static double DynamicGrowingFactor(double gc_speed, double mutator_speed, double max_factor);
  static std::size_t MinimumAllocationLimitGrowingStep(GrowingMode mode);
  static double EffectiveFactor(double factor, GrowingMode mode);
  // The new limit for `current` live bytes; `max` is the hard maximum.
  static std::size_t CalculateAllocationLimit(std::size_t current, std::size_t max,
                                              std::size_t new_space_capacity, double factor,
                                              GrowingMode mode);

  // After every GC until configured: lower the initial limit from the survival ratio (%).
  void ConfigureInitialOldGenerationSize(std::size_t old_size, double average_survival_ratio,
                                         GrowingMode mode);
  // After every full GC.
  LimitTrace RecomputeAfterFullGc(std::size_t old_size, std::size_t new_space_capacity,
                                  double gc_speed, double mutator_speed, GrowingMode mode);

 private:
  std::size_t max_;
  std::size_t limit_;
  bool configured_ = false;
};

}  // namespace heaplab
