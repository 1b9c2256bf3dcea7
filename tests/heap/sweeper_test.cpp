// The sweeper: free blocks from mark bits, recorded slots of the dead forgotten, lazy pages
// accounted at once and swept later, on demand before old space grows.
#include <gtest/gtest.h>

#include <vector>

#include <heaplab/heap/heap.h>
#include <heaplab/heap/verifier.h>

namespace heaplab {
namespace {

HeapConfig Config() {
  HeapConfig c;
  c.max_old_space_size = 64 * MB;
  return c;
}

// Marks `a` as the marker would: its mark bit and its page's live bytes.
void Mark(Heap& heap, Address a) {
  Chunk* c = heap.ChunkOf(a);
  if (!c->marks().allocated()) c->marks().Resize(c->size() / kWordSize);
  c->marks().Set(c->WordIndex(a));
  c->AddLiveBytes(HeapObject(a).size());
}

// Six old objects of 64 bytes (one slot each) on one page; `live` says which are marked.
struct Page6 {
  Heap heap{Config()};
  std::vector<Address> objects;
  explicit Page6(const std::vector<bool>& live) {
    for (std::size_t i = 0; i < live.size(); ++i)
      objects.push_back(heap.Allocate(64, 1, Kind::Plain, Generation::Old));
    for (std::size_t i = 0; i < live.size(); ++i)
      if (live[i]) Mark(heap, objects[i]);
    heap.old_space().StartSweeping();  // the LAB's rest becomes a filler, the list forgotten
  }
  Page& page() { return *heap.old_space().pages()[0]; }
};

TEST(Sweeper, TurnsRunsOfUnmarkedObjectsIntoFreeBlocks) {
  Page6 p({true, false, false, true, false, true});
  p.heap.sweeper().SweepPage(p.page());
  const OldSpace& os = p.heap.old_space();
  EXPECT_EQ(os.Size(), 3 * 64u);
  // Runs: objects 1-2 (128 bytes), object 4 (64), and the page's rest after object 5.
  EXPECT_EQ(os.Available(), kPageSize - 3 * 64u);
  EXPECT_TRUE(os.CanServeFromFreeList(128));
  EXPECT_TRUE(p.page().marks().Empty()) << "a swept page keeps no mark bit";
  EXPECT_EQ(p.page().live_bytes(), 0u);
  EXPECT_EQ(HeapObject(p.objects[1]).kind(), Kind::Filler);
  EXPECT_EQ(HeapObject(p.objects[1]).size(), 128u) << "one block for the whole run";
  EXPECT_EQ(HeapObject(p.objects[3]).kind(), Kind::Plain);
  const VerifyResult r = VerifyHeap(p.heap);
  EXPECT_TRUE(r.ok()) << r.Summary();
  EXPECT_EQ(r.objects, 3u);
}

// A dead object's recorded slot lies where the free block's link word goes: left recorded, a
// full GC updating it would overwrite the link.
TEST(Sweeper, ForgetsTheRecordedSlotsOfDeadObjects) {
  Page6 p({true, false, true, true, true, true});
  const Address dead_slot = reinterpret_cast<Address>(HeapObject(p.objects[1]).slot(0));
  const Address live_slot = reinterpret_cast<Address>(HeapObject(p.objects[2]).slot(0));
  p.heap.remembered_set().Insert(dead_slot);
  p.heap.remembered_set().Insert(live_slot);
  p.heap.sweeper().SweepPage(p.page());
  EXPECT_FALSE(p.heap.remembered_set().Contains(dead_slot));
  EXPECT_TRUE(p.heap.remembered_set().Contains(live_slot));
}

TEST(Sweeper, ScheduledPagesAreAccountedAtOnceAndSweptLater) {
  Page6 p({false, true, false, false, true, false});
  Sweeper& sweeper = p.heap.sweeper();
  sweeper.Schedule(p.page());
  const OldSpace& os = p.heap.old_space();
  EXPECT_TRUE(sweeper.sweeping());
  EXPECT_EQ(sweeper.pending_pages(), 1u);
  EXPECT_EQ(os.Size(), 2 * 64u) << "exact before any free block exists";
  EXPECT_EQ(os.Available(), 0u);
  EXPECT_TRUE(p.page().Is(kSweepingPending));
  VerifyResult r = VerifyHeap(p.heap);
  EXPECT_TRUE(r.ok()) << r.Summary();
  EXPECT_EQ(r.objects, 2u) << "the unmarked objects of an unswept page are garbage";

  EXPECT_TRUE(sweeper.SweepNext());
  EXPECT_FALSE(sweeper.SweepNext());
  EXPECT_FALSE(sweeper.sweeping());
  EXPECT_FALSE(p.page().Is(kSweepingPending));
  EXPECT_EQ(os.Size(), 2 * 64u);
  EXPECT_EQ(os.Available(), kPageSize - 2 * 64u);
  const Sweeper::Work work = sweeper.TakeWork();
  EXPECT_EQ(work.pages, 1u);
  EXPECT_EQ(work.freed, kPageSize - 2 * 64u);
  r = VerifyHeap(p.heap);
  EXPECT_TRUE(r.ok()) << r.Summary();
}

TEST(Sweeper, OldSpaceSweepsAPendingPageBeforeAddingOne) {
  Page6 p({true, false, false, false, false, false});
  p.heap.sweeper().Schedule(p.page());
  const Address a = p.heap.Allocate(256, 0, Kind::Plain, Generation::Old);
  ASSERT_NE(a, 0u);
  EXPECT_EQ(p.heap.ChunkOf(a), &p.page()) << "the free block the sweep made, not a new page";
  EXPECT_EQ(p.heap.old_space().pages().size(), 1u);
  EXPECT_EQ(p.heap.sweeper().pages_swept_on_demand(), 1u);
  EXPECT_FALSE(p.heap.sweeper().sweeping());
  const VerifyResult r = VerifyHeap(p.heap);
  EXPECT_TRUE(r.ok()) << r.Summary();
}

TEST(Verifier, FindsABrokenFreeListLink) {
  Page6 p({true, false, false, true, false, true});
  p.heap.sweeper().SweepPage(p.page());
  // The 64-byte block of object 4 links on; aim its link at a live object.
  *reinterpret_cast<Address*>(p.objects[4] + kWordSize) = p.objects[3];
  const VerifyResult r = VerifyHeap(p.heap);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.Summary().find("[free-list]"), std::string::npos) << r.Summary();
}

TEST(Verifier, FindsAPendingPageTheSweeperDoesNotList) {
  Page6 p({true, false, false, false, false, false});
  p.page().Set(kSweepingPending);
  const VerifyResult r = VerifyHeap(p.heap);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.Summary().find("[sweeping]"), std::string::npos) << r.Summary();
}

TEST(Verifier, FindsMarkingWhilePagesWaitForTheSweeper) {
  Page6 p({true, false, false, false, false, false});
  p.heap.sweeper().Schedule(p.page());
  EXPECT_TRUE(VerifyHeap(p.heap, false).ok());
  const VerifyResult r = VerifyHeap(p.heap, true);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.Summary().find("[sweeping]"), std::string::npos) << r.Summary();
}

}  // namespace
}  // namespace heaplab
