// The weak id table: states, generations, updates.
#include <gtest/gtest.h>

#include "heap/id_table.h"

namespace heaplab {
namespace {

TEST(IdTable, KnowsUnknownLiveAndFreedIds) {
  IdTable t;
  EXPECT_EQ(t.StateOf(7), IdTable::State::Unknown);
  t.Add(7, 0x1000, true);
  EXPECT_EQ(t.StateOf(7), IdTable::State::Live);
  EXPECT_EQ(t.Get(7), 0x1000u);
  t.UpdateYoung([](Address) -> Address { return 0; }, [](Address) { return true; });
  EXPECT_EQ(t.StateOf(7), IdTable::State::Freed);
  EXPECT_EQ(t.Get(7), 0u);
  EXPECT_EQ(t.FreedCount(), 1u);
}

TEST(IdTable, ScavengeUpdatesOnlyYoungIdsAndMovesPromotedOnesToTheOldList) {
  IdTable t;
  t.Add(1, 0x1000, true);
  t.Add(2, 0x2000, true);
  t.Add(3, 0x9000, false);
  int visited = 0;
  t.UpdateYoung(
      [&](Address a) -> Address {
        ++visited;
        return a == 0x1000 ? 0x1100 : 0x8000;
      },
      [](Address a) { return a < 0x8000; });
  EXPECT_EQ(visited, 2);
  EXPECT_EQ(t.Get(1), 0x1100u);
  EXPECT_EQ(t.Get(2), 0x8000u);
  EXPECT_EQ(t.Get(3), 0x9000u);
  EXPECT_EQ(t.YoungCount(), 1u);
  EXPECT_EQ(t.old_ids().size(), 2u);
}

TEST(IdTable, HandlesSparseAndHugeIds) {
  IdTable t;
  const Id huge = ~Id{0} - 5;
  t.Add(huge, 0x1000, false);
  t.Add(3, 0x2000, false);
  EXPECT_EQ(t.Get(huge), 0x1000u);
  EXPECT_EQ(t.Get(3), 0x2000u);
  EXPECT_EQ(t.StateOf(huge - 1), IdTable::State::Unknown);
}

}  // namespace
}  // namespace heaplab
