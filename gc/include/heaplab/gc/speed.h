// V8's speed estimates (GCTracer::AverageSpeed): the last ten (bytes, ms) samples, summed
// newest first, optionally only as far back as a time window.
#pragma once

#include <array>
#include <cstddef>

namespace heaplab {

class SpeedSamples {
 public:
  void Push(double bytes, double ms) {
    samples_[next_ % kSize] = {bytes, ms};
    ++next_;
  }
  bool empty() const { return next_ == 0; }
  // Bytes per ms over the newest samples, starting from `initial`, stopping once `window_ms`
  // is covered (0: all samples). 0 when no time was recorded; else clamped to [1, 1 GiB].
  double Average(double initial_bytes = 0, double initial_ms = 0, double window_ms = 0) const;

 private:
  static constexpr std::size_t kSize = 10;
  struct Sample {
    double bytes;
    double ms;
  };
  std::array<Sample, kSize> samples_{};
  std::size_t next_ = 0;
};

}  // namespace heaplab
