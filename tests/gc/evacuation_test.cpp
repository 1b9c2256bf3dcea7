// Evacuation candidates chosen as V8 chooses them.
#include <gtest/gtest.h>

#include <memory>

#include <heaplab/gc/evacuation.h>

namespace heaplab {
namespace {

struct Pages {
  std::vector<std::unique_ptr<Chunk>> owned;
  std::vector<Chunk*> list;
  Chunk* Add(std::size_t live) {
    owned.push_back(std::make_unique<Chunk>(Address{0}, kPageSize, SpaceId::OldSpace, 0u));
    owned.back()->AddLiveBytes(live);
    list.push_back(owned.back().get());
    return list.back();
  }
};

TEST(Evacuation, PicksPagesAtLeast70PercentFreeLeastLiveFirst) {
  Pages p;
  Chunk* full = p.Add(200 * KB);
  Chunk* a = p.Add(70 * KB);
  Chunk* b = p.Add(10 * KB);
  Chunk* c = p.Add(40 * KB);
  const auto chosen = SelectEvacuationCandidates(p.list, EvacuationPolicy::For(false, 0));
  ASSERT_EQ(chosen.size(), 3u);
  EXPECT_EQ(chosen[0], b);
  EXPECT_EQ(chosen[1], c);
  EXPECT_EQ(chosen[2], a);
  (void)full;
}

TEST(Evacuation, NothingWhenNoPageWouldBeReleased) {
  Pages p;
  p.Add(60 * KB);  // one fragmented page: moving it would need one page again
  EXPECT_TRUE(SelectEvacuationCandidates(p.list, EvacuationPolicy::For(false, 0)).empty());
}

TEST(Evacuation, StopsAtFourMiBOfLiveBytes) {
  Pages p;
  for (int i = 0; i < 100; ++i)
    p.Add(70 * KB);
  const auto chosen = SelectEvacuationCandidates(p.list, EvacuationPolicy::For(false, 0));
  EXPECT_EQ(chosen.size(), (4 * MB) / (70 * KB));
}

TEST(Evacuation, ReducingMemoryTakesPagesOnly20PercentFreeAndUpTo12MiB) {
  Pages p;
  for (int i = 0; i < 100; ++i)
    p.Add(200 * KB);  // 24% free
  EXPECT_TRUE(SelectEvacuationCandidates(p.list, EvacuationPolicy::For(false, 0)).empty());
  const auto chosen = SelectEvacuationCandidates(p.list, EvacuationPolicy::For(true, 0));
  EXPECT_EQ(chosen.size(), (12 * MB) / (200 * KB));
}

TEST(Evacuation, AKnownCompactionSpeedSetsTheFragmentationTarget) {
  // area / speed = 1: 100 - 50 / 2 = 75%.
  EXPECT_EQ(
      EvacuationPolicy::For(false, static_cast<double>(kPageSize)).target_fragmentation_percent,
      75);
  EXPECT_EQ(EvacuationPolicy::For(false, 1e12).target_fragmentation_percent, 50);
  EXPECT_EQ(EvacuationPolicy::For(false, 0).target_fragmentation_percent, 70);
}

}  // namespace
}  // namespace heaplab
