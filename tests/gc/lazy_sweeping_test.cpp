// Lazy sweeping: a full GC accounts old pages at their live bytes and leaves their free blocks
// to the sweeper, which runs on demand, in steps paid by allocation and by idle time, and to
// completion before marking starts; sizes are exact all along (the verifier runs after every
// collection in these configurations).
#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include <heaplab/heap/verifier.h>
#include "test_heap.h"

namespace heaplab::test {
namespace {

struct SweepingLog : GcObserver {
  std::vector<SweepingEvent> events;
  void OnSweeping(const SweepingEvent& e) override { events.push_back(e); }
  std::size_t Count(SweepingEventKind kind, bool by_task) const {
    std::size_t n = 0;
    for (const SweepingEvent& e : events)
      n += e.kind == kind && (kind == SweepingEventKind::Complete || e.by_task == by_task);
    return n;
  }
};

GcConfig Config(bool lazy) {
  GcConfig c = SmallConfig();
  c.compaction = Compaction::None;  // every page stays, so every page is swept
  c.lazy_sweeping = lazy;
  c.incremental_marking = false;
  return c;
}

// 20000 objects of 64 bytes promoted to old space (about five pages), then all but one in ten
// dropped; then a full GC.
std::string SparseOldSpace() {
  std::string t = "heaplab-trace 1\n";
  for (int i = 1; i <= 20000; ++i)
    t += "{\na " + std::to_string(i) + " 64 0\nr " + std::to_string(i) + "\n}\n";
  t += "g minor\ng minor\n";
  for (int i = 1; i <= 20000; ++i)
    if (i % 10 != 0) t += "d " + std::to_string(i) + "\n";
  return t + "g major\n";
}

double SweepMs(Session& s) {
  return s.tracer().current().phase_ms[static_cast<std::size_t>(Phase::Sweep)];
}

TEST(LazySweeping, TheFullGcAccountsPagesAtOnceAndLeavesTheirFreeBlocks) {
  auto eager = ReplayText(Config(false), SparseOldSpace());
  auto lazy = ReplayText(Config(true), SparseOldSpace());
  const OldSpace& e = eager->heap().old_space();
  const OldSpace& l = lazy->heap().old_space();
  ASSERT_GT(e.pages().size(), 3u);
  EXPECT_EQ(l.pages().size(), e.pages().size());
  EXPECT_EQ(l.Size(), e.Size()) << "exact sizes before any page is swept";
  EXPECT_EQ(l.Size(), 2000 * 64u);
  EXPECT_EQ(eager->heap().sweeper().pending_pages(), 0u);
  EXPECT_EQ(lazy->heap().sweeper().pending_pages(), l.pages().size());
  EXPECT_EQ(l.Available(), 0u) << "no free block before the sweeper runs";
  EXPECT_GT(e.Available(), 0u);
  EXPECT_LT(SweepMs(*lazy), SweepMs(*eager) / 10) << "the sweep left the pause";
  EXPECT_LT(lazy->tracer().current().pause_ms, eager->tracer().current().pause_ms);
}

// Replays `text` with `log` listening.
std::unique_ptr<Session> Replay(const GcConfig& config, const std::string& text, SweepingLog& log) {
  auto s = std::make_unique<Session>(config);
  s->tracer().AddObserver(&log);
  std::istringstream in(text);
  s->ReplayStream(in, "sweeping.hlt");
  s->tracer().RemoveObserver(&log);
  return s;
}

// Young garbage after the full GC: `objects` allocations of 64 bytes, each in its own scope.
std::string YoungGarbage(int objects) {
  std::string t;
  for (int i = 0; i < objects; ++i)
    t += "{\na " + std::to_string(30001 + i) + " 64 0\n}\n";
  return t;
}

TEST(LazySweeping, AllocationPaysForSweepingStepsUntilEveryPageIsSwept) {
  SweepingLog log;
  // 3000 x 64 bytes: about three steps' worth of allocation (a step every 64 KiB).
  auto s = Replay(Config(true), SparseOldSpace() + YoungGarbage(3000), log);
  EXPECT_GE(log.Count(SweepingEventKind::Step, false), 1u);
  EXPECT_EQ(log.Count(SweepingEventKind::Step, true), 0u) << "no idle time in this trace";
  EXPECT_FALSE(s->heap().sweeper().sweeping());
  std::size_t pages = 0;
  for (const SweepingEvent& e : log.events) {
    pages += e.pages;
    EXPECT_LE(e.ms, GcController::kSweepingStepMs + 0.1) << "a step stays short";
  }
  EXPECT_EQ(pages, s->heap().old_space().pages().size());
  auto eager = ReplayText(Config(false), SparseOldSpace());
  EXPECT_EQ(s->heap().old_space().Available(), eager->heap().old_space().Available())
      << "the same free blocks as sweeping in the pause";
}

TEST(LazySweeping, IdleTimeRunsSweepingTasks) {
  SweepingLog log;
  auto s = Replay(Config(true), SparseOldSpace() + "i 5000\n", log);
  EXPECT_GE(log.Count(SweepingEventKind::Step, true), 1u);
  EXPECT_EQ(log.Count(SweepingEventKind::Step, false), 0u);
  EXPECT_FALSE(s->heap().sweeper().sweeping());
}

TEST(LazySweeping, TheNextFullGcCompletesSweepingFirst) {
  SweepingLog log;
  auto s = Replay(Config(true), SparseOldSpace() + "g major\n", log);
  // The second full GC swept what the first left, inside its own pause (no event: it is part
  // of the collection), and left the pages to the sweeper again.
  EXPECT_EQ(log.events.size(), 0u);
  EXPECT_EQ(s->heap().sweeper().pending_pages(), s->heap().old_space().pages().size());
  EXPECT_EQ(s->heap().old_space().Size(), 2000 * 64u);
}

TEST(LazySweeping, MarkingStartsOnlyOnceSweepingIsComplete) {
  GcConfig c = Config(true);
  c.incremental_marking = true;
  SweepingLog log;
  auto s = Replay(c, SparseOldSpace(), log);
  ASSERT_TRUE(s->heap().sweeper().sweeping());
  s->tracer().AddObserver(&log);
  s->controller().StartIncrementalMarking(Reason::Task);
  s->tracer().RemoveObserver(&log);
  EXPECT_FALSE(s->heap().sweeper().sweeping());
  ASSERT_EQ(log.Count(SweepingEventKind::Complete, false), 1u);
  EXPECT_EQ(log.events.back().pages, s->heap().old_space().pages().size());
  const VerifyResult r = VerifyHeap(s->heap(), true);
  EXPECT_TRUE(r.ok()) << r.Summary();
}

// Old 1, 2 and 4 share a page; 2, dead at the full GC, holds the only recorded slot naming
// young 3, and 3 survives. The sweep (in the pause, or on demand when 3 is promoted) turns 2
// alone into a free block whose link word lies where that slot was: the pointer update after
// promotion must leave it alone, in both modes, or [free-list] fails (verify-heap is on).
// (The sweeper forgets such slots anyway: Sweeper.ForgetsTheRecordedSlotsOfDeadObjects.)
TEST(LazySweeping, ADeadObjectsRecordedSlotIsForgottenBeforePointersAreUpdated) {
  for (bool lazy : {false, true}) {
    SCOPED_TRACE(lazy ? "lazy" : "eager");
    auto s =
        ReplayText(Config(lazy),
                   "heaplab-trace 1\n{\na 1 64 1\nr 1\na 2 64 1\nr 2\na 4 64 0\nr 4\n}\ng minor\n"
                   "g minor\n"
                   "{\na 3 200 0\nr 3\nw 2 0 3\n}\nd 2\ng major\n");
    EXPECT_EQ(s->heap().ids().StateOf(2), IdTable::State::Freed);
    EXPECT_FALSE(s->heap().InYoung(AddressOf(*s, 3)));
    const VerifyResult r = VerifyHeap(s->heap());
    EXPECT_TRUE(r.ok()) << r.Summary();
  }
}

}  // namespace
}  // namespace heaplab::test
