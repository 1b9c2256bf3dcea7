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

}  // namespace
}  // namespace heaplab::test
