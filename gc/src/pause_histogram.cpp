#include <heaplab/gc/pause_histogram.h>

#include <algorithm>
#include <cmath>

namespace heaplab {

namespace {
// Bucket 0 holds pauses below kLowest (a logged 0.00 ms among them); bucket i >= 1 holds
// [kLowest * (1 + r)^(i - 1), kLowest * (1 + r)^i); the last one also everything above.
constexpr double kLowest = 1e-3;  // ms
constexpr double kHighest = 1e7;  // ms
const double kLogStep = std::log1p(PauseHistogram::kResolution);
const std::size_t kBuckets =
    static_cast<std::size_t>(std::ceil(std::log(kHighest / kLowest) / kLogStep)) + 2;
}  // namespace

std::size_t PauseHistogram::Bucket(double ms) {
  if (!(ms >= kLowest)) return 0;  // NaN included
  const double i = std::floor(std::log(ms / kLowest) / kLogStep) + 1;
  return std::min(kBuckets - 1, static_cast<std::size_t>(i));
}

double PauseHistogram::Middle(std::size_t bucket) {
  if (bucket == 0) return 0;
  return kLowest * std::exp((static_cast<double>(bucket) - 0.5) * kLogStep);
}

void PauseHistogram::AddToBuckets(double ms) {
  if (buckets_.empty()) buckets_.assign(kBuckets, 0);
  ++buckets_[Bucket(ms)];
}

void PauseHistogram::Add(double ms) {
  if (count_ < kExact) {
    exact_.push_back(ms);
  } else {
    if (buckets_.empty()) {
      for (double e : exact_)
        AddToBuckets(e);
      exact_.clear();
      exact_.shrink_to_fit();
    }
    AddToBuckets(ms);
  }
  if (count_ == 0) {
    min_ = max_ = ms;
  } else {
    min_ = std::min(min_, ms);
    max_ = std::max(max_, ms);
  }
  ++count_;
}

double PauseHistogram::Percentile(double p) const {
  if (count_ == 0) return 0;
  const auto rank = std::clamp<std::uint64_t>(
      static_cast<std::uint64_t>(std::ceil(p / 100.0 * static_cast<double>(count_))), 1, count_);
  if (rank == 1) return min_;
  if (rank == count_) return max_;
  if (buckets_.empty()) {  // still exact
    std::vector<double> sorted = exact_;
    std::nth_element(sorted.begin(), sorted.begin() + static_cast<std::ptrdiff_t>(rank - 1),
                     sorted.end());
    return sorted[rank - 1];
  }
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < buckets_.size(); ++i) {
    seen += buckets_[i];
    if (seen >= rank) return std::clamp(i == 0 ? min_ : Middle(i), min_, max_);
  }
  return max_;
}

}  // namespace heaplab
