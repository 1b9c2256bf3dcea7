#include "pauses_view.h"

#include <QBarCategoryAxis>
#include <QBarSeries>
#include <QBarSet>
#include <QChartView>
#include <QHeaderView>
#include <QLineSeries>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>
#include <QValueAxis>

#include <heaplab/viz/timeline.h>

namespace heaplab::viz {

PausesView::PausesView(QWidget* parent) : QWidget(parent) {
  histogram_ = new QChartView(this);
  histogram_->setRenderHint(QPainter::Antialiasing);
  histogram_->setToolTip(tr("How many pauses fell into each range of durations"));
  mu_ = new QChartView(this);
  mu_->setRenderHint(QPainter::Antialiasing);
  mu_->setToolTip(tr("Mutator utilization after each collection, as V8 computes it"));
  stats_ = new PauseStatsModel(this);
  auto* table = new QTableView(this);
  table->setModel(stats_);
  table->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
  table->setMaximumHeight(130);
  auto* charts = new QSplitter(Qt::Horizontal, this);
  charts->addWidget(histogram_);
  charts->addWidget(mu_);
  auto* layout = new QVBoxLayout(this);
  layout->addWidget(charts, 1);
  layout->addWidget(table);
}

void PausesView::SetRun(std::shared_ptr<const RunData> run) {
  stats_->SetRun(run);
  if (!run) return;
  // Histogram: both collectors over the same bins.
  auto* chart = new QChart();
  chart->setTitle(tr("Pause times"));
  auto* bars = new QBarSeries();
  const Histogram hs = PauseHistogram(*run, Collector::Scavenge, kBins);
  const Histogram hm = PauseHistogram(*run, Collector::MarkCompact, kBins);
  auto* scavenge = new QBarSet(tr("Scavenge"));
  auto* mark_compact = new QBarSet(tr("Mark-Compact"));
  scavenge->setColor(QColor(0x1f, 0x77, 0xb4));
  mark_compact->setColor(QColor(0xd6, 0x27, 0x28));
  QStringList categories;
  int max_count = 1;
  for (int i = 0; i < kBins; ++i) {
    *scavenge << hs.counts[static_cast<std::size_t>(i)];
    *mark_compact << hm.counts[static_cast<std::size_t>(i)];
    max_count = std::max({max_count, hs.counts[static_cast<std::size_t>(i)],
                          hm.counts[static_cast<std::size_t>(i)]});
    categories << QString::number((i + 0.5) * hs.bin_ms, 'f', hs.bin_ms < 1 ? 2 : 0);
  }
  bars->append(scavenge);
  bars->append(mark_compact);
  chart->addSeries(bars);
  auto* x = new QBarCategoryAxis();
  x->append(categories);
  x->setTitleText(tr("pause (ms, bin centre)"));
  auto* y = new QValueAxis();
  // Whole numbers of collections: a tick every `step`, anchored at 0.
  const int step = std::max(1, (max_count + 6) / 7);
  y->setRange(0, ((max_count + step - 1) / step) * step);
  y->setTickType(QValueAxis::TicksDynamic);
  y->setTickAnchor(0);
  y->setTickInterval(step);
  y->setLabelFormat("%d");
  y->setTitleText(tr("collections"));
  chart->addAxis(x, Qt::AlignBottom);
  chart->addAxis(y, Qt::AlignLeft);
  bars->attachAxis(x);
  bars->attachAxis(y);
  chart->legend()->setAlignment(Qt::AlignBottom);
  QChart* old = histogram_->chart();
  histogram_->setChart(chart);
  delete old;

  // Mutator utilization.
  auto* mu_chart = new QChart();
  mu_chart->setTitle(tr("Mutator utilization"));
  const int pixels = std::max(mu_->width(), 200);
  auto* average = new QLineSeries();
  average->setName(tr("average mu"));
  average->replace(MutatorUtilization(*run, true, pixels));
  auto* current = new QLineSeries();
  current->setName(tr("current mu"));
  current->replace(MutatorUtilization(*run, false, pixels));
  auto* windowed = new QLineSeries();
  const double window = UtilizationWindow(*run);
  windowed->setName(tr("utilization per %1 ms").arg(window, 0, 'f', 0));
  windowed->replace(WindowedUtilization(*run, window));
  windowed->setPen(QPen(QColor(0x60, 0x60, 0x60), 1.5, Qt::DashLine));
  mu_chart->addSeries(windowed);
  mu_chart->addSeries(current);
  mu_chart->addSeries(average);
  auto* tx = new QValueAxis();
  const auto [t0, t1] = RunRange(*run);
  tx->setRange(t0, t1);
  tx->setTitleText(tr("time (ms)"));
  tx->setLabelFormat("%.0f");
  auto* ty = new QValueAxis();
  ty->setRange(0, 1.05);
  ty->setTitleText(tr("mu"));
  mu_chart->addAxis(tx, Qt::AlignBottom);
  mu_chart->addAxis(ty, Qt::AlignLeft);
  for (QLineSeries* s : {average, current, windowed}) {
    s->attachAxis(tx);
    s->attachAxis(ty);
  }
  mu_chart->legend()->setAlignment(Qt::AlignBottom);
  old = mu_->chart();
  mu_->setChart(mu_chart);
  delete old;
}

}  // namespace heaplab::viz
