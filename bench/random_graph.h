// A seeded random object graph for the old-generation benchmarks, described once and built in
// heaplab's old space (or, by boehm_bench.cpp, with Boehm GC's GC_MALLOC) so that every
// collector is measured on the same objects and the same edges.
//
// The graph: objects of 16 to 256 bytes (header included, a multiple of 8, uniformly drawn)
// with 0 to 4 reference slots (as many as fit). Every object is reachable from kGraphRoots
// roots (one more for each later object that finds no free slot, which happens only among the
// first few): each object after the roots hangs from a uniformly chosen free slot of an earlier
// object (a random spanning tree), and every slot left over points at a uniformly chosen
// object (random edges, cycles included). Objects are allocated in index order, so the tree
// edges jump across the whole heap and a marker's accesses are as scattered as the edges.
// Draws use std::mt19937_64 reduced with `%`, so the graph is the same with every standard
// library.
#pragma once

#include <benchmark/benchmark.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <exception>
#include <map>
#include <memory>
#include <random>
#include <stdexcept>
#include <utility>
#include <vector>

#include "bench_heap.h"

namespace heaplab::bench {

inline constexpr std::size_t kGraphRoots = 16;
inline constexpr std::size_t kGraphMaxSlots = 4;
inline constexpr std::uint64_t kGraphSeed = 42;

struct RandomGraph {
  static constexpr std::uint32_t kNull = UINT32_MAX;

  std::vector<std::uint16_t> size;                               // bytes, header included
  std::vector<std::uint8_t> slots;                               // reference slots
  std::vector<std::array<std::uint32_t, kGraphMaxSlots>> edges;  // target index per slot
  std::vector<std::uint32_t> roots;                              // indices of the root objects
  std::size_t bytes = 0;                                         // sum of size

  std::size_t count() const { return size.size(); }
};

// Draws objects until they hold at least `bytes` bytes.
inline RandomGraph MakeRandomGraph(std::size_t bytes, std::uint64_t seed = kGraphSeed) {
  std::mt19937_64 rng(seed);
  auto below = [&rng](std::uint64_t n) { return rng() % n; };
  RandomGraph g;
  while (g.bytes < bytes) {
    const auto size = static_cast<std::uint16_t>(16 + 8 * below(31));  // 16..256
    const std::uint64_t fit = size / kWordSize - 1;                    // slots after the header
    const std::uint64_t slots = std::min<std::uint64_t>(below(kGraphMaxSlots + 1), fit);
    g.size.push_back(size);
    g.slots.push_back(static_cast<std::uint8_t>(slots));
    g.bytes += size;
  }
  const std::size_t n = g.count();
  g.edges.assign(n,
                 {RandomGraph::kNull, RandomGraph::kNull, RandomGraph::kNull, RandomGraph::kNull});
  // Free slots of the objects placed so far, as (object, slot) pairs.
  std::vector<std::pair<std::uint32_t, std::uint8_t>> open;
  for (std::uint32_t i = 0; i < n; ++i) {
    if (i < kGraphRoots || open.empty()) {
      g.roots.push_back(i);
    } else {
      const std::size_t j = below(open.size());
      g.edges[open[j].first][open[j].second] = i;
      open[j] = open.back();
      open.pop_back();
    }
    for (std::uint8_t s = 0; s < g.slots[i]; ++s)
      open.emplace_back(i, s);
  }
  for (const auto& [object, slot] : open) {
    g.edges[object][slot] = static_cast<std::uint32_t>(below(n));
  }
  return g;
}

// The graph of `bytes` bytes, drawn once per process and shared by the benchmarks.
inline const RandomGraph& SharedRandomGraph(std::size_t bytes) {
  static std::map<std::size_t, RandomGraph> graphs;
  auto it = graphs.find(bytes);
  if (it == graphs.end()) it = graphs.emplace(bytes, MakeRandomGraph(bytes)).first;
  return it->second;
}

// The graph's objects in heaplab's old space, each followed by `dead_per_live` unreachable
// objects (shaped like graph objects drawn from `seed`, null slots), so that live objects are
// scattered among dead ones: 1 leaves about half of the heap dead, 9 keeps 1 object in 10.
// The roots are global handles. Stores are old-to-old and bypass the write barrier, which
// records nothing for them. Throws if old space is full.
inline void BuildInOldSpace(BenchHeap& h, const RandomGraph& g, std::size_t dead_per_live = 0,
                            std::uint64_t seed = kGraphSeed + 1) {
  Heap& heap = h.heap();
  std::mt19937_64 rng(seed);
  auto allocate = [&heap](std::size_t size, std::uint64_t slots) {
    const Address a = heap.Allocate(size, slots, Kind::Plain, Generation::Old);
    if (a == 0) throw std::runtime_error("old space is full");
    return a;
  };
  std::vector<Address> address(g.count());
  for (std::size_t i = 0; i < g.count(); ++i) {
    address[i] = allocate(g.size[i], g.slots[i]);
    for (std::size_t d = 0; d < dead_per_live; ++d) {
      const std::size_t like = rng() % g.count();
      allocate(g.size[like], g.slots[like]);
    }
  }
  for (std::size_t i = 0; i < g.count(); ++i) {
    for (std::uint8_t s = 0; s < g.slots[i]; ++s) {
      *HeapObject(address[i]).slot(s) = address[g.edges[i][s]];
    }
  }
  for (const std::uint32_t r : g.roots)
    h.mutator().NewGlobal(address[r]);
}

// A heap for the old-generation benchmarks: 1 MiB semispaces (new space stays empty), room
// for 2 GiB of old generation, the real clock, and the given compaction mode.
inline GcConfig OldGenerationConfig(Compaction compaction = Compaction::None) {
  GcConfig config = FixedNewSpaceConfig(1 * MB, 2048 * MB);
  config.compaction = compaction;
  config.lazy_sweeping = false;  // the sweep is timed as the full GC's sweep.old phase
  return config;
}

// A heap holding the graph (see BuildInOldSpace), or null after reporting why it could not be
// built.
inline std::unique_ptr<BenchHeap> MakeGraphHeap(benchmark::State& state, const RandomGraph& g,
                                                std::size_t dead_per_live,
                                                Compaction compaction = Compaction::None) {
  try {
    auto h = std::make_unique<BenchHeap>(OldGenerationConfig(compaction));
    BuildInOldSpace(*h, g, dead_per_live);
    return h;
  } catch (const std::exception& e) {
    state.SkipWithError(e.what());
    return nullptr;
  }
}

// Milliseconds of a phase of the last collection.
inline double PhaseMs(GcController& controller, Phase phase) {
  return controller.tracer().current().phase_ms[static_cast<std::size_t>(phase)];
}

// Throughput counters: `bytes` and `objects` processed per iteration, `seconds` the sum of the
// timed regions. MB_per_s and objects_per_s repeat bytes_per_second and items_per_second in
// the units the issue asks for.
inline void ReportRates(benchmark::State& state, std::size_t bytes, std::size_t objects,
                        double seconds) {
  const auto n = static_cast<double>(state.iterations());
  const double total_bytes = static_cast<double>(bytes) * n;
  const double total_objects = static_cast<double>(objects) * n;
  state.SetBytesProcessed(static_cast<std::int64_t>(total_bytes));
  state.SetItemsProcessed(static_cast<std::int64_t>(total_objects));
  state.counters["MB_per_s"] = seconds > 0 ? total_bytes / static_cast<double>(MB) / seconds : 0;
  state.counters["objects_per_s"] = seconds > 0 ? total_objects / seconds : 0;
}

}  // namespace heaplab::bench
