#include "tour.h"

#include <QApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QImage>
#include <QTableView>
#include <QTextStream>
#include <QTimer>
#include <csignal>
#include <cstdio>

#include <execinfo.h>
#include <unistd.h>

#include "chart_export.h"
#include "compare_view.h"
#include "heap_map_view.h"
#include "main_window.h"
#include "pauses_view.h"
#include "settings_panel.h"
#include "step_view.h"
#include "timeline_view.h"

#include <heaplab/viz/read_documents.h>

namespace heaplab::viz {

namespace {

// Async-signal-safe: only write(2), backtrace (loaded before any crash, see ReportCrashes)
// and backtrace_symbols_fd, which allocates nothing.
void OnCrash(int sig) {
  char head[64];
  const char* prefix = "tour: crashed (signal ";
  std::size_t n = 0;
  for (const char* p = prefix; *p != '\0'; ++p)
    head[n++] = *p;
  if (sig >= 10) head[n++] = static_cast<char>('0' + sig / 10);
  head[n++] = static_cast<char>('0' + sig % 10);
  head[n++] = ')';
  head[n++] = '\n';
  (void)!write(STDERR_FILENO, head, n);
  void* frames[64];
  const int count = backtrace(frames, 64);
  backtrace_symbols_fd(frames, count, STDERR_FILENO);
  std::signal(sig, SIG_DFL);
  std::raise(sig);
}

struct TourFailure : std::runtime_error {
  using std::runtime_error::runtime_error;
};

void Check(bool ok, const QString& what) {
  if (!ok) throw TourFailure(what.toStdString());
}

template <typename Signal>
void Await(const typename QtPrivate::FunctionPointer<Signal>::Object* sender, Signal signal,
           int timeout_ms, const QString& what) {
  QEventLoop loop;
  bool fired = false;
  QObject::connect(sender, signal, &loop, [&] {
    fired = true;
    loop.quit();
  });
  QTimer::singleShot(timeout_ms, &loop, &QEventLoop::quit);
  loop.exec();
  Check(fired, "timed out waiting for " + what);
}

void Settle() {
  for (int i = 0; i < 5; ++i)
    QApplication::processEvents();
}

// Saves `widget` and checks the picture is not blank: more than a handful of colours.
void Shoot(QWidget* widget, const QString& dir, const QString& name, QTextStream& log) {
  Settle();
  const QString path = QDir(dir).filePath(name);
  QString error;
  Check(ExportWidget(widget, path, &error), error);
  const QImage image(path);
  Check(!image.isNull(), "cannot read back " + path);
  QSet<QRgb> colours;
  for (int y = 0; y < image.height(); y += 4)
    for (int x = 0; x < image.width() && colours.size() < 64; x += 4)
      colours.insert(image.pixel(x, y));
  Check(colours.size() >= 8,
        name + " looks blank (" + QString::number(colours.size()) + " colours)");
  log << "tour: wrote " << path << " (" << image.width() << "x" << image.height() << ")"
      << Qt::endl;
}

}  // namespace

int RunMeasure(MainWindow& window, const QString& what) {
  QTextStream log(stdout);
  try {
    window.resize(1280, 820);
    window.show();
    Settle();
    // A 5 ms timer: the longest gap between its ticks is how long the GUI could not respond.
    QElapsedTimer since_tick;
    qint64 longest_gap = 0;
    QTimer ticker;
    ticker.setInterval(5);
    QObject::connect(&ticker, &QTimer::timeout,
                     [&] { longest_gap = std::max(longest_gap, since_tick.restart()); });
    QElapsedTimer timer;
    timer.start();
    since_tick.start();
    ticker.start();
    if (what.startsWith("scenario:")) {
      window.OpenScenario(what.mid(9), ScenarioOptions());
    } else {
      window.OpenFile(what);
    }
    Await(&window, &MainWindow::runShown, 3600 * 1000, "the replay");
    const qint64 shown_ms = timer.elapsed();
    // The time since the last tick: installing the run's models and charts (runShown is
    // emitted at the end of that), which no later tick would see.
    longest_gap = std::max(longest_gap, since_tick.elapsed());
    ticker.stop();
    const auto run = window.run();
    Check(run != nullptr, "no run");
    window.ShowTab(MainWindow::TimelineTab);
    Settle();
    double redraw = 0;
    for (int i = 0; i < 5; ++i) {  // the median of five redraws at full zoom-out
      window.timeline()->ResetZoom();
      redraw += window.timeline()->last_redraw_ms();
    }
    const bool read = run->source != RunSource::Replay;
    log << "measure: " << what << ": " << run->trace_events << (read ? " lines, " : " events, ")
        << run->gcs.size() << " collections, " << run->end_ms << " ms of run" << Qt::endl;
    log << "measure: " << (read ? "load (read) " : "load and replay ") << run->load_seconds
        << " s (on the loader thread); "
        << "shown after " << shown_ms << " ms; longest GUI stall meanwhile " << longest_gap << " ms"
        << Qt::endl;
    log << "measure: timeline redraw at full zoom-out " << redraw / 5 << " ms (mean of 5), "
        << window.timeline()->drawn_points() << " points drawn" << Qt::endl;
  } catch (const TourFailure& f) {
    log << "measure: FAILED: " << f.what() << Qt::endl;
    return 1;
  }
  return 0;
}

void ReportCrashes() {
  void* warm[1];
  backtrace(warm, 1);  // loads the unwinder now, not inside the handler
  for (const int sig : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT})
    std::signal(sig, OnCrash);
}

