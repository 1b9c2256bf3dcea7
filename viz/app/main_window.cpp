#include "main_window.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QComboBox>
#include <QDockWidget>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QHeaderView>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QProgressBar>
#include <QScrollArea>
#include <QSettings>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableView>
#include <QTextStream>
#include <QToolBar>
#include <QToolButton>
#include <QtGlobal>

#include "chart_export.h"
#include "compare_view.h"
#include "heap_map_view.h"
#include "pauses_view.h"
#include "settings_panel.h"
#include "step_view.h"
#include "timeline_view.h"
#include "version.h"

#include <heaplab/viz/read_documents.h>

namespace heaplab::viz {

namespace {
constexpr int kMaxRecent = 8;
}

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent) {
  setWindowTitle(tr("heaplab-viz"));
  setAcceptDrops(true);
  loader_ = new Loader(this);

  settings_ = new SettingsPanel(this);
  auto* scroll = new QScrollArea(this);
  scroll->setWidget(settings_);
  scroll->setWidgetResizable(true);
  auto* dock = new QDockWidget(tr("Settings"), this);
  dock->setObjectName("settings");
  dock->setWidget(scroll);
  addDockWidget(Qt::LeftDockWidgetArea, dock);

  tabs_ = new QTabWidget(this);
  timeline_ = new TimelineView(tabs_);
  pauses_ = new PausesView(tabs_);
  events_ = new EventTableModel(this);
  events_view_ = new QTableView(tabs_);
  events_view_->setModel(events_);
  events_view_->setAlternatingRowColors(true);
  events_view_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
  events_view_->setToolTip(tr("Hover a row for the collection's --trace-gc line"));
  heap_map_ = new HeapMapView(tabs_);
  step_ = new StepView(tabs_);
  compare_ = new CompareView(tabs_);
  tabs_->addTab(timeline_, tr("&Timeline"));
  tabs_->addTab(pauses_, tr("&Pauses"));
  tabs_->addTab(events_view_, tr("&Events"));
  tabs_->addTab(heap_map_, tr("&Heap map"));
  tabs_->addTab(step_, tr("&Step-through"));
  tabs_->addTab(compare_, tr("&Compare"));
  setCentralWidget(tabs_);

  status_ = new QLabel(tr("Open a trace (Ctrl+O) or run a scenario from the settings panel."));
  progress_ = new QProgressBar(this);
  progress_->setMaximumWidth(200);
  progress_->setVisible(false);
  cancel_ = new QToolButton(this);
  cancel_->setText(tr("Cancel"));
  cancel_->setToolTip(tr("Stop the replay (Esc)"));
  cancel_->setShortcut(QKeySequence(Qt::Key_Escape));
  cancel_->setVisible(false);
  statusBar()->addWidget(status_, 1);
  statusBar()->addPermanentWidget(progress_);
  statusBar()->addPermanentWidget(cancel_);

  CreateMenus();

  // A log with several isolates (two processes, or workers) shows one at a time.
  auto* isolates = addToolBar(tr("Isolate"));
  isolates->setObjectName("isolates");
  isolates->addWidget(new QLabel(tr(" Isolate: "), isolates));
  isolate_box_ = new QComboBox(isolates);
  isolate_box_->setToolTip(tr("The log holds several isolates (pid:address): choose one"));
  isolate_box_->setSizeAdjustPolicy(QComboBox::AdjustToContents);
  isolates->addWidget(isolate_box_);
  isolate_bar_ = isolates;
  isolate_bar_->setVisible(false);
  connect(isolate_box_, &QComboBox::activated, this, &MainWindow::ChooseIsolate);

  connect(settings_, &SettingsPanel::openScenarioRequested, this,
          [this] { OpenScenario(settings_->scenario(), settings_->scenario_options()); });
  connect(settings_, &SettingsPanel::replayRequested, this, &MainWindow::Replay);
  connect(settings_->flags_form(), &FlagsForm::changed, this,
          [this] { compare_->SetFlagsA(settings_->flags()); });
  connect(cancel_, &QToolButton::clicked, loader_, &Loader::Cancel);
  connect(loader_, &Loader::progress, this, [this](double f) {
    progress_->setRange(0, f < 0 ? 0 : 100);
    if (f >= 0) progress_->setValue(static_cast<int>(f * 100));
  });
  connect(loader_, &Loader::finished, this, &MainWindow::ShowRun);
  connect(loader_, &Loader::failed, this, [this](const QString& message) {
    SetBusy(false);
    ShowError(message);
  });
  connect(loader_, &Loader::cancelled, this, [this] {
    SetBusy(false);
    status_->setText(tr("Cancelled."));
  });

  QSettings settings;
  restoreGeometry(settings.value("window/geometry").toByteArray());
  restoreState(settings.value("window/state").toByteArray());
  isolate_bar_->setVisible(false);  // until a log of several isolates is shown
  tabs_->setCurrentIndex(settings.value("window/tab", 0).toInt());
  settings_->SelectScenario(settings.value("scenario", "leak-cache").toString());
  if (!settings.contains("window/geometry")) resize(1280, 820);
}

