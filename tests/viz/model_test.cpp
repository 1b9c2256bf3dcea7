// The visualizer's model room, headless: documents and the loader thread, step-through, the
// heap snapshot, the timeline's decimation, the statistics and every item model (each under
// QAbstractItemModelTester).
#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <fstream>
#include <numeric>

#include <heaplab/viz/document.h>
#include <heaplab/viz/event_table_model.h>
#include <heaplab/viz/loader.h>
#include <heaplab/viz/stats_models.h>
#include <heaplab/viz/stepper.h>
#include <heaplab/viz/timeline.h>

using namespace heaplab;
using namespace heaplab::viz;

namespace {

// leak-cache, small enough to replay in well under a second, large enough for 50-odd
// Scavenges and one incrementally marked Mark-Compact.
std::shared_ptr<ScenarioDocument> SmallLeakCache() {
  ScenarioOptions options;
  options.params["entries"] = 200000;
  return std::make_shared<ScenarioDocument>("leak-cache", options);
}

GcFlags SmallFlags() {
  GcFlags f;
  f.predictable = true;
  f.max_semi_space_mb = 2;
  // The run must be rich in Scavenges and promotions; with pretenuring the cache's entries
  // would soon be allocated in old space and the run would hold a handful of Scavenges.
  f.allocation_site_pretenuring = false;
  return f;
}

GcEvent Gc(Collector c, double start, double pause, int number) {
  GcEvent e;
  e.collector = c;
  e.number = number;
  e.start_ms = start;
  e.pause_ms = pause;
  e.end_ms = start + pause;
  return e;
}

// A trace whose survivors are known: 1 is a global root and holds 3; 2 and 4 are garbage once
// the scope closes.
const char* kKnownTrace =
    "heaplab-trace 1\n"
    "{\n"
    "a 1 64 1\n"
    "r 1\n"
    "a 2 64 0\n"
    "a 3 48 0\n"
    "w 1 0 3\n"
    "a 4 32 0\n"
    "}\n"
    "g minor\n"
    "g minor\n";

std::size_t Objects(const HeapSnapshot& s, ChunkRole role) {
  std::size_t n = 0;
  for (const ChunkPicture& c : s.chunks)
    if (c.role == role) n += c.objects;
  return n;
}

}  // namespace

class ModelTest : public QObject {
  Q_OBJECT

 private:
  std::shared_ptr<const RunData> run_;
  QTemporaryDir dir_;

  QString WriteTrace(const char* name, const char* text) {
    const QString path = dir_.filePath(name);
    std::ofstream(path.toStdString()) << text;
    return path;
  }

 private Q_SLOTS:
  void initTestCase() {
    LoadControl control;
    run_ = std::make_shared<const RunData>(SmallLeakCache()->Load(SmallFlags(), control));
    QVERIFY(run_->ending.empty());
    QVERIFY(run_->gcs.size() > 20);
  }

  void replayRecordsTheWholeStream() {
    int scavenges = 0;
    int incremental_full = 0;
    for (const GcEvent& e : run_->gcs) {
      scavenges += e.collector == Collector::Scavenge;
      incremental_full += e.collector == Collector::MarkCompact && e.incremental_steps > 0;
    }
    QVERIFY(scavenges > 20);
    QCOMPARE(incremental_full, 1);
    QVERIFY(!run_->marking.empty());
    QVERIFY(!run_->limits.empty());
    QCOMPARE(run_->args,
             (std::vector<std::string>{"--max-semi-space-size=2",
                                       "--no-allocation-site-pretenuring", "--predictable"}));
    QVERIFY(run_->final_heap.object_bytes > 0);
    const QString line = QString::fromStdString(run_->TraceGcLine(0));
    QVERIFY(line.startsWith("[1:0x10000] ") && line.contains(": Scavenge "));
    QVERIFY(!line.endsWith('\n'));
  }

  void sameFlagsSameRun() {  // the model clock makes two loads identical
    LoadControl control;
    const RunData again = SmallLeakCache()->Load(SmallFlags(), control);
    QCOMPARE(again.gcs.size(), run_->gcs.size());
    QCOMPARE(again.TraceGcLine(again.gcs.size() - 1), run_->TraceGcLine(run_->gcs.size() - 1));
  }

