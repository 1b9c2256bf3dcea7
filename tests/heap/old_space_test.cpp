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

}  // namespace
}  // namespace heaplab
