// The visualizer's model room, headless: documents and the loader thread, step-through, the
// heap snapshot, the timeline's decimation, the statistics and every item model (each under
// QAbstractItemModelTester).
#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <fstream>
#include <iomanip>
#include <map>
#include <numeric>
#include <sstream>

#include <heaplab/gc/exports.h>
#include <heaplab/gc/summary.h>
#include <heaplab/viz/document.h>
#include <heaplab/viz/event_table_model.h>
#include <heaplab/viz/loader.h>
#include <heaplab/viz/read_documents.h>
#include <heaplab/viz/run_index.h>
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

std::string Fixture(const char* name) {
  return std::string(HEAPLAB_TEST_DATA) + "/" + name;
}

std::vector<std::string> FileLines(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);)
    lines.push_back(line);
  return lines;
}

RunData LoadLog(const std::string& path, std::size_t isolate = 0) {
  LoadControl control;
  return LogDocument(path, isolate).Load(GcFlags(), control);
}

// The message of what `f` throws, or "" when it throws nothing.
template <typename F>
std::string Thrown(F f) {
  try {
    f();
  } catch (const std::exception& e) {
    return e.what();
  }
  return {};
}

bool SamePauses(const PauseStats& a, const PauseStats& b) {
  return a.count == b.count && a.total_ms == b.total_ms && a.p50 == b.p50 && a.p95 == b.p95 &&
         a.p99 == b.p99 && a.max == b.max;
}

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
    QVERIFY(runs.front()->index != nullptr);  // worked out on the loader's thread
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

  // Object by object: the known trace's first Scavenge copies exactly 1 (a root) and 3 (held
  // by 1), never the dead 2 and 4; the second promotes exactly them, as survivors below the
  // age mark. Each step has its sentence.
  void steppingAScavengeObjectByObjectMovesExactlyTheSurvivors() {
    const QString path = WriteTrace("known-objects.hlt", kKnownTrace);
    Stepper stepper(TraceDocument(path.toStdString()), GcFlags());
    stepper.Advance(StepUntil::Event);  // `{`: no collection, no object step (the control)
    QVERIFY(stepper.object_steps().empty());
    QVERIFY(!stepper.NextObjectStep());
    QVERIFY(stepper.CurrentObjectStep() == nullptr);
    struct Walked {
      std::map<Id, ObjectStepKind> moved;  // copied or promoted, by trace id
      std::map<Id, std::string> text;
      std::size_t steps = 0;
    };
    auto walk = [&stepper]() {
      Walked w;
      while (stepper.NextObjectStep()) {
        ++w.steps;
        if (stepper.object_cursor() != w.steps) break;
        const ObjectStepRecord* r = stepper.CurrentObjectStep();
        const std::string text = stepper.ObjectStepText(w.steps - 1);
        if (text.empty()) break;
        if (r->step.kind != ObjectStepKind::Copied && r->step.kind != ObjectStepKind::Promoted)
          continue;
        const Id id = stepper.ObjectStepId(w.steps - 1);
        if (!w.moved.emplace(id, r->step.kind).second) w.moved[0] = r->step.kind;  // twice
        w.text[id] = text;
        // The heap map can find it: the current step's object is where the id is now.
        if (stepper.CurrentObjectAddress() != stepper.heap().ids().Get(id))
          w.moved[0] = r->step.kind;
      }
      return w;
    };
    stepper.Advance(StepUntil::Scavenge);  // closes the scope, then the first Scavenge
    QVERIFY(stepper.reached());
    Walked first = walk();
    QCOMPARE(first.steps, stepper.object_steps().size());
    QVERIFY(first.steps > 2);            // the scanned objects too
    QVERIFY(!stepper.NextObjectStep());  // the end: the cursor stays
    QCOMPARE(stepper.object_cursor(), first.steps);
    QVERIFY((first.moved == std::map<Id, ObjectStepKind>{{1, ObjectStepKind::Copied},
                                                         {3, ObjectStepKind::Copied}}));
    QCOMPARE(first.text[1],
             std::string("Object 1 (64 B) copied from from-space to to-space: a root or a "
                         "remembered old-to-new slot references it; it had not survived a "
                         "Scavenge yet (above the age mark), so it stays young."));
    QVERIFY2(first.text[3].find("reachable from object 1 (64 B), whose slots the scan pointer "
                                "is visiting") != std::string::npos,
             first.text[3].c_str());

    stepper.Advance(StepUntil::Scavenge);
    Walked second = walk();
    QVERIFY((second.moved == std::map<Id, ObjectStepKind>{{1, ObjectStepKind::Promoted},
                                                          {3, ObjectStepKind::Promoted}}));
    QVERIFY2(second.text[1].rfind("Object 1 (64 B) promoted to old space: it survived one "
                                  "Scavenge already (below the age mark)",
                                  0) == 0,
             second.text[1].c_str());
  }

  // Cheney's pointers over the known trace's first Scavenge, worked out by hand: 1 (64 B, a
  // root) is copied to to-space's start, its slots are scanned, which copies 3 (48 B) behind
  // it, then 3 is scanned and the scan has caught up. (scan, copy) after each step.
  void scanAndCopyPointersFollowTheObjectSteps() {
    const QString path = WriteTrace("known-pointers.hlt", kKnownTrace);
    Stepper stepper(TraceDocument(path.toStdString()), GcFlags());
    stepper.Advance(StepUntil::Event);  // `{`: no collection (the control)
    QVERIFY(!stepper.CurrentScanCopy().valid);
    stepper.Advance(StepUntil::Scavenge);
    QVERIFY(!stepper.CurrentScanCopy().valid);  // before its first step: the heap after it
    std::vector<std::pair<std::size_t, std::size_t>> seen;
    std::string kinds;
    while (stepper.NextObjectStep()) {
      const ScanCopyPointers p = stepper.CurrentScanCopy();
      QVERIFY(p.valid);
      seen.emplace_back(p.scan, p.copy);
      kinds += ObjectStepKindName(stepper.CurrentObjectStep()->step.kind);
      kinds += ' ';
    }
    QCOMPARE(kinds, std::string("copied scanned copied scanned "));
    QCOMPARE(seen, (std::vector<std::pair<std::size_t, std::size_t>>{
                       {0, 64}, {64, 64}, {64, 112}, {112, 112}}));
    // The second Scavenge promotes both: nothing is copied into to-space, nothing scanned there.
    stepper.Advance(StepUntil::Scavenge);
    while (stepper.NextObjectStep()) {
      const ScanCopyPointers p = stepper.CurrentScanCopy();
      QVERIFY(p.valid);
      QCOMPARE(p.copy, std::size_t{0});
      QCOMPARE(p.scan, std::size_t{0});
    }
  }

  // A Scavenge while incremental marking is on: each copy (or promoted object) keeps its
  // original's colour, the colour the stepper saw on the original as it was evacuated (its
  // mark bit in from-space, and whether it was on the worklist), and the heap map's snapshot
  // shows the copy so after the event: white, grey or black (unless marking itself, later in
  // the same event, greyed or blackened it, which the event's later steps say).
  void scavengeDuringMarkingShowsTheColoursTheCopiesKeep() {
    Stepper stepper(*SmallLeakCache(), SmallFlags());
    std::size_t marking_steps = 0;  // a few steps in: black, grey and white objects exist
    while (!stepper.done() && marking_steps < 3) {
      stepper.Advance(StepUntil::MarkingStep);
      const auto& marking = stepper.data().marking;
      if (!marking.empty() && marking.back().kind == MarkingEventKind::Step) ++marking_steps;
    }
    QCOMPARE(marking_steps, std::size_t{3});
    const std::size_t gcs = stepper.data().gcs.size();
    stepper.Advance(StepUntil::Scavenge);
    QVERIFY(stepper.reached());
    QCOMPARE(stepper.data().gcs.size(), gcs + 1);  // no Mark-Compact ended marking first
    std::map<Address, MarkColour> expected;        // where each copy is now: its colour
    std::map<MarkColour, std::size_t> counts;
    std::size_t sentences = 0;
    while (stepper.NextObjectStep()) {
      const ObjectStepRecord& r = *stepper.CurrentObjectStep();
      const std::size_t i = stepper.object_cursor() - 1;
      if (r.in_collection &&
          (r.step.kind == ObjectStepKind::Copied || r.step.kind == ObjectStepKind::Promoted)) {
        QVERIFY(r.colour != MarkColour::None);
        const Address now = stepper.CurrentObjectAddress();
        if (now != 0) expected[now] = r.colour;
        ++counts[r.colour];
        if (r.colour == MarkColour::Black && sentences++ == 0) {
          const std::string text = stepper.ObjectStepText(i);
          QVERIFY2(text.find("the copy keeps the original's colour, black") != std::string::npos,
                   text.c_str());
        }
      } else if (!r.in_collection) {  // marking after the Scavenge, in the same event
        const Address a = stepper.CurrentObjectAddress();
        auto it = expected.find(a);
        if (it == expected.end()) continue;
        if (r.step.kind == ObjectStepKind::Blackened) it->second = MarkColour::Black;
        if (r.step.kind == ObjectStepKind::Greyed || r.step.kind == ObjectStepKind::BarrierHit)
          it->second = MarkColour::Grey;
      }
    }
    QVERIFY2(counts[MarkColour::White] > 0 && counts[MarkColour::Black] > 0 &&
                 counts[MarkColour::Grey] > 0,
             qPrintable(QString("white %1, grey %2, black %3")
                            .arg(counts[MarkColour::White])
                            .arg(counts[MarkColour::Grey])
                            .arg(counts[MarkColour::Black])));
    auto colour_in = [](const HeapSnapshot& snap, Address a) {
      for (const ChunkPicture& c : snap.chunks) {
        if (a < c.start || a >= c.start + c.size) continue;
        for (const Span& s : c.spans) {
          if (a < c.start + s.offset || a >= c.start + s.offset + s.size) continue;
          if (s.kind != SpanKind::Object) return MarkColour::None;
          return !s.marked ? MarkColour::White : s.grey ? MarkColour::Grey : MarkColour::Black;
        }
      }
      return MarkColour::None;
    };
    const HeapSnapshot snap = stepper.Snapshot();
    QVERIFY(snap.marking);
    std::size_t checked = 0;
    for (const auto& [a, colour] : expected) {
      const MarkColour shown = colour_in(snap, a);
      QVERIFY2(shown == colour, qPrintable(QString("the copy at %1 is shown %2, not %3")
                                               .arg(a, 0, 16)
                                               .arg(static_cast<int>(shown))
                                               .arg(static_cast<int>(colour))));
      ++checked;
    }
    QVERIFY(checked > 100);
    // Control: without the worklist a snapshot cannot tell grey from black (every marked
    // object is black); with it, the grey copies are grey.
    std::size_t grey_without = 0, grey_with = 0;
    // (TakeHeapSnapshot only reads the heap; it takes it mutable to walk its spaces.)
    const HeapSnapshot blind = TakeHeapSnapshot(const_cast<Heap&>(stepper.heap()), true);
    for (const auto& [a, colour] : expected) {
      grey_without += colour_in(blind, a) == MarkColour::Grey;
      grey_with += colour_in(snap, a) == MarkColour::Grey;
    }
    QCOMPARE(grey_without, std::size_t{0});
    QVERIFY(grey_with > 0);
  }

  // More slabs than are pictured: the snapshot's counts are the whole pool's. buffer-server at
  // its defaults keeps 1000 tokens, each pinning a slab of its own (50 requests between two
  // tokens fill several 8 KiB slabs): 1001 live slabs (the current one is partial), 1000
  // full, 16,000 bytes of views in them, as `heaplab run --scenario buffer-server --summary`
  // prints; only the most recent kMaxSlabs (512) are pictured, 511 of them full.
  void snapshotCountsEverySlabAndPicturesTheMostRecent() {
    LoadControl control;
    GcFlags flags;
    flags.predictable = true;
    const RunData run = ScenarioDocument("buffer-server", ScenarioOptions()).Load(flags, control);
    const HeapSnapshot& heap = run.final_heap;
    auto pictured_full = [](const HeapSnapshot& h) {
      std::size_t n = 0;
      for (const SlabPicture& s : h.slabs)
        n += s.state == SlabState::Full;
      return n;
    };
    QCOMPARE(heap.live_slabs, std::size_t{1001});
    QCOMPARE(heap.full_slabs, std::size_t{1000});
    QCOMPARE(heap.pinned_view_bytes, std::size_t{16000});
    QCOMPARE(heap.slabs.size(), kMaxSlabs);
    QCOMPARE(pictured_full(heap), kMaxSlabs - 1);
    // Control: 100 tokens, 101 live slabs, all pictured, and the counts agree with them.
    ScenarioOptions few;
    few.params["keep"] = 100;
    const RunData small = ScenarioDocument("buffer-server", few).Load(flags, control);
    QCOMPARE(small.final_heap.live_slabs, std::size_t{101});
    QCOMPARE(small.final_heap.full_slabs, std::size_t{100});
    QCOMPARE(small.final_heap.slabs.size(), std::size_t{101});
    QCOMPARE(pictured_full(small.final_heap), std::size_t{100});
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
    QCOMPARE(s.p50, 50.0);  // nearest rank: the 50th of 1..100 ms
    QCOMPARE(s.p95, 95.0);
    QCOMPARE(s.p99, 99.0);
    const PauseStats all = ComputePauseStats(r, std::nullopt);
    QCOMPARE(all.count, 101);
    QCOMPARE(all.max, 300.0);
    const Histogram h = viz::PauseHistogram(r, Collector::MarkCompact, 10);
    QCOMPARE(h.counts.back(), 1);  // 300 ms: the last bin
    QCOMPARE(std::accumulate(h.counts.begin(), h.counts.end(), 0), 1);
  }

  void percentilesOfARangeArePinned() {
    // 100 Scavenges 10 ms apart whose pauses fall as time goes on: 100, 99, ..., 1 ms (so the
    // pauses must be sorted before ranking), and a Mark-Compact of 300 ms after them.
    RunData r;
    r.end_ms = 3000;
    for (int i = 1; i <= 100; ++i)
      r.gcs.push_back(Gc(Collector::Scavenge, i * 10.0, 101 - i, i));
    r.gcs.push_back(Gc(Collector::MarkCompact, 2000, 300, 101));
    RunData indexed = r;
    IndexRun(indexed);
    for (const RunData* run : {&r, &indexed}) {
      // [205, 1005] ms: the Scavenges 21..100, pauses 80..1 ms. Nearest rank of 80 pauses:
      // p50 the 40th (40 ms), p95 the 76th, p99 the 80th (ceil(79.2)), max 80.
      const RangeStats part = ComputeRangeStats(*run, 205, 1005);
      QCOMPARE(part.scavenge.count, 80);
      QCOMPARE(part.scavenge.p50, 40.0);
      QCOMPARE(part.scavenge.p95, 76.0);
      QCOMPARE(part.scavenge.p99, 80.0);
      QCOMPARE(part.scavenge.max, 80.0);
      QCOMPARE(part.scavenge.total_ms, 80 * 81 / 2.0);
      QCOMPARE(part.all.p95, 76.0);  // no Mark-Compact in range
      // The whole run (the index's figures for `indexed`): 101 pauses 1..100 and 300 ms.
      const RangeStats whole = ComputeRangeStats(*run, 0, 0);
      QCOMPARE(whole.scavenge.p50, 50.0);
      QCOMPARE(whole.scavenge.p95, 95.0);
      QCOMPARE(whole.scavenge.p99, 99.0);
      QCOMPARE(whole.all.p50, 51.0);   // the 51st of 101
      QCOMPARE(whole.all.p99, 100.0);  // the 100th of 101 (ceil(99.99))
      QCOMPARE(whole.all.max, 300.0);
      QCOMPARE(whole.mark_compact.p50, 300.0);
      // Control: a range that leaves the slowest Scavenge (10 ms, 100 ms pause) in.
      QCOMPARE(ComputeRangeStats(*run, 5, 1005).scavenge.max, 100.0);
    }
  }

  void percentilesAreTheCommandLines() {
    // Pauses from a small generator, in runs of several lengths: the visualizer's p50, p95,
    // p99, total and max equal RunSummary's (the figures `heaplab run` prints).
    std::uint64_t x = 12345;
    auto next = [&x] {
      x = x * 6364136223846793005u + 1442695040888963407u;
      return static_cast<double>(x >> 40) / 1000.0;
    };
    for (int n : {1, 2, 3, 7, 100, 1001}) {
      RunData r;
      RunSummary summary;
      for (int i = 0; i < n; ++i) {
        r.gcs.push_back(
            Gc(i % 3 == 0 ? Collector::MarkCompact : Collector::Scavenge, i, next(), i + 1));
        summary.OnGc(r.gcs.back());
      }
      const PauseStats s = ComputePauseStats(r, std::nullopt);
      QCOMPARE(s.count, n);
      QCOMPARE(s.p50, summary.PausePercentile(50));
      QCOMPARE(s.p95, summary.PausePercentile(95));
      QCOMPARE(s.p99, summary.PausePercentile(99));
      QCOMPARE(s.total_ms, summary.total_pause_ms());
      QCOMPARE(s.max, summary.max_pause_ms());
      if (n >= 100) {
        // Control: the comparison can tell a change. The median pause made longer than every
        // other moves the visualizer's p50 off the summary's.
        for (GcEvent& e : r.gcs)
          if (e.pause_ms == s.p50) e.pause_ms = s.max + 1;
        QVERIFY(ComputePauseStats(r, std::nullopt).p50 != summary.PausePercentile(50));
      }
    }
  }

  void indexedRunIsWorkedOutOnce() {
    // An index holds what it worked out when the run was loaded: change the pauses behind its
    // back and the whole run's figures stay those of the load (nothing is recomputed, or sorted,
    // per call), while a range that leaves a collection out is computed afresh.
    RunData r;
    r.end_ms = 3000;
    for (int i = 1; i <= 100; ++i)
      r.gcs.push_back(Gc(Collector::Scavenge, i * 10.0, i, i));
    r.gcs.push_back(Gc(Collector::MarkCompact, 2000, 300, 101));
    IndexRun(r);
    QVERIFY(r.index != nullptr);
    const PauseStats before = ComputePauseStats(r, Collector::Scavenge);
    QCOMPARE(before.p95, 95.0);
    for (GcEvent& e : r.gcs)
      e.pause_ms *= 2;
    for (int call = 0; call < 3; ++call) {
      QCOMPARE(ComputePauseStats(r, Collector::Scavenge).p95, 95.0);
      QCOMPARE(ComputeRangeStats(r, 0, 0).scavenge.p95, 95.0);
      QCOMPARE(ComputeRangeStats(r, 0, 0).all.max, 300.0);
      QCOMPARE(ComputePauseStats(r, std::nullopt, 0, 5000).max, 300.0);  // holds every one
    }
    // Control: a range that leaves the first Scavenge out, and the run without its index, see
    // the doubled pauses.
    QCOMPARE(ComputePauseStats(r, Collector::Scavenge, 15, 3000).p95, 2 * 96.0);
    RunData plain = r;
    plain.index.reset();
    QCOMPARE(ComputePauseStats(plain, Collector::Scavenge).p95, 190.0);
  }

  void indexGivesTheFiguresOfTheRun() {
    // Every figure an index holds equals what the run gives without one: statistics, the
    // timeline's series at every zoom, the pauses view's histogram and utilization.
    RunData plain = *run_;
    plain.index.reset();
    RunData indexed = plain;
    IndexRun(indexed);
    const auto [t0, t1] = RunRange(plain);
    const std::vector<std::pair<double, double>> ranges = {
        {0, 0}, {t0, t1}, {t0, (t0 + t1) / 2}, {(t0 + t1) / 3, t1}, {t0 - 1, t1 + 1}};
    for (const auto& [a, b] : ranges) {
      const RangeStats x = ComputeRangeStats(plain, a, b);
      const RangeStats y = ComputeRangeStats(indexed, a, b);
      QVERIFY(SamePauses(x.scavenge, y.scavenge));
      QVERIFY(SamePauses(x.mark_compact, y.mark_compact));
      QVERIFY(SamePauses(x.all, y.all));
      QCOMPARE(x.by_collector, y.by_collector);
      QCOMPARE(x.by_reason, y.by_reason);
      QCOMPARE(x.mutator_utilization, y.mutator_utilization);
      QCOMPARE(x.old_after_last_full, y.old_after_last_full);
      QCOMPARE(x.full_gcs, y.full_gcs);
      for (int pixels : {50, 1000}) {
        const TimelineSeries p = BuildTimeline(plain, a, b, pixels);
        const TimelineSeries q = BuildTimeline(indexed, a, b, pixels);
        QCOMPARE(p.used, q.used);
        QCOMPARE(p.committed, q.committed);
        QCOMPARE(p.scavenges, q.scavenges);
        QCOMPARE(p.mark_compacts, q.mark_compacts);
        QCOMPARE(p.scavenge_gcs, q.scavenge_gcs);
        QCOMPARE(p.mark_compact_gcs, q.mark_compact_gcs);
        QCOMPARE(p.samples, q.samples);
      }
    }
    for (Collector c : {Collector::Scavenge, Collector::MarkCompact}) {
      QCOMPARE(viz::PauseHistogram(plain, c, kPauseHistogramBins).counts,
               viz::PauseHistogram(indexed, c, kPauseHistogramBins).counts);
    }
    QCOMPARE(MutatorUtilization(plain, true, 300), MutatorUtilization(indexed, true, 300));
    QCOMPARE(MutatorUtilization(plain, false, 300), MutatorUtilization(indexed, false, 300));
    QCOMPARE(WindowedUtilization(plain, UtilizationWindow(plain)),
             WindowedUtilization(indexed, UtilizationWindow(indexed)));
    // Control: the comparison sees a difference: a zoomed series is not the whole run's.
    QVERIFY(BuildTimeline(indexed, t0, (t0 + t1) / 2, 1000).scavenges !=
            BuildTimeline(plain, 0, 0, 1000).scavenges);
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

  // Real node logs and events files as documents.

  void logDocumentReadsTheFixture() {
    const std::string path = Fixture("leaky_cache.log");
    const RunData log = LoadLog(path);
    QVERIFY(log.source == RunSource::NodeLog);
    QCOMPARE(log.gcs.size(), std::size_t{24});  // SUMMARY.txt: 22 Scavenges, 2 Mark-Compacts
    QCOMPARE(log.lines.size(), log.gcs.size());
    QVERIFY(log.warnings.empty());
    QCOMPARE(log.isolates, std::vector<std::string>{"8572:0x27543c00"});
    QVERIFY(log.whole_heap);
    QVERIFY(!log.spaces_after_only);                // no --trace-gc-verbose block
    QCOMPARE(log.trace_events, std::uint64_t{25});  // every line, the program's own included
    // The hover text of each collection is its own line of the file, at its own line number.
    const std::vector<std::string> file = FileLines(path);
    for (std::size_t i = 0; i < log.gcs.size(); ++i) {
      QCOMPARE(log.lines[i].line, std::uint64_t{i + 1});
      QCOMPARE(log.TraceGcLine(i), file[i]);
    }
    QVERIFY(log.TraceGcLine(11).find("164 ms: Mark-Compact 40.2 (71.3) -> 35.4 (69.2) MB") !=
            std::string::npos);
    QCOMPARE(log.GcCollectorName(11), std::string("Mark-Compact"));
    // The events table shows the same: the log's line as the row's tooltip.
    EventTableModel table;
    table.SetRun(std::make_shared<const RunData>(log));
    QCOMPARE(table.data(table.index(11, EventTableModel::CollectorColumn)).toString(),
             QString("Mark-Compact"));
    QCOMPARE(table.data(table.index(11, 0), Qt::ToolTipRole).toString(),
             QString::fromStdString(file[11]));
    QCOMPARE(log.gcs[11].collector, Collector::MarkCompact);
    QCOMPARE(log.gcs[11].start_ms, 164 - 15.32);  // the line's time is the GC's end
    QCOMPARE(log.end_ms, 2289.0);
    // The whole log's counts, as `heaplab v8log` and SUMMARY.txt count them.
    const RangeStats all = ComputeRangeStats(log, 0, 0);
    QCOMPARE(all.by_collector, (std::map<std::string, int>{{"Mark-Compact", 2}, {"Scavenge", 22}}));
    QCOMPARE(all.by_reason,
             (std::map<std::string, int>{{"allocation failure", 22},
                                         {"finalize incremental marking via stack guard", 2}}));
    QCOMPARE(all.all.max, 16.13);
  }

  void logRangeStatistics() {
    const RunData log = LoadLog(Fixture("leaky_cache.log"));
    // [140, 1100] ms holds the collections that start in it: the Mark-Compacts starting at
    // 148.68 and 991.77 and the Scavenges ending at 277, 455, 606 and 752 ms.
    const RangeStats r = ComputeRangeStats(log, 140, 1100);
    QCOMPARE(r.scavenge.count, 4);
    QCOMPARE(r.mark_compact.count, 2);
    QCOMPARE(r.all.count, 6);
    QCOMPARE(r.all.p50, 11.11);  // nearest rank of 5.10 8.23 11.11 11.43 13.31 15.32
    QCOMPARE(r.all.p95, 15.32);
    QCOMPARE(r.all.max, 15.32);
    QCOMPARE(r.by_reason.at("allocation failure"), 4);
    QCOMPARE(r.by_reason.at("finalize incremental marking via stack guard"), 2);
    // Paused in range: 64.50 ms of the six, and 6 ms of the Scavenge that started at 136.15.
    QVERIFY(std::abs(r.mutator_utilization - (1 - 70.5 / 960)) < 1e-9);
    // Control: from 150 ms the first Mark-Compact (started at 148.68) is out.
    const RangeStats later = ComputeRangeStats(log, 150, 1100);
    QCOMPARE(later.mark_compact.count, 1);
    QCOMPARE(later.by_reason.at("finalize incremental marking via stack guard"), 1);
    QCOMPARE(later.all.max, 13.31);
    // The model's rows name them.
    RangeStatsModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.SetRange(std::make_shared<const RunData>(log), 140, 1100);
    QStringList rows;
    for (int i = 0; i < model.rowCount(); ++i)
      rows << model.index(i, 0).data().toString() + "=" + model.index(i, 1).data().toString();
    QVERIFY2(rows.contains("Collector: Mark-Compact=2"), qPrintable(rows.join('|')));
    QVERIFY2(rows.contains("Reason: allocation failure=4"), qPrintable(rows.join('|')));
    QVERIFY2(rows.contains("Collections=6; pauses p50 11.11, p95 15.32, max 15.32 ms"),
             qPrintable(rows.join('|')));
  }

  void verboseLogKeepsItsReasons() {
    const RunData log = LoadLog(Fixture("leaky_cache_verbose.log"));
    QCOMPARE(log.gcs.size(), std::size_t{24});
    QVERIFY(log.warnings.empty());
    const RangeStats all = ComputeRangeStats(log, 0, 0);
    QCOMPARE(all.by_reason,
             (std::map<std::string, int>{{"allocation failure", 21},
                                         {"finalize incremental marking via stack guard", 2},
                                         {"task", 1}}));
    // Each collection's line number points at its own GC line, not at its verbose block.
    const std::vector<std::string> file = FileLines(Fixture("leaky_cache_verbose.log"));
    for (std::size_t i = 0; i < log.gcs.size(); ++i)
      QCOMPARE(file.at(log.lines[i].line - 1), log.TraceGcLine(i));
    QVERIFY(log.lines[1].line > log.lines[0].line + 1);  // a block lies between them
  }

  void logTimelineIsTheWholeHeap() {
    const RunData log = LoadLog(Fixture("leaky_cache.log"));
    const TimelineSeries s = BuildTimeline(log, 0, 0, 800);
    // One layer: the heap's objects as the line prints them (A -> B MB); nothing below it.
    for (const QPointF& p : s.used[0])
      QCOMPARE(p.y(), 0.0);
    double top = 0;
    for (const QPointF& p : s.used[1])
      top = std::max(top, p.y());
    QVERIFY(std::abs(top - 386.2) < 0.06);  // the largest "before" of the log
    QCOMPARE(s.used[3], s.used[1]);
    QCOMPARE(static_cast<int>(s.mark_compacts.size()), 2);
    QVERIFY(std::abs(s.mark_compacts[0].y() - 35.4) < 0.06);  // marker at the heap after
  }

  void verboseLogTimelineStacksTheSpaces() {
    const std::string path = Fixture("leaky_cache_verbose.log");
    const RunData log = LoadLog(path);
    QVERIFY(!log.whole_heap);
    QVERIFY(log.spaces_after_only);
    // The second collection, worked out by hand from the log: line 18, "18 ms: Scavenge ...
    // 0.65 / 0.00 ms", so from 17.35 to 18 ms. Its start holds what the block after the first
    // GC printed (lines 6-14: new 700 KB, new large objects 0, old 2476, large objects 256,
    // external 10), its end what its own block prints (lines 21-29: new 273, new large objects
    // 0, old 3058, large objects 256, external 10); stacked, in MB (1024 KB).
    const TimelineSamples s = BuildTimelineSamples(log, 1, 2);
    QCOMPARE(s.used[0].size(), qsizetype{2});
    const double kb = 1.0 / 1024;
    const double start[kLayerCount] = {700 * kb, 3176 * kb, 3432 * kb, 3442 * kb};
    const double end[kLayerCount] = {273 * kb, 3331 * kb, 3587 * kb, 3597 * kb};
    for (int l = 0; l < kLayerCount; ++l) {
      QCOMPARE(s.used[l][0], QPointF(18 - 0.65, start[l]));
      QCOMPARE(s.used[l][1], QPointF(18, end[l]));
    }
    QCOMPARE(s.scavenges.size(), std::size_t{1});
    QCOMPARE(s.scavenges[0].point, QPointF(18 - 0.65, 3597 * kb));  // on top of the stack
    // The committed line is still the GC line's whole heap: 5.0 -> 5.7 MB.
    QVERIFY(std::abs(s.committed[0].y() - 5.0) < 1e-5);  // whole bytes of 0.1 MB figures
    QVERIFY(std::abs(s.committed[1].y() - 5.7) < 1e-5);
    // The first collection has no block before it: it holds its own.
    const TimelineSamples first = BuildTimelineSamples(log, 0, 1);
    QCOMPARE(first.used[1][0].y(), 3176 * kb);
    QCOMPARE(first.used[1][1].y(), 3176 * kb);

    // Control: the same log with the second collection's block taken out is no longer known
    // per space for every collection, and is drawn as a whole, from the GC lines (3.9 -> 3.7).
    std::vector<std::string> lines = FileLines(path);
    QVERIFY(lines.at(17).find("18 ms: Scavenge") != std::string::npos);
    QVERIFY(lines.at(32).find("20 ms: Scavenge") != std::string::npos);
    lines.erase(lines.begin() + 18, lines.begin() + 32);
    const QString cut = dir_.filePath("verbose_without_one_block.log");
    {
      std::ofstream out(cut.toStdString());
      for (const std::string& line : lines)
        out << line << '\n';
    }
    const RunData partial = LoadLog(cut.toStdString());
    QCOMPARE(partial.gcs.size(), std::size_t{24});
    QVERIFY(partial.whole_heap);
    QVERIFY(!partial.spaces_after_only);
    const TimelineSamples whole = BuildTimelineSamples(partial, 1, 2);
    QCOMPARE(whole.used[0][0].y(), 0.0);
    QVERIFY(std::abs(whole.used[1][0].y() - 3.9) < 1e-5);
    QVERIFY(std::abs(whole.used[3][1].y() - 3.7) < 1e-5);
  }

  void clocksAndCollectionNumbers() {
    const RunData log = LoadLog(Fixture("leaky_cache.log"));
    RunData model_run;  // a replay's flags, as ReplayDocument records them
    GcFlags predictable;
    predictable.predictable = true;
    model_run.args = predictable.ToArgs();
    RunData wall_run;
    wall_run.args = GcFlags().ToArgs();
    QCOMPARE(ClockName(log), std::string("Node's clock"));
    QCOMPARE(ClockName(model_run), std::string("heaplab's model clock"));
    QCOMPARE(ClockName(wall_run), std::string("heaplab's wall clock"));
    QVERIFY(!SameClock(log, model_run));
    QVERIFY(!SameClock(log, wall_run));
    QVERIFY(!SameClock(model_run, wall_run));
    // Controls: runs on one kind of clock share it.
    QVERIFY(SameClock(log, LoadLog(Fixture("lru_churn.log"))));
    RunData model_too;
    GcFlags clock_model;
    clock_model.clock = "model";
    model_too.args = clock_model.ToArgs();
    QVERIFY(SameClock(model_run, model_too));

    // By collection number: the log's 24 collections at x = 1..24, each at its heap after it;
    // the first Mark-Compact (the 12th line, "-> 35.4 (69.2) MB") at x = 12.
    const TimelineSeries s = BuildByCollection(log, 800);
    QCOMPARE(s.scavenges.size() + s.mark_compacts.size(), qsizetype{24});
    QCOMPARE(s.mark_compacts.size(), qsizetype{2});
    QCOMPARE(s.mark_compacts[0].x(), 12.0);
    QVERIFY(std::abs(s.mark_compacts[0].y() - 35.4) < 1e-5);
    QCOMPARE(s.mark_compact_gcs[0], std::size_t{11});
    QCOMPARE(s.used[3].size(), qsizetype{24});
    QCOMPARE(s.used[3][11], QPointF(12, s.mark_compacts[0].y()));
    QVERIFY(std::abs(s.committed[11].y() - 69.2) < 1e-5);
    QCOMPARE(s.used[3].front().x(), 1.0);
    QCOMPARE(s.used[3].back().x(), 24.0);
    // At most one point per pixel column.
    const TimelineSeries narrow = BuildByCollection(log, 10);
    QVERIFY(narrow.used[3].size() <= 10 && narrow.scavenges.size() <= 10);
  }

  void twoIsolatesAreKeptApart() {
    const QString path = dir_.filePath("two.log");
    {
      std::ofstream out(path.toStdString());
      for (const char* f : {"leaky_cache.log", "lru_churn.log"})
        out << std::ifstream(Fixture(f)).rdbuf();
    }
    const RunData first = LoadLog(path.toStdString(), 0);
    const RunData second = LoadLog(path.toStdString(), 1);
    QCOMPARE(first.isolates.size(), std::size_t{2});
    QCOMPARE(first.gcs.size(), std::size_t{24});
    QCOMPARE(second.gcs.size(), std::size_t{19});  // SUMMARY.txt for lru_churn.log
    QCOMPARE(second.isolate, std::size_t{1});
    QVERIFY(second.title.find("isolate 11434:0x44650c00") != std::string::npos);
    QCOMPARE(second.lines.front().line, std::uint64_t{26});  // after leaky_cache's 25 lines
    const std::string error = Thrown([&] { LoadLog(path.toStdString(), 2); });
    QVERIFY2(error.find("two.log: the log has 2 isolate(s), not 3") != std::string::npos,
             error.c_str());
  }

  void badLogsNameFileAndLine() {
    // Not a log at all: no document kind takes it.
    const QString text = WriteTrace("notes.txt", "hello\nworld\n");
    std::string error = Thrown([&] { OpenDocumentFile(text.toStdString()); });
    QVERIFY2(error.find("notes.txt:1: not a file heaplab-viz reads") != std::string::npos,
             error.c_str());
    // A .log that holds no V8 line.
    const QString not_log = WriteTrace("bad.log", "hello\nworld\n");
    QVERIFY(SniffFile(not_log.toStdString()) == FileKind::NodeLog);
    error = Thrown([&] { LoadLog(not_log.toStdString()); });
    QVERIFY2(error.find("bad.log:1: not a node GC log") != std::string::npos, error.c_str());
    // A log cut inside its 12th line: the 11 before are shown, the cut one is named.
    std::string cut;
    const std::vector<std::string> lines = FileLines(Fixture("leaky_cache.log"));
    for (int i = 0; i < 11; ++i)
      cut += lines[static_cast<std::size_t>(i)] + "\n";
    cut += lines[11].substr(0, 70);  // "...164 ms: Mark-Compact 40.2 (71.3) -> 35.4 (6"
    const QString cut_path = WriteTrace("cut.log", cut.c_str());
    const RunData partial = LoadLog(cut_path.toStdString());
    QCOMPARE(partial.gcs.size(), std::size_t{11});
    QCOMPARE(partial.warnings.size(), std::size_t{1});
    QVERIFY2(
        partial.warnings[0].find("cut.log:12: a GC line that does not parse") != std::string::npos,
        partial.warnings[0].c_str());
    // Control: the whole line reads without a warning.
    const QString whole =
        WriteTrace("whole.log", (cut.substr(0, cut.rfind('\n') + 1) + lines[11] + "\n").c_str());
    const RunData full = LoadLog(whole.toStdString());
    QCOMPARE(full.gcs.size(), std::size_t{12});
    QVERIFY(full.warnings.empty());
    // The loader reports a failure with the message, never a crash.
    Loader loader;
    QSignalSpy failed(&loader, &Loader::failed);
    loader.Load(std::make_shared<LogDocument>(not_log.toStdString()), GcFlags());
    QVERIFY(failed.wait(10000));
    QVERIFY(failed.front().front().toString().contains("bad.log:1:"));
  }

  void readDocumentsHoldNoTraceEvents() {
    // Both read kinds: titled by the file's name, not replayable, and feeding trace events
    // (what step-through asks for) is refused with the file's name and what it is.
    const std::string log_path = Fixture("leaky_cache.log");
    const std::string events_path = dir_.filePath("run.jsonl").toStdString();
    const LogDocument log(log_path);
    const EventsDocument events(events_path);
    QCOMPARE(log.Title(), std::string("leaky_cache.log"));
    QCOMPARE(events.Title(), std::string("run.jsonl"));
    QVERIFY(!log.Replayable() && !events.Replayable());
    QCOMPARE(log.path(), log_path);
    QCOMPARE(events.path(), events_path);
    struct NoSink : TraceSink {
      void Put(const TraceEvent&) override {}
    } sink;
    LoadControl control;
    QCOMPARE(Thrown([&] { log.Feed(sink, control); }),
             std::string("leaky_cache.log is a node GC log: it holds collections, not trace "
                         "events to replay or step through (open a trace or a scenario for "
                         "that)"));
    QCOMPARE(Thrown([&] { events.Feed(sink, control); }),
             std::string("run.jsonl is an events file: it holds collections, not trace events "
                         "to replay or step through (open a trace or a scenario for that)"));
    // Control: a trace document feeds its events.
    const TraceDocument trace(WriteTrace("feeds.hlt", kKnownTrace).toStdString());
    QCOMPARE(Thrown([&] { trace.Feed(sink, control); }), std::string());
  }

  void filesAreRecognisedByContent() {
    QVERIFY(SniffFile(Fixture("leaky_cache.log")) == FileKind::NodeLog);
    // A log whose V8 lines come after the program's own output, under any name.
    const QString late = WriteTrace("late.out", "starting\nlistening on 8080\n[1:0x1]  5 ms: x\n");
    QVERIFY(SniffFile(late.toStdString()) == FileKind::NodeLog);
    QVERIFY(SniffFile(WriteTrace("t.txt", kKnownTrace).toStdString()) == FileKind::Trace);
    QVERIFY(SniffFile(WriteTrace("e.txt", "{\"schema\":\"heaplab-events\"}\n").toStdString()) ==
            FileKind::Events);
    QVERIFY(SniffFile(WriteTrace("u.txt", "[x:0x1] no\n").toStdString()) == FileKind::Unknown);
    // Binary: 3 MiB of bytes without a line end, not read whole, and refused by name.
    const QString binary = dir_.filePath("blob.bin");
    {
      std::ofstream out(binary.toStdString(), std::ios::binary);
      for (int i = 0; i < 3 * 1024 * 1024; ++i)
        out.put(static_cast<char>(i % 7 == 0 ? 0 : 'x'));
    }
    const std::string error = Thrown([&] { OpenDocumentFile(binary.toStdString()); });
    QVERIFY2(error.find("blob.bin:1: not a file heaplab-viz reads") != std::string::npos,
             error.c_str());
    QVERIFY(dynamic_cast<const LogDocument*>(OpenDocumentFile(Fixture("lru_churn.log")).get()));
  }

  void eventsFileOpensAsADocument() {
    // run_ written as an events file: every collection, then the heap events, then the end.
    std::ostringstream out;
    {
      EventsHeader header;
      header.prefix = LogPrefix::Predictable();
      header.source = "scenario leak-cache";
      EventsWriter writer(out, header);
      for (const GcEvent& e : run_->gcs)
        writer.OnGc(e);
      for (const HeapEvent& e : run_->heap_events)
        writer.OnHeapEvent(e);
      EventsEnd end;
      end.end_ms = run_->end_ms;
      writer.Finish(end);
    }
    const QString path = WriteTrace("run.jsonl", out.str().c_str());
    QVERIFY(SniffFile(path.toStdString()) == FileKind::Events);
    LoadControl control;
    const RunData read = EventsDocument(path.toStdString()).Load(GcFlags(), control);
    QVERIFY(read.source == RunSource::EventsFile);
    QVERIFY(read.warnings.empty());
    QCOMPARE(read.gcs.size(), run_->gcs.size());
    QCOMPARE(read.end_ms, run_->end_ms);
    QVERIFY(!read.whole_heap);
    std::size_t limit_changes = 0;
    for (const HeapEvent& e : run_->heap_events)
      limit_changes += e.kind == HeapEventKind::LimitChange;
    QCOMPARE(read.limits.size(), limit_changes);
    for (std::size_t i = 0; i < read.gcs.size(); ++i) {
      QCOMPARE(read.lines[i].line, std::uint64_t{i + 2});  // the header is line 1
      QCOMPARE(read.TraceGcLine(i), run_->TraceGcLine(i));
    }
    QCOMPARE(ComputeRangeStats(read, 0, 0).by_collector,
             ComputeRangeStats(*run_, 0, 0).by_collector);

    // Without its end line: read, with a warning.
    const std::string text = out.str();
    const std::size_t last_line = text.rfind('\n', text.size() - 2) + 1;
    const QString unfinished = WriteTrace("unfinished.jsonl", text.substr(0, last_line).c_str());
    const RunData partial = EventsDocument(unfinished.toStdString()).Load(GcFlags(), control);
    QCOMPARE(partial.gcs.size(), run_->gcs.size());
    QCOMPARE(partial.warnings.size(), std::size_t{1});
    QVERIFY(partial.warnings[0].find("unfinished.jsonl:") != std::string::npos);
    QVERIFY(partial.warnings[0].find("no end line") != std::string::npos);

    // Cut inside its 5th line: an error naming the file and that line.
    std::size_t at = 0;
    for (int i = 0; i < 4; ++i)
      at = text.find('\n', at) + 1;
    const QString cut = WriteTrace("cut.jsonl", text.substr(0, at + 40).c_str());
    std::string error = Thrown([&] { EventsDocument(cut.toStdString()).Load(GcFlags(), control); });
    QVERIFY2(error.find("cut.jsonl:5:") != std::string::npos, error.c_str());

    // A version this build does not read.
    std::string wrong = text;
    const std::string version = "\"version\":" + std::to_string(kEventsVersion);
    const std::size_t v = wrong.find(version);
    QVERIFY(v != std::string::npos);
    wrong.replace(v, version.size(), "\"version\":99");
    const QString wrong_path = WriteTrace("wrong.jsonl", wrong.c_str());
    error = Thrown([&] { EventsDocument(wrong_path.toStdString()).Load(GcFlags(), control); });
    QVERIFY2(error.find("wrong.jsonl:1:") != std::string::npos, error.c_str());
    QVERIFY2(error.find("99") != std::string::npos, error.c_str());
  }

  void hundredThousandLineLog() {
    // The fixture's GC lines over and over, each pass later by the fixture's length.
    const std::vector<std::string> lines = FileLines(Fixture("leaky_cache.log"));
    const QString path = dir_.filePath("long.log");
    {
      std::ofstream out(path.toStdString());
      int written = 0;
      for (int pass = 0; written < 100000; ++pass) {
        for (const std::string& line : lines) {
          const std::size_t ms = line.find(" ms: ");
          if (ms == std::string::npos || written == 100000) continue;
          const std::size_t close = line.find(']');
          const double t = std::stod(line.substr(close + 1, ms - close - 1)) + pass * 2400.0;
          out << line.substr(0, close + 1) << ' ' << std::fixed << std::setprecision(0)
              << std::setw(8) << t << line.substr(ms) << '\n';
          ++written;
        }
      }
    }
    const RunData log = LoadLog(path.toStdString());
    QCOMPARE(log.trace_events, std::uint64_t{100000});
    QCOMPARE(log.gcs.size(), std::size_t{100000});
    QVERIFY(log.warnings.empty());
    QCOMPARE(log.lines.back().line, std::uint64_t{100000});
    // Room made from the file's size and the density of its first MiB, not by doubling
    // (which would leave 131,072 places for 100,000 collections).
    QVERIFY2(log.gcs.capacity() <= 105100, std::to_string(log.gcs.capacity()).c_str());
    QVERIFY2(log.lines.capacity() <= 105100, std::to_string(log.lines.capacity()).c_str());
    const TimelineSeries s = BuildTimeline(log, 0, 0, 1000);
    for (const auto& layer : s.used)
      QVERIFY(layer.size() <= 1000);
    QVERIFY(s.scavenges.size() <= 1000 && s.mark_compacts.size() <= 1000);
    QCOMPARE(ComputeRangeStats(log, 0, 0).all.count, 100000);
  }
};

QTEST_GUILESS_MAIN(ModelTest)
#include "model_test.moc"
