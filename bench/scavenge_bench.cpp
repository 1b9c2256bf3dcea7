// Scavenge throughput, in MB (2^20 bytes) of survivors copied per second, beside memcpy of the
// same bytes as the physical reference.
//
//   BM_Scavenge/SIZE/PCT          new space (16 MiB semispaces) full of SIZE-byte objects with
//                                 one slot, of which PCT% survive, linked in a list from one
//                                 global handle; the timed region is the Scavenge alone.
//   BM_ScavengeWide/SIZE/PCT      the same, with the survivors held by 8 KiB index arrays
//                                 instead of a list (their bytes count as survivors too).
//   BM_MemcpyScattered/SIZE/PCT   the same survivors' bytes copied with one memcpy per object,
//                                 read from a 16 MiB buffer at the same addresses as in from-space
//                                 and written contiguously, as the Scavenge writes to-space.
//   BM_MemcpyContiguous/SIZE/PCT  the same number of bytes in a single memcpy.
//
// Read survivor_MBps (or bytes_per_second) of the three rows of one SIZE/PCT side by side: the
// gap between the Scavenge and memcpy is what finding the survivors costs on top of moving
// their bytes (the Cheney scan, reading headers, forwarding, updating slots). At low survival
// most of that gap is memory latency: the survivors form a list, so the Scavenge learns each
// object's address only from the one before and waits for every header's cache miss in turn,
// while memcpy computes its addresses and overlaps the misses. In every row the 16 MiB source
// was written just before the timed region, so the caches start in the same state. With the V8
// promotion rule and new space emptied before each fill, no survivor lies below the age mark:
// all are copied within new space and none is promoted (checked against the GC event).
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <memory>

#include "bench_heap.h"

namespace heaplab::bench {
namespace {

void ReportSurvivorRate(benchmark::State& state, std::size_t bytes_per_iteration, double seconds) {
  const double total =
      static_cast<double>(bytes_per_iteration) * static_cast<double>(state.iterations());
  state.SetBytesProcessed(static_cast<std::int64_t>(total));
  state.counters["survivor_MBps"] = seconds > 0 ? total / static_cast<double>(MB) / seconds : 0;
  state.counters["survivor_KiB"] = static_cast<double>(bytes_per_iteration) / KB;
}

// BM_Scavenge (Shape::List) and BM_ScavengeWide (Shape::Wide): the same Scavenge, with the
// survivors along a list or side by side in index arrays, whose scan finds many survivors at
// once, so their cache misses overlap as memcpy's do.
void BM_Scavenge(benchmark::State& state, Shape shape) {
  const auto size = static_cast<std::size_t>(state.range(0));
  const auto stride = 100 / static_cast<std::size_t>(state.range(1));
  BenchHeap h(FixedNewSpaceConfig());
  Heap& heap = h.heap();
  std::size_t bytes = 0;
  double seconds = 0;
  for (auto _ : state) {
    const Survivors s = FillNewSpace(heap, size, stride, shape);
    const std::vector<GlobalHandle> roots = RootSurvivors(heap, s);
    const auto start = std::chrono::steady_clock::now();
    const bool scavenge_only = h.Scavenge();
    const double t = SecondsSince(start);
    state.SetIterationTime(t);
    const GcEvent& e = h.controller().tracer().current();
    if (!scavenge_only || e.semi_space_copied != s.bytes || e.promoted != 0) {
      state.SkipWithError(
          "the Scavenge did not copy exactly the survivors within new space, or a full GC "
          "followed");
      break;
    }
    DropRoots(heap, roots);
    h.EmptyNewSpace();
    bytes = s.bytes;
    seconds += t;
  }
  ReportSurvivorRate(state, bytes, seconds);
}

// Two page-aligned, paged-in buffers the size of a semispace: from-space and to-space.
class CopyBuffers {
 public:
  CopyBuffers()
      : from_(static_cast<std::byte*>(std::aligned_alloc(4 * KB, kSemiSpace))),
        to_(static_cast<std::byte*>(std::aligned_alloc(4 * KB, kSemiSpace))) {
    std::memset(from_.get(), 1, kSemiSpace);
    std::memset(to_.get(), 2, kSemiSpace);
  }
  std::byte* from() { return from_.get(); }
  std::byte* to() { return to_.get(); }
  // Rewrites the source, as the mutator has just written from-space before a Scavenge.
  void Refill(int pattern) { std::memset(from_.get(), pattern, kSemiSpace); }

