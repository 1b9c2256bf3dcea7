// Incremental marking's longest pause against a stop-the-world full GC's, on the same trace in
// the same run: the leak-cache scenario, whose entries all stay alive (2 million of them grow
// the old generation past 400 MB of live objects), with --max-old-space-size=600.
//
//   BM_Pauses/ENTRIES/CLOCK   CLOCK 0: the model clock (--predictable); 1: the real clock
//
// Each iteration replays the scenario twice: with incremental marking and lazy sweeping (the
// defaults), then with --no-incremental-marking --no-lazy-sweeping. Counters:
//   incremental_longest_ms  the longest finishing pause, marking step or sweeping step; and
//                           each of them: finishing_ms, marking_step_ms, sweeping_ms (a
//                           sweeping step, or the rest of the pages swept before marking starts)
//   stw_longest_ms          the longest full GC of the stop-the-world run
//   pause_ratio             the first over the second (the goal: at most 1/6)
//   incremental_gc_ms, stw_gc_ms, gc_time_ratio
//                           all GC time (pauses, steps) of each run, and the first over the
//                           second (the goal: at most 1.3)
//   live_old_mb             the old generation after the stop-the-world run's last full GC
// Scavenges, the same in both runs, count in the GC time but not in the longest pauses.
// The command line gives the same figures (docs/incremental-marking.md, section 4a):
//   build/release/bench/heaplab_bench --benchmark_filter=BM_Pauses
//   heaplab run --scenario leak-cache --param entries=2000000 --max-old-space-size=600 --summary
//       --trace-gc [--no-incremental-marking --no-lazy-sweeping] [--predictable]
#include <benchmark/benchmark.h>

#include <algorithm>
#include <stdexcept>

#include <heaplab/traces/scenarios.h>
#include <heaplab/traces/session.h>

namespace heaplab::bench {
namespace {

struct PauseLog : GcObserver {
  double longest_full_gc = 0;
  double longest_marking_step = 0;
  double longest_sweeping = 0;  // a step, or the rest of the pages at once
  double gc_ms = 0;
  std::size_t old_after = 0;
  void OnGc(const GcEvent& e) override {
    gc_ms += e.pause_ms;
    if (e.collector == Collector::Scavenge) return;
    longest_full_gc = std::max(longest_full_gc, e.pause_ms);
    old_after = e.after[static_cast<std::size_t>(SpaceId::OldSpace)].size +
                e.after[static_cast<std::size_t>(SpaceId::LargeObjectSpace)].size;
  }
  void OnMarking(const MarkingEvent& e) override {
    if (e.kind != MarkingEventKind::Step) return;
    gc_ms += e.ms;
    longest_marking_step = std::max(longest_marking_step, e.ms);
  }
  void OnSweeping(const SweepingEvent& e) override {
    gc_ms += e.ms;
    longest_sweeping = std::max(longest_sweeping, e.ms);
  }
};

PauseLog Replay(bool incremental, ClockKind clock, std::uint64_t entries) {
  GcConfig config;
  config.clock = clock;
  config.heap.max_old_space_size = 600 * MB;
  config.incremental_marking = incremental;
  config.lazy_sweeping = incremental;
  const Scenario* scenario = FindScenario("leak-cache");
  if (scenario == nullptr) throw std::logic_error("no leak-cache scenario");
  ScenarioOptions options;
  options.params["entries"] = entries;
  Session session(config);
  PauseLog log;
  session.tracer().AddObserver(&log);
  session.ReplayScenario(*scenario, options);
  session.tracer().RemoveObserver(&log);
  return log;
}

void BM_Pauses(benchmark::State& state) {
  const auto entries = static_cast<std::uint64_t>(state.range(0));
  const ClockKind clock = state.range(1) == 0 ? ClockKind::Model : ClockKind::Real;
  PauseLog incremental;
  PauseLog stw;
  for (auto _ : state) {
    incremental = Replay(true, clock, entries);
    stw = Replay(false, clock, entries);
  }
  const double longest = std::max({incremental.longest_full_gc, incremental.longest_marking_step,
                                   incremental.longest_sweeping});
  state.counters["incremental_longest_ms"] = longest;
  state.counters["finishing_ms"] = incremental.longest_full_gc;
  state.counters["marking_step_ms"] = incremental.longest_marking_step;
  state.counters["sweeping_ms"] = incremental.longest_sweeping;
  state.counters["stw_longest_ms"] = stw.longest_full_gc;
  state.counters["pause_ratio"] = stw.longest_full_gc > 0 ? longest / stw.longest_full_gc : 0;
  state.counters["incremental_gc_ms"] = incremental.gc_ms;
  state.counters["stw_gc_ms"] = stw.gc_ms;
  state.counters["gc_time_ratio"] = stw.gc_ms > 0 ? incremental.gc_ms / stw.gc_ms : 0;
  state.counters["live_old_mb"] = static_cast<double>(stw.old_after) / MB;
  state.SetLabel(clock == ClockKind::Model ? "model clock" : "real clock");
}
BENCHMARK(BM_Pauses)
    ->Args({2000000, 0})
    ->Args({2000000, 1})
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace heaplab::bench
