// Prepared pages (IncrementalMarking::PagesReady): incremental marking's steps prepare the
// old-space pages its finishing pause promotes the young generation into, and the pause waits
// for them, so that the pause writes into memory touched before (docs/incremental-marking.md,
// section 4a). On by default under the real clock only; these tests turn it on under the model
// clock, which makes them deterministic.
#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include <heaplab/gc/exports.h>
#include "test_heap.h"

namespace heaplab::test {
namespace {

GcConfig Config(bool prepare) {
  GcConfig c = SmallConfig(8, 8);
  c.incremental_marking = true;
  c.prepare_pages = prepare;
  return c;
}

// `count` young objects of 1 KiB, each kept alive by a global.
std::string YoungSurvivors(int count) {
  std::string t = "heaplab-trace 1\n";
  for (int i = 1; i <= count; ++i)
    t += "{\na " + std::to_string(i) + " 1024 0\nr " + std::to_string(i) + "\n}\n";
  return t;
}

TEST(PreparedPages, StepsPrepareTheYoungGenerationsBytesABudgetAtATime) {
  auto s = ReplayText(Config(true), YoungSurvivors(6000));
  IncrementalMarking& m = s->controller().incremental_marking();
  const OldSpace& os = s->heap().old_space();
  ASSERT_EQ(s->tracer().gc_count(), 0u) << "the survivors are all young";
  const std::size_t young = s->heap().new_space().Size();
  ASSERT_GE(young, 6000u * KB);
  EXPECT_EQ(m.PagesWanted(), young);
  s->controller().StartIncrementalMarking(Reason::Testing);
  // 6 MiB wanted, 1 MiB a step: six steps, and not five (the list of moved objects is
  // ready after four).
  for (int step = 1; step <= 6; ++step) {
    EXPECT_EQ(m.Step(64 * KB, false).prepared, IncrementalMarking::kMaxPreparedPerStep);
    EXPECT_EQ(m.PagesReady(), step == 6) << "step " << step;
  }
  EXPECT_EQ(os.prepared_bytes(), RoundUp(young, kPageSize));
  EXPECT_EQ(m.Step(64 * KB, false).prepared, 0u) << "nothing more is wanted";
}

// What is wanted is the young generation's bytes, whatever old space has free: the finishing
// pause sweeps old space afresh and finds its free blocks only by sweeping on demand.
TEST(PreparedPages, TheYoungGenerationIsWantedWhateverOldSpaceHasFree) {
  std::string t = YoungSurvivors(2000);
  for (int i = 1; i <= 2000; i += 2)
    t += "d " + std::to_string(i) + "\n";
  t += "g major\n";
  for (int i = 5001; i <= 6000; ++i)
    t += "{\na " + std::to_string(i) + " 1024 0\nr " + std::to_string(i) + "\n}\n";
  GcConfig c = Config(true);
  c.lazy_sweeping = false;
  auto s = ReplayText(c, t);
  ASSERT_GT(s->heap().old_space().Available(), 0u);
  EXPECT_EQ(s->controller().incremental_marking().PagesWanted(), s->heap().new_space().Size());
}

// The list of moved objects: one entry per 32 bytes of new space (8 MiB of semispace, of
// which 8,247,040 bytes usable: 257,720 entries), 65,536 a step, so four steps; the pause
// waits for it as for the pages.
TEST(PreparedPages, StepsPrepareTheListOfMovedObjects) {
  // 100 survivors, and 2000 young objects dead before the pause.
  std::string t = YoungSurvivors(100);
  for (int i = 101; i <= 2100; ++i)
    t += "{\na " + std::to_string(i) + " 1024 0\n}\n";
  auto s = ReplayText(Config(true), t);
  IncrementalMarking& m = s->controller().incremental_marking();
  const std::size_t entries = s->heap().new_space().Capacity() / 32;
  ASSERT_EQ(m.MovedEntriesWanted(), entries);
  ASSERT_EQ(entries, 257720u);
  s->controller().StartIncrementalMarking(Reason::Testing);
  for (std::size_t step = 1; step <= 4; ++step) {
    m.Step(64 * KB, false);
    EXPECT_EQ(m.moved_buffer().size(),
              std::min(entries, step * IncrementalMarking::kMaxMovedEntriesPerStep));
    EXPECT_EQ(m.PagesReady(), step == 4) << "step " << step;
  }
  const std::size_t capacity = m.moved_buffer().capacity();
  const OldSpace& os = s->heap().old_space();
  ASSERT_EQ(os.prepared_bytes(), 9 * kPageSize) << "2,100 KiB of young objects";
  s->controller().Collect(Collector::MarkCompact, Reason::FinalizeMarkingViaStackGuard);
  EXPECT_EQ(m.moved_buffer().size(), 100u) << "the full GC listed its 100 promotions in it";
  EXPECT_EQ(m.moved_buffer().capacity(), capacity) << "and kept its memory";
  EXPECT_EQ(os.prepared_pages_used(), 1u);
  EXPECT_EQ(os.prepared_bytes(), 0u) << "the eight pages the dead objects wanted are given back";
}

TEST(PreparedPages, OnByDefaultUnderTheRealClockOnly) {
  GcConfig c = SmallConfig();
  EXPECT_FALSE(Session(c).controller().incremental_marking().prepare_pages());
  c.clock = ClockKind::Real;
  EXPECT_TRUE(Session(c).controller().incremental_marking().prepare_pages());
  c.prepare_pages = false;
  EXPECT_FALSE(Session(c).controller().incremental_marking().prepare_pages());
}

TEST(PreparedPages, OffNoStepPreparesAndThePauseNeverWaits) {
  auto s = ReplayText(Config(false), YoungSurvivors(3000));
  IncrementalMarking& m = s->controller().incremental_marking();
  s->controller().StartIncrementalMarking(Reason::Testing);
  EXPECT_TRUE(m.PagesReady());
  EXPECT_EQ(m.Step(64 * KB, false).prepared, 0u);
  EXPECT_EQ(s->heap().old_space().prepared_bytes(), 0u);
}

TEST(PreparedPages, AFullCageEndsTheWait) {
  GcConfig c = Config(true);
  c.heap.max_old_space_size = 8 * MB;  // a small cage: 96 MiB
  auto s = ReplayText(c, YoungSurvivors(3000));
  Heap& heap = s->heap();
  // Fill the cage with large objects until it has no page left.
  while (heap.Allocate(4 * MB, 0, Kind::Plain, Generation::Old) != 0) {
  }
  while (heap.Allocate(kMaxRegularObjectSize + 8, 0, Kind::Plain, Generation::Old) != 0) {
  }
  IncrementalMarking& m = s->controller().incremental_marking();
  s->controller().StartIncrementalMarking(Reason::Testing);
  EXPECT_FALSE(m.PagesReady()) << "nothing prepared yet";
  // The list of moved objects takes four steps; no step finds a page.
  for (int step = 1; step <= 4; ++step)
    EXPECT_EQ(m.Step(64 * KB, false).prepared, 0u);
  EXPECT_LT(heap.old_space().prepared_bytes(), m.PagesWanted());
  EXPECT_TRUE(m.PagesReady()) << "no page could be prepared: the pause may not wait";
}

// Records, when marking stops for the finishing pause, whether the prepared pages covered the
// young generation, and how many prepared pages the pauses took.
struct FinishingLog : GcObserver {
  Session* session = nullptr;
  int finishes = 0;
  int ready = 0;
  std::size_t used_before = 0;
  std::size_t used_by_pauses = 0;
  void OnMarking(const MarkingEvent& e) override {
    if (e.kind != MarkingEventKind::Stop) return;
    ++finishes;
    const OldSpace& os = session->heap().old_space();
    ready += os.prepared_bytes() >= session->controller().incremental_marking().PagesWanted();
    used_before = os.prepared_pages_used();
  }
  void OnGc(const GcEvent& e) override {
    if (e.reason != Reason::FinalizeMarkingViaStackGuard) return;
    used_by_pauses += session->heap().old_space().prepared_pages_used() - used_before;
    EXPECT_EQ(session->heap().old_space().prepared_bytes(), 0u)
        << "the pause gives back what it did not use";
  }
};

// 3 MB of young objects that only an open scope keeps alive (the stack, which marking leaves
// to the finishing pause): marking has nothing to do and completes at its first step, long
// before three steps could prepare 3 MiB. The program then allocates, 64 KiB at a time.
FinishingLog Finish(bool prepare, int& allocations) {
  std::string t = "heaplab-trace 1\n{\n";
  for (int i = 1; i <= 3000; ++i)
    t += "a " + std::to_string(i) + " 1024 0\n";
  auto s = ReplayText(Config(prepare), t);
  FinishingLog log;
  log.session = s.get();
  s->tracer().AddObserver(&log);
  GcController& c = s->controller();
  c.StartIncrementalMarking(Reason::Testing);
  allocations = 0;
  while (c.incremental_marking().IsMarking() && allocations < 100) {
    c.AdvanceOnAllocation(IncrementalMarking::kAllocatedThreshold);
    ++allocations;
  }
  s->tracer().RemoveObserver(&log);
  return log;
}

TEST(PreparedPages, TheFinishingPauseWaitsForItsPagesAndPromotesIntoThem) {
  int allocations = 0;
  const FinishingLog on = Finish(true, allocations);
  ASSERT_EQ(on.finishes, 1);
  EXPECT_EQ(on.ready, 1) << "the finishing pause found its pages prepared";
  EXPECT_EQ(allocations, 4) << "three steps of 1 MiB of pages, four of the list";
  EXPECT_EQ(on.used_by_pauses, 12u) << "3 MB of survivors: twelve pages";
  // Control: without preparing, the pause comes at the first step, with no page prepared.
  const FinishingLog off = Finish(false, allocations);
  ASSERT_EQ(off.finishes, 1);
  EXPECT_EQ(off.ready, 0);
  EXPECT_EQ(allocations, 1);
  EXPECT_EQ(off.used_by_pauses, 0u);
}

// A task finishes marking only once the pages are ready: each `i` event's task takes a step
// (the model clock charges nothing for a step with nothing to mark, so one step a wait).
int IdlesUntilTheTaskFinalizes(bool prepare) {
  std::string t = "heaplab-trace 1\n{\n";
  for (int i = 1; i <= 3000; ++i)
    t += "a " + std::to_string(i) + " 1024 0\n";
  auto s = ReplayText(Config(prepare), t);
  GcController& c = s->controller();
  c.StartIncrementalMarking(Reason::Testing);
  int idles = 0;
  while (c.incremental_marking().IsMarking() && idles < 100) {
    c.OnIdle(5);
    ++idles;
  }
  EXPECT_EQ(s->tracer().current().reason, Reason::FinalizeMarkingViaTask);
  return idles;
}

TEST(PreparedPages, ATaskFinalizesOnlyOnceThePagesAreReady) {
  EXPECT_EQ(IdlesUntilTheTaskFinalizes(true), 4) << "three steps of pages, four of the list";
  EXPECT_EQ(IdlesUntilTheTaskFinalizes(false), 1);
}

// The events file carries a step's `prepared` bytes, and a file written before the field
// existed reads as 0.
TEST(PreparedPages, TheEventsFileCarriesTheBytesAStepPrepared) {
  std::ostringstream out;
  EventsWriter writer(out, EventsHeader{});
  MarkingEvent step;
  step.prepared = 3 * MB;
  writer.OnMarking(step);
  std::istringstream in(out.str());
  std::string header;
  std::string line;
  std::getline(in, header);
  std::getline(in, line);
  const EventRecord read = ParseEventLine(line);
  ASSERT_EQ(read.type, EventRecord::Type::Marking);
  EXPECT_EQ(read.marking.prepared, 3 * MB);
  nlohmann::json older = nlohmann::json::parse(line);
  ASSERT_EQ(older.erase("prepared"), 1u);
  EXPECT_EQ(ParseEventLine(older.dump()).marking.prepared, 0u);
}

}  // namespace
}  // namespace heaplab::test
