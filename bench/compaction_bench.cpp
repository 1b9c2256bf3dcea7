// Compaction throughput: MB (2^20 bytes) moved per second by a full GC's evacuation and by the
// sliding compactor, on a fragmented old space.
//
//   BM_Evacuate/MIB/KEEP   old space holds MIB MiB of random-graph objects (random_graph.h),
//                          each followed by 100/KEEP - 1 unreachable objects, so that live
//                          objects are scattered among dead ones (KEEP 10: one object in ten
//                          survives, every page about 90% free); one full GC with
//                          --compaction=evacuate.
//   BM_Slide/MIB/KEEP      the same heap, one full GC with --compaction=slide.
//
// The timed region is the phases that move objects and fix references to them, as the tracer
// records them under the real clock: evacuate.copy (Phase::Evacuate) plus
// evacuate.update_pointers (Phase::UpdatePointers). For evacuation that is copying the live
// objects of the candidate pages into fresh pages, then updating the slots of every object
// outside the candidates; for sliding it is computing forwarding addresses over every old
// page, updating the slots of every live object (a binary search per slot) and moving the
// objects down. Marking and sweeping are not timed (see mark_sweep_bench.cpp). Read MB_per_s
// (GcEvent::compacted, the bytes moved by compaction, over that time) and moved_MiB.
//
// V8's evacuation policy moves at most 4 MiB of live bytes per GC (least-live pages first), so
// the graph is 3 MiB: every page qualifies and the whole graph is evacuated, and both modes move
// about the same bytes. Each iteration builds a fresh heap, outside the timed region.
#include <benchmark/benchmark.h>

#include "random_graph.h"

namespace heaplab::bench {
namespace {

void RunCompaction(benchmark::State& state, Compaction compaction) {
  const RandomGraph& g = SharedRandomGraph(static_cast<std::size_t>(state.range(0)) * MB);
  const auto dead_per_live = static_cast<std::size_t>(100 / state.range(1) - 1);
  constexpr auto kOld = static_cast<std::size_t>(SpaceId::OldSpace);
  double seconds = 0;
  std::size_t moved = 0;  // bytes, per iteration
  std::size_t committed = 0;
  std::size_t pages = 0;
  for (auto _ : state) {
    const auto h = MakeGraphHeap(state, g, dead_per_live, compaction);
    if (!h) break;
    GcController& controller = h->controller();
    controller.Collect(Collector::MarkCompact, Reason::Testing, "GC in old space requested");
    const GcEvent& e = controller.tracer().current();
    const double t =
        (PhaseMs(controller, Phase::Evacuate) + PhaseMs(controller, Phase::UpdatePointers)) / 1000;
    state.SetIterationTime(t);
    if (e.compacted == 0) {
      state.SkipWithError("the full GC moved nothing");
      break;
    }
    if (h->heap().OldGenerationSize() != g.bytes) {
      state.SkipWithError("the full GC did not keep exactly the graph");
      break;
    }
    moved = e.compacted;
    committed = e.before[kOld].committed;
    pages = e.evacuated_pages;
    seconds += t;
  }
  const double total = static_cast<double>(moved) * static_cast<double>(state.iterations());
  state.SetBytesProcessed(static_cast<std::int64_t>(total));
  state.counters["MB_per_s"] = seconds > 0 ? total / static_cast<double>(MB) / seconds : 0;
  state.counters["moved_MiB"] = static_cast<double>(moved) / MB;
  state.counters["live_MiB"] = static_cast<double>(g.bytes) / MB;
  state.counters["old_MiB"] = static_cast<double>(committed) / MB;
  if (compaction == Compaction::Evacuate) {
    state.counters["evacuated_pages"] = static_cast<double>(pages);
  }
}

void BM_Evacuate(benchmark::State& state) {
  RunCompaction(state, Compaction::Evacuate);
}
void BM_Slide(benchmark::State& state) {
  RunCompaction(state, Compaction::Slide);
}

BENCHMARK(BM_Evacuate)->Args({3, 10})->UseManualTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Slide)->Args({3, 10})->UseManualTime()->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace heaplab::bench
