// The main window: the settings panel as a dock, the views as tabs (Timeline, Pauses, Events,
// Heap map, Step-through, Compare), File > Open (traces, node GC logs, events files) with
// recent files, an isolate chooser for logs of several isolates, drag and drop, export,
// the status bar with progress and cancel, and settings remembered with QSettings.
#pragma once

#include <memory>

#include <QMainWindow>

#include <heaplab/viz/event_table_model.h>
#include <heaplab/viz/loader.h>

class QComboBox;
class QLabel;
class QMenu;
class QProgressBar;
class QTabWidget;
class QTableView;
class QToolBar;
class QToolButton;

namespace heaplab::viz {

class CompareView;
class HeapMapView;
class PausesView;
class SettingsPanel;
class StepView;
class TimelineView;

class MainWindow : public QMainWindow {
  Q_OBJECT
 public:
  enum Tab { TimelineTab, PausesTab, EventsTab, HeapMapTab, StepTab, CompareTab };
  explicit MainWindow(QWidget* parent = nullptr);
  ~MainWindow() override;

  void OpenFile(const QString& path);
  void OpenScenario(const QString& name, const ScenarioOptions& options);
  void OpenDocument(std::shared_ptr<const Document> doc);
  void Replay();
  void ShowTab(Tab tab);

  // For the tour and the tests.
  Loader* loader() const { return loader_; }
  std::shared_ptr<const RunData> run() const { return run_; }
  TimelineView* timeline() const { return timeline_; }
  PausesView* pauses() const { return pauses_; }
  HeapMapView* heap_map() const { return heap_map_; }
  StepView* step_view() const { return step_; }
  CompareView* compare() const { return compare_; }
  SettingsPanel* settings() const { return settings_; }
  QTableView* events_view() const { return events_view_; }
  QWidget* CurrentExportable() const;
  bool SaveEventsCsv(const QString& path, QString* error);
  // The last error shown (a file that could not be opened or read), empty after a good load.
  QString last_error() const { return last_error_; }
  QComboBox* isolate_box() const { return isolate_box_; }
  bool isolate_chooser_shown() const;
  // Shows the log's isolate `index` (the chooser's slot).
  void ChooseIsolate(int index);

 Q_SIGNALS:
  void runShown();

 protected:
  void closeEvent(QCloseEvent* event) override;
  void dragEnterEvent(QDragEnterEvent* event) override;
  void dropEvent(QDropEvent* event) override;

 private:
  void CreateMenus();
  void AddRecent(const QString& path);
  void UpdateRecentMenu();
  void ShowRun(const Runs& runs);
  void SetBusy(bool busy);
  void ExportView();
  void ExportCsv();
  void About();
  void ShowError(const QString& message);

  SettingsPanel* settings_;
  QTabWidget* tabs_;
  TimelineView* timeline_;
  PausesView* pauses_;
  QTableView* events_view_;
  EventTableModel* events_;
  HeapMapView* heap_map_;
  StepView* step_;
  CompareView* compare_;
  Loader* loader_;
  QMenu* recent_menu_;
  QLabel* status_;
  QProgressBar* progress_;
  QToolButton* cancel_;
  QToolBar* isolate_bar_;
  QComboBox* isolate_box_;
  QString last_error_;
  std::shared_ptr<const Document> doc_;
  std::shared_ptr<const RunData> run_;
};

}  // namespace heaplab::viz
