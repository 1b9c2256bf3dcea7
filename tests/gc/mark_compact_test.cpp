// White-box tests of the full GC: what dies, what is promoted, what moves, and what each
// compaction mode leaves behind.
#include <gtest/gtest.h>

#include <algorithm>

#include <heaplab/heap/verifier.h>
#include "test_heap.h"

namespace heaplab::test {
namespace {

GcConfig WithCompaction(Compaction c) {
  GcConfig config = SmallConfig(1, 1);
  config.compaction = c;
  return config;
}

TEST(MarkCompact, FreesUnreachableObjectsYoungAndOld) {
  auto s = ReplayText(SmallConfig(),
                      "heaplab-trace 1\na 1 64 1\nr 1\n{\na 2 64 0\nw 1 0 2\na 3 64 0\n}\n"
                      "g minor\ng minor\nw 1 0 -\n{\na 4 64 0\n}\ng major\n");
  EXPECT_EQ(s->heap().ids().StateOf(1), IdTable::State::Live);
  EXPECT_EQ(s->heap().ids().StateOf(2), IdTable::State::Freed) << "old and unreachable";
  EXPECT_EQ(s->heap().ids().StateOf(3), IdTable::State::Freed);
  EXPECT_EQ(s->heap().ids().StateOf(4), IdTable::State::Freed) << "young and unreachable";
  EXPECT_EQ(s->tracer().current().collector, Collector::MarkCompact);
}

TEST(MarkCompact, EmptiesNewSpaceByPromotingEveryLiveYoungObject) {
  auto s = ReplayText(SmallConfig(), "heaplab-trace 1\na 1 64 1\na 2 48 0\nw 1 0 2\ng major\n");
  Heap& heap = s->heap();
  EXPECT_EQ(heap.new_space().Size(), 0u);
  EXPECT_EQ(heap.ids().YoungCount(), 0u);
  const Address a1 = AddressOf(*s, 1);
  EXPECT_FALSE(heap.InYoung(a1));
  EXPECT_EQ(*HeapObject(a1).slot(0), AddressOf(*s, 2));
  EXPECT_EQ(s->tracer().current().promoted, 112u);
  EXPECT_EQ(heap.remembered_set().ChunkCount(), 0u) << "no old-to-new slot can be left";
}

// Old objects 1 and 2 share a page; 2's slot is recorded (it points at young 3), then 2 dies.
// After the full GC its slot must not stay recorded: under sliding its memory is free (or taken
// by a moved object), and a later Scavenge would write through it. The verifier's
// [remembered-live] runs after the GC (verify-heap is on) and again here.
TEST(MarkCompact, AfterAFullGcNoRecordedSlotLiesInFreedMemory) {
  for (Compaction c : {Compaction::Evacuate, Compaction::Slide, Compaction::None}) {
    SCOPED_TRACE(static_cast<int>(c));
    Session s(WithCompaction(c));
    std::istringstream in(
        "heaplab-trace 1\n{\na 1 64 1\nr 1\na 2 64 1\nr 2\n}\ng minor\ng minor\n"
        "{\na 3 48 0\nw 2 0 3\n}\nd 2\n");
    s.ReplayStream(in, "stale.hlt");
    Heap& heap = s.heap();
    const Address dead_slot = reinterpret_cast<Address>(HeapObject(AddressOf(s, 2)).slot(0));
    ASSERT_EQ(heap.ChunkOf(dead_slot), heap.ChunkOf(AddressOf(s, 1))) << "one page";
    ASSERT_TRUE(heap.remembered_set().Contains(dead_slot));
    s.mutator().RequestGc(Generation::Old);
    EXPECT_EQ(heap.ids().StateOf(2), IdTable::State::Freed);
    EXPECT_FALSE(heap.remembered_set().Contains(dead_slot));
    const VerifyResult r = VerifyHeap(heap);
    EXPECT_TRUE(r.ok()) << r.Summary();
  }
}

TEST(MarkCompact, FreesDeadLargeObjectsAndPromotesLiveYoungOnes) {
  auto s = ReplayText(SmallConfig(),
                      "heaplab-trace 1\na 1 300000 0\nr 1\n{\na 2 300000 0\n}\ng minor\n"
                      "a 3 200000 0\nr 3\n{\na 4 200000 0\n}\ng major\n");
  Heap& heap = s->heap();
  EXPECT_EQ(heap.ids().StateOf(2), IdTable::State::Freed);
  EXPECT_EQ(heap.ids().StateOf(4), IdTable::State::Freed);
  EXPECT_EQ(heap.lo_space().ObjectCount(), 2u);
  EXPECT_EQ(heap.new_lo_space().ObjectCount(), 0u);
  EXPECT_EQ(heap.ChunkOf(AddressOf(*s, 3))->owner(), SpaceId::LargeObjectSpace);
}

// A fragmented old space: the fragmentation scenario, small.
std::unique_ptr<Session> Fragmented(Compaction c) {
  auto s = std::make_unique<Session>(WithCompaction(c));
  ScenarioOptions o;
  o.params = {{"nodes", 60000}, {"keep_every", 10}};
  s->ReplayScenario(*FindScenario("fragmentation"), o);
  s->heap().sweeper().EnsureCompleted();  // free memory as fillers on every page
  return s;
}

TEST(MarkCompact, EvacuationReleasesFragmentedPagesThatSweepingKeeps) {
  auto none = Fragmented(Compaction::None);
  auto evacuate = Fragmented(Compaction::Evacuate);
  const std::size_t kept = none->heap().old_space().pages().size();
  const std::size_t compacted = evacuate->heap().old_space().pages().size();
  EXPECT_LT(compacted * 4, kept) << kept << " pages swept, " << compacted << " evacuated";
  EXPECT_EQ(none->heap().old_space().Size(), evacuate->heap().old_space().Size())
      << "the same live bytes either way";
  EXPECT_GT(evacuate->tracer().current().evacuated_pages, 0u);
  EXPECT_GT(evacuate->tracer().current().compacted, 0u);
  EXPECT_EQ(none->tracer().current().compacted, 0u);
}

// Free bytes (fillers) below the end of the last live object of old space.
std::size_t FreeBytesBelowTop(Heap& heap, std::size_t* pages) {
  std::vector<Page*> sorted = heap.old_space().pages();
  std::sort(sorted.begin(), sorted.end(),
            [](const Page* a, const Page* b) { return a->start() < b->start(); });
  std::size_t free_bytes = 0;
  std::size_t pending = 0;  // fillers not yet known to lie below a live object
  for (const Page* page : sorted) {
    for (Address a = page->start(); a < page->end();) {
      HeapObject obj(a);
      if (obj.kind() == Kind::Filler) {
        pending += obj.size();
      } else {
        free_bytes += pending;
        pending = 0;
      }
      a += obj.size();
    }
  }
  *pages = sorted.size();
  return free_bytes;
}

TEST(MarkCompact, SlidingLeavesNoFreeBytesBelowTheTopOfOldSpace) {
  auto slide = Fragmented(Compaction::Slide);
  std::size_t pages = 0;
  EXPECT_EQ(FreeBytesBelowTop(slide->heap(), &pages), 0u);
  EXPECT_EQ(pages, (slide->heap().old_space().Size() + kPageSize - 1) / kPageSize);
  auto none = Fragmented(Compaction::None);
  EXPECT_GT(FreeBytesBelowTop(none->heap(), &pages), 1 * MB) << "the check can fail";
}

TEST(MarkCompact, EveryModeReleasesAllPagesWhenNothingOldIsLive) {
  for (Compaction c : {Compaction::Evacuate, Compaction::Slide, Compaction::None}) {
    auto s = ReplayText(WithCompaction(c),
                        "heaplab-trace 1\n{\na 1 16 1\nr 1\n}\ng minor\ng minor\nd 1\ng major\n");
    EXPECT_EQ(s->heap().ids().StateOf(1), IdTable::State::Freed);
    EXPECT_EQ(s->heap().old_space().pages().size(), 0u) << static_cast<int>(c);
  }
}

TEST(MarkCompact, SlidingKeepsTheAddressOrderOfObjects) {
  // 3000 promoted objects in a list; every other one is unlinked; slide.
  std::string t = "heaplab-trace 1\na 1 64 1\nr 1\n{\n";
  for (int i = 2; i <= 3000; ++i) {
    t += "a " + std::to_string(i) + " " + std::to_string(32 + 8 * (i % 20)) + " 1\nw " +
         std::to_string(i - 1) + " 0 " + std::to_string(i) + "\n";
  }
  t += "}\ng minor\ng minor\n";
  for (int i = 1; i + 2 <= 3000; i += 2) {
    t += "w " + std::to_string(i) + " 0 " + std::to_string(i + 2) + "\n";
  }
  auto s = ReplayText(WithCompaction(Compaction::Slide), t);
  Heap& heap = s->heap();
  auto order = [&] {
    std::vector<std::pair<Address, Id>> v;
    heap.ids().ForEachLive([&](Id id, Address a) { v.emplace_back(a, id); });
    std::sort(v.begin(), v.end());
    std::vector<Id> ids;
    for (const auto& [a, id] : v)
      ids.push_back(id);
    return ids;
  };
  const std::vector<Id> before = order();
  ASSERT_EQ(before.size(), 3000u);
  s->mutator().RequestGc(Generation::Old);
  const std::vector<Id> after = order();
  ASSERT_EQ(after.size(), 1501u);  // the odd ids, and 3000 after 2999
  std::vector<Id> expected;
  for (Id id : before)
    if (id % 2 == 1 || id == 3000) expected.push_back(id);
  EXPECT_EQ(after, expected);
  EXPECT_GT(s->tracer().current().compacted, 0u);
}

// V8 (Heap::ShouldReduceMemory): a full GC reduces memory when its marking started near the
// limit (Heap::GCFlagsForIncrementalMarking: the old generation cannot grow by an eighth of its
// maximum), and an atomic one (V8's gc(), "scavenge might not succeed") only while such a
// marking runs.
std::string NearTheLimit(int objects) {
  // Live 128 KiB objects, two to a page, all old after the g major.
  std::string t = "heaplab-trace 1\n";
  for (int i = 1; i <= objects; ++i)
    t += "a " + std::to_string(i) + " 131072 0\n";
  return t + "g major\n";
}

GcConfig Max16() {
  GcConfig config = SmallConfig(1, 1);
  config.heap.max_old_space_size = 16 * MB;
  return config;
}

TEST(MarkCompact, AFullGcReducesMemoryWhenItsMarkingStartedNearTheLimit) {
  auto s = ReplayText(Max16(), NearTheLimit(118));
  GcController& c = s->controller();
  ASSERT_TRUE(c.ShouldOptimizeForMemoryUsage());
  EXPECT_FALSE(s->tracer().current().reduce_memory) << "g major is V8's gc(): no flags";
  c.Collect(Collector::MarkCompact, Reason::Testing);
  EXPECT_FALSE(s->tracer().current().reduce_memory);
  // A marking started here: its full GC reduces memory, and so does an atomic one meanwhile.
  c.StartIncrementalMarking(Reason::Testing);
  c.Collect(Collector::MarkCompact, Reason::Testing);
  EXPECT_TRUE(s->tracer().current().reduce_memory);
  c.StartIncrementalMarking(Reason::Testing);
  c.Collect(Collector::MarkCompact, Reason::FinalizeMarkingViaStackGuard);
  EXPECT_TRUE(s->tracer().current().reduce_memory);
  // Control: a marking started far from the limit does not.
  auto far = ReplayText(Max16(), NearTheLimit(40));
  GcController& f = far->controller();
  ASSERT_FALSE(f.ShouldOptimizeForMemoryUsage());
  f.StartIncrementalMarking(Reason::Testing);
  f.Collect(Collector::MarkCompact, Reason::FinalizeMarkingViaStackGuard);
  EXPECT_FALSE(far->tracer().current().reduce_memory);
}

TEST(MarkCompact, AnExternalPressureFullGcReducesMemoryNearTheLimit) {
  // It stands for the full GC of the marking V8 starts for external memory pressure.
  auto s = ReplayText(Max16(), NearTheLimit(118));
  ASSERT_TRUE(s->controller().ShouldOptimizeForMemoryUsage());
  s->controller().Collect(Collector::MarkCompact, Reason::ExternalMemoryPressure);
  EXPECT_TRUE(s->tracer().current().reduce_memory);
  // Control: far from the limit it does not.
  auto far = ReplayText(Max16(), NearTheLimit(40));
  ASSERT_FALSE(far->controller().ShouldOptimizeForMemoryUsage());
  far->controller().Collect(Collector::MarkCompact, Reason::ExternalMemoryPressure);
  EXPECT_FALSE(far->tracer().current().reduce_memory);
}

TEST(MarkCompact, TheReduceFlagIsFixedWhenMarkingStarts) {
  // Marking starts far from the limit; old-space allocation brings the old generation near it
  // before the pause, which still does not reduce memory (oom.log's third full GC).
  auto s = ReplayText(Max16(), NearTheLimit(40));
  GcController& c = s->controller();
  struct FullGcs : GcObserver {
    void OnGc(const GcEvent& e) override {
      if (e.collector == Collector::MarkCompact) reduce.push_back(e.reduce_memory);
    }
    std::vector<bool> reduce;
  } full;
  s->tracer().AddObserver(&full);
  // Tasks have been running 1 ms apart, so a complete marking waits up to 50 ms for its task
  // (IncrementalMarking::ShouldWaitForTask) while the program allocates.
  c.OnIdle(1);
  c.OnIdle(1);
  c.StartIncrementalMarking(Reason::Testing);
  for (Id id = 1000; id < 1080 && full.reduce.empty(); ++id)
    s->mutator().AllocateOld(id, 131072, 0);
  ASSERT_TRUE(full.reduce.empty()) << "the marking finished before the old generation grew";
  ASSERT_TRUE(c.ShouldOptimizeForMemoryUsage());
  // The marking's full GC does not reduce memory: it started far from the limit.
  c.Collect(Collector::MarkCompact, Reason::FinalizeMarkingViaStackGuard);
  ASSERT_EQ(full.reduce.size(), 1u);
  EXPECT_FALSE(full.reduce[0]);
  // Control: the next marking starts near the limit and reduces.
  if (!c.incremental_marking().IsMarking()) c.StartIncrementalMarking(Reason::Testing);
  c.Collect(Collector::MarkCompact, Reason::FinalizeMarkingViaStackGuard);
  EXPECT_TRUE(full.reduce.back());
}

}  // namespace
}  // namespace heaplab::test
