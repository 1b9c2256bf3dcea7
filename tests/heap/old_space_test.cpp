// old_space: pages, the LAB, free lists, iterability, releasing pages.
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

TEST(OldSpace, AllocatesInPagesOfTheRightSize) {
  Heap heap(Config());
  OldSpace& os = heap.old_space();
  EXPECT_EQ(os.Committed(), 0u);
  const Address a = os.Allocate(1024);
  ASSERT_NE(a, 0u);
  EXPECT_EQ(os.pages().size(), 1u);
  EXPECT_EQ(os.Committed(), kPageSize);
  EXPECT_EQ(os.Size(), 1024u);
  EXPECT_TRUE(IsAligned(os.pages()[0]->start(), kPageSize));
  EXPECT_EQ(heap.ChunkOf(a), os.pages()[0]);
}

TEST(OldSpace, PagesStayIterableWhileAllocating) {
  Heap heap(Config());
  for (int i = 0; i < 5000; ++i) {
    ASSERT_NE(heap.Allocate(8 * (1 + i % 40), 0, Kind::Plain, Generation::Old), 0u);
  }
  EXPECT_GT(heap.old_space().pages().size(), 1u);
  const VerifyResult r = VerifyHeap(heap);
  EXPECT_TRUE(r.ok()) << r.Summary();
  EXPECT_EQ(r.objects, 5000u);
}

TEST(FreeList, ReturnsABlockThatFitsOrNothing) {
  Heap heap(Config());
  OldSpace& os = heap.old_space();
  Page* page = os.AddPage();
  FreeList list;
  EXPECT_EQ(list.Add(page->start(), 8), 0u);  // too small: only a filler
  EXPECT_EQ(list.wasted(), 8u);
  EXPECT_EQ(list.Add(page->start() + 64, 100 * 8), 800u);
  EXPECT_EQ(list.Add(page->start() + 4096, 4096), 4096u);
  const FreeList::Block b = list.Take(1000);
  EXPECT_EQ(b.start, page->start() + 4096);  // the 800-byte block cannot fit 1000
  EXPECT_EQ(b.size, 4096u);
  EXPECT_EQ(list.Take(5000).start, 0u);
  EXPECT_EQ(list.Take(512).start, page->start() + 64);
  EXPECT_EQ(list.available(), 0u);
}

TEST(OldSpace, ReleasingAPageGivesItsMemoryBack) {
  Heap heap(Config());
  OldSpace& os = heap.old_space();
  Page* page = os.AddPage();
  const std::size_t committed = heap.cage().committed();
  const Address start = page->start();
  heap.ReleasePages({page});
  EXPECT_EQ(heap.cage().committed(), committed - kPageSize);
  EXPECT_EQ(heap.ChunkOf(start), nullptr);
}

// Prepared pages (OldSpace::Prepare): committed and touched before a collection needs them,
// no part of old space until AddPage takes one, which it does before new memory.
TEST(OldSpace, APreparedPageIsTakenBeforeNewMemory) {
  Heap heap(Config());
  OldSpace& os = heap.old_space();
  const std::size_t before = heap.cage().committed();
  EXPECT_EQ(os.Prepare(2 * kPageSize, 8 * kPageSize), 2 * kPageSize);
  EXPECT_EQ(os.prepared_bytes(), 2 * kPageSize);
  EXPECT_EQ(heap.cage().committed(), before + 2 * kPageSize);
  EXPECT_EQ(os.Committed(), 0u) << "prepared pages are no part of old space";
  EXPECT_TRUE(os.pages().empty());
  const Page* page = os.AddPage();
  ASSERT_NE(page, nullptr);
  EXPECT_EQ(heap.cage().committed(), before + 2 * kPageSize) << "no new memory";
  EXPECT_EQ(os.prepared_bytes(), kPageSize);
  EXPECT_EQ(os.prepared_pages_used(), 1u);
  EXPECT_EQ(os.Committed(), kPageSize);
  EXPECT_EQ(heap.ChunkOf(page->start()), page);
  EXPECT_EQ(os.ReleasePrepared(), 1u);
  EXPECT_EQ(heap.cage().committed(), before + kPageSize);
  EXPECT_EQ(os.pages_prepared(), 2u);
  const VerifyResult r = VerifyHeap(heap);
  EXPECT_TRUE(r.ok()) << r.Summary();
}

TEST(OldSpace, PreparingStopsAtTheWantAndAtTheBudget) {
  Heap heap(Config());
  OldSpace& os = heap.old_space();
  EXPECT_EQ(os.Prepare(10 * kPageSize, 3 * kPageSize), 3 * kPageSize) << "the budget";
  EXPECT_EQ(os.Prepare(3 * kPageSize, 8 * kPageSize), 0u) << "the want is met";
  EXPECT_EQ(os.Prepare(5 * kPageSize, kPageSize / 4), kPageSize) << "at least a page";
  EXPECT_EQ(os.Prepare(kPageSize + 1, 0), 0u);
  EXPECT_EQ(os.Prepare(5 * kPageSize + 1, 8 * kPageSize), 2 * kPageSize) << "whole pages";
  EXPECT_EQ(os.prepared_bytes(), 6 * kPageSize);
}

// Promotion prefers a prepared page to sweeping unswept pages on demand: the page is already
// touched, and the sweeper's pages are not.
TEST(OldSpace, AllocationTakesAPreparedPageBeforeSweepingOnDemand) {
  Heap heap(Config());
  OldSpace& os = heap.old_space();
  // Two pages of dead objects waiting for the sweeper.
  while (os.pages().size() < 3)
    ASSERT_NE(heap.Allocate(4 * KB, 0, Kind::Plain, Generation::Old), 0u);
  std::vector<Page*> pages(os.pages().begin(), os.pages().begin() + 2);
  os.StartSweeping();
  for (Page* p : pages)
    heap.sweeper().Schedule(*p);
  ASSERT_TRUE(heap.sweeper().sweeping());
  os.Prepare(kPageSize, kPageSize);
  ASSERT_NE(os.Allocate(8 * KB), 0u);
  EXPECT_EQ(os.prepared_pages_used(), 1u);
  EXPECT_EQ(heap.sweeper().pages_swept_on_demand(), 0u);
  // Control: with no prepared page left, the next refill sweeps on demand.
  while (os.prepared_pages_used() == 1 && heap.sweeper().pages_swept_on_demand() == 0)
    ASSERT_NE(os.Allocate(64 * KB), 0u);
  EXPECT_GT(heap.sweeper().pages_swept_on_demand(), 0u);
}

}  // namespace
}  // namespace heaplab
