// Pauses: a histogram of pause times per collector (shared bins), the table of p50 / p95 /
// p99 / max per collector, and V8's average and current mutator utilization over time.
#pragma once

#include <memory>

#include <QWidget>

#include <heaplab/viz/stats_models.h>

class QChartView;
class QBarSeries;
class QBarSet;
class QBarCategoryAxis;
class QLineSeries;
class QValueAxis;

namespace heaplab::viz {

class PausesView : public QWidget {
  Q_OBJECT
 public:
  explicit PausesView(QWidget* parent = nullptr);
  void SetRun(std::shared_ptr<const RunData> run);
  QChartView* histogram_view() const { return histogram_; }
  QChartView* mu_view() const { return mu_; }
  const PauseStatsModel& stats() const { return *stats_; }
  static constexpr int kBins = kPauseHistogramBins;  // the bins a run's index holds

 private:
  QChartView* histogram_;
  QChartView* mu_;
  PauseStatsModel* stats_;
};

}  // namespace heaplab::viz
