// A streaming distribution of pauses in bounded memory. The first kExact pauses are kept as they
// are, and percentiles are exact up to there; past it they go into a histogram whose buckets
// split each power of two into 128 (HDR-histogram style), from about 1 microsecond to 4.6
// hours (4,354 buckets, 34 KiB, whatever the number of pauses), and a nearest-rank percentile
// is within 1% of the exact one (the bucket's middle, clamped to the smallest and largest
// pause seen; those two stay exact). RunSummary uses it when it must not keep one value per
// collection, as for a V8 log of any length (`heaplab v8log`).
#pragma once

#include <cstdint>
#include <vector>

namespace heaplab {

class PauseHistogram {
 public:
  // A percentile past kExact pauses is within this factor of the exact one.
  static constexpr double kResolution = 0.01;
  // Pauses kept exactly before the histogram takes over.
  static constexpr std::size_t kExact = 4096;

  void Add(double ms);
  std::uint64_t count() const { return count_; }
  double min() const { return count_ == 0 ? 0 : min_; }
  double max() const { return count_ == 0 ? 0 : max_; }
  // Nearest-rank percentile, p in [0, 100]; 0 when empty.
  double Percentile(double p) const;

 private:
  static std::size_t Bucket(double ms);
  static double Middle(std::size_t bucket);
  void AddToBuckets(double ms);

  std::vector<double> exact_;           // the first kExact pauses
  std::vector<std::uint64_t> buckets_;  // allocated when exact_ is full
  std::uint64_t count_ = 0;
  double min_ = 0;
  double max_ = 0;
};

}  // namespace heaplab
