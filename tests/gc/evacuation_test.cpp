// Evacuation candidates chosen as V8 chooses them.
#include <gtest/gtest.h>

#include <algorithm>
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

// V8 (MarkCompactCollector::CollectEvacuationCandidates): a page is a candidate when its free
// bytes are at least target_fragmentation_percent x (area / 100). The threshold is written out
// here, not computed from the policy, so that a change of the percentage or of the comparison
// fails. Two nearly empty pages are always chosen beside the page under test, so that the
// selection is never empty because nothing would be released.
constexpr std::size_t kSeventyPercentFree = 70 * (kPageSize / 100);
constexpr std::size_t kTwentyPercentFree = 20 * (kPageSize / 100);

bool ChoosesPageWithFreeBytes(std::size_t free_bytes, bool reduce_memory) {
  Pages p;
  p.Add(1 * KB);
  p.Add(1 * KB);
  Chunk* page = p.Add(kPageSize - free_bytes);
  const auto chosen = SelectEvacuationCandidates(p.list, EvacuationPolicy::For(reduce_memory, 0));
  EXPECT_GE(chosen.size(), 2u) << "the two nearly empty pages are always chosen";
  return std::find(chosen.begin(), chosen.end(), page) != chosen.end();
}

TEST(Evacuation, APageExactly70PercentFreeIsACandidate) {
  EXPECT_TRUE(ChoosesPageWithFreeBytes(kSeventyPercentFree, false));
}

TEST(Evacuation, APageOneByteShortOf70PercentFreeIsNot) {
  EXPECT_FALSE(ChoosesPageWithFreeBytes(kSeventyPercentFree - 1, false));
}

TEST(Evacuation, ReducingMemoryAPageExactly20PercentFreeIsACandidate) {
  EXPECT_TRUE(ChoosesPageWithFreeBytes(kTwentyPercentFree, true));
}

TEST(Evacuation, ReducingMemoryAPageOneByteShortOf20PercentFreeIsNot) {
  EXPECT_FALSE(ChoosesPageWithFreeBytes(kTwentyPercentFree - 1, true));
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
