#include <heaplab/viz/stats.h>

#include <algorithm>
#include <cmath>

#include <heaplab/gc/summary.h>
#include <heaplab/viz/run_index.h>
#include <heaplab/viz/timeline.h>

namespace heaplab::viz {

namespace {
bool InRange(const GcEvent& e, double t0, double t1) {
  return t1 <= t0 || (e.start_ms >= t0 && e.start_ms <= t1);
}
// Whether [t0, t1] holds every collection of the run `index` was made for (t1 <= t0: the run).
bool CoversRun(const RunIndex& index, double t0, double t1) {
  return t1 <= t0 || (t0 <= index.first_start_ms && index.last_start_ms <= t1);
}
std::size_t OldBytes(const GcEvent& e) {
  return e.after[static_cast<int>(SpaceId::OldSpace)].size +
         e.after[static_cast<int>(SpaceId::LargeObjectSpace)].size;
}
}  // namespace

PauseStats ComputePauseStats(const RunData& run, std::optional<Collector> collector, double t0,
                             double t1) {
  if (run.index && CoversRun(*run.index, t0, t1)) {
    if (!collector) return run.index->all;
    return *collector == Collector::Scavenge ? run.index->scavenge : run.index->mark_compact;
  }
  PauseStats s;
  std::vector<double> pauses;
  for (const GcEvent& e : run.gcs) {
    if (!InRange(e, t0, t1) || (collector && e.collector != *collector)) continue;
    pauses.push_back(e.pause_ms);
    s.total_ms += e.pause_ms;
    s.max = std::max(s.max, e.pause_ms);
  }
  s.count = static_cast<int>(pauses.size());
  if (s.count == 0) return s;
  std::sort(pauses.begin(), pauses.end());
  s.p50 = NearestRankPercentile(pauses, 50);
  s.p95 = NearestRankPercentile(pauses, 95);
  s.p99 = NearestRankPercentile(pauses, 99);
  return s;
}

Histogram PauseHistogram(const RunData& run, Collector collector, int bins) {
  if (run.index && bins == kPauseHistogramBins)
    return run.index->histograms[collector == Collector::Scavenge ? 0 : 1];
  Histogram h;
  bins = std::max(bins, 1);
  double max = 0;
  for (const GcEvent& e : run.gcs)
    max = std::max(max, e.pause_ms);
  h.bin_ms = max > 0 ? max / bins : 1.0;
  h.counts.assign(static_cast<std::size_t>(bins), 0);
  for (const GcEvent& e : run.gcs) {
    if (e.collector != collector) continue;
    const int bin = std::min(bins - 1, static_cast<int>(e.pause_ms / h.bin_ms));
    ++h.counts[static_cast<std::size_t>(bin)];
  }
  return h;
}

QVector<QPointF> MutatorUtilizationLoss(const RunData& run, bool average) {
  QVector<QPointF> points;
  points.reserve(static_cast<qsizetype>(run.gcs.size()));
  for (const GcEvent& e : run.gcs)
    points.push_back({e.end_ms, 1 - (average ? e.average_mu : e.current_mu)});
  return points;
}

QVector<QPointF> MutatorUtilization(const RunData& run, bool average, int pixels) {
  const auto [t0, t1] = RunRange(run);
  // Utilization dips matter more than peaks: decimate on 1 - mu.
  QVector<QPointF> out =
      run.index ? Decimate(average ? run.index->average_mu_loss : run.index->current_mu_loss, t0,
                           t1, pixels)
                : Decimate(MutatorUtilizationLoss(run, average), t0, t1, pixels);
  for (QPointF& p : out)
    p.setY(1 - p.y());
  return out;
}

double UtilizationWindow(const RunData& run) {
  const auto [t0, t1] = RunRange(run);
  return std::max((t1 - t0) / 50, 1.0);
}

QVector<QPointF> WindowedUtilization(const RunData& run, double window_ms) {
  if (run.index && window_ms == run.index->utilization_window_ms)
    return run.index->windowed_utilization;
  QVector<QPointF> out;
  if (window_ms <= 0) return out;
  const auto [t0, t1] = RunRange(run);
  const int windows = static_cast<int>(std::ceil((t1 - t0) / window_ms));
  std::vector<double> paused(static_cast<std::size_t>(std::max(windows, 0)), 0.0);
  for (const GcEvent& e : run.gcs) {
    // Spread the pause over the windows it overlaps.
    const double start = e.start_ms;
    const double end = e.start_ms + e.pause_ms;
    const int first = std::max(0, static_cast<int>(std::floor((start - t0) / window_ms)));
    const int last = std::min(windows - 1, static_cast<int>(std::floor((end - t0) / window_ms)));
    for (int w = first; w <= last; ++w) {
      const double part =
          std::min(end, t0 + (w + 1) * window_ms) - std::max(start, t0 + w * window_ms);
      if (part > 0) paused[static_cast<std::size_t>(w)] += part;
    }
  }
  for (int w = 0; w < windows; ++w)
    out.push_back({t0 + (w + 0.5) * window_ms,
                   std::clamp(1 - paused[static_cast<std::size_t>(w)] / window_ms, 0.0, 1.0)});
  return out;
}

void CountCollections(const RunData& run, double t0, double t1,
                      std::map<std::string, int>& by_collector,
                      std::map<std::string, int>& by_reason) {
  const bool whole = t1 <= t0;
  for (std::size_t k = whole ? 0 : run.FirstGcAtOrAfter(t0); k < run.gcs.size(); ++k) {
    const GcEvent& e = run.gcs[k];
    if (!whole && e.start_ms > t1) break;
    ++by_collector[run.GcCollectorName(k)];
    const bool printed = run.source != RunSource::NodeLog || e.reason != Reason::Unknown;
    ++by_reason[printed ? ReasonString(e.reason) : "(not printed)"];
  }
}

RangeStats ComputeRangeStats(const RunData& run, double t0, double t1) {
  if (t1 <= t0) std::tie(t0, t1) = RunRange(run);
  if (run.index && std::make_pair(t0, t1) == RunRange(run)) return run.index->whole;
  RangeStats r;
  r.t0 = t0;
  r.t1 = t1;
  r.scavenge = ComputePauseStats(run, Collector::Scavenge, t0, t1);
  r.mark_compact = ComputePauseStats(run, Collector::MarkCompact, t0, t1);
  r.all = ComputePauseStats(run, std::nullopt, t0, t1);
  if (run.index && CoversRun(*run.index, t0, t1)) {
    r.by_collector = run.index->by_collector;
    r.by_reason = run.index->by_reason;
  } else {
    CountCollections(run, t0, t1, r.by_collector, r.by_reason);
  }
  double paused = 0;
  std::size_t i = run.FirstGcAtOrAfter(t0);
  if (i > 0) --i;  // its pause may reach into the range
  for (; i < run.gcs.size(); ++i) {
    const GcEvent& e = run.gcs[i];
    if (e.start_ms > t1) break;
    // The part of the pause inside the range.
    const double start = std::max(e.start_ms, t0);
    const double end = std::min(e.start_ms + e.pause_ms, t1);
    if (end > start) paused += end - start;
    if (e.collector == Collector::MarkCompact && e.start_ms >= t0) {
      if (r.full_gcs == 0) r.old_after_first_full = OldBytes(e);
      r.old_after_last_full = OldBytes(e);
      ++r.full_gcs;
    }
  }
  r.mutator_utilization = t1 > t0 ? std::clamp(1 - paused / (t1 - t0), 0.0, 1.0) : 1.0;
  return r;
}

}  // namespace heaplab::viz
