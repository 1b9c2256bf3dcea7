// The visualizer's views, offscreen: each renders something that is not blank, the timeline
// zooms and goes back, the step-through controls advance the replay, the compare view runs two
// configurations, and export writes PNG, SVG and CSV.
#include <QImage>
#include <QSet>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>

#include "chart_export.h"
#include "compare_view.h"
#include "heap_map_view.h"
#include "main_window.h"
#include "pauses_view.h"
#include "settings_panel.h"
#include "step_view.h"
#include "timeline_view.h"

#include <QAbstractAxis>
#include <QAbstractSeries>
#include <QChart>
#include <QComboBox>
#include <QHeaderView>
#include <algorithm>
#include <fstream>

#include <heaplab/viz/read_documents.h>

using namespace heaplab;
using namespace heaplab::viz;

namespace {

// Distinct colours in a grab of `widget`, sampled on a grid: a blank view has one or two.
int Colours(QWidget* widget) {
  const QImage image = widget->grab().toImage();
  QSet<QRgb> colours;
  for (int y = 0; y < image.height(); y += 3)
    for (int x = 0; x < image.width(); x += 3)
      colours.insert(image.pixel(x, y));
  return static_cast<int>(colours.size());
}

// The title of an x axis that series of both runs (legend names starting with `a` and with
// `b`) are drawn on; empty when the runs share none.
QString SharedXAxis(QChart* chart, const QString& a, const QString& b) {
  QSet<QAbstractAxis*> of_a, of_b;
  for (QAbstractSeries* series : chart->series()) {
    for (QAbstractAxis* axis : series->attachedAxes()) {
      if (axis->orientation() != Qt::Horizontal) continue;
      if (series->name().startsWith(a)) of_a.insert(axis);
      if (series->name().startsWith(b)) of_b.insert(axis);
    }
  }
  for (QAbstractAxis* axis : of_a)
    if (of_b.contains(axis)) return axis->titleText().isEmpty() ? "(untitled)" : axis->titleText();
  return {};
}

bool AllXAxesTitled(QChart* chart) {
  const QList<QAbstractAxis*> axes = chart->axes(Qt::Horizontal);
  return !axes.isEmpty() && std::all_of(axes.begin(), axes.end(), [](QAbstractAxis* axis) {
    return !axis->titleText().isEmpty();
  });
}

}  // namespace

class ViewTest : public QObject {
  Q_OBJECT

 private:
  std::unique_ptr<MainWindow> window_;
  QTemporaryDir dir_;

 private Q_SLOTS:
  void initTestCase() {
    QStandardPaths::setTestModeEnabled(true);  // QSettings of the tests stay apart
    window_ = std::make_unique<MainWindow>();
    window_->resize(1200, 800);
    window_->show();
    GcFlags flags;
    flags.predictable = true;
    flags.max_semi_space_mb = 2;
    window_->settings()->flags_form()->SetFlags(flags);
    ScenarioOptions options;
    options.params["entries"] = 200000;
    QSignalSpy shown(window_.get(), &MainWindow::runShown);
    window_->OpenScenario("leak-cache", options);
    QVERIFY(shown.wait(30000));
    QVERIFY(window_->run() != nullptr);
  }

  void cleanupTestCase() { window_.reset(); }

  void timelineDrawsDecimatedSeries() {
    window_->ShowTab(MainWindow::TimelineTab);
    QTest::qWait(50);
    TimelineView* t = window_->timeline();
    t->ResetZoom();
    QVERIFY(t->drawn_points() > 0);
    // Never more points than pixels, per series (4 layers, committed, limit, 2 marker series).
    QVERIFY(t->drawn_points() <= 8 * t->chart_view()->width());
    QVERIFY(Colours(t->chart_view()) >= 8);
    QCOMPARE(t->range_stats().stats().scavenge.count + t->range_stats().stats().mark_compact.count,
             static_cast<int>(window_->run()->gcs.size()));
  }

