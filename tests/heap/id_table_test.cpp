// The weak id table: states, generations, updates, and memory that follows the live objects.
#include <gtest/gtest.h>

#include <algorithm>
#include <ostream>
#include <random>
#include <set>
#include <vector>

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
  EXPECT_EQ(t.OldCount(), 2u);
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
  t.Add(5 * 4096 + 7, 0x5000, false);  // ahead of the dense ids that follow
  for (Id id = 0; id < 6 * 4096; ++id) {
    if (id != 5 * 4096 + 7) t.Add(id, 0x10000 + 8 * id, false);
  }
  EXPECT_EQ(t.Get(5 * 4096 + 7), 0x5000u) << "found after the dense ids reached it";
  EXPECT_EQ(t.Get(5 * 4096 + 8), 0x10000u + 8 * (5 * 4096 + 8));
  EXPECT_EQ(t.StateOf(6 * 4096), IdTable::State::Unknown);
  t.UpdateAll([](Address a) { return a == 0x5000 ? Address{0} : a; },
              [](Address) { return false; });
  EXPECT_EQ(t.StateOf(5 * 4096 + 7), IdTable::State::Freed);
  EXPECT_EQ(t.StateOf(5 * 4096 + 6), IdTable::State::Live);
}

// --- Memory follows the live objects -----------------------------------------------------------

// Allocates `per_cycle` young ids from `next` (stepping by `step`, downwards if `down`), then a
// Scavenge in which all of them die; `cycles` times. Returns the next id.
Id Churn(IdTable& t, Id next, std::uint64_t step, bool down, int cycles, int per_cycle) {
  for (int c = 0; c < cycles; ++c) {
    for (int i = 0; i < per_cycle; ++i) {
      t.Add(next, 0x1000 + 8 * static_cast<Address>(i), true);
      next = down ? next - step : next + step;
    }
    t.UpdateYoung([](Address) -> Address { return 0; }, [](Address) { return true; });
  }
  return next;
}

struct IdPattern {
  const char* name;
  Id first;
  std::uint64_t step;
  bool down;
};

void PrintTo(const IdPattern& p, std::ostream* os) {
  *os << p.name << " (from " << p.first << ", step " << (p.down ? "-" : "+") << p.step << ")";
}

class IdTableMemory : public ::testing::TestWithParam<IdPattern> {};

TEST_P(IdTableMemory, DoesNotGrowWithDeadIds) {
  const IdPattern p = GetParam();
  IdTable t;
  Id next = Churn(t, p.first, p.step, p.down, 10, 1000);
  const std::size_t after_10k = t.MemoryBytes();
  next = Churn(t, next, p.step, p.down, 990, 1000);
  EXPECT_EQ(t.FreedCount(), 1000000u);
  EXPECT_EQ(t.UsedCount(), 1000000u);
  EXPECT_EQ(t.LiveCount(), 0u);
  // 1,000,000 dead ids cost what 10,000 did: the maps hold live ids and the used ids are one
  // run. (An entry per id ever used would be at least 8 MB here.)
  EXPECT_LE(t.MemoryBytes(), after_10k);
  EXPECT_LT(t.MemoryBytes(), 64 * KB);
  EXPECT_EQ(t.used().RunCount(), 1u);
  // Dead ids are still known as used, ids beside them as unknown.
  EXPECT_EQ(t.StateOf(p.first), IdTable::State::Freed);
  const Id last = p.down ? next + p.step : next - p.step;
  EXPECT_EQ(t.StateOf(last), IdTable::State::Freed);
  EXPECT_EQ(t.StateOf(next), IdTable::State::Unknown);
  if (p.step > 1) {
    EXPECT_EQ(t.StateOf(p.first + 1), IdTable::State::Unknown);
  }
}

TEST_P(IdTableMemory, ControlGrowsWithLiveIds) {
  // The same ids, all surviving: memory must grow, or the test above proves nothing.
  const IdPattern p = GetParam();
  IdTable t;
  Id next = p.first;
  for (int i = 0; i < 100000; ++i) {
    t.Add(next, 0x1000 + 8 * static_cast<Address>(i), true);
    next = p.down ? next - p.step : next + p.step;
  }
  t.UpdateYoung([](Address a) { return a; }, [](Address) { return false; });
  EXPECT_EQ(t.LiveCount(), 100000u);
  EXPECT_GE(t.MemoryBytes(), 100000 * sizeof(IdMap::Entry));
  EXPECT_EQ(t.StateOf(p.first), IdTable::State::Live);
}

