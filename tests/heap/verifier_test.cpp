// The verifier must catch each broken invariant it names; a verifier that never fails is
// worse than none.
#include <gtest/gtest.h>

#include <heaplab/heap/heap.h>
#include <heaplab/heap/verifier.h>

namespace heaplab {
namespace {

HeapConfig Config() {
  HeapConfig c;
  c.max_old_space_size = 64 * MB;
  return c;
}

bool Mentions(const VerifyResult& r, const std::string& invariant) {
  for (const std::string& f : r.failures)
    if (f.find(invariant) != std::string::npos) return true;
  return false;
}

TEST(Verifier, AcceptsAConsistentHeap) {
  Heap heap(Config());
  const Address young = heap.Allocate(32, 1, Kind::Plain, Generation::Young);
  const Address old = heap.Allocate(32, 1, Kind::Plain, Generation::Old);
  *HeapObject(young).slot(0) = old;
  *HeapObject(old).slot(0) = young;
  heap.remembered_set().Insert(reinterpret_cast<Address>(HeapObject(old).slot(0)));
  heap.scopes().Open();
  heap.scopes().AddLocal(young);
  const VerifyResult r = VerifyHeap(heap);
  EXPECT_TRUE(r.ok()) << r.Summary();
  EXPECT_EQ(r.objects, 2u);
  EXPECT_EQ(r.slots, 2u);
}

TEST(Verifier, CatchesAnUnrememberedOldToNewSlot) {
  Heap heap(Config());
  const Address young = heap.Allocate(32, 0, Kind::Plain, Generation::Young);
  const Address old = heap.Allocate(32, 1, Kind::Plain, Generation::Old);
  *HeapObject(old).slot(0) = young;
  EXPECT_TRUE(Mentions(VerifyHeap(heap), "[remembered]"));
}

TEST(Verifier, CatchesARecordedSlotInFreeMemory) {
  Heap heap(Config());
  const Address old = heap.Allocate(32, 1, Kind::Plain, Generation::Old);
  // The word after the object: the rest of the page, where no object lives.
  heap.remembered_set().Insert(old + 32 + kWordSize);
  const VerifyResult r = VerifyHeap(heap);
  EXPECT_TRUE(Mentions(r, "[remembered-live]")) << r.Summary();
}

TEST(Verifier, CatchesARecordedSlotThatIsAHeader) {
  Heap heap(Config());
  const Address old = heap.Allocate(32, 1, Kind::Plain, Generation::Old);
  heap.remembered_set().Insert(reinterpret_cast<Address>(HeapObject(old).slot(0)));
  heap.remembered_set().Insert(old);  // the header word, not a slot
  const VerifyResult r = VerifyHeap(heap);
  ASSERT_EQ(r.failures.size(), 1u) << r.Summary();
  EXPECT_TRUE(Mentions(r, "[remembered-live]")) << "the real slot beside it is accepted";
}

TEST(Verifier, CatchesARecordedSlotOfADeadObjectAfterAFullGcFreedIt) {
  // As a sweeper that forgot RemoveRange would leave it: the object's memory is a free-list
  // block now, and its slot is still recorded.
  Heap heap(Config());
  const Address keep = heap.Allocate(32, 1, Kind::Plain, Generation::Old);
  const Address dead = heap.Allocate(32, 1, Kind::Plain, Generation::Old);
  heap.remembered_set().Insert(reinterpret_cast<Address>(HeapObject(dead).slot(0)));
  heap.old_space().FreeLab();
  heap.old_space().AddFree(dead, 32);  // writes the filler over it
  (void)keep;
  const VerifyResult r = VerifyHeap(heap);
  EXPECT_TRUE(Mentions(r, "[remembered-live]")) << r.Summary();
}

TEST(Verifier, CatchesASlotIntoTheMiddleOfAnObject) {
  Heap heap(Config());
  const Address a = heap.Allocate(64, 1, Kind::Plain, Generation::Young);
  *HeapObject(a).slot(0) = a + 16;
  EXPECT_TRUE(Mentions(VerifyHeap(heap), "[slot-target]"));
}

TEST(Verifier, CatchesAPointerIntoFromSpace) {
  Heap heap(Config());
  const Address old = heap.Allocate(32, 1, Kind::Plain, Generation::Old);
  *HeapObject(old).slot(0) = heap.new_space().from_space().start();
  EXPECT_TRUE(Mentions(VerifyHeap(heap), "[no-from-space]"));
}

TEST(Verifier, CatchesAWrongByteCount) {
  Heap heap(Config());
  heap.Allocate(32, 0, Kind::Plain, Generation::Old);
  // A collector that reports the wrong live bytes for a page (the page holds 32).
  heap.old_space().AccountSweptPage(*heap.old_space().pages().front(), 40);
  EXPECT_TRUE(Mentions(VerifyHeap(heap), "[accounting]"));
}

TEST(Verifier, CatchesABrokenHeader) {
  Heap heap(Config());
  const Address a = heap.Allocate(32, 0, Kind::Plain, Generation::Young);
  *reinterpret_cast<std::uint64_t*>(a) = 0x10;  // not a header
  EXPECT_TRUE(Mentions(VerifyHeap(heap), "[iterable]"));
}

TEST(Verifier, CatchesATrackedFiller) {
  Heap heap(Config());
  const Address a = heap.Allocate(32, 0, Kind::Plain, Generation::Young);
  HeapObject(a).set_header(Header::Make(32, 0, Kind::Filler));
  ASSERT_FALSE(Mentions(VerifyHeap(heap), "[iterable]")) << "control: an untracked filler";
  // A filler is never allocated at a site: a tracked one is a corrupt header.
  HeapObject(a).set_header(Header::Make(32, 0, Kind::Filler).Tracked());
  EXPECT_TRUE(Mentions(VerifyHeap(heap), "[iterable]"));
}

TEST(Verifier, CatchesAnIdListedInTheWrongGeneration) {
  Heap heap(Config());
  const Address old = heap.Allocate(32, 0, Kind::Plain, Generation::Old);
  heap.ids().Add(5, old, /*young=*/true);
  EXPECT_TRUE(Mentions(VerifyHeap(heap), "[id-table]"));
}

TEST(Verifier, CatchesAnIdListedInBothGenerations) {
  Heap heap(Config());
  const Address old = heap.Allocate(32, 0, Kind::Plain, Generation::Old);
  heap.ids().Add(5, old, /*young=*/false);
  EXPECT_FALSE(Mentions(VerifyHeap(heap), "[id-table]")) << "control: listed once";
  heap.ids().Add(5, old, /*young=*/true);
  EXPECT_TRUE(Mentions(VerifyHeap(heap), "listed both young and old"));
}

TEST(Verifier, CatchesAMarkBitLeftSet) {
  Heap heap(Config());
  const Address a = heap.Allocate(32, 0, Kind::Plain, Generation::Old);
  Chunk* page = heap.ChunkOf(a);
  page->marks().Resize(page->size() / kWordSize);
  page->marks().Set(page->WordIndex(a));
  EXPECT_TRUE(Mentions(VerifyHeap(heap), "[marks]"));
}

TEST(Verifier, CatchesARootToNothing) {
  Heap heap(Config());
  heap.Allocate(32, 0, Kind::Plain, Generation::Young);
  heap.globals().Create(heap.new_space().to_space().start() + 8);
  EXPECT_TRUE(Mentions(VerifyHeap(heap), "[slot-target]"));
}

}  // namespace
}  // namespace heaplab