  void timelineZoomsAndGoesBack() {
    TimelineView* t = window_->timeline();
    const auto whole = t->range();
    const double mid = (whole.first + whole.second) / 2;
    t->ZoomTo(mid, whole.second);
    QCOMPARE(t->range().first, mid);
    QVERIFY(t->range_stats().stats().scavenge.count <
            static_cast<int>(window_->run()->gcs.size()) - 1);
    QVERIFY(!t->GcToolTip(0).isEmpty());
    QVERIFY(t->GcToolTip(0).contains("Scavenge"));
    t->Back();
    QCOMPARE(t->range(), whole);
  }

  void pausesRender() {
    window_->ShowTab(MainWindow::PausesTab);
    QTest::qWait(50);
    QCOMPARE(window_->pauses()->stats().rowCount(), 3);
    QVERIFY(Colours(window_->pauses()->histogram_view()) >= 8);
    QVERIFY(Colours(window_->pauses()->mu_view()) >= 8);
  }

  void heapMapShowsTheFinalHeap() {
    window_->ShowTab(MainWindow::HeapMapTab);
    QTest::qWait(50);
    HeapMapWidget* map = window_->heap_map()->map();
    QVERIFY(!map->snapshot().empty());
    QVERIFY(Colours(map) >= 4);
    // The first old page's tile: hovering it names an old page.
    QString found;
    for (int y = 0; y < map->height() && found.isEmpty(); y += 4) {
      const QString d = map->Describe(QPoint(20, y));
      if (d.startsWith("old page")) found = d;
    }
    QVERIFY2(!found.isEmpty(), "no old page under the mouse anywhere in the first column");
    QVERIFY(map->Describe(QPoint(-5, -5)).isEmpty());
  }

  void stepControlsAdvanceTheReplay() {
    window_->ShowTab(MainWindow::StepTab);
    StepView* step = window_->step_view();
    QVERIFY(step->stepper() != nullptr);
    QCOMPARE(step->stepper()->position(), std::size_t{0});
    QSignalSpy stepped(step, &StepView::stepped);
    // The "Step event" button advances by exactly one event.
    QToolButton* step_event = nullptr;
    for (QToolButton* b : step->findChildren<QToolButton*>())
      if (b->text() == "Step event") step_event = b;
    QVERIFY(step_event != nullptr);
    QTest::mouseClick(step_event, Qt::LeftButton);
    QCOMPARE(step->stepper()->position(), std::size_t{1});
    QTest::mouseClick(step_event, Qt::LeftButton);
    QCOMPARE(step->stepper()->position(), std::size_t{2});
    // "Next GC" steps in slices through the event loop, then stops on the collection.
    QToolButton* next_gc = nullptr;
    for (QToolButton* b : step->findChildren<QToolButton*>())
      if (b->text() == "Next GC") next_gc = b;
    QVERIFY(next_gc != nullptr);
    const int signals_before = static_cast<int>(stepped.size());
    QTest::mouseClick(next_gc, Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!step->stepping(), 10000);
    QCOMPARE(static_cast<int>(stepped.size()), signals_before + 1);
    QCOMPARE(step->stepper()->data().gcs.size(), std::size_t{1});
    QVERIFY(step->stepper()->reached());
    QVERIFY(step->heap_map()->map()->snapshot().objects > 0);
    // "Next object" walks the collection's object steps: a sentence each, the object
    // outlined in the heap map.
    QToolButton* next_object = nullptr;
    for (QToolButton* b : step->findChildren<QToolButton*>())
      if (b->text() == "Next object") next_object = b;
    QVERIFY(next_object != nullptr);
    QVERIFY(!step->stepper()->object_steps().empty());
    QCOMPARE(step->stepper()->object_cursor(), std::size_t{0});
    QTest::mouseClick(next_object, Qt::LeftButton);
    QCOMPARE(step->stepper()->object_cursor(), std::size_t{1});
    QVERIFY2(step->objectText().startsWith("Object step 1 of"), qPrintable(step->objectText()));
    bool outlined = false;
    for (int i = 0; i < 50 && !outlined; ++i) {
      const Id id = step->heap_map()->map()->highlight();
      for (const ChunkPicture& c : step->heap_map()->map()->snapshot().chunks)
        for (const Span& s : c.spans)
          outlined = outlined || (id != 0 && s.id == id);
      if (!outlined) QTest::mouseClick(next_object, Qt::LeftButton);
    }
    QVERIFY2(outlined, "no object step outlined an object of the heap map");
    const std::size_t before = step->stepper()->position();
    step->SetSpeed(1000);
    step->SetPlaying(true);
    QVERIFY(step->playing());
    QTest::qWait(300);
    step->SetPlaying(false);
    QVERIFY(!step->playing());
    const std::size_t after = step->stepper()->position();
    QVERIFY(after > before);
    QTest::qWait(100);  // paused: nothing moves
    QCOMPARE(step->stepper()->position(), after);
    QVERIFY(stepped.size() >= 3);
  }