INSTANTIATE_TEST_SUITE_P(Ids, IdTableMemory,
                         ::testing::Values(IdPattern{"DenseFromOne", 1, 1, false},
                                           IdPattern{"Sparse", Id{1} << 50, 7, false},
                                           IdPattern{"CountingDown", ~Id{0} - 3, 2, true}),
                         [](const ::testing::TestParamInfo<IdPattern>& p) {
                           return std::string(p.param.name);
                         });

TEST(IdTable, MapsShrinkWhenACollectionLeavesThemMostlyEmpty) {
  IdTable t;
  for (Id id = 0; id < 100000; ++id)
    t.Add(id, 0x1000 + 8 * id, id % 2 == 0);
  const std::size_t full = t.MemoryBytes();
  // Scavenge: the young half dies. The young map keeps room for the next cycle's allocations.
  t.UpdateYoung([](Address) -> Address { return 0; }, [](Address) { return true; });
  for (Id id = 100000; id < 100010; ++id)
    t.Add(id, 0x1000 + 8 * id, true);
  // The next Scavenge sees a small cycle and shrinks it; a full GC shrinks the old map.
  t.UpdateYoung([](Address a) { return a; }, [](Address) { return true; });
  EXPECT_EQ(t.YoungCount(), 10u);
  t.UpdateAll(  // a quarter of the old ids and the ten young ones survive, all old now
      [](Address a) -> Address {
        const Id id = (a - 0x1000) / 8;
        return id % 4 == 1 || id >= 100000 ? a : 0;
      },
      [](Address) { return false; });
  EXPECT_EQ(t.LiveCount(), 25010u);
  EXPECT_EQ(t.YoungCount(), 0u);
  EXPECT_LT(t.MemoryBytes(), full / 2);
  t.UpdateAll([](Address) -> Address { return 0; }, [](Address) { return false; });
  EXPECT_EQ(t.LiveCount(), 0u);
  EXPECT_LT(t.MemoryBytes(), 4 * KB);
  EXPECT_EQ(t.StateOf(99999), IdTable::State::Freed);
}

TEST(IdTable, AScavengeReadsNoOldEntry) {
  IdTable t;
  for (Id id = 0; id < 1000; ++id)
    t.Add(id, 0x100000 + 8 * id, /*young=*/id < 10);
  int visited = 0;
  t.UpdateYoung(
      [&](Address a) {
        ++visited;
        EXPECT_LT(a, 0x100000u + 80) << "an old entry was visited";
        return a;
      },
      [](Address) { return true; });
  EXPECT_EQ(visited, 10);
}

TEST(IdTable, PromotedIdsJoinTheOldMapAndStayLive) {
  IdTable t;
  for (Id id = 1; id <= 5000; ++id)
    t.Add(id, 0x1000 + 16 * id, true);
  // Odd ids survive, the multiples of 3 among them are promoted (moved to 0x1000000 + ...).
  t.UpdateYoung(
      [](Address a) -> Address {
        const Id id = (a - 0x1000) / 16;
        if (id % 2 == 0) return 0;
        return id % 3 == 0 ? 0x1000000 + 16 * id : a;
      },
      [](Address a) { return a < 0x1000000; });
  EXPECT_EQ(t.FreedCount(), 2500u);
  EXPECT_EQ(t.OldCount(), 833u);
  EXPECT_EQ(t.YoungCount(), 2500u - 833u);
  for (Id id = 1; id <= 5000; ++id) {
    const Address expected = id % 2 == 0 ? 0 : id % 3 == 0 ? 0x1000000 + 16 * id : 0x1000 + 16 * id;
    ASSERT_EQ(t.Get(id), expected) << "id " << id;
    ASSERT_EQ(t.StateOf(id), expected == 0 ? IdTable::State::Freed : IdTable::State::Live);
  }
}

// --- The map
// --------------------------------------------------------------------------------------

TEST(IdMap, FindsIdsThatShareTheirLowBits) {
  // Ids that differ only above bit 32 must not pile up in one probe chain.
  IdMap m;
  for (Id i = 0; i < 20000; ++i)
    m.Insert(i << 32, 0x1000 + 8 * i);
  EXPECT_EQ(m.size(), 20000u);
  EXPECT_LE(m.capacity(), 2 * IdMap::CapacityFor(20000));
  for (Id i = 0; i < 20000; ++i) {
    const Address* a = m.Find(i << 32);
    ASSERT_NE(a, nullptr) << i;
    ASSERT_EQ(*a, 0x1000 + 8 * i);
  }
  EXPECT_EQ(m.Find((Id{7} << 32) + 1), nullptr);
  EXPECT_EQ(m.Find(~Id{0}), nullptr);
}

