#include "timeline_view.h"

#include <QAreaSeries>
#include <QElapsedTimer>
#include <QHeaderView>
#include <QLabel>
#include <QLegendMarker>
#include <QLineSeries>
#include <QMouseEvent>
#include <QScatterSeries>
#include <QSplitter>
#include <QTableView>
#include <QToolTip>
#include <QVBoxLayout>
#include <QValueAxis>
#include <algorithm>
#include <filesystem>

namespace heaplab::viz {

namespace {
const QColor kLayerColors[kLayerCount] = {QColor(0x8e, 0xc9, 0x6e), QColor(0x5b, 0x8d, 0xd6),
                                          QColor(0xb0, 0x7c, 0xd0), QColor(0xe8, 0xb0, 0x4a)};
const QColor kScavengeColor(0x1f, 0x77, 0xb4);
const QColor kMarkCompactColor(0xd6, 0x27, 0x28);
}  // namespace

void TimelineChartView::mouseReleaseEvent(QMouseEvent* event) {
  if (event->button() == Qt::RightButton) {
    Q_EMIT backRequested();
    event->accept();
    return;
  }
  QChartView::mouseReleaseEvent(event);
}

void TimelineChartView::resizeEvent(QResizeEvent* event) {
  QChartView::resizeEvent(event);
  Q_EMIT resized();
}

TimelineView::TimelineView(QWidget* parent) : QWidget(parent) {
  auto* chart = new QChart();
  chart->setTitle(tr("Heap over time"));
  chart->legend()->setAlignment(Qt::AlignBottom);
  x_ = new QValueAxis(chart);
  x_->setTitleText(tr("time (ms)"));
  x_->setLabelFormat("%.0f");
  y_ = new QValueAxis(chart);
  y_->setTitleText(tr("MB"));
  y_->setLabelFormat("%.0f");
  chart->addAxis(x_, Qt::AlignBottom);
  chart->addAxis(y_, Qt::AlignLeft);
  for (int l = 0; l < kLayerCount; ++l) {
    auto* upper = new QLineSeries(this);
    auto* lower = new QLineSeries(this);
    auto* area = new QAreaSeries(upper, l == 0 ? nullptr : lower);
    area->setName(tr("%1 used").arg(LayerName(static_cast<Layer>(l))));
    area->setColor(kLayerColors[l]);
    area->setBorderColor(kLayerColors[l].darker(130));
    chart->addSeries(area);
    area->attachAxis(x_);
    area->attachAxis(y_);
    layer_lines_.push_back(upper);
    layer_lower_.push_back(lower);
    areas_.push_back(area);
  }
  committed_ = new QLineSeries();
  committed_->setName(tr("committed"));
  committed_->setPen(QPen(QColor(0x44, 0x44, 0x44), 1.5, Qt::DashLine));
  limit_ = new QLineSeries();
  limit_->setName(tr("old-generation limit"));
  limit_->setPen(QPen(QColor(0xc0, 0x30, 0x30), 1.5, Qt::DotLine));
  scavenges_ = new QScatterSeries();
  scavenges_->setName(tr("Scavenge"));
  scavenges_->setColor(kScavengeColor);
  scavenges_->setBorderColor(kScavengeColor.darker());
  scavenges_->setMarkerSize(6);
  mark_compacts_ = new QScatterSeries();
  mark_compacts_->setName(tr("Mark-Compact"));
  mark_compacts_->setColor(kMarkCompactColor);
  mark_compacts_->setBorderColor(kMarkCompactColor.darker());
  mark_compacts_->setMarkerSize(10);
  mark_compacts_->setMarkerShape(QScatterSeries::MarkerShapeRectangle);
  for (QXYSeries* s :
       std::initializer_list<QXYSeries*>{committed_, limit_, scavenges_, mark_compacts_}) {
    chart->addSeries(s);
    s->attachAxis(x_);
    s->attachAxis(y_);
  }
  view_ = new TimelineChartView(chart, this);
  view_->setRenderHint(QPainter::Antialiasing);
  view_->setRubberBand(QChartView::HorizontalRubberBand);
  view_->setToolTip(tr("Drag to zoom into a time range; right-click or Backspace to go back"));
  view_->setMinimumHeight(260);

  stats_ = new RangeStatsModel(this);
  stats_view_ = new QTableView(this);
  stats_view_->setModel(stats_);
  stats_view_->horizontalHeader()->setStretchLastSection(true);
  stats_view_->verticalHeader()->hide();
  stats_view_->setToolTip(tr("Statistics of the time range shown"));
  stats_view_->setMaximumHeight(230);
  stats_view_->horizontalHeader()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
  info_ = new QLabel(this);

  auto* split = new QSplitter(Qt::Vertical, this);
  split->addWidget(view_);
  split->addWidget(stats_view_);
  split->setStretchFactor(0, 3);
  split->setStretchFactor(1, 1);
  auto* layout = new QVBoxLayout(this);
  layout->addWidget(split);
  layout->addWidget(info_);

  connect(x_, &QValueAxis::rangeChanged, this, &TimelineView::OnAxisRange);
  connect(view_, &TimelineChartView::backRequested, this, &TimelineView::Back);
  connect(view_, &TimelineChartView::resized, this, &TimelineView::Redraw);
  connect(scavenges_, &QScatterSeries::hovered, this,
          [this](const QPointF& p, bool state) { OnMarkerHovered(p, state, true); });
  connect(mark_compacts_, &QScatterSeries::hovered, this,
          [this](const QPointF& p, bool state) { OnMarkerHovered(p, state, false); });
}

void TimelineView::SetRun(std::shared_ptr<const RunData> run) {
  run_ = std::move(run);
  history_.clear();
  ResetZoom();
}

void TimelineView::ResetZoom() {
  if (!run_) return;
  const auto [t0, t1] = RunRange(*run_);
  t0_ = t0;
  t1_ = t1;
  Redraw();
}

void TimelineView::ZoomTo(double t0, double t1) {
  if (!run_) return;
  if (t1 <= t0) std::tie(t0, t1) = RunRange(*run_);
  history_.emplace_back(t0_, t1_);
  t0_ = t0;
  t1_ = t1;
  Redraw();
}

void TimelineView::Back() {
  if (history_.empty()) return;
  std::tie(t0_, t1_) = history_.back();
  history_.pop_back();
  Redraw();
}

void TimelineView::OnAxisRange(double min, double max) {
  if (updating_ || !run_) return;
  // A rubber band zoomed the chart: keep the range, redraw its points at full detail.
  history_.emplace_back(t0_, t1_);
  t0_ = min;
  t1_ = max;
  Redraw();
}

int TimelineView::PlotWidth() const {
  const int w = static_cast<int>(view_->chart()->plotArea().width());
  return std::max(w > 0 ? w : view_->width(), 16);
}

void TimelineView::Redraw() {
  if (!run_) return;
  QElapsedTimer timer;
  timer.start();
  updating_ = true;
  series_ = BuildTimeline(*run_, t0_, t1_, PlotWidth());
  // The axes first: series replaced under the old ranges would be laid out twice.
  double y_max = 1;
  for (const auto& layer : series_.used)
    for (const QPointF& p : layer)
      y_max = std::max(y_max, p.y());
  for (const QPointF& p : series_.committed)
    y_max = std::max(y_max, p.y());
  // The limit can sit far above a small heap; show it when it is within reach.
  double limit_max = 0;
  for (const QPointF& p : series_.limit)
    limit_max = std::max(limit_max, p.y());
  const bool limit_above = limit_max >= 2.5 * y_max;
  if (!limit_above) y_max = std::max(y_max, limit_max);
  x_->setRange(t0_, t1_);
  y_->setRange(0, y_max * 1.08);
  y_->applyNiceNumbers();
  drawn_points_ = 0;
  for (int l = 0; l < kLayerCount; ++l) {
    const auto& up = series_.used[static_cast<std::size_t>(l)];
    layer_lines_[static_cast<std::size_t>(l)]->replace(up);
    if (l > 0)
      layer_lower_[static_cast<std::size_t>(l)]->replace(
          series_.used[static_cast<std::size_t>(l - 1)]);
    drawn_points_ += static_cast<int>(up.size());
    // A layer with nothing in it stays out of the legend.
    bool empty = true;
    if (l > 0) {
      const auto& down = series_.used[static_cast<std::size_t>(l - 1)];
      for (int i = 0; i < up.size() && i < down.size() && empty; ++i)
        empty = up[i].y() - down[i].y() < 1e-9;
    } else {
      for (const QPointF& p : up)
        empty = empty && p.y() < 1e-9;
    }
    QString name = tr("%1 used").arg(LayerName(static_cast<Layer>(l)));
    if (run_->whole_heap && l == 1) name = tr("heap used (the log gives no per-space sizes)");
    if (run_->spaces_after_only) name += tr(" (as printed after each GC)");
    areas_[static_cast<std::size_t>(l)]->setName(name);
    const auto markers = view_->chart()->legend()->markers(areas_[static_cast<std::size_t>(l)]);
    for (QLegendMarker* m : markers)
      m->setVisible(!empty);
  }
  committed_->replace(series_.committed);
  limit_->setName(limit_above ? tr("old-generation limit (%1 MB, above)").arg(limit_max, 0, 'f', 0)
                              : tr("old-generation limit"));
  limit_->replace(series_.limit);
  // A log without [HeapController] lines does not say the limit: no line at zero for it.
  limit_->setVisible(limit_max > 0);
  for (QLegendMarker* m : view_->chart()->legend()->markers(limit_))
    m->setVisible(limit_max > 0);
  scavenges_->replace(series_.scavenges);
  mark_compacts_->replace(series_.mark_compacts);
  drawn_points_ += static_cast<int>(series_.committed.size() + series_.limit.size() +
                                    series_.scavenges.size() + series_.mark_compacts.size());
  updating_ = false;
  stats_->SetRange(run_, t0_, t1_);
  view_->chart()->setTitle(QString::fromStdString(run_->title));
  last_redraw_ms_ = static_cast<double>(timer.nsecsElapsed()) / 1e6;
  info_->setText(tr("%1 collections in range (%2 samples), %3 points drawn for %4 pixels, "
                    "redraw %5 ms%6")
                     .arg(series_.scavenges.size() + series_.mark_compacts.size())
                     .arg(series_.samples)
                     .arg(drawn_points_)
                     .arg(PlotWidth())
                     .arg(last_redraw_ms_, 0, 'f', 1)
                     .arg(history_.empty() ? QString() : tr("; right-click to go back")));
  Q_EMIT rangeChanged(t0_, t1_);
}

QString TimelineView::GcToolTip(std::size_t index) const {
  if (!run_ || index >= run_->gcs.size()) return {};
  const GcEvent& e = run_->gcs[index];
  if (index < run_->lines.size()) {
    // A read document: where the collection came from, its line, and the figures read.
    const QString where =
        tr("%1, line %2")
            .arg(QString::fromStdString(std::filesystem::path(run_->file).filename().string()))
            .arg(run_->lines[index].line);
    return QString(
               "%1<pre>%2</pre>#%3 %4 at %5 ms: pause %6 ms, heap %7 -> %8 MB, "
               "average mu %9")
        .arg(where.toHtmlEscaped())
        .arg(QString::fromStdString(run_->TraceGcLine(index)).toHtmlEscaped())
        .arg(e.number)
        .arg(QString::fromStdString(run_->GcCollectorName(index)))
        .arg(e.start_ms, 0, 'f', 1)
        .arg(e.pause_ms, 0, 'f', 2)
        .arg(static_cast<double>(e.start_object_size) / (1024 * 1024), 0, 'f', 1)
        .arg(static_cast<double>(e.end_object_size) / (1024 * 1024), 0, 'f', 1)
        .arg(e.average_mu, 0, 'f', 3);
  }
  return QString(
             "<pre>%1</pre>#%2 %3 at %4 ms: pause %5 ms, promoted %6 KB, copied %7 KB, "
             "average mu %8")
      .arg(QString::fromStdString(run_->TraceGcLine(index)).toHtmlEscaped())
      .arg(e.number)
      .arg(CollectorName(e.collector))
      .arg(e.start_ms, 0, 'f', 1)
      .arg(e.pause_ms, 0, 'f', 2)
      .arg(static_cast<double>(e.promoted) / 1024, 0, 'f', 1)
      .arg(static_cast<double>(e.semi_space_copied) / 1024, 0, 'f', 1)
      .arg(e.average_mu, 0, 'f', 3);
}

void TimelineView::OnMarkerHovered(const QPointF& point, bool state, bool scavenge) {
  if (!state) {
    QToolTip::hideText();
    return;
  }
  const QVector<QPointF>& points = scavenge ? series_.scavenges : series_.mark_compacts;
  const std::vector<std::size_t>& gcs = scavenge ? series_.scavenge_gcs : series_.mark_compact_gcs;
  int best = -1;
  double distance = 0;
  for (int i = 0; i < points.size(); ++i) {
    const double d = std::abs(points[i].x() - point.x()) + std::abs(points[i].y() - point.y());
    if (best < 0 || d < distance) {
      best = i;
      distance = d;
    }
  }
  if (best >= 0)
    QToolTip::showText(QCursor::pos(), GcToolTip(gcs[static_cast<std::size_t>(best)]), view_);
}

}  // namespace heaplab::viz
