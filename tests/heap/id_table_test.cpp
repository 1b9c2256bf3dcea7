// The weak id table: states, generations, updates.
#include <gtest/gtest.h>

#include <heaplab/heap/id_table.h>

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

TEST(IdTable, SparseIdsMixWithDenseOnes) {
  IdTable t;
  t.Add(5 * 4096 + 7, 0x5000, false);  // beyond the dense blocks: kept in the map
  for (Id id = 0; id < 6 * 4096; ++id) {
    if (id != 5 * 4096 + 7) t.Add(id, 0x10000 + 8 * id, false);
  }
  EXPECT_EQ(t.Get(5 * 4096 + 7), 0x5000u) << "found after the dense blocks reached it";
  EXPECT_EQ(t.Get(5 * 4096 + 8), 0x10000u + 8 * (5 * 4096 + 8));
  EXPECT_EQ(t.StateOf(6 * 4096), IdTable::State::Unknown);
  t.UpdateAll([](Address a) { return a == 0x5000 ? Address{0} : a; },
              [](Address) { return false; });
  EXPECT_EQ(t.StateOf(5 * 4096 + 7), IdTable::State::Freed);
  EXPECT_EQ(t.StateOf(5 * 4096 + 6), IdTable::State::Live);
}

}  // namespace
}  // namespace heaplab
