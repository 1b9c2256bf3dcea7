#include "compare_view.h"

#include <QChartView>
#include <QComboBox>
#include <QFileDialog>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineSeries>
#include <QProgressBar>
#include <QPushButton>
#include <QScatterSeries>
#include <QSettings>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>
#include <QValueAxis>

#include <heaplab/viz/read_documents.h>
#include <heaplab/viz/run_index.h>
#include <heaplab/viz/timeline.h>

namespace heaplab::viz {

CompareView::CompareView(QWidget* parent) : QWidget(parent) {
  loader_ = new Loader(this);
  side_ = new QGroupBox(tr("Configuration B"), this);
  QGroupBox* side = side_;
  auto* side_layout = new QVBoxLayout(side);
  b_form_ = new FlagsForm(side);
  GcFlags b;
  b.max_semi_space_mb = 1;  // a first comparison worth making: small against default semispaces
  b_form_->SetFlags(b);
  mode_ = new QLabel(side);
  mode_->setWordWrap(true);
  side_layout->addWidget(mode_);
  side_layout->addWidget(b_form_);
  // Or the open document against another: a node log beside a simulated run.
  auto* other_box = new QGroupBox(tr("Or overlay another run"), side);
  auto* other_layout = new QVBoxLayout(other_box);
  auto* overlay_file = new QPushButton(tr("Overlay a log or file…"), other_box);
  overlay_file->setToolTip(
      tr("Compare the open document with a node GC log, an events file or a trace"));
  other_layout->addWidget(overlay_file);
  auto* scenario_row = new QHBoxLayout();
  scenarios_ = new QComboBox(other_box);
  for (const Scenario& sc : Scenarios())
    scenarios_->addItem(QString::fromStdString(sc.name));
  scenarios_->setCurrentText(QStringLiteral("leak-cache"));
  auto* overlay_scenario = new QPushButton(tr("Overlay"), other_box);
  overlay_scenario->setToolTip(
      tr("Compare the open document with this scenario, replayed with A's flags"));
  scenario_row->addWidget(scenarios_, 1);
  scenario_row->addWidget(overlay_scenario);
  other_layout->addLayout(scenario_row);
  clear_other_ = new QPushButton(tr("Back to A against B"), other_box);
  other_layout->addWidget(clear_other_);
  side_layout->addWidget(other_box);
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

  auto* axis_row = new QHBoxLayout();
  x_axis_ = new QComboBox(side);
  x_axis_->addItem(tr("collection number"));  // kByCollection
  x_axis_->addItem(tr("time"));               // kByTime
  x_axis_->setToolTip(
      tr("The chart's x axis. Runs on different clocks (a node log's ms and the model's) start "
         "on collection numbers; in time each has an axis of its own."));
  axis_row->addWidget(new QLabel(tr("x axis"), side));
  axis_row->addWidget(x_axis_, 1);
  side_layout->insertLayout(side_layout->count() - 1, axis_row);
  connect(x_axis_, &QComboBox::currentIndexChanged, this, [this] { Draw(); });

  chart_ = new QChartView(this);
  chart_->setRenderHint(QPainter::Antialiasing);
  chart_->setRubberBand(QChartView::HorizontalRubberBand);
  model_ = new CompareModel(this);
  table_ = new QTableView(this);
  QTableView* table = table_;
  table->setModel(model_);
  // The runs' columns share the room left by the metric and difference columns; a header
  // longer than its column (B's flags) starts at the column's left and is cut at its end
  // (Qt 6.4's headers draw no "…"), never clipped at both sides around its middle. Its
  // tooltip is the whole text.
  QHeaderView* header = table->horizontalHeader();
  header->setSectionResizeMode(QHeaderView::Stretch);
  header->setSectionResizeMode(CompareModel::Metric, QHeaderView::ResizeToContents);
  header->setSectionResizeMode(CompareModel::Difference, QHeaderView::ResizeToContents);
  header->setDefaultAlignment(Qt::AlignLeft | Qt::AlignVCenter);
  header->setTextElideMode(Qt::ElideRight);
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
  connect(overlay_file, &QPushButton::clicked, this, [this] {
    const QString path = QFileDialog::getOpenFileName(
        this, tr("Overlay a node GC log, an events file or a trace"),
        QSettings().value("lastDir").toString(),
        tr("Node GC logs, events files, traces (*.log *.txt *.jsonl *.hlt);;All files (*)"));
    if (path.isEmpty()) return;
    try {
      SetOther(OpenDocumentFile(path.toStdString()));
      Run();
    } catch (const std::exception& e) {
      status_->setText(QString::fromStdString(e.what()));
    }
  });
  connect(overlay_scenario, &QPushButton::clicked, this, [this] {
    SetOther(std::make_shared<ScenarioDocument>(scenarios_->currentText().toStdString(),
                                                ScenarioOptions()));
    Run();
  });
  connect(clear_other_, &QPushButton::clicked, this, [this] { SetOther(nullptr); });
  UpdateMode();
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
  UpdateMode();
  if (!b_edited_) {
    // Until B is edited, it is A with 1 MiB semispaces: one change, everything else equal.
    GcFlags b = a;
    b.max_semi_space_mb = 1;
    b.min_semi_space_mb = 1;
    const QSignalBlocker block(b_form_);
    b_form_->SetFlags(b);
  }
}

void CompareView::SetOther(std::shared_ptr<const Document> other) {
  other_ = std::move(other);
  UpdateMode();
}

void CompareView::UpdateMode() {
  // Overlaying, B's flags play no part (the other run is read, or replayed with A's): the form
  // is hidden rather than left showing, greyed, the flags of the last A against B.
  b_form_->setVisible(!other_);
  side_->setTitle(other_ ? tr("Overlay") : tr("Configuration B"));
  clear_other_->setEnabled(other_ != nullptr);
  QStringList args;
  for (const std::string& a : a_.ToArgs())
    args << QString::fromStdString(a);
  const QString flags = "heaplab run" + (args.isEmpty() ? QString() : " " + args.join(' '));
  mode_->setText(other_ ? tr("The open document against %1 (replayed with the settings "
                             "panel's flags, %2, when it is a trace or a scenario).")
                              .arg(QString::fromStdString(other_->Title()), flags)
                        : tr("A is the settings panel's configuration; B is this one."));
}

void CompareView::Run() {
  if (!doc_) {
    status_->setText(tr("Open a trace, a scenario or a log first."));
    return;
  }
  if (other_) {
    try {
      a_.ToConfig();
    } catch (const GcFlagError& e) {
      status_->setText(e.what());
      return;
    }
    progress_->setVisible(true);
    progress_->setRange(0, 0);
    status_->setText(
        tr("Reading %1 and %2…")
            .arg(QString::fromStdString(doc_->Title()), QString::fromStdString(other_->Title())));
    loader_->Start([doc = doc_, other = other_, flags = a_](LoadControl& control) {
      Runs runs;
      runs.push_back(LoadIndexedRun(*doc, flags, control));
      runs.push_back(LoadIndexedRun(*other, flags, control));
      return runs;
    });
    return;
  }
  if (!doc_->Replayable()) {
    status_->setText(tr("%1 is read, not replayed: overlay a simulated run (a scenario or a "
                        "trace) to compare with it.")
                         .arg(QString::fromStdString(doc_->Title())));
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
  runs_ = runs;
  // Overlaid runs carry their makers' names ("Node: app.log", "heaplab: scenario ..."); two
  // configurations of one document are A and B.
  model_->SetRuns(runs[0], runs[1], other_ != nullptr);
  {
    // Times of different clocks on one axis would read as one timeline: start on numbers.
    const QSignalBlocker block(x_axis_);
    x_axis_->setCurrentIndex(SameClock(*runs[0], *runs[1]) ? kByTime : kByCollection);
  }
  Draw();
  status_->setText(tr("Done: %1 took %2 s, %3 %4 s to load.")
                       .arg(other_ ? QString::fromStdString(RunLabel(*runs[0])) : "A")
                       .arg(runs[0]->load_seconds, 0, 'f', 2)
                       .arg(other_ ? QString::fromStdString(RunLabel(*runs[1])) : "B")
                       .arg(runs[1]->load_seconds, 0, 'f', 2));
  Q_EMIT compared();
}

void CompareView::Draw() {
  if (runs_.size() != 2) return;
  const Runs& runs = runs_;
  const bool overlay = other_ != nullptr;
  const bool by_collection = x_axis_->currentIndex() == kByCollection;
  const bool same_clock = SameClock(*runs[0], *runs[1]);
  auto* chart = new QChart();
  if (overlay) {
    chart->setTitle(tr("Heap used and collections: %1 against %2")
                        .arg(QString::fromStdString(RunLabel(*runs[0])),
                             QString::fromStdString(RunLabel(*runs[1]))));
  } else {
    chart->setTitle(tr("%1: heap used, A against B").arg(QString::fromStdString(runs[0]->title)));
  }
  // One x axis for collection numbers or for one clock; in time on two clocks, one per run,
  // each titled with its clock and its run (the second run's at the top).
  QValueAxis* xs[2] = {new QValueAxis(), nullptr};
  xs[1] = by_collection || same_clock ? xs[0] : new QValueAxis();
  auto* y = new QValueAxis();
  y->setTitleText(tr("MB"));
  y->setLabelFormat("%.0f");
  chart->addAxis(xs[0], Qt::AlignBottom);
  if (xs[1] != xs[0]) chart->addAxis(xs[1], Qt::AlignTop);
  chart->addAxis(y, Qt::AlignLeft);
  double ends[2] = {1, 1};
  for (std::size_t i = 0; i < 2; ++i) {
    ends[i] =
        by_collection ? static_cast<double>(runs[i]->gcs.size()) + 1 : RunRange(*runs[i]).second;
  }
  const double shared_end = std::max(ends[0], ends[1]);
  if (by_collection) {
    xs[0]->setTitleText(tr("collection number (each run's own, in order)"));
  } else if (same_clock) {
    xs[0]->setTitleText(tr("time (ms, %1)").arg(QString::fromStdString(ClockName(*runs[0]))));
  } else {
    for (std::size_t i = 0; i < 2; ++i) {
      xs[i]->setTitleText(tr("time (ms, %1): %2")
                              .arg(QString::fromStdString(ClockName(*runs[i])),
                                   QString::fromStdString(RunLabel(*runs[i]))));
    }
  }
  const int pixels = std::max(chart_->width() - 120, 100);
  const QColor colors[2] = {QColor(0x1f, 0x77, 0xb4), QColor(0xe6, 0x7e, 0x22)};
  double y_max = 1;
  for (std::size_t i = 0; i < 2; ++i) {
    QValueAxis* x = xs[i];
    const double x_end = xs[1] == xs[0] ? shared_end : ends[i];
    x->setLabelFormat("%.0f");
    x->setRange(0, x_end);
    if (xs[1] != xs[0]) x->setLinePenColor(colors[i]);
    const TimelineSeries s = by_collection ? BuildByCollection(*runs[i], pixels)
                                           : BuildTimeline(*runs[i], 0, x_end, pixels);
    // Short names in the legend (the title and the table name the files): who made the run.
    QString name = i == 0 ? QStringLiteral("A") : QStringLiteral("B");
    if (overlay) {
      switch (runs[i]->source) {
        case RunSource::NodeLog:
          name = tr("Node");
          break;
        case RunSource::EventsFile:
          name = tr("events file");
          break;
        case RunSource::Replay:
          name = tr("heaplab");
          break;
      }
      if (runs[0]->source == runs[1]->source) name += i == 0 ? " A" : " B";
    }
    auto* used = new QLineSeries();
    used->setName(name + tr(" used"));
    used->replace(s.used[kLayerCount - 1]);
    used->setPen(QPen(colors[i], 2));
    auto* committed = new QLineSeries();
    committed->setName(name + tr(" committed"));
    committed->replace(s.committed);
    committed->setPen(QPen(colors[i], 1, Qt::DashLine));
    auto* full = new QScatterSeries();
    full->setName(name + (overlay ? tr(" full GC") : tr(" Mark-Compact")));
    full->replace(s.mark_compacts);
    full->setColor(colors[i]);
    full->setMarkerSize(9);
    full->setMarkerShape(QScatterSeries::MarkerShapeRectangle);
    std::vector<QXYSeries*> all{used, committed, full};
    if (overlay) {
      // Every collection's mark: the pauses of both runs.
      auto* young = new QScatterSeries();
      young->setName(name + tr(" young GC"));
      young->replace(s.scavenges);
      young->setColor(colors[i].lighter(130));
      young->setBorderColor(colors[i].darker(150));
      young->setMarkerSize(6);
      all.push_back(young);
    }
    for (QXYSeries* series : all) {
      chart->addSeries(series);
      series->attachAxis(x);
      series->attachAxis(y);
    }
    for (const QPointF& p : s.committed)
      y_max = std::max(y_max, p.y());
  }
  y->setRange(0, y_max * 1.08);
  y->applyNiceNumbers();
  // An overlay has longer names (Node, heaplab): a column beside the plot keeps them whole.
  chart->legend()->setAlignment(overlay ? Qt::AlignRight : Qt::AlignBottom);
  QChart* old = chart_->chart();
  chart_->setChart(chart);
  delete old;
}

}  // namespace heaplab::viz