TEST(IdMap, InsertingAnIdTwiceKeepsOneEntry) {
  IdMap m;
  m.Insert(3, 0x10);
  m.Insert(3, 0x20);
  EXPECT_EQ(m.size(), 1u);
  EXPECT_EQ(*m.Find(3), 0x20u);
}

// Updates in place (a full GC's old map): dead entries become tombstones that probes pass.

// Addresses that tell the id and its generation apart: 0x1000 + 16 * id, moved by 8.
constexpr Address At(Id id) {
  return 0x1000 + 16 * id;
}
constexpr std::size_t IndexOf(Address a) {
  return (a - 0x1000) / 16;
}

// n distinct random ids. Consecutive ids would not do: Fibonacci hashing spreads them so
// evenly that no probe chain crosses a removed entry.
std::vector<Id> RandomIds(std::size_t n) {
  std::mt19937_64 random(7);
  std::set<Id> seen;
  std::vector<Id> ids;
  while (ids.size() < n) {
    const Id id = random();
    if (seen.insert(id).second) ids.push_back(id);
  }
  return ids;
}

TEST(IdMap, UpdateRemovesAndMovesEntriesInPlace) {
  const std::vector<Id> ids = RandomIds(100000);
  IdMap m;
  for (std::size_t k = 0; k < ids.size(); ++k)
    m.Insert(ids[k], At(k));
  const std::size_t capacity = m.capacity();
  // Every third dies, the rest move: the survivors stay findable across the tombstones left
  // in their probe chains.
  m.Update([](Address a) { return IndexOf(a) % 3 == 0 ? Address{0} : a + 8; });
  EXPECT_EQ(m.size(), 66666u);
  EXPECT_EQ(m.capacity(), capacity) << "an eighth of the slots dead is no reason to rehash";
  EXPECT_EQ(m.tombstones(), 33334u);
  for (std::size_t k = 0; k < ids.size(); ++k) {
    const Address* a = m.Find(ids[k]);
    if (k % 3 == 0) {
      ASSERT_EQ(a, nullptr) << k;
    } else {
      ASSERT_NE(a, nullptr) << k;
      ASSERT_EQ(*a, At(k) + 8) << k;
    }
  }
  std::size_t listed = 0;
  m.ForEach([&](const IdMap::Entry&) { ++listed; });
  EXPECT_EQ(listed, m.size());
}

TEST(IdMap, AnIdInsertedAgainAfterARemovalIsListedOnce) {
  const std::vector<Id> ids = RandomIds(100000);
  IdMap m;
  for (std::size_t k = 0; k < ids.size(); ++k)
    m.Insert(ids[k], At(k));
  m.Update([](Address a) { return IndexOf(a) % 10 == 0 ? Address{0} : a; });
  // Every live id again, with a new address: an id whose chain passes a tombstone before its
  // entry must update that entry, not take the tombstone.
  for (std::size_t k = 0; k < ids.size(); ++k) {
    if (k % 10 != 0) m.Insert(ids[k], At(k) + 8);
  }
  EXPECT_EQ(m.size(), 90000u);
  std::size_t listed = 0;
  m.ForEach([&](const IdMap::Entry& e) {
    ++listed;
    EXPECT_EQ(e.id, ids[IndexOf(e.address)]);
    EXPECT_EQ(e.address % 16, 8u) << "an entry with its old address is left over";
  });
  EXPECT_EQ(listed, 90000u);
  // A removed id comes back as a new entry, in a tombstone's place.
  const std::size_t tombstones = m.tombstones();
  m.Insert(ids[10], At(10));
  EXPECT_EQ(m.size(), 90001u);
  EXPECT_LE(m.tombstones(), tombstones);
  EXPECT_EQ(*m.Find(ids[10]), At(10));
}

TEST(IdMap, TombstonesCountTowardsTheLoad) {
  // A thousand live ids, a fifth of them replaced in each cycle: too few deaths for Update to
  // rehash, so tombstones pile up unless inserting counts them. Slots in use (live or
  // tombstone) never pass half of the map, so a lookup always finds an empty slot to stop
  // at, and the map keeps the size a thousand ids need.
  IdMap m;
  Id next = 0;
  for (; next < 1000; ++next)
    m.Insert(next, At(next));
  for (int cycle = 0; cycle < 50; ++cycle) {
    const Id oldest = next - 1000;
    m.Update([&](Address a) { return IndexOf(a) < oldest + 200 ? Address{0} : a; });
    for (int i = 0; i < 200; ++i, ++next) {
      m.Insert(next, At(next));
      ASSERT_LE(2 * (m.size() + m.tombstones()), m.capacity()) << "cycle " << cycle;
    }
    ASSERT_EQ(m.size(), 1000u);
    ASSERT_EQ(m.Find(oldest), nullptr);
    ASSERT_NE(m.Find(next - 1), nullptr);
  }
  EXPECT_LE(m.capacity(), IdMap::CapacityFor(1000));
}