MainWindow::~MainWindow() = default;

void MainWindow::CreateMenus() {
  QMenu* file = menuBar()->addMenu(tr("&File"));
  QAction* open = file->addAction(tr("&Open…"), this, [this] {
    QSettings settings;
    const QString path = QFileDialog::getOpenFileName(
        this, tr("Open a trace, a node GC log or an events file"),
        settings.value("lastDir").toString(),
        tr("Traces, node GC logs, events files (*.hlt *.hlb *.log *.txt *.jsonl);;"
           "heaplab traces (*.hlt *.hlb);;node GC logs (*.log *.txt);;"
           "heaplab events files (*.jsonl);;All files (*)"));
    if (!path.isEmpty()) OpenFile(path);
  });
  open->setShortcut(QKeySequence::Open);
  open->setStatusTip(
      tr("Open a trace (replayed with the settings panel's flags), a node --trace-gc log or a "
         "heaplab events file (shown as read)"));
  file->addAction(tr("Run &scenario"), this,
                  [this] { OpenScenario(settings_->scenario(), settings_->scenario_options()); })
      ->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_G));
  recent_menu_ = file->addMenu(tr("Open &recent"));
  QAction* replay = file->addAction(tr("&Replay with current flags"), this, &MainWindow::Replay);
  replay->setShortcut(QKeySequence::Refresh);
  file->addSeparator();
  file->addAction(tr("&Export view as PNG or SVG…"), this, &MainWindow::ExportView)
      ->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
  file->addAction(tr("Export events as &CSV…"), this, &MainWindow::ExportCsv)
      ->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_E));
  file->addSeparator();
  file->addAction(tr("&Quit"), this, &QWidget::close)->setShortcut(QKeySequence::Quit);

  QMenu* view = menuBar()->addMenu(tr("&View"));
  const char* const names[] = {"Timeline", "Pauses",       "Events",
                               "Heap map", "Step-through", "Compare"};
  for (int i = 0; i < 6; ++i) {
    view->addAction(tr(names[i]), this, [this, i] { ShowTab(static_cast<Tab>(i)); })
        ->setShortcut(QKeySequence(Qt::CTRL | static_cast<Qt::Key>(Qt::Key_1 + i)));
  }
  view->addSeparator();
  view->addAction(tr("Zoom &back"), this, [this] { timeline_->Back(); })
      ->setShortcut(QKeySequence(Qt::Key_Backspace));
  view->addAction(tr("Show &whole run"), this, [this] { timeline_->ResetZoom(); })
      ->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_0));

  QMenu* help = menuBar()->addMenu(tr("&Help"));
  help->addAction(tr("&About heaplab-viz"), this, &MainWindow::About);
  help->addAction(tr("About &Qt"), qApp, &QApplication::aboutQt);
  UpdateRecentMenu();
}

void MainWindow::ShowTab(Tab tab) {
  tabs_->setCurrentIndex(static_cast<int>(tab));
}

