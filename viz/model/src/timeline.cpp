#include <heaplab/viz/timeline.h>

#include <algorithm>
#include <cmath>
#include <tuple>

#include <heaplab/viz/run_index.h>

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
void DecimateMarkers(const TimelineSamples::Marker* begin, const TimelineSamples::Marker* end,
                     double t0, double t1, int pixels, QVector<QPointF>& points,
                     std::vector<std::size_t>& kept) {
  int last_column = -1;
  double kept_pause = 0;
  for (const TimelineSamples::Marker* m = begin; m != end; ++m) {
    if (m->point.x() < t0 || m->point.x() > t1) continue;
    const int column = Column(m->point.x(), t0, t1, pixels);
    if (column == last_column) {
      if (m->pause_ms > kept_pause) {
        points.back() = m->point;
        kept.back() = m->gc;
        kept_pause = m->pause_ms;
      }
      continue;
    }
    last_column = column;
    points.push_back(m->point);
    kept.push_back(m->gc);
    kept_pause = m->pause_ms;
  }
}

// The markers of collections [first, last) in `markers` (in the order of RunData::gcs).
std::pair<const TimelineSamples::Marker*, const TimelineSamples::Marker*> MarkersOf(
    const std::vector<TimelineSamples::Marker>& markers, std::size_t first, std::size_t last) {
  const auto by_gc = [](const TimelineSamples::Marker& m, std::size_t gc) { return m.gc < gc; };
  const auto* begin = markers.data();
  const auto* end = markers.data() + markers.size();
  return {std::lower_bound(begin, end, first, by_gc), std::lower_bound(begin, end, last, by_gc)};
}

