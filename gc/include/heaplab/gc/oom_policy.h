// The out-of-memory rule for full GCs that no longer help, as V8 applies it
// (Heap::IsIneffectiveMarkCompact and Heap::CheckIneffectiveMarkCompact): a full GC is
// ineffective when it leaves the old generation at 80% or more of its maximum (>=) and the
// average mutator utilization below 0.4 (<); the fourth ineffective full GC in a row declares
// the heap out of memory, and any effective one starts the count again. The decision is kept
// apart from the controller, which owns the heap, so that both sides of every threshold can be
// tested directly.
#pragma once

#include <cstddef>

namespace heaplab {

class IneffectiveMarkCompacts {
 public:
  static constexpr double kHighHeapPercentage = 0.8;
  static constexpr double kLowMutatorUtilization = 0.4;
  static constexpr int kMaxConsecutive = 4;

  // One full GC that left `old_size` bytes in an old generation of at most `max_old_size`,
  // with average mutator utilization `mu`.
  static bool IsIneffective(std::size_t old_size, std::size_t max_old_size, double mu);

  // Counts one full GC; true when it is the kMaxConsecutive-th ineffective one in a row.
  bool Record(std::size_t old_size, std::size_t max_old_size, double mu);
  int consecutive() const { return consecutive_; }

 private:
  int consecutive_ = 0;
};

}  // namespace heaplab
