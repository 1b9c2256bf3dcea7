#include "compare_view.h"

#include <QChartView>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineSeries>
#include <QProgressBar>
#include <QPushButton>
#include <QScatterSeries>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>
#include <QValueAxis>

#include <heaplab/viz/timeline.h>

namespace heaplab::viz {

CompareView::CompareView(QWidget* parent) : QWidget(parent) {
  loader_ = new Loader(this);
  auto* side = new QGroupBox(tr("Configuration B"), this);
  auto* side_layout = new QVBoxLayout(side);
  b_form_ = new FlagsForm(side);
  GcFlags b;
  b.max_semi_space_mb = 1;  // a first comparison worth making: small against default semispaces
  b_form_->SetFlags(b);
  side_layout->addWidget(new QLabel(tr("A is the settings panel's configuration."), side));
  side_layout->addWidget(b_form_);
  run_ = new QPushButton(tr("Compare"), side);
  run_->setToolTip(tr("Replay the open document under A and under B"));
  side_layout->addWidget(run_);
  progress_ = new QProgressBar(side);
  progress_->setVisible(false);
  side_layout->addWidget(progress_);
  status_ = new QLabel(side);
  status_->setWordWrap(true);
  side_layout->addWidget(status_);
  side_layout->addStretch();

  chart_ = new QChartView(this);
  chart_->setRenderHint(QPainter::Antialiasing);
  chart_->setRubberBand(QChartView::HorizontalRubberBand);
  model_ = new CompareModel(this);
  auto* table = new QTableView(this);
  table->setModel(model_);
  table->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
  table->verticalHeader()->hide();
  auto* split = new QSplitter(Qt::Vertical, this);
  split->addWidget(chart_);
  split->addWidget(table);
  split->setStretchFactor(0, 3);
  split->setStretchFactor(1, 2);
  auto* layout = new QHBoxLayout(this);
  layout->addWidget(side);
  layout->addWidget(split, 1);

  connect(run_, &QPushButton::clicked, this, &CompareView::Run);
  connect(b_form_, &FlagsForm::changed, this, [this] { b_edited_ = true; });
  connect(loader_, &Loader::progress, this, [this](double f) {
    progress_->setRange(0, f < 0 ? 0 : 100);
    progress_->setValue(static_cast<int>(f * 100));
  });
  connect(loader_, &Loader::finished, this, &CompareView::Show);
  connect(loader_, &Loader::failed, this, [this](const QString& message) {
    progress_->setVisible(false);
    status_->setText(message);
  });
}

void CompareView::SetDocument(std::shared_ptr<const Document> doc, const GcFlags& a) {
  doc_ = std::move(doc);
  a_ = a;
  if (!b_edited_) {
    // Until B is edited, it is A with 1 MiB semispaces: one change, everything else equal.
    GcFlags b = a;
    b.max_semi_space_mb = 1;
    b.min_semi_space_mb = 1;
    const QSignalBlocker block(b_form_);
    b_form_->SetFlags(b);
  }
}

void CompareView::Run() {
  if (!doc_) {
    status_->setText(tr("Open a trace or a scenario first."));
    return;
  }
  GcFlags b = b_form_->flags();
  try {
    a_.ToConfig();
    b.ToConfig();
  } catch (const GcFlagError& e) {
    status_->setText(e.what());
    return;
  }
  progress_->setVisible(true);
  progress_->setRange(0, 0);
  status_->setText(tr("Replaying %1 twice…").arg(QString::fromStdString(doc_->Title())));
  loader_->LoadEach(doc_, {a_, b});
}

void CompareView::Show(const Runs& runs) {
  progress_->setVisible(false);
  if (runs.size() != 2) return;
  model_->SetRuns(runs[0], runs[1]);
  auto* chart = new QChart();
  chart->setTitle(tr("%1: heap used, A against B").arg(QString::fromStdString(runs[0]->title)));
  auto* x = new QValueAxis();
  auto* y = new QValueAxis();
  x->setTitleText(tr("time (ms)"));
  x->setLabelFormat("%.0f");
  y->setTitleText(tr("MB"));
  y->setLabelFormat("%.0f");
  chart->addAxis(x, Qt::AlignBottom);
  chart->addAxis(y, Qt::AlignLeft);
  double t1 = 1;
  for (const auto& run : runs)
    t1 = std::max(t1, RunRange(*run).second);
  const int pixels = std::max(chart_->width() - 120, 100);
  const QColor colors[2] = {QColor(0x1f, 0x77, 0xb4), QColor(0xe6, 0x7e, 0x22)};
  double y_max = 1;
  for (std::size_t i = 0; i < 2; ++i) {
    const TimelineSeries s = BuildTimeline(*runs[i], 0, t1, pixels);
    // Short names: the table's headers (and their tooltips) spell out the flags.
    const QString name = i == 0 ? QStringLiteral("A") : QStringLiteral("B");
    auto* used = new QLineSeries();
    used->setName(name + tr(" used"));
    used->replace(s.used[kLayerCount - 1]);
    used->setPen(QPen(colors[i], 2));
    auto* committed = new QLineSeries();
    committed->setName(name + tr(" committed"));
    committed->replace(s.committed);
    committed->setPen(QPen(colors[i], 1, Qt::DashLine));
    auto* full = new QScatterSeries();
    full->setName(name + tr(" Mark-Compact"));
    full->replace(s.mark_compacts);
    full->setColor(colors[i]);
    full->setMarkerSize(9);
    full->setMarkerShape(QScatterSeries::MarkerShapeRectangle);
    for (QXYSeries* series : std::initializer_list<QXYSeries*>{used, committed, full}) {
      chart->addSeries(series);
      series->attachAxis(x);
      series->attachAxis(y);
    }
    for (const QPointF& p : s.committed)
      y_max = std::max(y_max, p.y());
  }
  x->setRange(0, t1);
  y->setRange(0, y_max * 1.08);
  y->applyNiceNumbers();
  chart->legend()->setAlignment(Qt::AlignBottom);
  QChart* old = chart_->chart();
  chart_->setChart(chart);
  delete old;
  status_->setText(tr("Done: A took %1 s, B %2 s to replay.")
                       .arg(runs[0]->load_seconds, 0, 'f', 2)
                       .arg(runs[1]->load_seconds, 0, 'f', 2));
  Q_EMIT compared();
}

}  // namespace heaplab::viz
