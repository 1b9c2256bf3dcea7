#include <heaplab/viz/timeline.h>

#include <algorithm>
#include <cmath>

namespace heaplab::viz {

namespace {

double Mb(std::size_t bytes) {
  return static_cast<double>(bytes) / (1024.0 * 1024.0);
}

std::array<double, kLayerCount> Layers(const std::array<SpaceStats, kSpaceCount>& s,
                                       std::size_t external) {
  std::array<double, kLayerCount> out{};
  out[0] = Mb(s[static_cast<int>(SpaceId::NewSpace)].size);
  out[1] = out[0] + Mb(s[static_cast<int>(SpaceId::OldSpace)].size);
  out[2] = out[1] + Mb(s[static_cast<int>(SpaceId::LargeObjectSpace)].size +
                       s[static_cast<int>(SpaceId::NewLargeObjectSpace)].size);
  out[3] = out[2] + Mb(external);
  return out;
}

int Column(double x, double t0, double t1, int pixels) {
  const double f = (x - t0) / (t1 - t0);
  return std::clamp(static_cast<int>(f * pixels), 0, pixels - 1);
}

// Marker decimation: per pixel column, the collection with the longest pause.
void DecimateMarkers(const RunData& run, const std::vector<std::size_t>& gcs, double t0, double t1,
                     int pixels, QVector<QPointF>& points, std::vector<std::size_t>& kept) {
  int last_column = -1;
  for (std::size_t i : gcs) {
    const GcEvent& e = run.gcs[i];
    const int column = Column(e.start_ms, t0, t1, pixels);
    const QPointF p(e.start_ms, Mb(e.end_object_size + (run.whole_heap ? 0 : e.external_memory)));
    if (column == last_column) {
      if (e.pause_ms > run.gcs[kept.back()].pause_ms) {
        points.back() = p;
        kept.back() = i;
      }
      continue;
    }
    last_column = column;
    points.push_back(p);
    kept.push_back(i);
  }
}

}  // namespace

const char* LayerName(Layer layer) {
  switch (layer) {
    case Layer::NewSpace:
      return "new space";
    case Layer::OldSpace:
      return "old space";
    case Layer::LargeObjects:
      return "large objects";
    case Layer::External:
      return "external";
    case Layer::Count:
      break;
  }
  return "?";
}

std::pair<double, double> RunRange(const RunData& run) {
  double end = run.end_ms;
  if (!run.gcs.empty()) end = std::max(end, run.gcs.back().end_ms);
  if (end <= 0) end = 1;
  return {0, end};
}

QVector<QPointF> Decimate(const QVector<QPointF>& points, double t0, double t1, int pixels) {
  QVector<QPointF> out;
  if (pixels <= 0 || t1 <= t0) return out;
  auto first = std::lower_bound(points.begin(), points.end(), t0,
                                [](const QPointF& p, double t) { return p.x() < t; });
  auto last = std::upper_bound(points.begin(), points.end(), t1,
                               [](double t, const QPointF& p) { return t < p.x(); });
  if (last - first <= pixels) return QVector<QPointF>(first, last);
  int column = -1;
  for (auto it = first; it != last; ++it) {
    const int c = Column(it->x(), t0, t1, pixels);
    if (c != column) {
      out.push_back(*it);
      column = c;
    } else if (it->y() > out.back().y()) {
      out.back().setY(it->y());
    }
  }
  return out;
}

TimelineSeries BuildTimeline(const RunData& run, double t0, double t1, int pixels) {
  if (t1 <= t0) std::tie(t0, t1) = RunRange(run);
  pixels = std::max(pixels, 1);
  TimelineSeries out;
  // Raw samples (two per collection), then decimation per series.
  std::array<QVector<QPointF>, kLayerCount> used;
  QVector<QPointF> committed;
  // One sample before the range keeps the first line segment that enters it.
  std::size_t first = run.FirstGcAtOrAfter(t0);
  if (first > 0) --first;
  std::size_t last = run.FirstGcAtOrAfter(t1);
  if (last < run.gcs.size()) ++last;
  std::vector<std::size_t> scavenges;
  std::vector<std::size_t> mark_compacts;
  const auto samples = static_cast<qsizetype>(2 * (last - first));
  for (auto& layer : used)
    layer.reserve(samples);
  committed.reserve(samples);
  for (std::size_t i = first; i < last; ++i) {
    const GcEvent& e = run.gcs[i];
    auto before = Layers(e.before, e.external_memory);
    auto after = Layers(e.after, e.external_memory);
    if (run.whole_heap) {
      // Only the heap's objects as a whole are known: one layer, the second, from the line's
      // "A (B) -> C (D) MB"; the layers above it add nothing.
      before = {0, Mb(e.start_object_size), Mb(e.start_object_size), Mb(e.start_object_size)};
      after = {0, Mb(e.end_object_size), Mb(e.end_object_size), Mb(e.end_object_size)};
    }
    for (int l = 0; l < kLayerCount; ++l) {
      used[l].push_back({e.start_ms, before[l]});
      used[l].push_back({e.end_ms, after[l]});
    }
    committed.push_back({e.start_ms, Mb(e.start_memory_size)});
    committed.push_back({e.end_ms, Mb(e.end_memory_size)});
    if (e.start_ms >= t0 && e.start_ms <= t1)
      (e.collector == Collector::Scavenge ? scavenges : mark_compacts).push_back(i);
  }
  out.samples = static_cast<int>(committed.size());
  // Decimating each layer on its own keeps each layer's columns aligned: every layer has a
  // sample at the same x values, and the maximum of a cumulative layer is taken at the same
  // column; a layer stays above the one below it.
  for (int l = 0; l < kLayerCount; ++l)
    out.used[l] = Decimate(used[l], t0, t1, pixels);
  out.committed = Decimate(committed, t0, t1, pixels);
  // The limit is a step function: a point where it changes, and one at each end.
  out.limit.push_back({t0, Mb(run.LimitAt(t0))});
  QVector<QPointF> steps;
  for (const LimitPoint& p : run.limits) {
    if (p.time_ms <= t0 || p.time_ms > t1) continue;
    steps.push_back({p.time_ms, Mb(run.LimitAt(p.time_ms - 1e-9))});
    steps.push_back({p.time_ms, Mb(p.limit)});
  }
  if (steps.size() + 2 > pixels) steps = Decimate(steps, t0, t1, pixels - 2);
  out.limit += steps;
  out.limit.push_back({t1, Mb(run.LimitAt(t1))});
  DecimateMarkers(run, scavenges, t0, t1, pixels, out.scavenges, out.scavenge_gcs);
  DecimateMarkers(run, mark_compacts, t0, t1, pixels, out.mark_compacts, out.mark_compact_gcs);
  return out;
}

}  // namespace heaplab::viz
