// Pooled Buffer allocation against mimalloc, per allocation, for the same size sequences
// (buffer_sizes.h: the sizes real Node 20 pooled in the placements fixture, and uniform 16 to
// 4095 bytes). glibc's malloc is measured by heaplab_bench_glibc (glibc_malloc_bench.cpp), a
// binary without mimalloc, because linking mimalloc replaces malloc for the whole process.
//
//   BM_PoolAllocate/SEQ   BufferPool::Allocate(size, unsafe): Node's bump path (fit check,
//                         offset rounded up to 8, a new 8 KiB slab from the pool's mimalloc
//                         heap when a request does not fit) plus heaplab's record of the Buffer
//   BM_MiMalloc/SEQ       mi_malloc(size)
//   BM_Malloc/SEQ         malloc(size) in this binary (mimalloc's, when it replaced glibc's:
//                         the counter malloc_is_mimalloc says)
//
// One iteration is one pass over the sequence; only the allocations are timed (manual time):
// the pool is made before and destroyed after, the malloc'ed blocks are freed after. Read
// ns_per_alloc. Compare with:
//   build/release/bench/heaplab_bench --benchmark_filter='BM_(Pool|MiMalloc|Malloc)/'
//       --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
//   build/release/bench/heaplab_bench_glibc --benchmark_repetitions=5
//       --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>
#include <mimalloc.h>

#include <chrono>
#include <cstdlib>

#include <heaplab/buffer/pool.h>
#include "buffer_sizes.h"

namespace heaplab::bench {
namespace {

using Clock = std::chrono::steady_clock;

// Times `alloc` over one pass of the sequence per iteration, and reports ns per allocation.
template <typename Setup, typename Alloc, typename Teardown>
void TimePasses(benchmark::State& state, Setup setup, Alloc alloc, Teardown teardown) {
  const std::vector<std::size_t>& sizes = Sizes(static_cast<int>(state.range(0)));
  double seconds = 0;
  std::uint64_t allocations = 0;
  for (auto _ : state) {
    auto context = setup();
    const Clock::time_point start = Clock::now();
    for (const std::size_t size : sizes)
      alloc(context, size);
    const Clock::time_point stop = Clock::now();
    const double pass = std::chrono::duration<double>(stop - start).count();
    state.SetIterationTime(pass);
    seconds += pass;
    allocations += sizes.size();
    teardown(context);
  }
  state.SetLabel(SizeSequenceName(static_cast<int>(state.range(0))));
  state.counters["allocs_per_pass"] = static_cast<double>(sizes.size());
  state.counters["ns_per_alloc"] =
      allocations == 0 ? 0.0 : seconds * 1e9 / static_cast<double>(allocations);
}

void BM_PoolAllocate(benchmark::State& state) {
  TimePasses(
      state, [] { return std::make_unique<BufferPool>(); },
      [](std::unique_ptr<BufferPool>& pool, std::size_t size) {
        benchmark::DoNotOptimize(pool->Allocate(size, BufferApi::Unsafe));
      },
      [](std::unique_ptr<BufferPool>& pool) { pool.reset(); });
  // The pool's bump path: every size of both sequences pools (all < 4096).
}
BENCHMARK(BM_PoolAllocate)->Arg(kFixture)->Arg(kUniform)->UseManualTime();

struct Blocks {
  std::vector<void*> blocks;
};

template <void* (*Allocate)(std::size_t), void (*Free)(void*)>
void MallocPasses(benchmark::State& state) {
  const std::size_t count = Sizes(static_cast<int>(state.range(0))).size();
  TimePasses(
      state,
      [count] {
        Blocks b;
        b.blocks.reserve(count);
        return b;
      },
      [](Blocks& b, std::size_t size) {
        void* p = Allocate(size);
        benchmark::DoNotOptimize(p);
        b.blocks.push_back(p);
      },
      [](Blocks& b) {
        for (void* p : b.blocks)
          Free(p);
      });
}

void* MiMalloc(std::size_t n) {
  return mi_malloc(n);
}
void MiFree(void* p) {
  mi_free(p);
}
void* ProcessMalloc(std::size_t n) {
  return std::malloc(n);
}
void ProcessFree(void* p) {
  std::free(p);
}

void BM_MiMalloc(benchmark::State& state) {
  MallocPasses<MiMalloc, MiFree>(state);
}
BENCHMARK(BM_MiMalloc)->Arg(kFixture)->Arg(kUniform)->UseManualTime();

void BM_Malloc(benchmark::State& state) {
  MallocPasses<ProcessMalloc, ProcessFree>(state);
  void* probe = std::malloc(64);
  state.counters["malloc_is_mimalloc"] = mi_is_in_heap_region(probe) ? 1 : 0;
  std::free(probe);
}
BENCHMARK(BM_Malloc)->Arg(kFixture)->Arg(kUniform)->UseManualTime();

}  // namespace
}  // namespace heaplab::bench
