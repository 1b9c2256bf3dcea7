// new_space: bump allocation, flips, age mark, resizing within bounds.
#include <gtest/gtest.h>

#include <heaplab/heap/heap.h>

namespace heaplab {
namespace {

HeapConfig Config(std::size_t min_mb, std::size_t max_mb) {
  HeapConfig c;
  c.min_semi_space_size = min_mb * MB;
  c.max_semi_space_size = max_mb * MB;
  c.max_old_space_size = 64 * MB;
  return c;
}

TEST(NewSpace, BumpAllocatesUntilFull) {
  Heap heap(Config(1, 1));
  NewSpace& ns = heap.new_space();
  const Address first = ns.Allocate(64);
  const Address second = ns.Allocate(64);
  EXPECT_EQ(second, first + 64);
  std::size_t allocated = 128;
  while (ns.Allocate(1024) != 0)
    allocated += 1024;
  // Four pages of 257720 usable bytes: 251 objects of 1 KiB on each (the first page also holds
  // the two small ones), the rest of each page a filler.
  EXPECT_EQ(allocated, 128 + 4 * 251 * 1024);
  EXPECT_EQ(ns.Size(), 3 * kNewSpacePageArea + 251 * 1024) << "page tails count as used";
  EXPECT_EQ(ns.Allocate(1024), 0u);
}

// Node 20 prints 1006, 2013, 4026, 8053 and 16107 KB of new space for semispaces of 1 to 16 MiB:
// each 256 KiB page holds 257720 bytes of objects.
TEST(NewSpace, APageHoldsTheObjectAreaNodeReports) {
  const std::size_t node_kb[] = {1006, 2013, 4026, 8053, 16107};
  for (std::size_t i = 0; i < 5; ++i) {
    Heap heap(Config(std::size_t{1} << i, 16));
    EXPECT_EQ(heap.new_space().Capacity() / KB, node_kb[i]) << (1 << i) << " MiB";
    EXPECT_EQ(heap.new_space().TotalCapacity(), (std::size_t{1} << i) * MB);
  }
}

// V8 (SemiSpaceNewSpace::AddFreshPage): an object that does not fit in the rest of its page
// starts the next one; the rest stays behind as a filler and counts as used.
TEST(NewSpace, AnObjectThatDoesNotFitTheRestOfAPageStartsTheNextPage) {
  Heap heap(Config(1, 1));
  NewSpace& ns = heap.new_space();
  const Address start = ns.to_space().start();
  ASSERT_EQ(ns.Allocate(kNewSpacePageArea - 96), start);
  EXPECT_EQ(ns.Allocate(96), start + kNewSpacePageArea - 96) << "fits exactly";
  EXPECT_EQ(ns.Allocate(200), start + kPageSize) << "the next page's object area";
  EXPECT_EQ(ns.Size(), kNewSpacePageArea + 200);
  EXPECT_EQ(ns.Available(), 4 * kNewSpacePageArea - kNewSpacePageArea - 200);
  EXPECT_EQ(ns.Allocate(kNewSpacePageArea - 100), start + 2 * kPageSize) << "100 bytes short";
  EXPECT_EQ(ns.Size(), 2 * kNewSpacePageArea + kNewSpacePageArea - 100);
}

// V8 (Heap::EnsureFromSpaceIsCommitted, SemiSpaceNewSpace::Shrink): from-space is committed
// when the first GC flips the semispaces, and given back when new space shrinks.
TEST(NewSpace, FromSpaceIsCommittedFromTheFirstFlipUntilItIsUncommitted) {
  Heap heap(Config(1, 4));
  NewSpace& ns = heap.new_space();
  EXPECT_EQ(ns.Committed(), 1 * MB) << "to-space only";
  ns.Flip();
  EXPECT_EQ(ns.Committed(), 2 * MB);
  ns.UncommitFromSpace();
  EXPECT_EQ(ns.Committed(), 1 * MB);
  EXPECT_EQ(ns.Resize(2 * MB), 2 * MB);
  EXPECT_EQ(ns.Committed(), 4 * MB) << "growing commits from-space too";
  ns.UncommitFromSpace();
  EXPECT_EQ(ns.Resize(1 * MB), 1 * MB);
  EXPECT_EQ(ns.Committed(), 1 * MB) << "shrinking does not commit it";
}

TEST(NewSpace, FlipEmptiesToSpaceAndKeepsTheAgeMarkInFromSpace) {
  Heap heap(Config(1, 1));
  NewSpace& ns = heap.new_space();
  ns.Allocate(256);
  ns.SetAgeMarkToTop();
  const Address mark = ns.age_mark();
  const Address old_to = ns.to_space().start();
  ns.Flip();
  EXPECT_EQ(ns.from_space().start(), old_to);
  EXPECT_EQ(ns.Size(), 0u);
  EXPECT_TRUE(heap.InFromSpace(mark - 8));
  EXPECT_TRUE(heap.InFromSpace(old_to));
  EXPECT_FALSE(heap.InFromSpace(ns.to_space().start()));
}

TEST(NewSpace, ResizeStaysWithinInitialAndMaximum) {
  Heap heap(Config(1, 8));
  NewSpace& ns = heap.new_space();
  EXPECT_EQ(ns.TotalCapacity(), 1 * MB);
  EXPECT_EQ(ns.Resize(2 * MB), 2 * MB);
  EXPECT_EQ(ns.Committed(), 4 * MB);
  EXPECT_EQ(ns.Resize(64 * MB), 8 * MB);
  EXPECT_EQ(ns.Resize(0), 1 * MB);
}

TEST(NewSpace, NeverShrinksBelowWhatIsInUse) {
  Heap heap(Config(1, 4));
  NewSpace& ns = heap.new_space();
  ns.Resize(4 * MB);
  for (int i = 0; i < 3 * 1024; ++i)
    ASSERT_NE(ns.Allocate(1024), 0u);
  // 3072 objects of 1 KiB at 251 per page: the thirteenth page is in use.
  EXPECT_EQ(ns.Resize(1 * MB), 13 * kPageSize);
}

TEST(NewSpace, YoungLargeObjectSpaceTakesAtMostASemispaceAfterItsFirstObject) {
  Heap heap(Config(1, 1));
  const std::size_t big = 600 * KB;
  EXPECT_NE(heap.Allocate(big, 0, Kind::Plain, Generation::Young), 0u);
  EXPECT_EQ(heap.Allocate(big, 0, Kind::Plain, Generation::Young), 0u);
  EXPECT_NE(heap.Allocate(big, 0, Kind::Plain, Generation::Old), 0u);
  EXPECT_EQ(heap.new_lo_space().ObjectCount(), 1u);
  EXPECT_EQ(heap.lo_space().ObjectCount(), 1u);
}

}  // namespace
}  // namespace heaplab
