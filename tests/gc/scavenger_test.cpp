// The Scavenger's roots: globals, locals and the remembered set; Cheney's transitive copy.
#include <gtest/gtest.h>

#include "test_heap.h"

namespace heaplab::test {
namespace {

TEST(Scavenger, AnOldToNewReferenceKeepsAYoungObjectAliveThroughTheRememberedSetOnly) {
  // Object 1 is promoted (two Scavenges), then made to point at a fresh young object 2 that
  // nothing else holds: only the remembered slot keeps 2 alive.
  auto s = ReplayText(SmallConfig(),
                      "heaplab-trace 1\na 1 32 1\nr 1\ng minor\ng minor\n"
                      "{\na 2 48 0\nw 1 0 2\n}\n");
  Heap& heap = s->heap();
  const Address old = AddressOf(*s, 1);
  ASSERT_FALSE(heap.InYoung(old));
  const Address slot = reinterpret_cast<Address>(HeapObject(old).slot(0));
  EXPECT_TRUE(heap.remembered_set().Contains(slot)) << "the write barrier recorded the slot";

  s->mutator().RequestGc(Generation::Young);
  ASSERT_EQ(heap.ids().StateOf(2), IdTable::State::Live) << "kept alive by the remembered set";
  const Address young = AddressOf(*s, 2);
  EXPECT_TRUE(heap.InYoung(young));
  EXPECT_EQ(*HeapObject(old).slot(0), young) << "the remembered slot was updated";
  EXPECT_TRUE(heap.remembered_set().Contains(slot)) << "still old-to-new: kept";

  s->mutator().RequestGc(Generation::Young);
  EXPECT_FALSE(heap.InYoung(AddressOf(*s, 2)));
  EXPECT_FALSE(heap.remembered_set().Contains(slot)) << "now old-to-old: dropped";
}

TEST(Scavenger, WithoutTheRememberedSlotTheYoungObjectWouldDie) {
  // Same shape, but the reference is cleared before the Scavenge.
  auto s = ReplayText(SmallConfig(),
                      "heaplab-trace 1\na 1 32 1\nr 1\ng minor\ng minor\n"
                      "{\na 2 48 0\nw 1 0 2\n}\nw 1 0 -\ng minor\n");
  EXPECT_EQ(s->heap().ids().StateOf(2), IdTable::State::Freed);
}

// A large object (old after its first Scavenge, never moved) whose slot is the only reference
// to a small young object: the write barrier records the slot in the large object's chunk, the
// next Scavenge finds the young object through it, and a full GC then keeps it as well.
TEST(Scavenger, ALargeObjectsSlotAloneKeepsASmallYoungObjectAlive) {
  auto s = ReplayText(SmallConfig(),
                      "heaplab-trace 1\na 1 200000 2\nr 1\ng minor\n"
                      "{\na 2 48 0\nw 1 1 2\n}\n");
  Heap& heap = s->heap();
  const Address large = AddressOf(*s, 1);
  ASSERT_EQ(heap.ChunkOf(large)->owner(), SpaceId::LargeObjectSpace);
  const Address slot = reinterpret_cast<Address>(HeapObject(large).slot(1));
  EXPECT_TRUE(heap.remembered_set().Contains(slot)) << "the write barrier recorded the slot";

  s->mutator().RequestGc(Generation::Young);
  ASSERT_EQ(heap.ids().StateOf(2), IdTable::State::Live) << "only the large object's slot holds 2";
  const Address small = AddressOf(*s, 2);
  EXPECT_TRUE(heap.InYoung(small)) << "copied within new space on its first survival";
  EXPECT_EQ(*HeapObject(large).slot(1), small) << "the slot was updated to the copy";
  EXPECT_EQ(s->tracer().current().semi_space_copied, 48u);
  EXPECT_TRUE(heap.remembered_set().Contains(slot)) << "still old-to-new: the slot stays";

  s->mutator().RequestGc(Generation::Old);
  ASSERT_EQ(heap.ids().StateOf(2), IdTable::State::Live) << "the full GC kept it too";
  EXPECT_FALSE(heap.InYoung(AddressOf(*s, 2)));
  EXPECT_EQ(*HeapObject(large).slot(1), AddressOf(*s, 2));
}

// The same while the large object is still young: its first Scavenge promotes it in place and
// scans its slots as a promoted object's, recording the slot whose target stays young; the
// second Scavenge then finds the small object through that recorded slot alone.
TEST(Scavenger, APromotedLargeObjectsSlotIsRecordedAndKeepsItsYoungTargetAlive) {
  auto s =
      ReplayText(SmallConfig(), "heaplab-trace 1\na 1 200000 2\nr 1\n{\na 2 48 0\nw 1 0 2\n}\n");
  Heap& heap = s->heap();
  const Address large = AddressOf(*s, 1);
  ASSERT_EQ(heap.ChunkOf(large)->owner(), SpaceId::NewLargeObjectSpace);
  s->mutator().RequestGc(Generation::Young);
  ASSERT_EQ(heap.ChunkOf(large)->owner(), SpaceId::LargeObjectSpace);
  const Address slot = reinterpret_cast<Address>(HeapObject(large).slot(0));
  ASSERT_TRUE(heap.InYoung(AddressOf(*s, 2)));
  EXPECT_TRUE(heap.remembered_set().Contains(slot));
  s->mutator().RequestGc(Generation::Young);
  ASSERT_EQ(heap.ids().StateOf(2), IdTable::State::Live);
  EXPECT_FALSE(heap.InYoung(AddressOf(*s, 2))) << "promoted on its second survival";
  EXPECT_EQ(*HeapObject(large).slot(0), AddressOf(*s, 2));
}

TEST(Scavenger, CopiesWholeStructuresReachableFromOneRoot) {
  std::string t = "heaplab-trace 1\n{\na 1 16 1\nr 1\n";
  for (int i = 2; i <= 500; ++i) {
    t += "a " + std::to_string(i) + " 32 1\nw " + std::to_string(i - 1) + " 0 " +
         std::to_string(i) + "\n";
  }
  t += "}\ng minor\n";
  auto s = ReplayText(SmallConfig(), t);
  for (Id id = 1; id <= 500; ++id)
    EXPECT_EQ(s->heap().ids().StateOf(id), IdTable::State::Live);
  EXPECT_EQ(s->tracer().current().objects_copied, 500u);
}

TEST(Scavenger, CyclesAreCopiedOnce) {
  auto s = ReplayText(SmallConfig(),
                      "heaplab-trace 1\na 1 24 2\na 2 24 2\nw 1 0 2\nw 2 0 1\nw 1 1 1\n"
                      "g minor\n");
  const Address a1 = AddressOf(*s, 1);
  const Address a2 = AddressOf(*s, 2);
  EXPECT_EQ(*HeapObject(a1).slot(0), a2);
  EXPECT_EQ(*HeapObject(a2).slot(0), a1);
  EXPECT_EQ(*HeapObject(a1).slot(1), a1);
  EXPECT_EQ(s->tracer().current().objects_copied, 2u);
}

TEST(Scavenger, UnreachableGarbageCostsNothingToCopy) {
  std::string t = "heaplab-trace 1\n";
  for (int i = 1; i <= 2000; ++i)
    t += "{\na " + std::to_string(i) + " 200 0\n}\n";
  auto s = ReplayText(SmallConfig(), t + "g minor\n");
  EXPECT_EQ(s->tracer().current().semi_space_copied, 0u);
  EXPECT_EQ(s->heap().new_space().Size(), 0u);
}

std::string RootedObjects(int count, std::size_t size) {
  std::string t = "heaplab-trace 1\n{\n";
  for (int i = 1; i <= count; ++i)
    t +=
        "a " + std::to_string(i) + " " + std::to_string(size) + " 0\nr " + std::to_string(i) + "\n";
  return t + "}\ng minor\n";
}

// V8 11.3 (EvacuationAllocator): survivors are copied through 32 KiB buffers that never
// straddle a page. 200 rooted objects of 4000 bytes: seven merged buffers fit on a page
// (229376 bytes, 57 objects), the rest of the page is left; the last buffer's unused end goes
// back to to-space. Copied contiguously, 64 would fit on a page and new space would hold
// 3 x 257720 + 8 x 4000 bytes.
TEST(Scavenger, CopiesThroughBuffersThatNeverStraddleAPage) {
  auto s = ReplayText(SmallConfig(4, 4), RootedObjects(200, 4000));
  const NewSpace& ns = s->heap().new_space();
  EXPECT_EQ(s->tracer().current().semi_space_copied, 200u * 4000);
  EXPECT_EQ(ns.Size(), 3 * kNewSpacePageArea + 29u * 4000);
  const Address start = ns.to_space().start();
  EXPECT_EQ(AddressOf(*s, 57), start + 56 * 4000) << "the last object of the first page";
  EXPECT_EQ(AddressOf(*s, 58), start + kPageSize) << "the first object of the second page";
}

// Objects over 8 KiB are copied to to-space directly, not through a buffer: the buffer the
// small object opened is left behind with its unused end as a filler. (Through the buffer, the
// big object would follow the small one and the buffer's end would be given back: 10100 bytes.)
TEST(Scavenger, ObjectsOverEightKiBAreCopiedOutsideTheBuffers) {
  auto s = ReplayText(SmallConfig(1, 1),
                      "heaplab-trace 1\n{\na 1 100 0\na 2 10000 0\nr 1\nr 2\n}\ng minor\n");
  const NewSpace& ns = s->heap().new_space();
  EXPECT_EQ(ns.Size(), 32u * KB + 10000);
  EXPECT_EQ(AddressOf(*s, 2), ns.to_space().start() + 32 * KB);
}

// A Scavenge that copies one small object leaves new space holding just that object: the last
// buffer's unused end goes back to to-space (V8: EvacuationAllocator::Finalize).
TEST(Scavenger, TheLastBuffersUnusedEndGoesBackToToSpace) {
  auto s = ReplayText(SmallConfig(1, 1), RootedObjects(1, 48));
  EXPECT_EQ(s->heap().new_space().Size(), 48u);
}

}  // namespace
}  // namespace heaplab::test
