// White-box: one object walked through its ages. Under the V8 rule a survivor is copied within
// new space on its first Scavenge and promoted on its second; under the book rule it is
// promoted on its first when To-space is already 25% full.
#include <gtest/gtest.h>

#include "test_heap.h"

namespace heaplab::test {
namespace {

TEST(Ages, CopiedOnFirstSurvivalPromotedOnSecond) {
  auto s = ReplayText(SmallConfig(), "heaplab-trace 1\na 1 64 1\nr 1\n");
  Heap& heap = s->heap();
  const Address born = AddressOf(*s, 1);
  EXPECT_TRUE(heap.InYoung(born));

  s->mutator().RequestGc(Generation::Young);
  const Address after_one = AddressOf(*s, 1);
  EXPECT_NE(after_one, born) << "a survivor is copied";
  EXPECT_TRUE(heap.InYoung(after_one)) << "first survival stays in new space";
  EXPECT_LT(after_one, heap.new_space().age_mark()) << "it now sits below the age mark";
  EXPECT_EQ(s->tracer().current().semi_space_copied, 64u);
  EXPECT_EQ(s->tracer().current().promoted, 0u);

  s->mutator().RequestGc(Generation::Young);
  const Address after_two = AddressOf(*s, 1);
  EXPECT_FALSE(heap.InYoung(after_two)) << "second survival promotes";
  EXPECT_EQ(heap.ChunkOf(after_two)->owner(), SpaceId::OldSpace);
  EXPECT_EQ(s->tracer().current().promoted, 64u);

  s->mutator().RequestGc(Generation::Young);
  EXPECT_EQ(AddressOf(*s, 1), after_two) << "Scavenges never move old objects";
}

TEST(Ages, ObjectsAllocatedAfterAScavengeAreAboveTheAgeMark) {
  auto s = ReplayText(SmallConfig(), "heaplab-trace 1\na 1 64 0\nr 1\ng minor\na 2 64 0\nr 2\n");
  const Address mark = s->heap().new_space().age_mark();
  EXPECT_LT(AddressOf(*s, 1), mark);
  EXPECT_GE(AddressOf(*s, 2), mark);
  s->mutator().RequestGc(Generation::Young);
  EXPECT_FALSE(s->heap().InYoung(AddressOf(*s, 1)));
  EXPECT_TRUE(s->heap().InYoung(AddressOf(*s, 2)));
}

TEST(Ages, DeadObjectsAreFreedAndTheirIdsReported) {
  auto s = ReplayText(SmallConfig(), "heaplab-trace 1\n{\na 1 64 0\n}\ng minor\n");
  EXPECT_EQ(s->heap().ids().StateOf(1), IdTable::State::Freed);
  EXPECT_EQ(s->tracer().current().semi_space_copied, 0u);
}

// 4000 objects of 128 bytes = 500 KB of survivors in a 1 MiB semispace: under the book rule
// the first 25% are copied and the rest promoted at once; under V8 all are copied.
std::string ManySurvivors() {
  std::string t = "heaplab-trace 1\n";
  for (int i = 1; i <= 4000; ++i)
    t += "a " + std::to_string(i) + " 128 0\n";
  return t + "g minor\n";
}

TEST(Ages, BookRulePromotesOnceToSpaceIsAQuarterFull) {
  GcConfig config = SmallConfig();
  config.promotion = PromotionRule::Book;
  auto s = ReplayText(config, ManySurvivors());
  const GcEvent& e = s->tracer().current();
  // To-space's fill is counted as new space counts it, in whole 32 KiB copy buffers: seven
  // fill 229376 bytes of the first page (under a quarter, 257720); the next buffer starts the
  // second page, the fill passes the quarter, and every later survivor is promoted.
  const std::size_t quarter = s->heap().new_space().Capacity() / 4;
  ASSERT_EQ(quarter, 257720u);
  EXPECT_EQ(e.semi_space_copied, 7 * 32 * KB + 128);
  EXPECT_EQ(e.semi_space_copied + e.promoted, 4000u * 128);
  EXPECT_GT(e.promoted, 0u);
}

TEST(Ages, V8RuleCopiesEveryFirstTimeSurvivor) {
  auto s = ReplayText(SmallConfig(), ManySurvivors());
  const GcEvent& e = s->tracer().current();
  EXPECT_EQ(e.semi_space_copied, 4000u * 128);
  EXPECT_EQ(e.promoted, 0u);
}

// Survivors that do not fit in to-space are promoted. A full 1 MiB semispace cannot be copied
// into an empty one: copied through 32 KiB buffers, seven per page, to-space takes 4 x 7 x 32
// objects of 1 KiB, and the other 104 of 1000 fresh survivors (none below the age mark, so the
// V8 rule would copy them all) are promoted.
std::string ThousandFreshKiBObjects() {
  std::string t = "heaplab-trace 1\n";
  for (int i = 1; i <= 1000; ++i)
    t += "a " + std::to_string(i) + " 1024 0\n";
  return t;
}

TEST(Ages, SurvivorsThatDoNotFitInToSpaceArePromoted) {
  auto s = ReplayText(SmallConfig(), ThousandFreshKiBObjects());
  Heap& heap = s->heap();
  s->mutator().RequestGc(Generation::Young);
  const GcEvent& e = s->tracer().current();
  EXPECT_EQ(e.semi_space_copied, 896u * KB) << "four pages of seven buffers";
  EXPECT_EQ(e.promoted, 104u * KB) << "the rest did not fit";
  std::size_t young = 0;
  for (Id id = 1; id <= 1000; ++id)
    young += heap.InYoung(AddressOf(*s, id)) ? 1 : 0;
  EXPECT_EQ(young, 896u);
}

TEST(Ages, TheSameSurvivorsAreAllCopiedWhenToSpaceHoldsThem) {
  // Control for the test above: with 2 MiB semispaces nothing is promoted.
  auto s = ReplayText(SmallConfig(2, 2), ThousandFreshKiBObjects());
  s->mutator().RequestGc(Generation::Young);
  const GcEvent& e = s->tracer().current();
  EXPECT_EQ(e.semi_space_copied, 1000u * KB);
  EXPECT_EQ(e.promoted, 0u);
}

TEST(Ages, YoungLargeObjectsArePromotedWholeWithoutMoving) {
  auto s = ReplayText(SmallConfig(), "heaplab-trace 1\na 1 200000 1\nr 1\n");
  const Address a = AddressOf(*s, 1);
  EXPECT_EQ(s->heap().ChunkOf(a)->owner(), SpaceId::NewLargeObjectSpace);
  s->mutator().RequestGc(Generation::Young);
  EXPECT_EQ(AddressOf(*s, 1), a);
  EXPECT_EQ(s->heap().ChunkOf(a)->owner(), SpaceId::LargeObjectSpace);
  EXPECT_FALSE(s->heap().InYoung(a));
  EXPECT_EQ(s->tracer().current().promoted, 200000u);
}

TEST(Ages, DeadYoungLargeObjectsAreFreed) {
  auto s = ReplayText(SmallConfig(), "heaplab-trace 1\n{\na 1 200000 0\n}\ng minor\n");
  EXPECT_EQ(s->heap().ids().StateOf(1), IdTable::State::Freed);
  EXPECT_EQ(s->heap().new_lo_space().ObjectCount(), 0u);
  EXPECT_EQ(s->heap().lo_space().ObjectCount(), 0u);
}

}  // namespace
}  // namespace heaplab::test
