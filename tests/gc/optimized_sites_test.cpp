// Optimized code and mementos (gc/include/heaplab/gc/pretenuring.h, `j SITE N`): a site declared
// with `j SITE N` makes a memento for its first N allocations and none after, keeps its tenure
// decision while optimized, and makes N more after each deoptimization: when it becomes
// `tenure`, when new space reaches its maximum while it is `maybe tenure`, and when tenured sites
// are reset. A site never declared makes a memento at every allocation.
#include <gtest/gtest.h>

#include <string>

#include "test_heap.h"

namespace heaplab::test {
namespace {

GcConfig Config() {
  GcConfig c = SmallConfig(1, 2);  // new space grows once, to its maximum of 2 MiB
  c.allocation_site_pretenuring = true;
  c.verify_heap = true;
  return c;
}

TEST(OptimizedSites, ASiteMakesMementosForItsFirstNAllocationsOnly) {
  auto s = ReplayText(Config(),
                      "heaplab-trace 1\n"
                      "j 5 3\n"
                      "a 1 64 0 @5\na 2 64 0 @5\na 3 64 0 @5\na 4 64 0 @5\na 5 64 0 @5\n"
                      "a 6 64 0 @6\na 7 64 0 @6\n");
  const Pretenuring& p = s->controller().pretenuring();
  ASSERT_EQ(p.site_count(), 2u);
  EXPECT_EQ(p.site(0).created, 3) << "three mementos, then optimized";
  EXPECT_EQ(p.site(1).created, 2) << "a site never declared is never optimized";
  EXPECT_EQ(s->heap().new_space().Size(), 7 * 64u + 5 * kMementoSize);
  for (Id id = 1; id <= 7; ++id) {
    const bool memento = id <= 3 || id >= 6;
    EXPECT_EQ(HeapObject(s->heap().ids().Get(id)).tracked(), memento) << id;
  }
  EXPECT_FALSE(p.MakesMemento(0));
  EXPECT_TRUE(p.MakesMemento(1));
}

TEST(OptimizedSites, NZeroIsOptimizedFromTheStart) {
  auto s = ReplayText(Config(), "heaplab-trace 1\nj 5 0\na 1 64 0 @5\n");
  EXPECT_EQ(s->controller().pretenuring().site(0).created, 0);
  EXPECT_EQ(s->heap().new_space().Size(), 64u);
}

// The feedback rules, fed by hand: which decisions deoptimize a site's code.
struct Feed {
  Session session{SmallConfig()};
  Pretenuring p{true};
  // A declared site whose code is optimized after `n`, given `created` mementos of which
  // `found` are found (created >= n: its window is used up).
  std::uint32_t Site(std::uint32_t n, int created, int found) {
    const std::uint32_t s = p.SiteIndex(p.site_count() + 100);
    p.SetTierUp(s, n);
    for (int i = 0; i < created; ++i)
      p.MementoCreated(s);
    for (int i = 0; i < found; ++i)
      p.MementoFound(s);
    return s;
  }
  void Process(bool at_maximum, bool deopt_maybe_tenured) {
    p.Process(at_maximum, deopt_maybe_tenured, 0, session.tracer());
  }
};

TEST(OptimizedSites, BecomingTenureDeoptimizesTheSite) {
  Feed f;
  const std::uint32_t s = f.Site(100, 100, 100);
  ASSERT_FALSE(f.p.MakesMemento(s));
  f.Process(false, false);  // maybe tenure: the code stays optimized
  EXPECT_EQ(f.p.site(s).decision, PretenureDecision::MaybeTenure);
  EXPECT_FALSE(f.p.MakesMemento(s));
  EXPECT_EQ(f.p.site(s).deopts, 0u);
  for (int i = 0; i < 100; ++i)
    f.p.MementoFound(s);  // (counts as the hand feed allows: found without created)
  for (int i = 0; i < 100; ++i)
    f.p.MementoCreated(s);
  f.Process(true, false);
  ASSERT_EQ(f.p.site(s).decision, PretenureDecision::Tenure);
  EXPECT_EQ(f.p.site(s).deopts, 1u);
  EXPECT_TRUE(f.p.MakesMemento(s));
  EXPECT_EQ(f.p.site(s).unoptimized_left, 100u);
}

TEST(OptimizedSites, NewSpaceAtItsMaximumDeoptimizesMaybeTenureSitesOnly) {
  Feed f;
  const std::uint32_t maybe = f.Site(150, 150, 150);
  const std::uint32_t dont = f.Site(150, 200, 100);
  f.Process(false, false);
  ASSERT_EQ(f.p.site(maybe).decision, PretenureDecision::MaybeTenure);
  ASSERT_EQ(f.p.site(dont).decision, PretenureDecision::DontTenure);
  f.Process(false, false);  // no deopt: both stay optimized
  EXPECT_FALSE(f.p.MakesMemento(maybe));
  f.Process(false, true);
  EXPECT_TRUE(f.p.MakesMemento(maybe));
  EXPECT_EQ(f.p.site(maybe).unoptimized_left, 150u);
  EXPECT_FALSE(f.p.MakesMemento(dont)) << "a don't-tenure site keeps its optimized code";
  EXPECT_EQ(f.p.site(dont).deopts, 0u);
}

TEST(OptimizedSites, ResettingTenuredSitesDeoptimizesThem) {
  Feed f;
  const std::uint32_t s = f.Site(100, 100, 100);
  f.Process(true, false);
  ASSERT_EQ(f.p.site(s).decision, PretenureDecision::Tenure);
  for (int i = 0; i < 100; ++i)
    f.p.MementoCreated(s);  // re-optimized with the decision
  ASSERT_FALSE(f.p.MakesMemento(s));
  f.p.EvaluateOldSpaceSurvival(1000, 99, 0, f.session.tracer());
  EXPECT_EQ(f.p.site(s).decision, PretenureDecision::Undecided);
  EXPECT_TRUE(f.p.MakesMemento(s));
  EXPECT_EQ(f.p.site(s).deopts, 2u);
}

// The whole loop through the heap: site 1's objects all survive, site 2's all die. Site 1's
// code is optimized after 150 allocations: enough for "maybe tenure" while new space can grow,
// and then no feedback at all, until the Scavenge that grows new space to its maximum
// deoptimizes it; its next 150 mementos make it "tenure", and its later objects are old.
// Without that deoptimization it would stay "maybe tenure" for ever.
TEST(OptimizedSites, AMaybeTenureSiteIsTenuredAfterTheDeoptAtMaximumNewSpace) {
  std::string text = "heaplab-trace 1\nj 1 150\n";
  Id id = 1;
  Id last_kept = 0;
  for (int i = 0; i < 60000; ++i) {
    last_kept = id;
    const std::string kept = std::to_string(id);
    const std::string dead1 = std::to_string(id + 1);
    const std::string dead2 = std::to_string(id + 2);
    id += 3;
    text += "{\na " + kept + " 64 0 @1\nr " + kept + "\na " + dead1 + " 64 0 @2\na " + dead2 +
            " 64 0 @2\n}\n";
  }
  auto session = ReplayText(Config(), text);
  const Pretenuring& p = session->controller().pretenuring();
  ASSERT_EQ(p.site_count(), 2u);
  EXPECT_EQ(p.site(0).decision, PretenureDecision::Tenure);
  EXPECT_GE(p.site(0).deopts, 1u);
  EXPECT_FALSE(session->heap().InYoung(session->heap().ids().Get(last_kept)));
  EXPECT_NE(p.site(1).decision, PretenureDecision::Tenure);
}

}  // namespace
}  // namespace heaplab::test