  // Stepping a Scavenge object by object draws Cheney's scan and copy pointers under the
  // to-space bar: present at every step of the Scavenge, scan never past copy, both moving as
  // the steps go on, and scan meeting copy at the allocation top when the last step is shown.
  void stepScavengeDrawsScanAndCopyPointers() {
    window_->ShowTab(MainWindow::StepTab);
    StepView* step = window_->step_view();
    step->Step(StepUntil::Scavenge);
    QVERIFY(step->stepper()->reached());
    HeapMapWidget* map = step->heap_map()->map();
    // Before the first object step the map is the heap after the Scavenge, without markers.
    QVERIFY(!map->scan_copy().has_value());
    std::optional<HeapMapWidget::ScanCopyMarks> marks = map->scan_copy_marks();
    QVERIFY(!marks.has_value());
    auto pixel_is = [](const QImage& image, int x, int y, const QColor& color) {
      return image.pixelColor(x, y).rgb() == color.rgb();
    };
    std::pair<std::size_t, std::size_t> last{0, 0};
    std::size_t steps = 0, scan_moves = 0, copy_moves = 0, drawn_apart = 0;
    while (step->NextObject()) {
      const ObjectStepRecord* r = step->stepper()->CurrentObjectStep();
      QVERIFY(r->in_collection && r->collector == Collector::Scavenge);
      ++steps;
      QVERIFY2(map->scan_copy().has_value(), "no scan and copy markers at an object step");
      const auto [scan, copy] = *map->scan_copy();
      QVERIFY2(
          scan <= copy,
          qPrintable(
              QString("scan %1 past copy %2 at object step %3").arg(scan).arg(copy).arg(steps)));
      scan_moves += scan != last.first;
      copy_moves += copy != last.second;
      last = {scan, copy};
      marks = map->scan_copy_marks();
      QVERIFY(marks.has_value() && marks->scan_x <= marks->copy_x);
      // Drawn where they say: each marker's triangle in its colour just under the bar (when
      // they are apart; at one place the copy marker is drawn over the scan marker).
      if (marks->scan_x + 8 < marks->copy_x && drawn_apart < 3 && steps % 7 == 0) {
        const QImage image = map->grab().toImage();
        const int y = marks->y + 4;
        QVERIFY(pixel_is(image, marks->scan_x, y, HeapMapWidget::kScanColor));
        QVERIFY(pixel_is(image, marks->copy_x, y, HeapMapWidget::kCopyColor));
        ++drawn_apart;
      }
    }
    QVERIFY(steps > 10);
    QVERIFY(drawn_apart > 0);
    QVERIFY(scan_moves > 1);
    QVERIFY(copy_moves > 1);
    // The last step: the scan has caught up with the copy, at the end of the survivors, where
    // the Scavenge set the age mark (the event's own allocation lies above it).
    QCOMPARE(last.first, last.second);
    QCOMPARE(last.second, map->snapshot().chunks.front().age_mark);
    // Control: an event without a collection has no markers.
    for (int i = 0; i < 100 && (i == 0 || !step->stepper()->object_steps().empty()); ++i)
      step->Step(StepUntil::Event);
    QVERIFY(step->stepper()->object_steps().empty());
    QVERIFY(!map->scan_copy().has_value());
    QVERIFY(!map->scan_copy_marks().has_value());
  }

