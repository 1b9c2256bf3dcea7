// Pooled Buffer allocation against mimalloc, per allocation, for the same size sequences
// (buffer_sizes.h: the sizes real Node 20 pooled in the placements fixture, and uniform 16 to
// 4095 bytes). glibc's malloc is measured by heaplab_bench_glibc (glibc_malloc_bench.cpp), a
// binary without mimalloc, because linking mimalloc replaces malloc for the whole process.
//
//   BM_PoolAllocate/SEQ      BufferPool::Allocate(size, unsafe): Node's bump path (fit check,
//                            offset rounded up to 8, a new 8 KiB slab from the pool's mimalloc
//                            heap when a request does not fit) plus heaplab's entry for the
//                            Buffer. One pool for the run, as a process has one; after each
//                            pass its Buffers die and the slabs go back to the pool's heap, as
//                            the mallocs' blocks are freed after each pass. The pool keeps an
//                            entry for every Buffer it made (8 bytes), a log that grows into
//                            fresh pages; it is reserved and written before the first pass
//                            (BufferPool::Reserve), so that the kernel's page faults (22 us per
//                            4 KiB page on the virtual machine where it was measured) are not
//                            what is measured.
//   BM_PoolBumpPath/SEQ      the same with the largest pool size (kMaxBufferPoolSize, 256 MiB):
//                            one slab holds dozens of passes (a new one every ~43 passes of
//                            the uniform sequence, ~270 of the fixture's), so that nearly
//                            every allocation is the bump path alone, the inline Allocate: what
//                            the pool costs per Buffer apart from taking slabs from mimalloc.
//                            Slab memory is never touched: the big slab costs its mapping, no
//                            page fault.
//   BM_PoolAllocateFresh/SEQ a new pool (and a new mimalloc heap) for each pass, made and
//                            destroyed untimed: what the first Buffers of a process pay.
//   BM_NodeBumpAlone/SEQ     a reference, not heaplab's pool: lib/buffer.js's allocate() alone
//                            (fit check, bump, round up to 8, an 8 KiB slab from a mimalloc
//                            heap when the request does not fit), with no record of the Buffer
//                            and no slab bookkeeping; the slabs are freed after each pass. The
//                            difference to BM_PoolAllocate is what heaplab's model costs.
//   BM_NodeBumpWithEntry/SEQ a reference too: BM_NodeBumpAlone plus what any pool that keeps
//                            its Buffers must write at least, a handle counter and an 8-byte
//                            entry (offset and size) in a log reserved for the whole run, as
//                            BM_PoolAllocate's is. The floor for heaplab's pool.
//   BM_MiMalloc/SEQ          mi_malloc(size), every block freed after each pass
//   BM_Malloc/SEQ            malloc(size) in this binary (mimalloc's, when it replaced glibc's:
//                            the counter malloc_is_mimalloc says)
//
// One iteration is one pass over the sequence, and every benchmark makes kPasses of them;
// only the allocations are timed (manual time: the thread's CPU time, less what reading that
// clock costs); setting up, releasing and freeing are not. What each row does per allocation
// in the timed part, so that the rows compare like with like: no row frees, collects or makes
// a wrapper object there. The pool rows write the Buffer's 8-byte entry (what Node keeps in
// the FastBuffer: offset, length; the slab follows from the handle) and, every few Buffers, take an
// 8 KiB slab from mimalloc; the malloc rows store each pointer in a reserved vector (8 bytes, for
// the frees after the pass); BM_NodeBumpAlone stores nothing. So BM_PoolAllocate* is the full
// pooled path, BM_NodeBumpAlone the bump path alone; the timed work of a pass is one never-inlined
// call (AllocatePass), whose instructions callgrind counts:
//   valgrind --tool=callgrind --toggle-collect='*AllocatePass*'
//       build/release/bench/heaplab_bench --benchmark_filter='BM_PoolAllocate/0/'
// (Ir / (2000 passes x allocs_per_pass) is instructions per allocation).
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

// One pass of `alloc` over the sequence: exactly the timed work. Never inlined, so that
// valgrind --tool=callgrind --toggle-collect='*AllocatePass*' counts the instructions of the
// timed allocations alone, the same way for every row (one call per pass, not per allocation).
template <typename Context, typename Alloc>
[[gnu::noinline]] void AllocatePass(Context& context, const std::vector<std::size_t>& sizes,
                                    Alloc alloc) {
  for (const std::size_t size : sizes)
    alloc(context, size);
}

// Times `alloc` over one pass of the sequence per iteration and reports ns per allocation.
// `context` lives for the whole run; `after(context)`, untimed, ends each pass.
template <typename Context, typename Alloc, typename After>
void TimePasses(benchmark::State& state, Context& context, Alloc alloc, After after) {
  const std::vector<std::size_t>& sizes = Sizes(static_cast<int>(state.range(0)));
  double seconds = 0;
  std::uint64_t allocations = 0;
  for (auto _ : state) {
    const double start = ThreadCpuSeconds();
    AllocatePass(context, sizes, alloc);
    const double stop = ThreadCpuSeconds();
    const double pass = std::max(0.0, stop - start - ClockOverheadSeconds());
    state.SetIterationTime(pass);
    seconds += pass;
    allocations += sizes.size();
    after(context);
  }
  state.SetLabel(SizeSequenceName(static_cast<int>(state.range(0))));
  state.counters["allocs_per_pass"] = static_cast<double>(sizes.size());
  state.counters["clock_ns"] = ClockOverheadSeconds() * 1e9;
  state.counters["ns_per_alloc"] =
      allocations == 0 ? 0.0 : seconds * 1e9 / static_cast<double>(allocations);
}

