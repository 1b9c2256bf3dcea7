#include <heaplab/gc/speed.h>

#include <algorithm>

namespace heaplab {

double SpeedSamples::Average(double initial_bytes, double initial_ms, double window_ms) const {
  double bytes = initial_bytes;
  double ms = initial_ms;
  const std::size_t count = std::min(next_, kSize);
  for (std::size_t i = 0; i < count; ++i) {
    if (window_ms != 0 && ms >= window_ms) break;
    const Sample& s = samples_[(next_ - 1 - i) % kSize];
    bytes += s.bytes;
    ms += s.ms;
  }
  if (ms == 0) return 0;
  return std::clamp(bytes / ms, 1.0, 1024.0 * 1024 * 1024);
}

}  // namespace heaplab