 private:
  struct Free {
    void operator()(std::byte* p) const { std::free(p); }
  };
  std::unique_ptr<std::byte, Free> from_;
  std::unique_ptr<std::byte, Free> to_;
};

// The bytes BM_Scavenge's survivors occupy: objects 0, stride, 2 x stride, ... of a full
// semispace.
std::size_t SurvivorCount(std::size_t size, std::size_t stride) {
  const std::size_t objects = kSemiSpace / size;
  return (objects + stride - 1) / stride;
}

void BM_MemcpyScattered(benchmark::State& state) {
  const auto size = static_cast<std::size_t>(state.range(0));
  const auto stride = 100 / static_cast<std::size_t>(state.range(1));
  const std::size_t count = SurvivorCount(size, stride);
  CopyBuffers buffers;
  double seconds = 0;
  int pattern = 0;
  for (auto _ : state) {
    buffers.Refill(++pattern & 0xff);
    benchmark::ClobberMemory();
    const auto start = std::chrono::steady_clock::now();
    const std::byte* from = buffers.from();
    std::byte* to = buffers.to();
    for (std::size_t i = 0; i < count; ++i) {
      std::memcpy(to, from, size);
      from += stride * size;
      to += size;
    }
    benchmark::ClobberMemory();
    const double t = SecondsSince(start);
    state.SetIterationTime(t);
    seconds += t;
  }
  benchmark::DoNotOptimize(buffers.to());
  ReportSurvivorRate(state, count * size, seconds);
}

void BM_MemcpyContiguous(benchmark::State& state) {
  const auto size = static_cast<std::size_t>(state.range(0));
  const auto stride = 100 / static_cast<std::size_t>(state.range(1));
  const std::size_t bytes = SurvivorCount(size, stride) * size;
  CopyBuffers buffers;
  double seconds = 0;
  int pattern = 0;
  for (auto _ : state) {
    buffers.Refill(++pattern & 0xff);
    benchmark::ClobberMemory();
    const auto start = std::chrono::steady_clock::now();
    std::memcpy(buffers.to(), buffers.from(), bytes);
    benchmark::ClobberMemory();
    const double t = SecondsSince(start);
    state.SetIterationTime(t);
    seconds += t;
  }
  benchmark::DoNotOptimize(buffers.to());
  ReportSurvivorRate(state, bytes, seconds);
}

// Registered by hand so that the three rows of each size and survival rate come out together.
int RegisterScavengeBenchmarks() {
  for (const std::int64_t size : {32, 128}) {
    for (const std::int64_t percent : {1, 10, 50}) {
      benchmark::RegisterBenchmark("BM_Scavenge", BM_Scavenge, Shape::List)
          ->Args({size, percent})
          ->UseManualTime()
          ->Unit(benchmark::kMicrosecond);
      benchmark::RegisterBenchmark("BM_ScavengeWide", BM_Scavenge, Shape::Wide)
          ->Args({size, percent})
          ->UseManualTime()
          ->Unit(benchmark::kMicrosecond);
      benchmark::RegisterBenchmark("BM_MemcpyScattered", BM_MemcpyScattered)
          ->Args({size, percent})
          ->UseManualTime()
          ->Unit(benchmark::kMicrosecond);
      benchmark::RegisterBenchmark("BM_MemcpyContiguous", BM_MemcpyContiguous)
          ->Args({size, percent})
          ->UseManualTime()
          ->Unit(benchmark::kMicrosecond);
    }
  }
  return 0;
}
[[maybe_unused]] const int kRegistered = RegisterScavengeBenchmarks();

}  // namespace
}  // namespace heaplab::bench
