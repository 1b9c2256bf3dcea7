// What the views would otherwise work out from a run's collections again and again, worked out
// once when the run is loaded, on the loader's thread: the whole run's pause statistics (their
// percentiles need the pauses sorted), its counts by collector and reason, and the timeline's
// raw samples (two per collection) and markers, which every redraw only slices and decimates,
// and the pauses view's histogram and utilization series. For 100,000 collections this was
// most of the quarter of a second the GUI thread stalled for when the run was shown.
//
// A RunData without an index (one made by hand, or by Document::Load directly) is shown all the
// same: the functions of stats.h and timeline.h then compute what they need as they go, to the
// same figures.
#pragma once

#include <array>
#include <map>
#include <memory>
#include <string>

#include <heaplab/viz/document.h>
#include <heaplab/viz/stats.h>
#include <heaplab/viz/timeline.h>

namespace heaplab::viz {

struct RunIndex {
  // The collections' start times span [first_start_ms, last_start_ms]: a range that holds both
  // holds every collection, and its statistics are the whole run's.
  double first_start_ms = 0;
  double last_start_ms = 0;
  PauseStats scavenge;
  PauseStats mark_compact;
  PauseStats all;
  std::map<std::string, int> by_collector;  // as RangeStats::by_collector, whole run
  std::map<std::string, int> by_reason;     // as RangeStats::by_reason, whole run
  RangeStats whole;                         // ComputeRangeStats over RunRange(run)
  TimelineSamples samples;                  // BuildTimelineSamples over every collection
  // The pauses view's figures: PauseHistogram of kPauseHistogramBins (Scavenge, Mark-Compact),
  // MutatorUtilizationLoss (average, current), WindowedUtilization of UtilizationWindow(run).
  std::array<Histogram, 2> histograms;
  QVector<QPointF> average_mu_loss;
  QVector<QPointF> current_mu_loss;
  double utilization_window_ms = 0;
  QVector<QPointF> windowed_utilization;
};

// Works out `run`'s index (linear in its collections, plus one sort of the pauses per row of
// statistics) and keeps it in run.index.
void IndexRun(RunData& run);

// doc.Load(flags, control), indexed: what the loader's thread hands to the GUI.
std::shared_ptr<const RunData> LoadIndexedRun(const Document& doc, const GcFlags& flags,
                                              LoadControl& control);

}  // namespace heaplab::viz
