// The timeline's series, decimated for the pixels at hand: for a time range and a width in
// pixels, every series has at most one point per pixel column (the column's maximum, so that
// peaks survive), whatever the number of collections. Heap sizes are sampled at the start and
// the end of every collection and drawn as straight lines between.
#pragma once

#include <array>
#include <vector>

#include <QPointF>
#include <QVector>

#include <heaplab/viz/run_data.h>

namespace heaplab::viz {

// The stacked layers, bottom to top.
enum class Layer { NewSpace, OldSpace, LargeObjects, External, Count };
inline constexpr int kLayerCount = static_cast<int>(Layer::Count);
const char* LayerName(Layer layer);  // "new space", "old space", "large objects", "external"

struct TimelineSeries {
  // Upper edge of each layer, cumulative (layer i includes layers below it); y in MB. For a
  // run known only as a whole (RunData::whole_heap) every layer but the first is the heap's
  // objects: the views draw it as one layer.
  std::array<QVector<QPointF>, kLayerCount> used;
  QVector<QPointF> committed;  // whole heap, MB
  QVector<QPointF> limit;      // old generation's allocation limit, MB
  // GC markers at (start, heap used after) and the index into RunData::gcs of each.
  QVector<QPointF> scavenges;
  QVector<QPointF> mark_compacts;
  std::vector<std::size_t> scavenge_gcs;
  std::vector<std::size_t> mark_compact_gcs;
  int samples = 0;  // the raw samples in range, before decimation
};

// The raw samples the series are decimated from: each collection's heap at its start and at its
// end (two samples per collection, in the order of RunData::gcs), per layer and committed; and
// a marker per collection.
struct TimelineSamples {
  std::array<QVector<QPointF>, kLayerCount> used;  // cumulative, MB, as TimelineSeries::used
  QVector<QPointF> committed;                      // MB
  struct Marker {
    QPointF point;        // (start ms, heap used after in MB)
    double pause_ms = 0;  // decimation keeps the longest pause of a pixel column
    std::size_t gc = 0;   // index into RunData::gcs
  };
  std::vector<Marker> scavenges;  // in the order of RunData::gcs
  std::vector<Marker> mark_compacts;
};
// The samples of collections [first, last) of `run`.
TimelineSamples BuildTimelineSamples(const RunData& run, std::size_t first, std::size_t last);

// The series over [t0, t1] ms for a plot `pixels` wide. t1 <= t0 means the whole run. The
// samples come from the run's index when it has one (run_index.h), else are made here.
TimelineSeries BuildTimeline(const RunData& run, double t0, double t1, int pixels);

// The series with the collection's number for x instead of its time, for runs whose clocks
// differ (SameClock): collection k (1-based, in the order of RunData::gcs) at x = k, the heap
// (each layer, committed) and its marker as they were after it; x from 0 to the number of
// collections + 1; at most `pixels` points per series. The limit is left empty.
TimelineSeries BuildByCollection(const RunData& run, int pixels);

// Keeps at most `pixels` points of `points` (sorted by x) within [t0, t1]: in each pixel
// column the point of largest y.
QVector<QPointF> Decimate(const QVector<QPointF>& points, double t0, double t1, int pixels);

// The whole run's time range [0, end], end at least the last collection's end.
std::pair<double, double> RunRange(const RunData& run);

}  // namespace heaplab::viz