// Passes per benchmark run: a fixed number for every allocator, so that the pool's records of
// dead Buffers (kept for the model) stay bounded (2000 x 3000 x 8 bytes).
constexpr benchmark::IterationCount kPasses = 2000;

void PoolPasses(benchmark::State& state, std::size_t pool_size) {
  BufferPool pool(pool_size);
  pool.Reserve(static_cast<std::size_t>(state.max_iterations) *
               Sizes(static_cast<int>(state.range(0))).size());
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

void BM_PoolAllocate(benchmark::State& state) {
  PoolPasses(state, kDefaultBufferPoolSize);
}
BENCHMARK(BM_PoolAllocate)->Arg(kFixture)->Arg(kUniform)->UseManualTime()->Iterations(kPasses);

void BM_PoolBumpPath(benchmark::State& state) {
  PoolPasses(state, kMaxBufferPoolSize);
}
BENCHMARK(BM_PoolBumpPath)->Arg(kFixture)->Arg(kUniform)->UseManualTime()->Iterations(kPasses);

void BM_PoolAllocateFresh(benchmark::State& state) {
  auto pool = std::make_unique<BufferPool>();
  TimePasses(
      state, pool,
      [](std::unique_ptr<BufferPool>& p, std::size_t size) {
        benchmark::DoNotOptimize(p->Allocate(size, BufferApi::Unsafe));
      },
      [](std::unique_ptr<BufferPool>& p) { p = std::make_unique<BufferPool>(); });
}
BENCHMARK(BM_PoolAllocateFresh)->Arg(kFixture)->Arg(kUniform)->UseManualTime()->Iterations(kPasses);

// The carving state of Node's allocate(): the current slab and its offset.
struct NodeBump {
  mi_heap_t* heap = mi_heap_new();
  std::vector<void*> slabs;  // made in this pass
  std::uint8_t* slab = nullptr;
  std::size_t offset = kDefaultBufferPoolSize;
  ~NodeBump() { mi_heap_destroy(heap); }
  // allocate()'s createPool: a new slab when `size` does not fit in the rest of this one.
  void MakeRoom(std::size_t size) {
    if (size > kDefaultBufferPoolSize - offset) {
      slab = static_cast<std::uint8_t*>(mi_heap_malloc(heap, kDefaultBufferPoolSize));
      slabs.push_back(slab);
      offset = 0;
    }
  }
  // Untimed, after a pass: its slabs are freed.
  void EndPass() {
    for (void* p : slabs)
      mi_free(p);
    slabs.clear();
    slab = nullptr;
    offset = kDefaultBufferPoolSize;
  }
};

void BM_NodeBumpAlone(benchmark::State& state) {
  NodeBump bump;
  bump.slabs.reserve(Sizes(static_cast<int>(state.range(0))).size());
  TimePasses(
      state, bump,
      [](NodeBump& b, std::size_t size) {
        b.MakeRoom(size);
        benchmark::DoNotOptimize(b.slab + b.offset);
        b.offset = RoundUpToPoolAlignment(b.offset + size);
      },
      [](NodeBump& b) { b.EndPass(); });
}
BENCHMARK(BM_NodeBumpAlone)->Arg(kFixture)->Arg(kUniform)->UseManualTime()->Iterations(kPasses);

// Node's bump plus the least a pool that keeps its Buffers writes: a handle and an entry.
struct NodeBumpWithEntry : NodeBump {
  std::vector<std::uint64_t> entries;  // reserved for every pass, written before the first
  std::uint32_t handles = 0;
};

void BM_NodeBumpWithEntry(benchmark::State& state) {
  NodeBumpWithEntry bump;
  const std::size_t per_pass = Sizes(static_cast<int>(state.range(0))).size();
  bump.slabs.reserve(per_pass);
  bump.entries.assign(static_cast<std::size_t>(state.max_iterations) * per_pass, 0);
  TimePasses(
      state, bump,
      [](NodeBumpWithEntry& b, std::size_t size) {
        b.MakeRoom(size);
        const std::uint32_t h = b.handles++;
        b.entries[h] = b.offset | (std::uint64_t{size} << 32);
        benchmark::DoNotOptimize(h);
        b.offset = RoundUpToPoolAlignment(b.offset + size);
      },
      [](NodeBumpWithEntry& b) { b.EndPass(); });
}
BENCHMARK(BM_NodeBumpWithEntry)->Arg(kFixture)->Arg(kUniform)->UseManualTime()->Iterations(kPasses);

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

}  // namespace
}  // namespace heaplab::bench
