#include <heaplab/gc/pause_histogram.h>

#include <algorithm>
#include <bit>
#include <cmath>

namespace heaplab {

namespace {
// Bucket 0 holds pauses below 2^kLowestExponent ms (about 1 microsecond; a logged 0.00 ms among
// them). Above, each power of two is split into kSubBuckets equal parts, read straight from
// the top bits of the double's mantissa (no logarithm): a bucket spans at most 1/128 of its
// values, so its middle is within 0.4% of any of them. Pauses from 2^kHighestExponent ms
// (4.6 hours) on share the last bucket.
constexpr int kLowestExponent = -10;
constexpr int kHighestExponent = 24;
constexpr int kSubBits = 7;
constexpr std::size_t kSubBuckets = std::size_t{1} << kSubBits;
constexpr std::size_t kBuckets =
    2 + static_cast<std::size_t>(kHighestExponent - kLowestExponent) * kSubBuckets;
constexpr double kLowest = 1.0 / 1024;  // 2^kLowestExponent
constexpr int kExponentBias = 1023;
}  // namespace

std::size_t PauseHistogram::Bucket(double ms) {
  if (!(ms >= kLowest)) return 0;  // NaN included
  const auto bits = std::bit_cast<std::uint64_t>(ms);
  const auto exponent = static_cast<int>((bits >> 52) & 0x7ff) - kExponentBias;
  if (exponent >= kHighestExponent) return kBuckets - 1;
  const std::size_t sub = (bits >> (52 - kSubBits)) & (kSubBuckets - 1);
  return 1 + static_cast<std::size_t>(exponent - kLowestExponent) * kSubBuckets + sub;
}

double PauseHistogram::Middle(std::size_t bucket) {
  if (bucket == 0) return 0;
  const std::size_t i = bucket - 1;
  const int exponent = static_cast<int>(i / kSubBuckets) + kLowestExponent;
  const double sub = static_cast<double>(i % kSubBuckets) + 0.5;
  return std::ldexp(1.0 + sub / static_cast<double>(kSubBuckets), exponent);
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
