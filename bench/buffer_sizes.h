// The size sequences of the Buffer allocation benchmarks, shared by heaplab_bench (the pool and
// mimalloc) and heaplab_bench_glibc (glibc's malloc, a binary without mimalloc), so that every
// allocator sees the same sizes in the same order:
//   kFixture   the sizes of the 1,977 calls real Node 20 pooled in
//              tests/data/node20/buffer_pool_placements_seed1.txt (1 to 4090 bytes, mean 498;
//              287 are under 16 bytes), in the order Node made them
//   kUniform   3,000 sizes uniform in [16, 4095] (mean 2056), seeded, the same on every machine
// Header-only and free of heaplab's libraries, so that the glibc binary links nothing of ours.
#pragma once

#include <time.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace heaplab::bench {

enum SizeSequence : int { kFixture = 0, kUniform = 1 };

inline const char* SizeSequenceName(int which) {
  return which == kFixture ? "node20_fixture" : "uniform_16_4095";
}

// The fixture's file; HEAPLAB_SOURCE_DIR is the source tree, set by bench/CMakeLists.txt.
inline std::string FixturePath() {
  return std::string(HEAPLAB_SOURCE_DIR) + "/tests/data/node20/buffer_pool_placements_seed1.txt";
}

// Lines "N API SIZE pooled=P slab=K offset=O"; the sizes of the pooled ones.
inline std::vector<std::size_t> LoadFixtureSizes() {
  std::ifstream in(FixturePath());
  if (!in) throw std::runtime_error("cannot read " + FixturePath());
  std::vector<std::size_t> sizes;
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string index, api, pooled;
    std::size_t size = 0;
    if (!(fields >> index >> api >> size >> pooled)) {
      throw std::runtime_error(FixturePath() + ": malformed line '" + line + "'");
    }
    if (pooled == "pooled=1") sizes.push_back(size);
  }
  return sizes;
}

inline std::vector<std::size_t> UniformSizes(std::size_t count = 3000, std::uint64_t seed = 1) {
  std::mt19937_64 rng(seed);
  std::vector<std::size_t> sizes(count);
  constexpr std::uint64_t kLo = 16, kSpan = 4095 - 16 + 1;
  for (std::size_t& s : sizes) {
    __extension__ using u128 = unsigned __int128;
    s = static_cast<std::size_t>(kLo + ((static_cast<u128>(rng()) * kSpan) >> 64));
  }
  return sizes;
}

// CPU time of the calling thread, in seconds: the benchmarks time their passes with it rather
// than the wall clock, so that time the thread spends descheduled on a busy machine does not
// count (the figures in docs/buffers.md were taken with other jobs running).
inline double ThreadCpuSeconds() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

// What reading that clock twice costs (a system call here, about 1.4 us on the machine of the
// figures): the median of 101 back-to-back readings, subtracted from every timed pass.
inline double ClockOverheadSeconds() {
  static const double overhead = [] {
    std::vector<double> d;
    for (int i = 0; i < 101; ++i) {
      const double a = ThreadCpuSeconds();
      d.push_back(ThreadCpuSeconds() - a);
    }
    std::nth_element(d.begin(), d.begin() + 50, d.end());
    return d[50];
  }();
  return overhead;
}

inline const std::vector<std::size_t>& Sizes(int which) {
  static const std::vector<std::size_t> fixture = LoadFixtureSizes();
  static const std::vector<std::size_t> uniform = UniformSizes();
  return which == kFixture ? fixture : uniform;
}

}  // namespace heaplab::bench
