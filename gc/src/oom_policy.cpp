#include <heaplab/gc/oom_policy.h>

namespace heaplab {

bool IneffectiveMarkCompacts::IsIneffective(std::size_t old_size, std::size_t max_old_size,
                                            double mu) {
  return static_cast<double>(old_size) >= kHighHeapPercentage * static_cast<double>(max_old_size) &&
         mu < kLowMutatorUtilization;
}

bool IneffectiveMarkCompacts::Record(std::size_t old_size, std::size_t max_old_size, double mu) {
  if (!IsIneffective(old_size, max_old_size, mu)) {
    consecutive_ = 0;
    return false;
  }
  return ++consecutive_ == kMaxConsecutive;
}

}  // namespace heaplab
