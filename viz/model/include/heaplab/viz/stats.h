// Pause statistics over a run or a time range: counts, total, percentiles (computed as the
// end-of-run summary of the command line computes them), histograms, mutator utilization.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <QPointF>
#include <QVector>

#include <heaplab/viz/run_data.h>

namespace heaplab::viz {

struct PauseStats {
  int count = 0;
  double total_ms = 0;
  double p50 = 0;
  double p95 = 0;
  double p99 = 0;
  double max = 0;
};

// Collections that start within [t0, t1] (t1 <= t0: the whole run), of `collector` or of
// both when it is empty. Percentiles are nearest-rank, as RunSummary::PausePercentile's, from
// one sort of the range's pauses; a range that holds every collection of an indexed run
// (run_index.h) sorts nothing: its figures were worked out when the run was loaded.
PauseStats ComputePauseStats(const RunData& run, std::optional<Collector> collector, double t0 = 0,
                             double t1 = 0);

struct Histogram {
  double bin_ms = 0;        // width of a bin
  std::vector<int> counts;  // bin i holds pauses in [i * bin_ms, (i + 1) * bin_ms)
};
// Pauses of `collector` in `bins` bins from 0 to the largest pause of either collector (both
// collectors' histograms share their bins when given the same run and count). An indexed run
// holds those of kPauseHistogramBins bins.
inline constexpr int kPauseHistogramBins = 12;
Histogram PauseHistogram(const RunData& run, Collector collector, int bins);

// V8's average or current mutator utilization after each collection, decimated.
QVector<QPointF> MutatorUtilization(const RunData& run, bool average, int pixels);
// What MutatorUtilization decimates: (end ms, 1 - mu) per collection, so that dips survive.
QVector<QPointF> MutatorUtilizationLoss(const RunData& run, bool average);

// The share of each `window_ms` window of the run left to the program (1 - pause time in the
// window / window), one point per window at its centre. Unlike V8's mu, which only moves at
// full GCs, this shows every pause. An indexed run holds those of UtilizationWindow(run).
QVector<QPointF> WindowedUtilization(const RunData& run, double window_ms);
// The window the pauses view shows: a fiftieth of the run, at least 1 ms.
double UtilizationWindow(const RunData& run);

// Range statistics: what the selection of the timeline shows.
struct RangeStats {
  double t0 = 0;
  double t1 = 0;
  PauseStats scavenge;
  PauseStats mark_compact;
  PauseStats all;  // every collection in range
  // Collections in range by the collector's name (RunData::GcCollectorName: a log's own names,
  // Mark-Compact (reduce) apart) and by reason as --trace-gc prints it ("(not printed)" for a
  // name=value log line, which has none).
  std::map<std::string, int> by_collector;
  std::map<std::string, int> by_reason;
  double mutator_utilization = 1;  // 1 - pause time in range / range length
  // Old-generation bytes of objects after the first and the last full GC in range (growth
  // across full GCs is the leak's signature); 0 when there is none.
  std::size_t old_after_first_full = 0;
  std::size_t old_after_last_full = 0;
  int full_gcs = 0;
};
// Whole-run figures come from the run's index when it has one (run_index.h).
RangeStats ComputeRangeStats(const RunData& run, double t0, double t1);

// Adds the collections that start within [t0, t1] (t1 <= t0: every one) to RangeStats's
// by_collector and by_reason counts.
void CountCollections(const RunData& run, double t0, double t1,
                      std::map<std::string, int>& by_collector,
                      std::map<std::string, int>& by_reason);

}  // namespace heaplab::viz
