#include <heaplab/viz/stats.h>

#include <algorithm>
#include <cmath>

#include <heaplab/gc/summary.h>
#include <heaplab/viz/timeline.h>

namespace heaplab::viz {

namespace {
bool InRange(const GcEvent& e, double t0, double t1) {
  return t1 <= t0 || (e.start_ms >= t0 && e.start_ms <= t1);
}
std::size_t OldBytes(const GcEvent& e) {
  return e.after[static_cast<int>(SpaceId::OldSpace)].size +
         e.after[static_cast<int>(SpaceId::LargeObjectSpace)].size;
}
}  // namespace

PauseStats ComputePauseStats(const RunData& run, std::optional<Collector> collector, double t0,
                             double t1) {
  RunSummary summary;  // the command line's percentiles, so both report the same figures
  PauseStats s;
  for (const GcEvent& e : run.gcs) {
    if (!InRange(e, t0, t1) || (collector && e.collector != *collector)) continue;
    summary.OnGc(e);
    ++s.count;
  }
  if (s.count == 0) return s;
  s.total_ms = summary.total_pause_ms();
  s.p50 = summary.PausePercentile(50);
  s.p95 = summary.PausePercentile(95);
  s.p99 = summary.PausePercentile(99);
  s.max = summary.max_pause_ms();
  return s;
}

Histogram PauseHistogram(const RunData& run, Collector collector, int bins) {
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

QVector<QPointF> MutatorUtilization(const RunData& run, bool average, int pixels) {
  QVector<QPointF> points;
  points.reserve(static_cast<int>(run.gcs.size()));
  for (const GcEvent& e : run.gcs)
    points.push_back({e.end_ms, average ? e.average_mu : e.current_mu});
  const auto [t0, t1] = RunRange(run);
  // Utilization dips matter more than peaks: decimate on 1 - mu.
  for (QPointF& p : points)
    p.setY(1 - p.y());
  QVector<QPointF> out = Decimate(points, t0, t1, pixels);
  for (QPointF& p : out)
    p.setY(1 - p.y());
  return out;
}

QVector<QPointF> WindowedUtilization(const RunData& run, double window_ms) {
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

RangeStats ComputeRangeStats(const RunData& run, double t0, double t1) {
  if (t1 <= t0) std::tie(t0, t1) = RunRange(run);
  RangeStats r;
  r.t0 = t0;
  r.t1 = t1;
  r.scavenge = ComputePauseStats(run, Collector::Scavenge, t0, t1);
  r.mark_compact = ComputePauseStats(run, Collector::MarkCompact, t0, t1);
  r.all = ComputePauseStats(run, std::nullopt, t0, t1);
  for (std::size_t k = run.FirstGcAtOrAfter(t0); k < run.gcs.size(); ++k) {
    const GcEvent& e = run.gcs[k];
    if (e.start_ms > t1) break;
    ++r.by_collector[run.GcCollectorName(k)];
    const bool printed = run.source != RunSource::NodeLog || e.reason != Reason::Unknown;
    ++r.by_reason[printed ? ReasonString(e.reason) : "(not printed)"];
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
