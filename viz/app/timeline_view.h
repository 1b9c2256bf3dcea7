// The timeline: heap used per space, stacked (new, old, large objects, external), the whole
// heap's committed memory, the old generation's limit, and every collection as a marker
// coloured by collector. Drag a rubber band to zoom into a time range, right-click or
// Backspace to go back; hovering a marker shows the collection's own --trace-gc line. The
// statistics of the range shown update with every zoom.
#pragma once

#include <memory>
#include <vector>

#include <QChartView>
#include <QWidget>

#include <heaplab/viz/run_data.h>
#include <heaplab/viz/stats_models.h>
#include <heaplab/viz/timeline.h>

class QAreaSeries;
class QLineSeries;
class QScatterSeries;
class QValueAxis;
class QTableView;
class QLabel;

namespace heaplab::viz {

class TimelineChartView : public QChartView {
  Q_OBJECT
 public:
  using QChartView::QChartView;
 Q_SIGNALS:
  void backRequested();
  void resized();

 protected:
  void mouseReleaseEvent(QMouseEvent* event) override;
  void resizeEvent(QResizeEvent* event) override;
};

class TimelineView : public QWidget {
  Q_OBJECT
 public:
  explicit TimelineView(QWidget* parent = nullptr);
  void SetRun(std::shared_ptr<const RunData> run);
  // Shows [t0, t1] (t1 <= t0: the whole run), remembering the previous range for Back().
  void ZoomTo(double t0, double t1);
  void Back();
  void ResetZoom();
  std::pair<double, double> range() const { return {t0_, t1_}; }
  QChartView* chart_view() const { return view_; }
  const RangeStatsModel& range_stats() const { return *stats_; }
  // The points now drawn, all series together, and the time the last redraw took.
  int drawn_points() const { return drawn_points_; }
  double last_redraw_ms() const { return last_redraw_ms_; }
  // Tooltip text of a GC (its --trace-gc line and fields).
  QString GcToolTip(std::size_t index) const;

 Q_SIGNALS:
  void rangeChanged(double t0, double t1);

 private:
  void Redraw();
  void OnAxisRange(double min, double max);
  void OnMarkerHovered(const QPointF& point, bool state, bool scavenge);
  int PlotWidth() const;

  std::shared_ptr<const RunData> run_;
  TimelineChartView* view_;
  QValueAxis* x_;
  QValueAxis* y_;
  std::vector<QLineSeries*> layer_lines_;  // upper edges
  std::vector<QLineSeries*> layer_lower_;  // lower edges (copies of the layer below)
  std::vector<QAreaSeries*> areas_;
  QLineSeries* committed_;
  QLineSeries* limit_;
  QScatterSeries* scavenges_;
  QScatterSeries* mark_compacts_;
  TimelineSeries series_;
  RangeStatsModel* stats_;
  QTableView* stats_view_;
  QLabel* info_;
  double t0_ = 0;
  double t1_ = 0;
  std::vector<std::pair<double, double>> history_;
  bool updating_ = false;
  int drawn_points_ = 0;
  double last_redraw_ms_ = 0;
};

}  // namespace heaplab::viz