// Decimate over the points in [begin, end) (sorted by x).
QVector<QPointF> DecimateSpan(const QPointF* begin, const QPointF* end, double t0, double t1,
                              int pixels) {
  QVector<QPointF> out;
  if (pixels <= 0 || t1 <= t0) return out;
  const QPointF* first =
      std::lower_bound(begin, end, t0, [](const QPointF& p, double t) { return p.x() < t; });
  const QPointF* last =
      std::upper_bound(begin, end, t1, [](double t, const QPointF& p) { return t < p.x(); });
  if (last - first <= pixels) return QVector<QPointF>(first, last);
  int column = -1;
  for (const QPointF* it = first; it != last; ++it) {
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
  return DecimateSpan(points.constData(), points.constData() + points.size(), t0, t1, pixels);
}

TimelineSamples BuildTimelineSamples(const RunData& run, std::size_t first, std::size_t last) {
  TimelineSamples out;
  last = std::min(last, run.gcs.size());
  if (first >= last) return out;
  const auto samples = static_cast<qsizetype>(2 * (last - first));
  for (auto& layer : out.used)
    layer.reserve(samples);
  out.committed.reserve(samples);
  for (std::size_t i = first; i < last; ++i) {
    const GcEvent& e = run.gcs[i];
    auto before = Layers(e.before, e.external_memory);
    auto after = Layers(e.after, e.external_memory);
    double marker_mb = Mb(e.end_object_size + e.external_memory);
    if (run.whole_heap) {
      // Only the heap's objects as a whole are known: one layer, the second, from the line's
      // "A (B) -> C (D) MB"; the layers above it add nothing.
      before = {0, Mb(e.start_object_size), Mb(e.start_object_size), Mb(e.start_object_size)};
      after = {0, Mb(e.end_object_size), Mb(e.end_object_size), Mb(e.end_object_size)};
      marker_mb = Mb(e.end_object_size);
    } else if (run.spaces_after_only) {
      // The spaces as V8 printed them after this collection; at its start, as printed after
      // the one before (held: nothing printed them in between), or, for the first, its own.
      if (i > 0)
        before = Layers(run.gcs[i - 1].after, run.gcs[i - 1].external_memory);
      else
        before = after;
      marker_mb = after[kLayerCount - 1];
    }
    for (int l = 0; l < kLayerCount; ++l) {
      out.used[l].push_back({e.start_ms, before[l]});
      out.used[l].push_back({e.end_ms, after[l]});
    }
    out.committed.push_back({e.start_ms, Mb(e.start_memory_size)});
    out.committed.push_back({e.end_ms, Mb(e.end_memory_size)});
    const QPointF marker(e.start_ms, marker_mb);
    (e.collector == Collector::Scavenge ? out.scavenges : out.mark_compacts)
        .push_back({marker, e.pause_ms, i});
  }
  return out;
}

TimelineSeries BuildTimeline(const RunData& run, double t0, double t1, int pixels) {
  if (t1 <= t0) std::tie(t0, t1) = RunRange(run);
  pixels = std::max(pixels, 1);
  TimelineSeries out;
  // One sample before the range keeps the first line segment that enters it.
  std::size_t first = run.FirstGcAtOrAfter(t0);
  if (first > 0) --first;
  std::size_t last = run.FirstGcAtOrAfter(t1);
  if (last < run.gcs.size()) ++last;
  // The raw samples of collections [first, last): a slice of the index's, or made here.
  TimelineSamples made;
  const TimelineSamples* samples = &made;
  qsizetype begin = 0;
  const auto count = static_cast<qsizetype>(2 * (last - first));
  if (run.index &&
      run.index->samples.committed.size() == static_cast<qsizetype>(2 * run.gcs.size())) {
    samples = &run.index->samples;
    begin = static_cast<qsizetype>(2 * first);
  } else {
    made = BuildTimelineSamples(run, first, last);
  }
  out.samples = static_cast<int>(count);
  // Decimating each layer on its own keeps each layer's columns aligned: every layer has a
  // sample at the same x values, and the maximum of a cumulative layer is taken at the same
  // column; a layer stays above the one below it.
  for (int l = 0; l < kLayerCount; ++l) {
    const QPointF* data = samples->used[l].constData() + begin;
    out.used[l] = DecimateSpan(data, data + count, t0, t1, pixels);
  }
  const QPointF* committed = samples->committed.constData() + begin;
  out.committed = DecimateSpan(committed, committed + count, t0, t1, pixels);
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
  // Markers of the collections that start within the range.
  const auto [s0, s1] = MarkersOf(samples->scavenges, first, last);
  DecimateMarkers(s0, s1, t0, t1, pixels, out.scavenges, out.scavenge_gcs);
  const auto [m0, m1] = MarkersOf(samples->mark_compacts, first, last);
  DecimateMarkers(m0, m1, t0, t1, pixels, out.mark_compacts, out.mark_compact_gcs);
  return out;
}

TimelineSeries BuildByCollection(const RunData& run, int pixels) {
  pixels = std::max(pixels, 1);
  TimelineSeries out;
  const std::size_t n = run.gcs.size();
  if (n == 0) return out;
  TimelineSamples made;
  const TimelineSamples* samples = &made;
  if (run.index && run.index->samples.committed.size() == static_cast<qsizetype>(2 * n))
    samples = &run.index->samples;
  else
    made = BuildTimelineSamples(run, 0, n);
  const double x1 = static_cast<double>(n) + 1;
  // The end samples (odd ones: each collection's heap after it), renumbered.
  const auto after = [n](const QVector<QPointF>& two_per_gc) {
    QVector<QPointF> points;
    points.reserve(static_cast<qsizetype>(n));
    for (std::size_t i = 0; i < n; ++i)
      points.push_back(
          {static_cast<double>(i + 1), two_per_gc[static_cast<qsizetype>(2 * i + 1)].y()});
    return points;
  };
  for (int l = 0; l < kLayerCount; ++l)
    out.used[l] = Decimate(after(samples->used[l]), 0, x1, pixels);
  out.committed = Decimate(after(samples->committed), 0, x1, pixels);
  for (auto [from, points, kept] :
       {std::tuple{&samples->scavenges, &out.scavenges, &out.scavenge_gcs},
        std::tuple{&samples->mark_compacts, &out.mark_compacts, &out.mark_compact_gcs}}) {
    std::vector<TimelineSamples::Marker> renumbered = *from;
    for (TimelineSamples::Marker& m : renumbered)
      m.point.setX(static_cast<double>(m.gc + 1));
    DecimateMarkers(renumbered.data(), renumbered.data() + renumbered.size(), 0, x1, pixels,
                    *points, *kept);
  }
  out.samples = static_cast<int>(2 * n);
  return out;
}

}  // namespace heaplab::viz