  void compareRunsBothConfigurations() {
    window_->ShowTab(MainWindow::CompareTab);
    CompareView* c = window_->compare();
    QSignalSpy compared(c, &CompareView::compared);
    c->Run();
    QVERIFY(compared.wait(60000));
    QCOMPARE(c->model().rowCount(), 8);
    QVERIFY(c->model().values(0).second > c->model().values(0).first);
    QVERIFY(Colours(c->chart_view()) >= 8);
    // Control for the overlay's axes: A and B are replays on one clock and share its axis.
    QCOMPARE(c->x_axis_box()->currentIndex(), CompareView::kByTime);
    const QString shared = SharedXAxis(c->chart_view()->chart(), "A ", "B ");
    QVERIFY2(shared.startsWith("time (ms, heaplab's model clock)"), qPrintable(shared));
    QVERIFY(AllXAxesTitled(c->chart_view()->chart()));
  }

  // Compare's cosmetics. The B column's header (B's flags), longer than its column, is cut at
  // its end, never clipped around its middle: the section's first pixels are the margin, and
  // the text starts right after it. Overlaying another run hides B's flags (they play no part)
  // rather than showing the last comparison's, greyed; back to A against B shows them again.
  void compareHeaderAndOverlayPanel() {
    window_->ShowTab(MainWindow::CompareTab);
    CompareView* c = window_->compare();
    QHeaderView* header = c->table()->horizontalHeader();
    const QString b_text = c->model().headerData(CompareModel::B, Qt::Horizontal).toString();
    QVERIFY2(QFontMetrics(header->font()).horizontalAdvance(b_text) >
                 header->sectionSize(CompareModel::B),
             "the B header fits its column: nothing to clip (make the window narrower)");
    const QImage image = header->grab().toImage();
    const int x0 = header->sectionViewportPosition(CompareModel::B);
    auto dark_in = [&](int from, int to) {  // text pixels in columns [from, to)
      int n = 0;
      for (int x = from; x < to; ++x)
        for (int y = 2; y < image.height() - 2; ++y)
          n += qGray(image.pixel(x, y)) < 110;
      return n;
    };
    QCOMPARE(dark_in(x0 + 1, x0 + 3), 0);   // the margin: no glyph cut at the left edge
    QVERIFY(dark_in(x0 + 3, x0 + 24) > 0);  // the text's start ("B: ")
    // The overlay panel.
    const GcFlags b = c->flags_b()->flags();
    QVERIFY(!c->flags_b()->isHidden());
    c->SetOther(std::make_shared<ScenarioDocument>("leak-cache", ScenarioOptions()));
    QVERIFY(c->flags_b()->isHidden());
    c->SetOther(nullptr);
    QVERIFY(!c->flags_b()->isHidden());
    QCOMPARE(c->flags_b()->flags().ToArgs(), b.ToArgs());
  }

  // The heap map's caption of a pool with more slabs than are pictured gives the pool's
  // counts and says how many are pictured.
  void heapMapSlabCaptionCountsThePool() {
    HeapMapWidget map;
    map.resize(800, 600);
    auto snap = std::make_shared<HeapSnapshot>();
    snap->chunks.push_back({});
    snap->chunks.back().role = ChunkRole::ToSpace;
    snap->chunks.back().size = 1024;
    snap->live_slabs = 1001;
    snap->full_slabs = 1000;
    snap->pinned_view_bytes = 16000;
    for (std::uint32_t i = 0; i < kMaxSlabs; ++i) {
      SlabPicture s;
      s.number = 489 + i;
      s.size = 8192;
      s.state = i + 1 < kMaxSlabs ? SlabState::Full : SlabState::Partial;
      snap->slabs.push_back(s);
    }
    map.SetSnapshot(snap);
    QVERIFY2(map.slab_caption().startsWith("Buffer pool: 1001 slabs of 8.0 KB (1000 full, "
                                           "pinned by 15.6 KB of live views), the 512 most "
                                           "recent pictured"),
             qPrintable(map.slab_caption()));
    snap->live_slabs = kMaxSlabs;  // control: all pictured, nothing said about it
    map.SetSnapshot(snap);
    QVERIFY2(!map.slab_caption().contains("pictured"), qPrintable(map.slab_caption()));
  }