void MainWindow::OpenFile(const QString& path) {
  const QFileInfo info(path);
  if (!info.isFile() || !info.isReadable()) {
    status_->setText(tr("Cannot open %1").arg(path));
    ShowError(tr("Cannot open %1: no such readable file.").arg(path));
    return;
  }
  std::shared_ptr<const Document> doc;
  try {
    doc = OpenDocumentFile(info.absoluteFilePath().toStdString());
  } catch (const std::exception& e) {
    ShowError(QString::fromStdString(e.what()));
    return;
  }
  QSettings().setValue("lastDir", info.absolutePath());
  AddRecent(info.absoluteFilePath());
  OpenDocument(std::move(doc));
}

void MainWindow::ChooseIsolate(int index) {
  const auto* log = dynamic_cast<const LogDocument*>(doc_.get());
  if (log == nullptr || index < 0 || static_cast<std::size_t>(index) == log->isolate()) return;
  OpenDocument(std::make_shared<LogDocument>(log->path(), static_cast<std::size_t>(index)));
}

bool MainWindow::isolate_chooser_shown() const {
  return !isolate_bar_->isHidden();
}

void MainWindow::ShowError(const QString& message) {
  last_error_ = message;
  status_->setText(tr("Failed: %1").arg(message));
  // Not modal: the window (and a test driving it) goes on.
  auto* box =
      new QMessageBox(QMessageBox::Warning, tr("heaplab-viz"), message, QMessageBox::Ok, this);
  box->setAttribute(Qt::WA_DeleteOnClose);
  box->open();
}

void MainWindow::OpenScenario(const QString& name, const ScenarioOptions& options) {
  try {
    auto doc = std::make_shared<ScenarioDocument>(name.toStdString(), options);
    QSettings().setValue("scenario", name);
    OpenDocument(std::move(doc));
  } catch (const std::exception& e) {
    QMessageBox::warning(this, tr("heaplab-viz"), e.what());
  }
}

void MainWindow::OpenDocument(std::shared_ptr<const Document> doc) {
  doc_ = std::move(doc);
  setWindowTitle(tr("%1 — heaplab-viz").arg(QString::fromStdString(doc_->Title())));
  Replay();
}

void MainWindow::Replay() {
  if (!doc_) return;
  const GcFlags flags = settings_->flags();
  try {
    flags.ToConfig();
  } catch (const GcFlagError& e) {
    QMessageBox::warning(this, tr("heaplab-viz"), e.what());
    return;
  }
  compare_->SetDocument(doc_, flags);
  step_->Start(doc_, flags);
  SetBusy(true);
  last_error_.clear();
  status_->setText((doc_->Replayable() ? tr("Replaying %1…") : tr("Reading %1…"))
                       .arg(QString::fromStdString(doc_->Title())));
  loader_->Load(doc_, flags);
}

void MainWindow::SetBusy(bool busy) {
  progress_->setVisible(busy);
  cancel_->setVisible(busy);
  if (busy) {
    progress_->setRange(0, 0);
    QApplication::setOverrideCursor(Qt::BusyCursor);
  } else {
    QApplication::restoreOverrideCursor();
  }
}

void MainWindow::ShowRun(const Runs& runs) {
  SetBusy(false);
  if (runs.empty()) return;
  run_ = runs.front();
  timeline_->SetRun(run_);
  pauses_->SetRun(run_);
  events_->SetRun(run_);
  // Aliasing: the map shares the run's snapshot instead of copying it.
  heap_map_->SetSnapshot(std::shared_ptr<const HeapSnapshot>(run_, &run_->final_heap),
                         run_->source == RunSource::Replay
                             ? tr("the heap at the end of the run")
                             : tr("%1 records collections, not objects: no heap to picture")
                                   .arg(QString::fromStdString(run_->title)));
  isolate_box_->clear();
  for (const std::string& name : run_->isolates)
    isolate_box_->addItem(QString::fromStdString(name));
  isolate_box_->setCurrentIndex(static_cast<int>(run_->isolate));
  isolate_bar_->setVisible(run_->isolates.size() > 1);
  QString text = run_->source == RunSource::Replay
                     ? tr("%1: %L2 events, %L3 collections, %4 ms of run, replayed in %5 s")
                     : tr("%1: %L2 lines, %L3 collections, %4 ms of run, read in %5 s");
  text = text.arg(QString::fromStdString(run_->title))
             .arg(run_->trace_events)
             .arg(run_->gcs.size())
             .arg(run_->end_ms, 0, 'f', 1)
             .arg(run_->load_seconds, 0, 'f', 2);
  if (!run_->ending.empty()) text += " — " + QString::fromStdString(run_->ending);
  if (!run_->warnings.empty()) {
    // Lines that did not parse: the run is shown, and the first of them is named.
    text += " — " + tr("%n warning(s), first: ", "", static_cast<int>(run_->warnings.size())) +
            QString::fromStdString(run_->warnings.front());
    QStringList all;
    for (const std::string& w : run_->warnings)
      all << QString::fromStdString(w);
    status_->setToolTip(all.join('\n'));
  } else {
    status_->setToolTip(QString());
  }
  status_->setText(text);
  Q_EMIT runShown();
}

