#include "step_view.h"

#include <QAction>
#include <QHBoxLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QSlider>
#include <QSplitter>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>
#include <cmath>

namespace heaplab::viz {

namespace {
QToolButton* Button(QWidget* parent, const QString& text, const QString& tip,
                    const QKeySequence& key) {
  auto* b = new QToolButton(parent);
  b->setText(text);
  b->setToolTip(QString("%1 (%2)").arg(tip, key.toString(QKeySequence::NativeText)));
  b->setShortcut(key);
  b->setToolButtonStyle(Qt::ToolButtonTextOnly);
  return b;
}
}  // namespace

StepView::StepView(QWidget* parent) : QWidget(parent) {
  play_ = Button(this, tr("Play"), tr("Play or pause the replay"), QKeySequence(Qt::Key_Space));
  play_->setCheckable(true);
  auto* step =
      Button(this, tr("Step event"), tr("Replay one trace event"), QKeySequence(Qt::Key_Period));
  auto* gc = Button(this, tr("Next GC"), tr("Replay up to the end of the next collection"),
                    QKeySequence(Qt::Key_N));
  auto* scavenge = Button(this, tr("Next Scavenge"), tr("Replay up to the next Scavenge"),
                          QKeySequence(Qt::Key_S));
  auto* mc = Button(this, tr("Next Mark-Compact"), tr("Replay up to the next Mark-Compact"),
                    QKeySequence(Qt::Key_C));
  auto* marking =
      Button(this, tr("Next marking step"), tr("Replay up to the next incremental marking step"),
             QKeySequence(Qt::Key_M));
  auto* object = Button(this, tr("Next object"),
                        tr("Show the next object step of the collection or marking step just "
                           "replayed: what happened to one object, and why"),
                        QKeySequence(Qt::Key_O));
  auto* restart =
      Button(this, tr("Restart"), tr("Start the replay over"), QKeySequence(Qt::CTRL | Qt::Key_R));
  speed_ = new QSlider(Qt::Horizontal, this);
  speed_->setRange(0, 50);  // 10^(v/10) events per tick: 1 to 100000
  speed_->setValue(20);
  speed_->setToolTip(tr("Speed: trace events per tick while playing"));
  position_ = new QLabel(this);
  auto* bar = new QHBoxLayout();
  for (QToolButton* b : {play_, step, gc, scavenge, mc, marking, object, restart})
    bar->addWidget(b);
  bar->addWidget(new QLabel(tr("Speed"), this));
  bar->addWidget(speed_);
  bar->addStretch();
  speed_->setMinimumWidth(120);
  position_->setTextInteractionFlags(Qt::TextSelectableByMouse);

  explanation_ = new QLabel(this);
  explanation_->setWordWrap(true);
  explanation_->setFrameShape(QFrame::StyledPanel);
  explanation_->setMinimumHeight(48);
  explanation_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  object_ = new QLabel(this);
  object_->setWordWrap(true);
  object_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  map_ = new HeapMapView(this);
  map_->SetColorBy(ColorBy::Age);
  log_ = new QPlainTextEdit(this);
  log_->setReadOnly(true);
  log_->setMaximumBlockCount(2000);
  log_->setFont(QFont("monospace", 8));
  log_->setToolTip(tr("The --trace-gc lines of the collections so far"));
  auto* split = new QSplitter(Qt::Vertical, this);
  split->addWidget(map_);
  split->addWidget(log_);
  split->setStretchFactor(0, 4);
  split->setStretchFactor(1, 1);
  auto* layout = new QVBoxLayout(this);
  layout->addLayout(bar);
  layout->addWidget(position_);
  layout->addWidget(explanation_);
  layout->addWidget(object_);
  layout->addWidget(split, 1);

  slice_timer_ = new QTimer(this);
  slice_timer_->setInterval(0);
  connect(slice_timer_, &QTimer::timeout, this, &StepView::Slice);
  timer_ = new QTimer(this);
  timer_->setInterval(40);
  connect(timer_, &QTimer::timeout, this, &StepView::Tick);
  connect(play_, &QToolButton::toggled, this, &StepView::SetPlaying);
  connect(step, &QToolButton::clicked, this, [this] { StepInSlices(StepUntil::Event); });
  connect(gc, &QToolButton::clicked, this, [this] { StepInSlices(StepUntil::Gc); });
  connect(scavenge, &QToolButton::clicked, this, [this] { StepInSlices(StepUntil::Scavenge); });
  connect(mc, &QToolButton::clicked, this, [this] { StepInSlices(StepUntil::MarkCompact); });
  connect(marking, &QToolButton::clicked, this, [this] { StepInSlices(StepUntil::MarkingStep); });
  connect(object, &QToolButton::clicked, this, [this] { NextObject(); });
  connect(restart, &QToolButton::clicked, this, [this] {
    if (doc_) Start(doc_, flags_);
  });
  Refresh();
}

bool StepView::Start(std::shared_ptr<const Document> doc, const GcFlags& flags) {
  SetPlaying(false);
  slicing_ = false;
  slice_timer_->stop();
  doc_ = std::move(doc);
  flags_ = flags;
  stepper_.reset();
  log_->clear();
  logged_gcs_ = 0;
  explanation_->clear();
  if (isVisible()) return EnsureStepper();
  Refresh();
  return true;
}

void StepView::showEvent(QShowEvent* event) {
  QWidget::showEvent(event);
  EnsureStepper();
}

bool StepView::EnsureStepper() {
  if (stepper_ || !doc_) return stepper_ != nullptr;
  if (!doc_->Replayable()) {
    // A log or an events file holds finished collections, no trace events to step.
    explanation_->setText(tr("%1 is read, not replayed: step-through needs a trace or a "
                             "scenario.")
                              .arg(QString::fromStdString(doc_->Title())));
    Refresh();
    return false;
  }
  try {
    stepper_ = std::make_unique<Stepper>(*doc_, flags_);
  } catch (const std::exception& e) {
    explanation_->setText(
        tr("Cannot step through %1: %2").arg(QString::fromStdString(doc_->Title()), e.what()));
    Refresh();
    return false;
  }
  Refresh();
  return true;
}

void StepView::Step(StepUntil until) {
  if (!EnsureStepper()) return;
  stepper_->Advance(until);
  Refresh();
  Q_EMIT stepped();
}

void StepView::StepInSlices(StepUntil until) {
  if (slicing_) {  // a second click stops the running step
    slicing_ = false;
    slice_timer_->stop();
    Refresh();
    return;
  }
  if (!EnsureStepper()) return;
  SetPlaying(false);
  slicing_ = true;
  slice_target_ = until;
  Slice();
  if (slicing_) slice_timer_->start();
}

void StepView::Slice() {
  constexpr std::size_t kSlice = 50000;  // a few tens of milliseconds of replay
  stepper_->Advance(slice_target_, kSlice);
  if (stepper_->reached() || stepper_->done() || slice_target_ == StepUntil::Event) {
    slicing_ = false;
    slice_timer_->stop();
    Refresh();
    Q_EMIT stepped();
    return;
  }
  position_->setText(tr("stepping… event %L1 (click again to stop)").arg(stepper_->position()));
}

int StepView::speed() const {
  return static_cast<int>(std::lround(std::pow(10.0, speed_->value() / 10.0)));
}

void StepView::SetSpeed(int events_per_tick) {
  speed_->setValue(static_cast<int>(std::lround(10.0 * std::log10(std::max(1, events_per_tick)))));
}

bool StepView::playing() const {
  return timer_->isActive();
}

void StepView::SetPlaying(bool playing) {
  if (playing && EnsureStepper() && !stepper_->done()) {
    timer_->start();
  } else {
    timer_->stop();
    playing = false;
  }
  if (play_->isChecked() != playing) {
    const QSignalBlocker block(play_);
    play_->setChecked(playing);
  }
  play_->setText(playing ? tr("Pause") : tr("Play"));
}

void StepView::Tick() {
  if (!stepper_ || stepper_->done()) {
    SetPlaying(false);
    return;
  }
  const std::size_t gcs = stepper_->data().gcs.size();
  stepper_->Advance(StepUntil::Gc, static_cast<std::size_t>(speed()));
  // Pause the picture on every collection, so that a watcher sees it happen.
  Refresh();
  Q_EMIT stepped();
  if (stepper_->data().gcs.size() > gcs)
    timer_->setInterval(400);
  else
    timer_->setInterval(40);
}

void StepView::Refresh() {
  if (!stepper_) {
    position_->setText(tr("Open a trace or scenario to step through it."));
    return;
  }
  const RunData& run = stepper_->data();
  for (; logged_gcs_ < run.gcs.size(); ++logged_gcs_)
    log_->appendPlainText(QString::fromStdString(run.TraceGcLine(logged_gcs_)));
  const QString of = stepper_->size() > 0 ? tr(" of %L1").arg(stepper_->size()) : QString();
  position_->setText(tr("event %L1%2 · %3 ms · %4 collections · last: %5")
                         .arg(stepper_->position())
                         .arg(of)
                         .arg(run.end_ms, 0, 'f', 1)
                         .arg(run.gcs.size())
                         .arg(QString::fromStdString(stepper_->LastEventText())));
  explanation_->setText(QString::fromStdString(stepper_->explanation()));
  HeapSnapshot snap = stepper_->Snapshot();
  const QString caption = snap.marking ? tr("incremental marking in progress") : QString();
  map_->SetSnapshot(std::make_shared<const HeapSnapshot>(std::move(snap)), caption);
  ShowObjectStep();
}

bool StepView::NextObject() {
  if (!stepper_ || slicing_ || !stepper_->NextObjectStep()) return false;
  SetPlaying(false);
  ShowObjectStep();
  Q_EMIT stepped();
  return true;
}

QString StepView::objectText() const {
  return object_->text();
}

void StepView::ShowObjectStep() {
  const std::size_t n = stepper_->object_steps().size();
  const std::size_t i = stepper_->object_cursor();
  map_->map()->SetHighlight(i > 0 ? stepper_->ObjectStepId(i - 1) : 0);
  const ScanCopyPointers pointers = stepper_->CurrentScanCopy();
  map_->SetScanCopy(pointers.valid
                        ? std::make_optional(std::make_pair(pointers.scan, pointers.copy))
                        : std::nullopt);
  if (n == 0) {
    object_->clear();
    return;
  }
  const QString dropped = stepper_->object_steps_dropped() > 0
                              ? tr(" (the first %L1; %L2 more were not kept)")
                                    .arg(n)
                                    .arg(stepper_->object_steps_dropped())
                              : QString();
  if (i == 0) {
    object_->setText(tr("%L1 object steps in this step%2: Next object (O) walks them one by one.")
                         .arg(n)
                         .arg(dropped));
    return;
  }
  object_->setText(tr("Object step %L1 of %L2%3: %4")
                       .arg(i)
                       .arg(n)
                       .arg(dropped)
                       .arg(QString::fromStdString(stepper_->ObjectStepText(i - 1))));
}

}  // namespace heaplab::viz