  void exportWritesPngSvgAndCsv() {
    window_->ShowTab(MainWindow::TimelineTab);
    const QString png = dir_.filePath("t.png");
    const QString svg = dir_.filePath("t.svg");
    QVERIFY(ExportWidget(window_->timeline()->chart_view(), png));
    QVERIFY(ExportWidget(window_->timeline()->chart_view(), svg));
    QVERIFY(!QImage(png).isNull());
    QFile file(svg);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray text = file.readAll();
    QVERIFY(text.contains("<svg"));
    QVERIFY(text.size() > 2000);
    QVERIFY(!ExportWidget(window_->timeline()->chart_view(), "/nonexistent/dir/x.png"));
    const QString csv = dir_.filePath("events.csv");
    QString error;
    QVERIFY(window_->SaveEventsCsv(csv, &error));
    QFile csv_file(csv);
    QVERIFY(csv_file.open(QIODevice::ReadOnly));
    QCOMPARE(csv_file.readAll().count('\n'),
             static_cast<qsizetype>(window_->run()->gcs.size() + 1));
  }

  // A node log as a document of its own (after the scenario's tests: it replaces the run).
  void nodeLogOpensAsADocument() {
    const QString path = QStringLiteral(HEAPLAB_TEST_DATA "/leaky_cache.log");
    QSignalSpy shown(window_.get(), &MainWindow::runShown);
    window_->OpenFile(path);
    QVERIFY(shown.wait(30000));
    const auto run = window_->run();
    QVERIFY(run->source == RunSource::NodeLog);
    QCOMPARE(run->gcs.size(), std::size_t{24});
    QVERIFY(!window_->isolate_chooser_shown());
    window_->ShowTab(MainWindow::TimelineTab);
    QTest::qWait(50);
    TimelineView* t = window_->timeline();
    QVERIFY(t->drawn_points() > 0);
    QVERIFY(Colours(t->chart_view()) >= 8);
    QCOMPARE(t->range_stats().stats().all.count, 24);
    // Hovering the first Mark-Compact shows its line of the file, with the line number.
    const QString tip = t->GcToolTip(11);
    QVERIFY2(tip.contains("leaky_cache.log, line 12"), qPrintable(tip));
    QVERIFY2(tip.contains("164 ms: Mark-Compact 40.2 (71.3) -&gt; 35.4 (69.2) MB, 15.32 / 0.00 ms"),
             qPrintable(tip));
    // Zoomed, the statistics follow the range.
    t->ZoomTo(140, 1100);
    QCOMPARE(t->range_stats().stats().all.count, 6);
    t->Back();
    // The events table's tooltip is the log's line too.
    QCOMPARE(window_->events_view()->model()->rowCount(), 24);
    window_->ShowTab(MainWindow::PausesTab);
    QTest::qWait(50);
    QVERIFY(Colours(window_->pauses()->histogram_view()) >= 8);
    // Step-through has nothing to step in a log, and says so instead of failing.
    window_->ShowTab(MainWindow::StepTab);
    QTest::qWait(50);
    QVERIFY(window_->step_view()->stepper() == nullptr);
  }