  void unknownScenarioOrParameterIsRefused() {
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, ScenarioDocument("no-such", {}));
    ScenarioOptions bad;
    bad.params["entriez"] = 3;
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, ScenarioDocument("leak-cache", bad));
  }

  void traceErrorEndsTheRunWithFileAndLine() {
    const QString path = WriteTrace("bad.hlt", "heaplab-trace 1\na 1 64 0\nw 1 0 9\n");
    LoadControl control;
    const RunData data = TraceDocument(path.toStdString()).Load(GcFlags(), control);
    QVERIFY2(data.ending.find("bad.hlt:3:") != std::string::npos, data.ending.c_str());
  }

  void loaderDeliversOnTheGuiThread() {
    Loader loader;
    QSignalSpy finished(&loader, &Loader::finished);
    QSignalSpy progress(&loader, &Loader::progress);
    const QString path = WriteTrace("ok.hlt", kKnownTrace);
    loader.Load(std::make_shared<TraceDocument>(path.toStdString()), GcFlags());
    QVERIFY(loader.busy());
    QVERIFY(finished.wait(10000));
    QVERIFY(!loader.busy());
    const auto runs = finished.front().front().value<Runs>();
    QCOMPARE(runs.size(), std::size_t{1});
    QCOMPARE(runs.front()->gcs.size(), std::size_t{2});
    QVERIFY(!progress.isEmpty());
    QCOMPARE(progress.back().front().toDouble(), 1.0);
  }

  void loaderReportsFailure() {
    Loader loader;
    QSignalSpy failed(&loader, &Loader::failed);
    QSignalSpy finished(&loader, &Loader::finished);
    loader.Load(std::make_shared<TraceDocument>("/nonexistent/x.hlt"), GcFlags());
    QVERIFY(failed.wait(10000));
    QVERIFY(failed.front().front().toString().contains("/nonexistent/x.hlt"));
    QCOMPARE(finished.size(), 0);
  }

  void loaderCancels() {
    Loader loader;
    QSignalSpy cancelled(&loader, &Loader::cancelled);
    QSignalSpy finished(&loader, &Loader::finished);
    ScenarioOptions big;
    big.params["entries"] = 5000000;  // tens of seconds if it ran to the end
    loader.Load(std::make_shared<ScenarioDocument>("leak-cache", big), SmallFlags());
    QTest::qWait(50);
    loader.Cancel();
    QVERIFY(cancelled.wait(5000));
    QCOMPARE(finished.size(), 0);
  }

  void stepperStopsWhereAsked() {
    Stepper stepper(*SmallLeakCache(), SmallFlags());
    QCOMPARE(stepper.position(), std::size_t{0});
    QCOMPARE(stepper.Advance(StepUntil::Event), std::size_t{1});
    QCOMPARE(stepper.position(), std::size_t{1});
    stepper.Advance(StepUntil::Scavenge);
    QCOMPARE(stepper.data().gcs.size(), std::size_t{1});
    QVERIFY(stepper.data().gcs.back().collector == Collector::Scavenge);
    QVERIFY(QString::fromStdString(stepper.explanation()).startsWith("Scavenge #1"));
    stepper.Advance(StepUntil::MarkingStep);
    QVERIFY(!stepper.data().marking.empty());
    stepper.Advance(StepUntil::MarkCompact);
    QVERIFY(stepper.data().gcs.back().collector == Collector::MarkCompact);
    QVERIFY(stepper.data().gcs.back().incremental_steps > 0);
    // The stepped run and the loaded run agree collection by collection.
    const std::size_t n = stepper.data().gcs.size();
    QCOMPARE(stepper.data().TraceGcLine(n - 1), run_->TraceGcLine(n - 1));
  }

  void steppingAScavengeMovesExactlyTheSurvivors() {
    const QString path = WriteTrace("known.hlt", kKnownTrace);
    Stepper stepper(TraceDocument(path.toStdString()), GcFlags());
    for (int i = 0; i < 7; ++i)  // every allocation and store, the scope still open
      QCOMPARE(stepper.Advance(StepUntil::Event), std::size_t{1});
    HeapSnapshot before = stepper.Snapshot();
    QCOMPARE(Objects(before, ChunkRole::ToSpace), std::size_t{4});
    stepper.Advance(StepUntil::Scavenge);  // closes the scope, then the first Scavenge
    HeapSnapshot first = stepper.Snapshot();
    // 1 (a root) and 3 (held by 1) were copied; 2 and 4 were not.
    QCOMPARE(Objects(first, ChunkRole::ToSpace), std::size_t{2});
    QCOMPARE(first.chunks.front().object_bytes, std::size_t{64 + 48});
    std::vector<Id> ids;  // by trace id: exactly 1 and 3, in to-space
    for (const Span& s : first.chunks.front().spans)
      if (s.kind == SpanKind::Object) ids.push_back(s.id);
    std::sort(ids.begin(), ids.end());
    QCOMPARE(ids, (std::vector<Id>{1, 3}));
    QCOMPARE(Objects(first, ChunkRole::OldPage), std::size_t{0});
    // Both are below the age mark now: the next Scavenge promotes them.
    for (const Span& s : first.chunks.front().spans)
      QVERIFY(s.kind != SpanKind::Object || s.aged);
    stepper.Advance(StepUntil::Scavenge);
    HeapSnapshot second = stepper.Snapshot();
    QCOMPARE(Objects(second, ChunkRole::ToSpace), std::size_t{0});
    QCOMPARE(Objects(second, ChunkRole::OldPage), std::size_t{2});
    QCOMPARE(stepper.Advance(StepUntil::Event), std::size_t{0});  // the trace has ended
    QVERIFY(stepper.done());
  }

  void snapshotShowsSlabsWithTheirLiveViews() {
    // 1 and 3 are global roots; 2 dies when the scope closes. 1 and 2 are pooled views of slab
    // 0 (2 at offset 104: 100 rounded up to 8); 3 (alloc) has a store of its own.
    const QString path = WriteTrace("buffers.hlt",
                                    "heaplab-trace 1\n{\nb 1 100 unsafe\nr 1\nb 2 200 unsafe\n"
                                    "b 3 5000 alloc\nr 3\n}\ng minor\n");
    Stepper stepper(TraceDocument(path.toStdString()), GcFlags());
    for (int i = 0; i < 6; ++i)
      stepper.Advance(StepUntil::Event);
    const HeapSnapshot before = stepper.Snapshot();
    QCOMPARE(before.slabs.size(), std::size_t{1});
    QCOMPARE(before.slabs[0].views.size(), std::size_t{2});
    QCOMPARE(before.slabs[0].views[1], (std::pair<std::uint32_t, std::uint32_t>{104, 200}));
    QCOMPARE(before.slabs[0].carved, std::size_t{304});
    QVERIFY(before.slabs[0].state == SlabState::Partial);
    QCOMPARE(before.store_bytes, std::size_t{5000});
    std::size_t wrappers = 0;
    for (const Span& s : before.chunks.front().spans)
      wrappers += s.buffer;
    QCOMPARE(wrappers, std::size_t{3});
    stepper.Advance(StepUntil::Scavenge);
    const HeapSnapshot after = stepper.Snapshot();
    QCOMPARE(after.slabs.size(), std::size_t{1});
    QCOMPARE(after.slabs[0].views.size(), std::size_t{1});  // 2's view ended with its wrapper
    QCOMPARE(after.slabs[0].live_view_bytes, std::size_t{100});
    QCOMPARE(after.store_bytes, std::size_t{5000});
  }

  void lazySweepingLeavesDeadObjectsUntilSwept() {
    // 1 and 2 are promoted by two Scavenges; then 2's root is dropped. The full GC marks 1;
    // with lazy sweeping the page waits for the sweeper, so 2 is still there, dead.
    // (Run with --compaction=none.)
    const QString path = WriteTrace("lazy.hlt",
                                    "heaplab-trace 1\n{\na 1 64 0\nr 1\na 2 64 0\nr 2\n}\n"
                                    "g minor\ng minor\nd 2\ng major\n");
    auto dead_spans = [](const HeapSnapshot& snap) {
      std::size_t n = 0;
      for (const ChunkPicture& c : snap.chunks)
        for (const Span& s : c.spans)
          n += s.kind == SpanKind::Dead;
      return n;
    };
    GcFlags flags;
    flags.compaction = "none";  // the page is nearly empty: evacuation would release it
    Stepper lazy(TraceDocument(path.toStdString()), flags);
    lazy.Advance(StepUntil::MarkCompact);
    const HeapSnapshot after = lazy.Snapshot();
    QCOMPARE(dead_spans(after), std::size_t{1});
    QCOMPARE(Objects(after, ChunkRole::OldPage), std::size_t{1});
    QVERIFY(after.chunks[2].sweeping_pending);
    GcFlags eager = flags;  // control: sweeping in the pause leaves no dead object behind
    eager.lazy_sweeping = false;
    Stepper swept(TraceDocument(path.toStdString()), eager);
    swept.Advance(StepUntil::MarkCompact);
    QCOMPARE(dead_spans(swept.Snapshot()), std::size_t{0});
    QCOMPARE(Objects(swept.Snapshot(), ChunkRole::OldPage), std::size_t{1});
  }

  void decimationNeverExceedsThePixelsAndKeepsPeaks() {
    QVector<QPointF> points;
    for (int i = 0; i < 10000; ++i)
      points.push_back({double(i), i == 4321 ? 500.0 : 1.0});
    const QVector<QPointF> out = Decimate(points, 0, 9999, 100);
    QVERIFY(out.size() <= 100);
    double peak = 0;
    for (const QPointF& p : out)
      peak = std::max(peak, p.y());
    QCOMPARE(peak, 500.0);
    // Control: with more pixels than points nothing is dropped.
    QCOMPARE(Decimate(points, 0, 9999, 20000).size(), 10000);
  }

  void timelineFitsThePixelsAndStacksLayers() {
    const TimelineSeries all = BuildTimeline(*run_, 0, 0, 100000);
    QCOMPARE(all.samples, static_cast<int>(2 * run_->gcs.size()));
    QCOMPARE(all.scavenges.size() + all.mark_compacts.size(), static_cast<int>(run_->gcs.size()));
    for (int l = 1; l < kLayerCount; ++l)
      for (int i = 0; i < all.used[l].size(); ++i)
        QVERIFY(all.used[l][i].y() >= all.used[l - 1][i].y());
    const int pixels = 20;
    const TimelineSeries few = BuildTimeline(*run_, 0, 0, pixels);
    for (const auto& layer : few.used)
      QVERIFY(layer.size() <= pixels);
    QVERIFY(few.committed.size() <= pixels);
    QVERIFY(few.scavenges.size() <= pixels);
    QVERIFY(few.limit.size() <= pixels);
    QCOMPARE(few.mark_compacts.size(), 1);
    // Zoomed to the second half: only collections that start there are markers.
    const auto [t0, t1] = RunRange(*run_);
    const TimelineSeries half = BuildTimeline(*run_, (t0 + t1) / 2, t1, 100000);
    for (const QPointF& p : half.scavenges)
      QVERIFY(p.x() >= (t0 + t1) / 2);
    QVERIFY(half.scavenges.size() < all.scavenges.size());
  }

  void pauseStatisticsPerCollector() {
    RunData r;
    for (int i = 1; i <= 100; ++i)
      r.gcs.push_back(Gc(Collector::Scavenge, i * 10.0, i, i));
    r.gcs.push_back(Gc(Collector::MarkCompact, 2000, 300, 101));
    const PauseStats s = ComputePauseStats(r, Collector::Scavenge);
    QCOMPARE(s.count, 100);
    QCOMPARE(s.total_ms, 5050.0);
    QCOMPARE(s.max, 100.0);
    QVERIFY(s.p50 >= 50 && s.p50 <= 51);
    QVERIFY(s.p99 >= 99 && s.p99 <= 100);
    const PauseStats all = ComputePauseStats(r, std::nullopt);
    QCOMPARE(all.count, 101);
    QCOMPARE(all.max, 300.0);
    const Histogram h = PauseHistogram(r, Collector::MarkCompact, 10);
    QCOMPARE(h.counts.back(), 1);  // 300 ms: the last bin
    QCOMPARE(std::accumulate(h.counts.begin(), h.counts.end(), 0), 1);
  }

  void rangeStatisticsFollowTheRange() {
    RunData r;
    r.end_ms = 100;
    r.gcs = {Gc(Collector::Scavenge, 10, 1, 1), Gc(Collector::Scavenge, 20, 1, 2),
             Gc(Collector::MarkCompact, 30, 1, 3)};
    r.gcs[2].after[static_cast<int>(SpaceId::OldSpace)].size = 5 * MB;
    const RangeStats whole = ComputeRangeStats(r, 0, 100);
    QCOMPARE(whole.scavenge.count, 2);
    QCOMPARE(whole.mark_compact.count, 1);
    QVERIFY(qFuzzyCompare(whole.mutator_utilization, 0.97));
    QCOMPARE(whole.old_after_first_full, 5 * MB);
    const RangeStats part = ComputeRangeStats(r, 15, 25);
    QCOMPARE(part.scavenge.count, 1);
    QCOMPARE(part.mark_compact.count, 0);
    QVERIFY(qFuzzyCompare(part.mutator_utilization, 0.9));
  }

  void windowedUtilizationSpreadsPauses() {
    RunData r;
    r.end_ms = 30;
    r.gcs = {Gc(Collector::Scavenge, 5, 2, 1), Gc(Collector::MarkCompact, 18, 4, 2)};
    const QVector<QPointF> mu = WindowedUtilization(r, 10);
    QCOMPARE(mu.size(), 3);
    QCOMPARE(mu[0], QPointF(5, 0.8));   // 2 ms of 10
    QCOMPARE(mu[1], QPointF(15, 0.8));  // 18..20
    QCOMPARE(mu[2], QPointF(25, 0.8));  // 20..22
    // A real run with an uneven window (pauses that end on a window's edge in floating point).
    const auto [t0, t1] = RunRange(*run_);
    const QVector<QPointF> real = WindowedUtilization(*run_, (t1 - t0) / 50);
    QVERIFY(real.size() >= 50 && real.size() <= 51);
    for (const QPointF& p : real)
      QVERIFY(p.y() >= 0 && p.y() <= 1);
  }

  void eventTableModel() {
    EventTableModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QCOMPARE(model.rowCount(), 0);
    model.SetRun(run_);
    QCOMPARE(model.rowCount(), static_cast<int>(run_->gcs.size()));
    QCOMPARE(model.data(model.index(0, EventTableModel::CollectorColumn)).toString(),
             QString("Scavenge"));
    QCOMPARE(model.data(model.index(0, 0), Qt::ToolTipRole).toString(),
             QString::fromStdString(run_->TraceGcLine(0)));
    const QString csv = ModelToCsv(model);
    QCOMPARE(csv.count('\n'), model.rowCount() + 1);
    QVERIFY(csv.startsWith("#,Collector,Reason,Start (ms),Pause (ms)"));
  }

  void pauseStatsModel() {
    PauseStatsModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.SetRun(run_);
    QCOMPARE(model.rowCount(), 3);
    QCOMPARE(model.data(model.index(2, PauseStatsModel::Count)).toInt(),
             static_cast<int>(run_->gcs.size()));
    QCOMPARE(model.headerData(1, Qt::Vertical).toString(), QString("Mark-Compact"));
    model.SetRun(nullptr);
    QCOMPARE(model.rowCount(), 0);
  }

  void rangeStatsModel() {
    RangeStatsModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.SetRange(run_, 0, 0);
    QVERIFY(model.rowCount() >= 6);
    QCOMPARE(model.data(model.index(1, 0)).toString(), QString("Scavenges"));
    QCOMPARE(model.data(model.index(1, 1)).toInt(), model.stats().scavenge.count);
  }

  void compareModel() {
    CompareModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    GcFlags small = SmallFlags();
    small.max_semi_space_mb = 1;
    LoadControl control;
    auto b = std::make_shared<const RunData>(SmallLeakCache()->Load(small, control));
    model.SetRuns(run_, b);
    QCOMPARE(model.rowCount(), 8);
    const auto [a_scavenges, b_scavenges] = model.values(0);
    QVERIFY(b_scavenges > a_scavenges);  // smaller semispaces fill sooner
    QVERIFY(model.headerData(CompareModel::B, Qt::Horizontal)
                .toString()
                .contains("--max-semi-space-size=1"));
    QVERIFY(model.data(model.index(0, CompareModel::Difference)).toString().startsWith('+'));
  }
};

QTEST_GUILESS_MAIN(ModelTest)
#include "model_test.moc"
