// glibc's malloc per allocation for the Buffer size sequences of buffer_pool_bench.cpp. This
// binary (heaplab_bench_glibc) links neither mimalloc nor heaplab's libraries: in heaplab_bench,
// mimalloc replaces malloc for the whole process. The counter malloc_is_glibc checks that the
// malloc measured is glibc's (its mallinfo2 sees the blocks).
//   build/release/bench/heaplab_bench_glibc --benchmark_repetitions=5
//       --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>
#include <malloc.h>

#include <cstdlib>
#include <vector>

#include "buffer_sizes.h"

namespace heaplab::bench {
namespace {

// The timed work of one pass, never inlined, as buffer_pool_bench.cpp's AllocatePass (callgrind
// --toggle-collect='*AllocatePass*' counts its instructions).
[[gnu::noinline]] void AllocatePass(const std::vector<std::size_t>& sizes,
                                    std::vector<void*>& blocks) {
  for (const std::size_t size : sizes) {
    void* p = std::malloc(size);
    benchmark::DoNotOptimize(p);
    blocks.push_back(p);
  }
}

// The same measure as buffer_pool_bench.cpp's MallocPasses: one pass over the sequence per
// iteration (2000 of them, as there), the allocations timed, the frees after.
void BM_GlibcMalloc(benchmark::State& state) {
  const std::vector<std::size_t>& sizes = Sizes(static_cast<int>(state.range(0)));
  std::vector<void*> blocks;
  blocks.reserve(sizes.size());
  double seconds = 0;
  std::uint64_t allocations = 0;
  for (auto _ : state) {
    const double start = ThreadCpuSeconds();
    AllocatePass(sizes, blocks);
    const double stop = ThreadCpuSeconds();
    const double pass = std::max(0.0, stop - start - ClockOverheadSeconds());
    state.SetIterationTime(pass);
    seconds += pass;
    allocations += sizes.size();
    for (void* p : blocks)
      std::free(p);
    blocks.clear();
  }
  state.SetLabel(SizeSequenceName(static_cast<int>(state.range(0))));
  state.counters["allocs_per_pass"] = static_cast<double>(sizes.size());
  state.counters["clock_ns"] = ClockOverheadSeconds() * 1e9;
  state.counters["ns_per_alloc"] =
      allocations == 0 ? 0.0 : seconds * 1e9 / static_cast<double>(allocations);
  // A 64 KiB block is below glibc's mmap threshold: if malloc is glibc's, mallinfo2's in-use
  // bytes of the arena grow by at least that much.
  const std::size_t before = mallinfo2().uordblks;
  void* probe = std::malloc(64 * 1024);
  benchmark::DoNotOptimize(probe);
  const std::size_t after = mallinfo2().uordblks;
  std::free(probe);
  state.counters["malloc_is_glibc"] = after >= before + 64 * 1024 ? 1 : 0;
}
BENCHMARK(BM_GlibcMalloc)->Arg(kFixture)->Arg(kUniform)->UseManualTime()->Iterations(2000);

// The same with glibc's trimming off (mallopt M_TRIM_THRESHOLD): freeing a pass's blocks then
// no longer gives the top of the heap back to the kernel, to be faulted in again by the next
// pass. Registered last, because the setting stays for the rest of the process.
void BM_GlibcMallocNoTrim(benchmark::State& state) {
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
  BM_GlibcMalloc(state);
}
BENCHMARK(BM_GlibcMallocNoTrim)->Arg(kFixture)->Arg(kUniform)->UseManualTime()->Iterations(2000);

}  // namespace
}  // namespace heaplab::bench