  void compareOverlaysTheLogWithASimulatedRun() {
    window_->ShowTab(MainWindow::CompareTab);
    CompareView* c = window_->compare();
    ScenarioOptions options;
    options.params["entries"] = 200000;
    c->SetOther(std::make_shared<ScenarioDocument>("leak-cache", options));
    QSignalSpy compared(c, &CompareView::compared);
    c->Run();
    QVERIFY(compared.wait(60000));
    QCOMPARE(c->model().values(0).first, 22.0);  // Node's Scavenges: the log's
    QVERIFY(c->model().values(0).second > 0);
    QStringList names;
    for (QAbstractSeries* series : c->chart_view()->chart()->series())
      names << series->name();
    QVERIFY2(names.contains("Node used"), qPrintable(names.join('|')));
    QVERIFY2(names.contains("Node young GC"), qPrintable(names.join('|')));
    QVERIFY2(names.contains("heaplab used"), qPrintable(names.join('|')));
    const QString title = c->chart_view()->chart()->title();
    QVERIFY2(title.contains("Node: leaky_cache.log against heaplab: scenario leak-cache"),
             qPrintable(title));
    QCOMPARE(c->model().headerData(CompareModel::A, Qt::Horizontal).toString(),
             QString("A: Node: leaky_cache.log"));
    QVERIFY(Colours(c->chart_view()) >= 8);
    // Node's milliseconds and the model's are different clocks: the two runs never share a
    // time axis. They start on collection numbers, one axis so titled.
    QCOMPARE(c->x_axis_box()->currentIndex(), CompareView::kByCollection);
    QChart* chart = c->chart_view()->chart();
    QVERIFY(AllXAxesTitled(chart));
    QString shared = SharedXAxis(chart, "Node ", "heaplab ");
    QVERIFY2(shared.startsWith("collection number"), qPrintable(shared));
    // In time, each run has its own axis, titled with its clock and its run.
    c->x_axis_box()->setCurrentIndex(CompareView::kByTime);
    chart = c->chart_view()->chart();
    QVERIFY(AllXAxesTitled(chart));
    shared = SharedXAxis(chart, "Node ", "heaplab ");
    QVERIFY2(shared.isEmpty(), qPrintable(shared));
    QStringList titles;
    for (QAbstractAxis* axis : chart->axes(Qt::Horizontal))
      titles << axis->titleText();
    QCOMPARE(titles.size(), 2);
    QVERIFY2(titles.filter("Node's clock): Node: leaky_cache.log").size() == 1,
             qPrintable(titles.join('|')));
    QVERIFY2(titles.filter("heaplab's model clock): heaplab: scenario leak-cache").size() == 1,
             qPrintable(titles.join('|')));
    c->x_axis_box()->setCurrentIndex(CompareView::kByCollection);
    // Control: without the overlay, a log is not replayed under B.
    c->SetOther(nullptr);
    QSignalSpy again(c, &CompareView::compared);
    c->Run();
    QTest::qWait(200);
    QCOMPARE(again.size(), 0);
  }

  void isolateChooserSwitchesIsolates() {
    const QString path = dir_.filePath("two.log");
    {
      std::ofstream out(path.toStdString());
      for (const char* f : {"/leaky_cache.log", "/lru_churn.log"})
        out << std::ifstream(std::string(HEAPLAB_TEST_DATA) + f).rdbuf();
    }
    QSignalSpy shown(window_.get(), &MainWindow::runShown);
    window_->OpenFile(path);
    QVERIFY(shown.wait(30000));
    QVERIFY(window_->isolate_chooser_shown());
    QCOMPARE(window_->isolate_box()->count(), 2);
    QCOMPARE(window_->run()->gcs.size(), std::size_t{24});
    window_->ChooseIsolate(1);
    QVERIFY(shown.wait(30000));
    QCOMPARE(window_->run()->gcs.size(), std::size_t{19});
    QCOMPARE(window_->isolate_box()->currentIndex(), 1);
  }

  void badFilesShowAnErrorNamingFileAndLine() {
    const QString notes = dir_.filePath("notes.txt");
    std::ofstream(notes.toStdString()) << "hello\nworld\n";
    const auto before = window_->run();
    window_->OpenFile(notes);
    QVERIFY2(window_->last_error().contains("notes.txt:1: not a file heaplab-viz reads"),
             qPrintable(window_->last_error()));
    QCOMPARE(window_->run(), before);  // the shown run stays
    // An events file of a version this build does not read: the loader fails with file:line.
    const QString events = dir_.filePath("wrong.jsonl");
    std::ofstream(events.toStdString())
        << "{\"schema\":\"heaplab-events\",\"version\":99,\"pid\":1,\"isolate\":65536,"
           "\"max_heap_size\":1,\"source\":\"x\"}\n";
    QSignalSpy failed(window_->loader(), &Loader::failed);
    window_->OpenFile(events);
    QVERIFY(failed.wait(10000));
    QVERIFY2(window_->last_error().contains("wrong.jsonl:1:"), qPrintable(window_->last_error()));
  }
};

QTEST_MAIN(ViewTest)
#include "view_test.moc"
