// Full-GC marking and sweeping throughput on a random object graph (random_graph.h).
//
//   BM_Mark/MIB    old space holds MIB MiB of graph objects, all reachable from 16 global
//                  handles; the timed region is heaplab::Marker's Start() (clear the mark
//                  bitmaps, grey the roots) and Drain() (the transitive closure), as a full GC's
//                  mark.roots and mark.full_closure phases run them. The mark bits are cleared
//                  again outside the timed region. Read MB_per_s and objects_per_s: MB (2^20
//                  bytes) and objects of live graph marked per second.
//   BM_Sweep/MIB   the same graph with one unreachable object allocated after each graph
//                  object, so that every old page holds live and dead objects mixed, about half
//                  of the bytes dead; one full GC with --compaction=none, of which the sweep.old
//                  phase (the tracer's Phase::Sweep, under the real clock) is the timed region.
//                  Read MB_per_s: MB of old space swept per second (committed bytes over the
//                  sweep's time), and objects_per_s: objects, live and dead, passed per second.
//
// The graph's objects are placed in allocation order while the edges are random, so marking
// chases pointers across the whole heap, as in a long-running program's old generation; at
// 64 MiB the graph is far larger than the L2 caches of the machines these run on. BM_Sweep
// builds a fresh heap for every iteration (a sweep turns dead objects into free-list blocks,
// so a second sweep of the same heap would not see them), outside the timed region.
#include <benchmark/benchmark.h>

#include <chrono>

#include <heaplab/gc/marker.h>
#include "random_graph.h"

namespace heaplab::bench {
namespace {

void BM_Mark(benchmark::State& state) {
  const RandomGraph& g = SharedRandomGraph(static_cast<std::size_t>(state.range(0)) * MB);
  const auto h = MakeGraphHeap(state, g, 0);
  if (!h) return;
  Marker marker(h->heap(), h->controller().clock());
  double seconds = 0;
  for (auto _ : state) {
    const auto start = std::chrono::steady_clock::now();
    marker.Start();
    marker.Drain();
    const double t = SecondsSince(start);
    state.SetIterationTime(t);
    const bool all = marker.marked_objects() == g.count() && marker.marked_bytes() == g.bytes;
    marker.ClearMarks();
    if (!all) {
      state.SkipWithError("the marker did not mark exactly the graph");
      break;
    }
    seconds += t;
  }
  ReportRates(state, g.bytes, g.count(), seconds);
  state.counters["live_MiB"] = static_cast<double>(g.bytes) / MB;
}
BENCHMARK(BM_Mark)->Arg(64)->UseManualTime()->Unit(benchmark::kMillisecond);

void BM_Sweep(benchmark::State& state) {
  const RandomGraph& g = SharedRandomGraph(static_cast<std::size_t>(state.range(0)) * MB);
  constexpr auto kOld = static_cast<std::size_t>(SpaceId::OldSpace);
  constexpr std::size_t kDeadPerLive = 1;
  const std::size_t objects = g.count() * (1 + kDeadPerLive);  // live and dead, per iteration
  double seconds = 0;
  std::size_t committed = 0;  // bytes of old space, per iteration
  std::size_t dead = 0;       // bytes, per iteration
  for (auto _ : state) {
    const auto h = MakeGraphHeap(state, g, kDeadPerLive);
    if (!h) break;
    GcController& controller = h->controller();
    controller.Collect(Collector::MarkCompact, Reason::Testing, "GC in old space requested");
    const GcEvent& e = controller.tracer().current();
    const double t = PhaseMs(controller, Phase::Sweep) / 1000;
    state.SetIterationTime(t);
    if (h->heap().OldGenerationSize() != g.bytes || e.compacted != 0) {
      state.SkipWithError("the full GC did not keep exactly the graph in place");
      break;
    }
    committed = e.before[kOld].committed;
    dead = e.before[kOld].size - e.after[kOld].size;
    seconds += t;
  }
  ReportRates(state, committed, objects, seconds);
  state.counters["old_MiB"] = static_cast<double>(committed) / MB;
  state.counters["dead_pct"] =
      committed > 0 ? 100.0 * static_cast<double>(dead) / static_cast<double>(dead + g.bytes) : 0;
}
BENCHMARK(BM_Sweep)->Arg(64)->UseManualTime()->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace heaplab::bench
