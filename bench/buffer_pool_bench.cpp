// Pooled Buffer allocation against mimalloc, per allocation, for the same size sequences
// (buffer_sizes.h: the sizes real Node 20 pooled in the placements fixture, and uniform 16 to
// 4095 bytes). glibc's malloc is measured by heaplab_bench_glibc (glibc_malloc_bench.cpp), a
// binary without mimalloc, because linking mimalloc replaces malloc for the whole process.
//
//   BM_PoolAllocate/SEQ      BufferPool::Allocate(size, unsafe): Node's bump path (fit check,
//                            offset rounded up to 8, a new 8 KiB slab from the pool's mimalloc
//                            heap when a request does not fit) plus heaplab's record of the
//                            Buffer. A new pool for each pass, made and destroyed untimed: its
//                            records and slabs reuse the memory the previous pass's pool gave
//                            back, as the mallocs reuse the blocks freed after their last pass.
//   BM_PoolAllocateLongLived/SEQ  one pool for all passes, the pass's Buffers released after
//                            it. The pool keeps a record of every Buffer it ever made (40 bytes),
//                            so this log grows into fresh pages: on a machine where a page
//                            fault is slow (22 us per 4 KiB page on the virtual machine of the
//                            figures in docs/buffers.md) that, not the pool, is what it shows.
//   BM_MiMalloc/SEQ          mi_malloc(size), every block freed after each pass
//   BM_Malloc/SEQ            malloc(size) in this binary (mimalloc's, when it replaced glibc's:
//                            the counter malloc_is_mimalloc says)
//
// One iteration is one pass over the sequence, and every benchmark makes kPasses of them;
// only the allocations are timed (manual time, the thread's CPU time): setting up, releasing and
// freeing are not.
// Read ns_per_alloc. The comparison of the closing note (docs/buffers.md):
//   build/release/bench/heaplab_bench --benchmark_filter='BM_(Pool|MiMalloc|Malloc)'
//       --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
//   build/release/bench/heaplab_bench_glibc --benchmark_repetitions=5
//       --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>
#include <mimalloc.h>

#include <cstdlib>

#include <heaplab/buffer/pool.h>
#include "buffer_sizes.h"

namespace heaplab::bench {
namespace {

// Times `alloc` over one pass of the sequence per iteration and reports ns per allocation.
// `context` lives for the whole run; `after(context)`, untimed, ends each pass.
template <typename Context, typename Alloc, typename After>
void TimePasses(benchmark::State& state, Context& context, Alloc alloc, After after) {
  const std::vector<std::size_t>& sizes = Sizes(static_cast<int>(state.range(0)));
  double seconds = 0;
  std::uint64_t allocations = 0;
  for (auto _ : state) {
    const double start = ThreadCpuSeconds();
    for (const std::size_t size : sizes)
      alloc(context, size);
    const double stop = ThreadCpuSeconds();
    const double pass = stop - start;
    state.SetIterationTime(pass);
    seconds += pass;
    allocations += sizes.size();
    after(context);
  }
  state.SetLabel(SizeSequenceName(static_cast<int>(state.range(0))));
  state.counters["allocs_per_pass"] = static_cast<double>(sizes.size());
  state.counters["ns_per_alloc"] =
      allocations == 0 ? 0.0 : seconds * 1e9 / static_cast<double>(allocations);
}

// Passes per benchmark run: a fixed number for every allocator, so that the pool's records of
// dead Buffers (kept for the model) stay bounded (2000 x 3000 x 40 bytes).
constexpr benchmark::IterationCount kPasses = 2000;

void BM_PoolAllocate(benchmark::State& state) {
  auto pool = std::make_unique<BufferPool>();
  TimePasses(
      state, pool,
      [](std::unique_ptr<BufferPool>& p, std::size_t size) {
        benchmark::DoNotOptimize(p->Allocate(size, BufferApi::Unsafe));
      },
      [](std::unique_ptr<BufferPool>& p) { p = std::make_unique<BufferPool>(); });
}
BENCHMARK(BM_PoolAllocate)->Arg(kFixture)->Arg(kUniform)->UseManualTime()->Iterations(kPasses);

template <void* (*Allocate)(std::size_t), void (*Free)(void*)>
void MallocPasses(benchmark::State& state) {
  std::vector<void*> blocks;
  blocks.reserve(Sizes(static_cast<int>(state.range(0))).size());
  TimePasses(
      state, blocks,
      [](std::vector<void*>& b, std::size_t size) {
        void* p = Allocate(size);
        benchmark::DoNotOptimize(p);
        b.push_back(p);
      },
      [](std::vector<void*>& b) {
        for (void* p : b)
          Free(p);
        b.clear();
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
BENCHMARK(BM_MiMalloc)->Arg(kFixture)->Arg(kUniform)->UseManualTime()->Iterations(kPasses);

void BM_Malloc(benchmark::State& state) {
  MallocPasses<ProcessMalloc, ProcessFree>(state);
  void* probe = std::malloc(64);
  state.counters["malloc_is_mimalloc"] = mi_is_in_heap_region(probe) ? 1 : 0;
  std::free(probe);
}
BENCHMARK(BM_Malloc)->Arg(kFixture)->Arg(kUniform)->UseManualTime()->Iterations(kPasses);

void BM_PoolAllocateLongLived(benchmark::State& state) {
  {
    // Warm-up, untimed: a pool that runs the same passes and dies, so that the memory its
    // record log took is the allocator's again (as the mallocs' blocks are from their
    // previous pass), rather than fresh pages the kernel must fault in.
    BufferPool warm;
    const std::vector<std::size_t>& sizes = Sizes(static_cast<int>(state.range(0)));
    for (benchmark::IterationCount i = 0; i < state.max_iterations; ++i) {
      const auto first = static_cast<BufferHandle>(warm.buffer_count());
      for (const std::size_t size : sizes)
        warm.Allocate(size, BufferApi::Unsafe);
      for (BufferHandle h = first; h < warm.buffer_count(); ++h)
        warm.Release(h);
    }
  }
  BufferPool pool;
  TimePasses(
      state, pool,
      [](BufferPool& p, std::size_t size) {
        benchmark::DoNotOptimize(p.Allocate(size, BufferApi::Unsafe));
      },
      [first = BufferHandle{0}](BufferPool& p) mutable {
        // The pass's Buffers die: their views end and the retired slabs are released.
        for (; first < p.buffer_count(); ++first)
          p.Release(first);
      });
}
BENCHMARK(BM_PoolAllocateLongLived)
    ->Arg(kFixture)
    ->Arg(kUniform)
    ->UseManualTime()
    ->Iterations(kPasses);

}  // namespace
}  // namespace heaplab::bench
