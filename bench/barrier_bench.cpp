// The write barrier's cost: Mutator::Write against a plain store, with incremental marking off
// (the barrier's marking part is one well-predicted branch) and on (every stored object is
// shaded).
//
//   BM_PlainStore        host.slot[i] = value, no barrier: the floor
//   BM_Write/0           Mutator::Write with marking off
//   BM_Write/1           Mutator::Write while incremental marking runs
//
// 4096 old objects of 4 slots store references to other old objects (old-to-old: the
// remembered set is never touched), round robin. Read ns per store (the time column), and the
// ratio BM_Write/0 over BM_PlainStore for the barrier's idle cost.
#include <benchmark/benchmark.h>

#include <vector>

#include "bench_heap.h"

namespace heaplab::bench {
namespace {

constexpr std::size_t kObjects = 4096;
constexpr std::uint64_t kSlots = 4;

std::vector<Address> OldObjects(Heap& heap) {
  std::vector<Address> objects;
  for (std::size_t i = 0; i < kObjects; ++i)
    objects.push_back(heap.Allocate(8 + 8 * kSlots, kSlots, Kind::Plain, Generation::Old));
  for (Address a : objects)
    heap.globals().Create(a);
  return objects;
}

void BM_PlainStore(benchmark::State& state) {
  BenchHeap h(FixedNewSpaceConfig(1 * MB));
  const std::vector<Address> objects = OldObjects(h.heap());
  std::size_t i = 0;
  for (auto _ : state) {
    const Address host = objects[i % kObjects];
    *HeapObject(host).slot(i % kSlots) = objects[(i * 7 + 1) % kObjects];
    benchmark::ClobberMemory();
    ++i;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_PlainStore);

void BM_Write(benchmark::State& state) {
  GcConfig config = FixedNewSpaceConfig(1 * MB);
  config.clock = ClockKind::Real;
  BenchHeap h(config);
  const std::vector<Address> objects = OldObjects(h.heap());
  const bool marking = state.range(0) != 0;
  if (marking) h.controller().StartIncrementalMarking(Reason::Testing);
  if (h.controller().incremental_marking().IsMarking() != marking) {
    state.SkipWithError("marking is not in the state the benchmark needs");
    return;
  }
  Mutator& mutator = h.mutator();
  std::size_t i = 0;
  for (auto _ : state) {
    mutator.Write(objects[i % kObjects], i % kSlots, objects[(i * 7 + 1) % kObjects]);
    benchmark::ClobberMemory();
    ++i;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Write)->Arg(0)->Arg(1);

}  // namespace
}  // namespace heaplab::bench