TEST(IdMap, AMapLeftMostlyEmptyShrinksAtOnce) {
  IdMap m;
  for (Id i = 0; i < 4096; ++i)
    m.Insert(i, At(i));
  EXPECT_EQ(m.capacity(), IdMap::CapacityFor(4096));
  m.Update([](Address a) { return IndexOf(a) < 100 ? a : Address{0}; });
  EXPECT_EQ(m.size(), 100u);
  EXPECT_EQ(m.capacity(), IdMap::CapacityFor(100));
  EXPECT_EQ(m.tombstones(), 0u);
  for (Id i = 0; i < 100; ++i)
    ASSERT_NE(m.Find(i), nullptr);
  // Control: a map that keeps more than half of its entries keeps its room.
  IdMap n;
  for (Id i = 0; i < 4096; ++i)
    n.Insert(i, At(i));
  n.Update([](Address a) { return IndexOf(a) < 3000 ? a : Address{0}; });
  EXPECT_EQ(n.capacity(), IdMap::CapacityFor(4096));
}

// --- The used-id runs
// ------------------------------------------------------------------------------

TEST(IdRuns, OrderedIdsAreOneRun) {
  IdRuns r;
  for (Id id = 5; id < 5 + 3 * 100000; id += 3)
    r.Insert(id);
  EXPECT_EQ(r.RunCount(), 1u);
  EXPECT_EQ(r.IdCount(), 100000u);
  EXPECT_TRUE(r.Contains(5));
  EXPECT_TRUE(r.Contains(5 + 3 * 99999));
  EXPECT_FALSE(r.Contains(6));
  EXPECT_FALSE(r.Contains(4));
  EXPECT_FALSE(r.Contains(5 + 3 * 100000));
}

TEST(IdRuns, AnIdInsideARunOffItsStepSplitsIt) {
  IdRuns r;
  for (Id id = 0; id <= 100; id += 10)
    r.Insert(id);
  ASSERT_EQ(r.RunCount(), 1u);
  r.Insert(45);
  EXPECT_EQ(r.RunCount(), 3u);  // 0..40, 45, 50..100
  for (Id id = 0; id <= 110; ++id)
    EXPECT_EQ(r.Contains(id), id == 45 || (id % 10 == 0 && id <= 100)) << id;
}

TEST(IdRuns, AGapFilledInMergesItsNeighbours) {
  IdRuns r;
  for (Id id : {1, 2, 3, 5, 6, 7})
    r.Insert(id);
  EXPECT_EQ(r.RunCount(), 2u);
  r.Insert(4);
  EXPECT_EQ(r.RunCount(), 1u);
  r.Insert(4);  // again: nothing changes
  EXPECT_EQ(r.IdCount(), 7u);
}

TEST(IdRuns, AgreesWithASetOnIdsInAnyOrder) {
  // Random ids in small and large ranges, inserted in random order, against std::set. Enough
  // runs to split chunks many times.
  for (const Id range : {Id{64}, Id{5000}, Id{1} << 40}) {
    std::mt19937_64 rng(range);
    IdRuns r;
    std::set<Id> s;
    std::vector<Id> probes;
    for (int i = 0; i < 20000; ++i) {
      const Id id = rng() % range;
      r.Insert(id);
      s.insert(id);
      probes.push_back(id);
      probes.push_back(id + 1);
      probes.push_back(id - 1);
    }
    EXPECT_EQ(r.IdCount(), s.size());
    EXPECT_LE(r.RunCount(), s.size());
    for (Id id : probes)
      ASSERT_EQ(r.Contains(id), s.count(id) != 0) << "range " << range << " id " << id;
    Id previous_last = 0;
    bool first = true;
    r.ForEachRun([&](const IdRuns::Run& run) {
      EXPECT_TRUE(first || run.first > previous_last) << "runs overlap or are out of order";
      previous_last = run.last;
      first = false;
    });
  }
}

TEST(IdRuns, IdsAtTheEndsOfTheRange) {
  IdRuns r;
  r.Insert(~Id{0});
  r.Insert(0);
  r.Insert(~Id{0} - 1);
  EXPECT_TRUE(r.Contains(0));
  EXPECT_TRUE(r.Contains(~Id{0}));
  EXPECT_TRUE(r.Contains(~Id{0} - 1));
  EXPECT_FALSE(r.Contains(1));
  EXPECT_FALSE(r.Contains(~Id{0} - 2));
}

}  // namespace
}  // namespace heaplab
