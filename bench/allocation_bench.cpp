// Bump allocation in new space, in nanoseconds per object.
//
//   BM_BumpAllocate/SIZE     Heap::Allocate straight into to-space: the bump of the top
//                            pointer plus writing the header and zeroing the object.
//   BM_MutatorAllocate/SIZE  Mutator::Allocate, what a trace replay pays per `a` event: the
//                            same, plus the weak id table entry, the handle-scope local and the
//                            tracer's allocation counter.
//
// Read the Time column (one iteration is one object) or items_per_second. When new space is
// full it is emptied by a Scavenge with no survivors, outside the timed region.
#include <benchmark/benchmark.h>

#include "bench_heap.h"

namespace heaplab::bench {
namespace {

void BM_BumpAllocate(benchmark::State& state) {
  const auto size = static_cast<std::size_t>(state.range(0));
  BenchHeap h(FixedNewSpaceConfig());
  Heap& heap = h.heap();
  for (auto _ : state) {
    Address a = heap.Allocate(size, 1, Kind::Plain, Generation::Young);
    if (a == 0) [[unlikely]] {
      state.PauseTiming();
      h.EmptyNewSpace();
      state.ResumeTiming();
      a = heap.Allocate(size, 1, Kind::Plain, Generation::Young);
    }
    benchmark::DoNotOptimize(a);
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(size));
}
BENCHMARK(BM_BumpAllocate)->Arg(32)->Arg(128);

void BM_MutatorAllocate(benchmark::State& state) {
  const auto size = static_cast<std::size_t>(state.range(0));
  BenchHeap h(FixedNewSpaceConfig());
  Heap& heap = h.heap();
  Mutator& mutator = h.mutator();
  Id next_id = 1;  // fresh ids, as a trace has them
  mutator.OpenScope();
  for (auto _ : state) {
    if (heap.new_space().Available() < size) [[unlikely]] {
      // Mutator::Allocate would collect by itself, but with every object still a local; drop
      // the locals first so that the Scavenge finds nothing alive.
      state.PauseTiming();
      mutator.CloseScope();
      h.EmptyNewSpace();
      mutator.OpenScope();
      state.ResumeTiming();
    }
    Address a = mutator.Allocate(next_id++, size, 1);
    benchmark::DoNotOptimize(a);
  }
  mutator.CloseScope();
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(size));
}
BENCHMARK(BM_MutatorAllocate)->Arg(32)->Arg(128);

}  // namespace
}  // namespace heaplab::bench
