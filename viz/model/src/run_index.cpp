#include <heaplab/viz/run_index.h>

#include <algorithm>

namespace heaplab::viz {

void IndexRun(RunData& run) {
  run.index.reset();  // what follows computes from the collections themselves
  auto index = std::make_shared<RunIndex>();
  const auto [earliest, latest] = std::minmax_element(
      run.gcs.begin(), run.gcs.end(),
      [](const GcEvent& a, const GcEvent& b) { return a.start_ms < b.start_ms; });
  if (earliest != run.gcs.end()) {
    index->first_start_ms = earliest->start_ms;
    index->last_start_ms = latest->start_ms;
  }
  index->scavenge = ComputePauseStats(run, Collector::Scavenge);
  index->mark_compact = ComputePauseStats(run, Collector::MarkCompact);
  index->all = ComputePauseStats(run, std::nullopt);
  CountCollections(run, 0, 0, index->by_collector, index->by_reason);
  const auto [t0, t1] = RunRange(run);
  index->whole = ComputeRangeStats(run, t0, t1);
  index->samples = BuildTimelineSamples(run, 0, run.gcs.size());
  index->histograms = {PauseHistogram(run, Collector::Scavenge, kPauseHistogramBins),
                       PauseHistogram(run, Collector::MarkCompact, kPauseHistogramBins)};
  index->average_mu_loss = MutatorUtilizationLoss(run, true);
  index->current_mu_loss = MutatorUtilizationLoss(run, false);
  index->utilization_window_ms = UtilizationWindow(run);
  index->windowed_utilization = WindowedUtilization(run, index->utilization_window_ms);
  run.index = std::move(index);
}

std::shared_ptr<const RunData> LoadIndexedRun(const Document& doc, const GcFlags& flags,
                                              LoadControl& control) {
  RunData run = doc.Load(flags, control);
  IndexRun(run);
  return std::make_shared<const RunData>(std::move(run));
}

}  // namespace heaplab::viz
