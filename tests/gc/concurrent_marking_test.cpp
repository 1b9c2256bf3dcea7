// Background marking (V8's concurrent marking, gc/include/heaplab/gc/incremental_marking.h):
// while incremental marking runs, background threads mark for as long as the program runs, at
// the main thread's speed, and their work takes none of the program's time. Each rule has a
// test and a control: no background threads, no program time, a pause in between, twice the
// threads; and in a whole run the main thread's steps shrink to their minimum.
#include <gtest/gtest.h>

#include <sstream>
#include <string>

#include <heaplab/gc/printers.h>
#include <heaplab/traces/scenarios.h>

#include "test_heap.h"

namespace heaplab::test {
namespace {

// A list of `n` objects of 64 bytes (one slot each) hanging off one global root: marking it
// takes n objects' work, one after the other.
std::string LongList(int n) {
  std::ostringstream t;
  t << "heaplab-trace 1\na 1 64 1\nr 1\n";
  for (int i = 2; i <= n; ++i)
    t << "{\na " << i << " 64 1\nw " << (i - 1) << " 0 " << i << "\n}\n";
  t << "g major\n";  // all of it old
  return t.str();
}

struct Marked {
  std::size_t background = 0;  // bytes the background marked
  double clock_ms = 0;         // how far the clock moved while the background marked
};

// Starts marking over the list, lets the program run `program_ms` (as computation), then asks
// the background for its share.
Marked Background(int tasks, double program_ms, bool pause_between = false) {
  GcConfig config = SmallConfig();
  config.concurrent_marking_tasks = tasks;
  auto s = ReplayText(config, LongList(4000));
  GcController& c = s->controller();
  c.StartIncrementalMarking(Reason::Testing);
  IncrementalMarking& marking = c.incremental_marking();
  Clock& clock = c.clock();
  clock.Idle(program_ms);
  if (pause_between) marking.ResumeConcurrent();  // as after a Scavenge
  const double before = clock.NowMs();
  marking.AdvanceConcurrently();
  return {marking.bytes_marked_concurrently(), clock.NowMs() - before};
}

TEST(ConcurrentMarking, TheBackgroundMarksForAsLongAsTheProgramRan) {
  const Marked one = Background(1, 0.02);
  EXPECT_GT(one.background, 0u);
  EXPECT_LT(one.background, 4000u * 64) << "0.02 ms is not enough for the whole list";
  // Its time is not the program's: the clock stands where it stood.
  EXPECT_DOUBLE_EQ(one.clock_ms, 0.0);
  // Control: more program time, more marking.
  EXPECT_GT(Background(1, 0.04).background, one.background);
}

TEST(ConcurrentMarking, TwoThreadsMarkTwiceAsMuch) {
  const double one = static_cast<double>(Background(1, 0.02).background);
  const double two = static_cast<double>(Background(2, 0.02).background);
  // Within one chunk (64 KiB) of twice as much.
  EXPECT_NEAR(two, 2 * one, 64.0 * KB);
  EXPECT_GT(two, 1.5 * one);
}

TEST(ConcurrentMarking, NothingWithoutThreadsOrProgramTime) {
  EXPECT_EQ(Background(0, 10).background, 0u);  // --no-concurrent-marking
  EXPECT_EQ(Background(2, 0).background, 0u);
  // A pause stops the background: the program time before it is not owed.
  EXPECT_EQ(Background(2, 10, true).background, 0u);
  // Control: the same time without the pause marks the whole list (4000 objects).
  EXPECT_EQ(Background(2, 10).background, 4000u * 64);
}

TEST(ConcurrentMarking, TheBackgroundsBytesCountTowardsTheSchedule) {
  // V8's FetchBytesMarkedConcurrently: a step sees the background's bytes as marked, so what
  // it owes the schedule shrinks by them.
  GcConfig config = SmallConfig();
  config.concurrent_marking_tasks = 2;
  auto s = ReplayText(config, LongList(4000));
  GcController& c = s->controller();
  c.StartIncrementalMarking(Reason::Testing);
  IncrementalMarking& marking = c.incremental_marking();
  c.clock().Idle(0.02);
  marking.AdvanceConcurrently();
  const std::size_t background = marking.bytes_marked_concurrently();
  ASSERT_GT(background, 0u);
  EXPECT_EQ(marking.bytes_marked(), background);
  EXPECT_EQ(marking.bytes_marked_by_steps(), 0u) << "the steps' speed is their own";
  const MarkingEvent step = marking.Step(IncrementalMarking::kMinStepSizeInBytes, true);
  EXPECT_EQ(step.marked, background);
  EXPECT_EQ(step.marked_concurrently, background);
  EXPECT_EQ(marking.bytes_marked(), background + step.value);
  EXPECT_EQ(marking.bytes_marked_by_steps(), step.value);
}

TEST(ConcurrentMarking, AScavengeStopsTheBackgroundForItsPause) {
  // A Scavenge while marking runs: its pause (at least the model's 20 us of set-up) is no
  // program time, so right after it the background is owed nothing. Control: the same 20 us
  // as computation is owed.
  auto owed_after = [](bool scavenge) {
    GcConfig config = SmallConfig();
    config.concurrent_marking_tasks = 2;
    auto s = ReplayText(config, LongList(4000));
    GcController& c = s->controller();
    c.StartIncrementalMarking(Reason::Testing);
    if (scavenge) {
      c.Collect(Collector::Scavenge, Reason::Testing);
    } else {
      c.clock().Idle(0.02);
    }
    c.incremental_marking().AdvanceConcurrently();
    return c.incremental_marking().bytes_marked_concurrently();
  };
  EXPECT_EQ(owed_after(true), 0u);
  EXPECT_GT(owed_after(false), 0u);
}

TEST(ConcurrentMarking, TheBackgroundCountsTowardsTheScheduleAndStepsShrink) {
  // A whole run of leak-cache: with the background, the main thread's steps mark far less
  // than without it; marking still completes and the run still collects.
  auto run = [](bool concurrent) {
    GcConfig config = SmallConfig(1, 16);
    config.verify_heap = false;
    config.concurrent_marking = concurrent;
    Session s(config);
    struct Steps : GcObserver {
      std::size_t main = 0;
      std::size_t background = 0;
      int full = 0;
      void OnMarking(const MarkingEvent& e) override {
        if (e.kind != MarkingEventKind::Step) return;
        main += e.value;
        background = std::max(background, e.marked_concurrently);
      }
      void OnGc(const GcEvent& e) override { full += e.collector == Collector::MarkCompact; }
    } steps;
    s.tracer().AddObserver(&steps);
    ScenarioOptions options;
    options.params = {{"entries", 150000}};
    s.ReplayScenario(*FindScenario("leak-cache"), options);
    s.tracer().RemoveObserver(&steps);
    return steps;
  };
  const auto with = run(true);
  const auto without = run(false);
  ASSERT_GT(with.full, 0);
  ASSERT_GT(without.full, 0);
  EXPECT_GT(with.background, 0u);
  EXPECT_EQ(without.background, 0u);
  EXPECT_LT(with.main * 2, without.main) << with.main << " against " << without.main;
}

TEST(ConcurrentMarking, TheTracePrintsTheBackgroundsBytesOnlyWhenItRuns) {
  MarkingEvent e;
  e.kind = MarkingEventKind::Step;
  e.speed = 131072;
  e.scheduled = 300 * KB;
  e.marked = 100 * KB;
  e.marked_concurrently = 2974 * KB;
  e.concurrent = true;
  e.value = 25 * KB;
  e.requested = 64 * KB;
  auto print = [](const MarkingEvent& event) {
    std::ostringstream out;
    IncrementalMarkingPrinter printer(out, LogPrefix::Predictable());
    printer.OnMarking(event);
    return out.str();
  };
  const std::string on = print(e);
  EXPECT_NE(on.find("[IncrementalMarking] Marking speed 131072KB/ms\n"), std::string::npos) << on;
  EXPECT_NE(on.find("[IncrementalMarking] Marked 2974KB on background threads\n"),
            std::string::npos);
  EXPECT_NE(on.find("[IncrementalMarking] Marker is 200KB behind schedule\n"), std::string::npos);
  e.concurrent = false;
  e.marked = 400 * KB;
  const std::string off = print(e);
  EXPECT_EQ(off.find("background threads"), std::string::npos) << off;
  EXPECT_NE(off.find("[IncrementalMarking] Marker is 100KB ahead of schedule\n"),
            std::string::npos);
}

}  // namespace
}  // namespace heaplab::test