QWidget* MainWindow::CurrentExportable() const {
  switch (static_cast<Tab>(tabs_->currentIndex())) {
    case TimelineTab:
      return timeline_->chart_view();
    case HeapMapTab:
      return heap_map_->map();
    default:
      return tabs_->currentWidget();
  }
}

void MainWindow::ExportView() {
  QSettings settings;
  const QString path = QFileDialog::getSaveFileName(this, tr("Export view"),
                                                    settings.value("lastExportDir").toString(),
                                                    tr("PNG image (*.png);;SVG drawing (*.svg)"));
  if (path.isEmpty()) return;
  settings.setValue("lastExportDir", QFileInfo(path).absolutePath());
  QString error;
  if (!ExportWidget(CurrentExportable(), path, &error))
    QMessageBox::warning(this, tr("heaplab-viz"), error);
  else
    status_->setText(tr("Exported %1").arg(path));
}

bool MainWindow::SaveEventsCsv(const QString& path, QString* error) {
  QFile file(path);
  if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate | QIODevice::Text)) {
    if (error) *error = tr("cannot write %1: %2").arg(path, file.errorString());
    return false;
  }
  QTextStream(&file) << ModelToCsv(*events_);
  return true;
}

void MainWindow::ExportCsv() {
  const QString path =
      QFileDialog::getSaveFileName(this, tr("Export events"), QString(), tr("CSV (*.csv)"));
  if (path.isEmpty()) return;
  QString error;
  if (!SaveEventsCsv(path, &error)) QMessageBox::warning(this, tr("heaplab-viz"), error);
}

void MainWindow::AddRecent(const QString& path) {
  QSettings settings;
  QStringList files = settings.value("recentFiles").toStringList();
  files.removeAll(path);
  files.prepend(path);
  while (files.size() > kMaxRecent)
    files.removeLast();
  settings.setValue("recentFiles", files);
  UpdateRecentMenu();
}

void MainWindow::UpdateRecentMenu() {
  recent_menu_->clear();
  const QStringList files = QSettings().value("recentFiles").toStringList();
  for (const QString& f : files)
    recent_menu_->addAction(QFileInfo(f).fileName(), this, [this, f] { OpenFile(f); })
        ->setStatusTip(f);
  recent_menu_->setEnabled(!files.isEmpty());
}

void MainWindow::About() {
  QMessageBox::about(
      this, tr("About heaplab-viz"),
      tr("<h3>heaplab-viz %1</h3>"
         "<p>The desktop visualizer of heaplab, a toolkit that models V8's and Node.js's garbage "
         "collector: replays traces and scenarios and shows the heap, the pauses and the "
         "collections step by step.</p>"
         "<p>heaplab %1 · Qt %2 (built with %3) · C++20</p>")
          .arg(cli::kVersion, qVersion(), QT_VERSION_STR));
}

void MainWindow::closeEvent(QCloseEvent* event) {
  loader_->Cancel();
  QSettings settings;
  settings.setValue("window/geometry", saveGeometry());
  settings.setValue("window/state", saveState());
  settings.setValue("window/tab", tabs_->currentIndex());
  event->accept();
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event) {
  if (event->mimeData()->hasUrls()) event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* event) {
  const QList<QUrl> urls = event->mimeData()->urls();
  if (!urls.isEmpty() && urls.front().isLocalFile()) {
    OpenFile(urls.front().toLocalFile());
    event->acceptProposedAction();
  }
}

}  // namespace heaplab::viz
