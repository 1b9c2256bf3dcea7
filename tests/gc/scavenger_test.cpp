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