int RunTour(MainWindow& window, const QString& out_dir, const QString& node_log) {
  QTextStream log(stdout);
  QDir().mkpath(out_dir);
  try {
    window.resize(1280, 820);
    window.show();
    Settle();
    // 1. The leak-cache scenario, replayed on the loader's thread.
    // The model clock: the same pictures and figures on every machine.
    GcFlags flags;
    flags.predictable = true;
    window.settings()->flags_form()->SetFlags(flags);
    window.settings()->SelectScenario("leak-cache");
    QElapsedTimer timer;
    timer.start();
    window.OpenScenario("leak-cache", window.settings()->scenario_options());
    Await(&window, &MainWindow::runShown, 120000, "the leak-cache replay");
    const auto run = window.run();
    Check(run && !run->gcs.empty(), "leak-cache ran no collection");
    log << "tour: leak-cache: " << run->trace_events << " events, " << run->gcs.size()
        << " collections, replayed in " << run->load_seconds << " s (shown after "
        << timer.elapsed() << " ms)" << Qt::endl;
    window.ShowTab(MainWindow::TimelineTab);
    Settle();
    window.timeline()->ResetZoom();
    log << "tour: timeline redraw at full zoom-out " << window.timeline()->last_redraw_ms()
        << " ms, " << window.timeline()->drawn_points() << " points" << Qt::endl;
    Check(window.timeline()->drawn_points() > 0, "the timeline draws no point");
    Shoot(&window, out_dir, "timeline.png", log);
    // Zoom into the second half: the selection's statistics follow.
    const auto [t0, t1] = window.timeline()->range();
    window.timeline()->ZoomTo((t0 + t1) / 2, t1);
    Check(window.timeline()->range_stats().stats().t0 >= (t0 + t1) / 2 - 1e-6,
          "range statistics did not follow the zoom");
    Shoot(&window, out_dir, "timeline-zoomed.png", log);
    window.timeline()->Back();
    window.ShowTab(MainWindow::PausesTab);
    Shoot(&window, out_dir, "pauses.png", log);
    window.ShowTab(MainWindow::EventsTab);
    Shoot(&window, out_dir, "events.png", log);
    window.ShowTab(MainWindow::HeapMapTab);
    Shoot(&window, out_dir, "heap-map.png", log);

    // 2. Step-through: one Scavenge, then into incremental marking, then its Mark-Compact.
    window.ShowTab(MainWindow::StepTab);
    StepView* step = window.step_view();
    Check(step->stepper() != nullptr, "step-through did not start");
    step->Step(StepUntil::Scavenge);
    // Into the first Scavenge object by object ("Next object"), until the scan pointer is
    // into to-space, copy far ahead of it (breadth first: the cache's entries are copied
    // long before they are scanned), and the current step copies an object reachable from
    // the one being scanned and outlined in the map: its sentence, the object, scan chasing
    // copy on the to-space bar. (The first Scavenge copies every survivor into to-space; the
    // second promotes most of them.)
    int presses = 0;
    for (bool there = false; !there && presses < 200000;) {
      Check(step->NextObject(), "the Scavenge ran out of object steps");
      ++presses;
      const ObjectStepRecord* r = step->stepper()->CurrentObjectStep();
      const Id id = step->heap_map()->map()->highlight();
      bool outlined = false;
      for (const ChunkPicture& c : step->heap_map()->map()->snapshot().chunks)
        for (const Span& s : c.spans)
          outlined = outlined || (id != 0 && s.id == id);
      const auto at = step->heap_map()->map()->scan_copy_marks();
      there = r->step.kind == ObjectStepKind::Copied && r->referrer != 0 && outlined && at &&
              at->scan_x >= 60 && at->copy_x >= at->scan_x + 150;
    }
    const auto marks = step->heap_map()->map()->scan_copy_marks();
    Check(marks && marks->scan_x < marks->copy_x,
          "no scan and copy markers apart on the to-space bar after " + QString::number(presses) +
              " object steps");
    Check(step->objectText().startsWith("Object step "), "no sentence on the object step");
    log << "tour: step-object: " << presses << " object steps into the Scavenge (scan at x "
        << marks->scan_x << ", copy at x " << marks->copy_x << "): " << step->objectText()
        << Qt::endl;
    Shoot(&window, out_dir, "step-object.png", log);
    step->Step(StepUntil::Scavenge);  // the second has survivors below the age mark
    Check(!step->stepper()->data().gcs.empty() &&
              step->stepper()->data().gcs.back().collector == Collector::Scavenge,
          "stepping to the next Scavenge did not end on a Scavenge");
    Shoot(&window, out_dir, "step-scavenge.png", log);
    // On into incremental marking (three steps: with background marking, it may take no more):
    // the map shows what marking has reached.
    std::size_t steps = 0;
    while (!step->stepper()->done() && steps < 3) {
      step->Step(StepUntil::MarkingStep);
      const auto& marking = step->stepper()->data().marking;
      if (!marking.empty() && marking.back().kind == MarkingEventKind::Step) ++steps;
    }
    Check(steps > 0, "leak-cache reached no incremental marking step");
    step->heap_map()->SetColorBy(ColorBy::Mark);
    Shoot(&window, out_dir, "step-marking.png", log);
    step->Step(StepUntil::MarkCompact);
    const auto& gcs = step->stepper()->data().gcs;
    Check(!gcs.empty() && gcs.back().collector == Collector::MarkCompact &&
              gcs.back().incremental_steps > 0,
          "the Mark-Compact stepped to was not incrementally marked");
    step->heap_map()->SetColorBy(ColorBy::Kind);
    Shoot(&window, out_dir, "step-mark-compact.png", log);

    // 3. Compare: the same scenario with 1 MiB semispaces.
    window.ShowTab(MainWindow::CompareTab);
    window.compare()->Run();
    Await(window.compare(), &CompareView::compared, 240000, "the compare runs");
    const auto scavenges = window.compare()->model().values(0);
    Check(scavenges.second > scavenges.first,
          "1 MiB semispaces should scavenge more often than the default");
    Shoot(&window, out_dir, "compare.png", log);

    // 4. The buffer-server scenario at its defaults: the heap map shows the pool's slabs, full
    // ones pinned by the kept tokens.
    window.settings()->SelectScenario("buffer-server");
    window.OpenScenario("buffer-server", window.settings()->scenario_options());
    Await(&window, &MainWindow::runShown, 120000, "the buffer-server replay");
    const HeapSnapshot& heap = window.run()->final_heap;
    std::size_t pictured_full = 0;
    for (const SlabPicture& slab : heap.slabs)
      pictured_full += slab.state == SlabState::Full;
    // 1000 tokens kept (the scenario's `keep`), each in a slab of its own (50 requests between
    // two tokens fill several slabs), and the current slab: 1001 live, of which the most
    // recent 512 are pictured (511 full and the current one).
    Check(heap.full_slabs == 1000 && heap.live_slabs == 1001,
          QString("buffer-server left %1 full slabs of %2 live, not 1000 of 1001")
              .arg(heap.full_slabs)
              .arg(heap.live_slabs));
    Check(heap.slabs.size() == kMaxSlabs && pictured_full == kMaxSlabs - 1,
          QString("%1 slabs pictured, %2 full; expected the %3 most recent, all but one full")
              .arg(heap.slabs.size())
              .arg(pictured_full)
              .arg(kMaxSlabs));
    log << "tour: buffer-server: " << window.run()->gcs.size() << " collections, "
        << heap.live_slabs << " live slabs, " << heap.full_slabs << " full; " << heap.slabs.size()
        << " pictured, " << pictured_full << " of them full" << Qt::endl;
    window.ShowTab(MainWindow::HeapMapTab);
    Shoot(&window, out_dir, "heap-map-slabs.png", log);

    // 5. A real node log as a document of its own, then beside a simulated run.
    if (node_log.isEmpty()) {
      log << "tour: no --tour-log given: the node log part is left out" << Qt::endl;
    } else {
      window.OpenFile(node_log);
      Await(&window, &MainWindow::runShown, 60000, "reading " + node_log);
      const auto node = window.run();
      Check(node->source == RunSource::NodeLog && !node->gcs.empty() &&
                node->lines.size() == node->gcs.size(),
            node_log + " was not read as a node log");
      Check(QString::fromStdString(node->TraceGcLine(0)).startsWith('['),
            "the first collection's hover line is not the log's own line");
      log << "tour: " << QString::fromStdString(node->title) << ": " << node->gcs.size()
          << " collections from " << node->trace_events << " lines, read in " << node->load_seconds
          << " s" << Qt::endl;
      window.ShowTab(MainWindow::TimelineTab);
      Check(window.timeline()->drawn_points() > 0, "the log's timeline draws no point");
      Shoot(&window, out_dir, "log-timeline.png", log);
      window.ShowTab(MainWindow::PausesTab);
      Shoot(&window, out_dir, "log-pauses.png", log);
      // Beside the leak-cache scenario, replayed with the tour's (predictable) flags, with as
      // many entries as leaky_cache.js stores (N = 1,200,000).
      window.ShowTab(MainWindow::CompareTab);
      ScenarioOptions entries;
      entries.params["entries"] = 1200000;
      window.compare()->SetOther(std::make_shared<ScenarioDocument>("leak-cache", entries));
      window.compare()->Run();
      Await(window.compare(), &CompareView::compared, 240000, "the log against leak-cache");
      const auto counts = window.compare()->model().values(0);  // Scavenges
      Check(counts.first > 0 && counts.second > 0,
            "the log against leak-cache shows no Scavenge on one side");
      const QString title = window.compare()->chart_view()->chart()->title();
      Check(title.contains("Node: "), "the overlay's title does not say which run is Node's");
      Shoot(&window, out_dir, "compare-log.png", log);
      window.compare()->SetOther(nullptr);
    }
  } catch (const TourFailure& f) {
    log << "tour: FAILED: " << f.what() << "\n";
    return 1;
  }
  log << "tour: done\n";
  return 0;
}

}  // namespace heaplab::viz
