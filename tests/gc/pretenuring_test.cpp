// Allocation-site pretenuring (gc/include/heaplab/gc/pretenuring.h): mementos are created at
// tracked sites and found by the Scavenger behind survivors; a site is tenured only when at least
// 100 mementos were created, at least 85% of them found, and the GC began with new space at its
// maximum capacity; a tenured site's objects are allocated in old space; tenured sites are reset
// after a full GC that kept less than 10% of the heap.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "test_heap.h"

namespace heaplab::test {
namespace {

struct PretenuringLog : GcObserver {
  std::vector<PretenuringEvent> events;
  std::vector<std::string> timeline;  // "grow", "site S before after", "gc N"
  int gcs = 0;
  void OnPretenuring(const PretenuringEvent& e) override {
    events.push_back(e);
    if (e.kind == PretenuringEventKind::Site)
      timeline.push_back("site " + std::to_string(e.site) + " " + std::to_string(e.before) + " " +
                         std::to_string(e.after));
  }
  void OnHeapEvent(const HeapEvent& e) override {
    if (e.kind == HeapEventKind::SemiSpaceGrow) timeline.push_back("grow");
  }
  void OnGc(const GcEvent&) override { timeline.push_back("gc " + std::to_string(++gcs)); }
};

constexpr auto kTenure = static_cast<std::uint8_t>(PretenureDecision::Tenure);
constexpr auto kMaybe = static_cast<std::uint8_t>(PretenureDecision::MaybeTenure);

TraceEvent Alloc(Id id, std::uint64_t site) {
  TraceEvent e;
  e.op = Op::Allocate;
  e.id = id;
  e.size = 64;
  e.has_site = true;
  e.site = site;
  return e;
}
TraceEvent Simple(Op op, Id id = 0) {
  TraceEvent e;
  e.op = op;
  e.id = id;
  return e;
}

GcConfig Config(bool pretenuring) {
  GcConfig c = SmallConfig(1, 2);  // new space grows once, to its maximum of 2 MiB
  c.allocation_site_pretenuring = pretenuring;
  c.verify_heap = true;
  return c;
}

// Site 1's objects are all kept (global roots); site 2's all die (scope locals). Records, for
// every site-1 object, whether it was young when allocated, and site 1's decision then.
struct SiteRun {
  std::vector<bool> young;
  std::vector<PretenureDecision> decision;
  PretenuringLog log;
  std::unique_ptr<Session> session;
};

SiteRun SurvivorsAndGarbage(bool pretenuring, int iterations) {
  SiteRun r;
  r.session = std::make_unique<Session>(Config(pretenuring));
  Session& s = *r.session;
  s.tracer().AddObserver(&r.log);
  Replayer& replay = s.replayer();
  Id id = 1;
  for (int i = 0; i < iterations; ++i) {
    replay.Put(Simple(Op::Open));
    const Id kept = id++;
    // The decision as the allocation sees it: a GC the allocation itself triggers does not
    // move it (V8 chose the space before it collected).
    const Pretenuring& p = s.controller().pretenuring();
    r.decision.push_back(p.site_count() > 0 ? p.site(0).decision : PretenureDecision::Undecided);
    replay.Put(Alloc(kept, 1));
    r.young.push_back(s.heap().InYoung(s.heap().ids().Get(kept)));
    replay.Put(Simple(Op::Root, kept));
    replay.Put(Alloc(id++, 2));
    replay.Put(Alloc(id++, 2));
    replay.Put(Simple(Op::Close));
  }
  return r;
}

TEST(Pretenuring, ASiteWhoseObjectsSurviveIsTenuredOnceNewSpaceIsAtItsMaximum) {
  SiteRun r = SurvivorsAndGarbage(true, 60000);
  const Pretenuring& p = r.session->controller().pretenuring();
  ASSERT_EQ(p.site_count(), 2u);
  EXPECT_EQ(p.site(0).decision, PretenureDecision::Tenure);
  EXPECT_NE(p.site(1).decision, PretenureDecision::Tenure) << "a dying site is never tenured";
  EXPECT_NE(p.site(1).decision, PretenureDecision::MaybeTenure);

  // Before new space reached its maximum, site 1 was only "maybe tenure"; it became "tenure"
  // at the first GC that began with new space at its maximum: the one after the growth.
  const std::vector<std::string>& t = r.log.timeline;
  std::size_t grow = 0;
  while (grow < t.size() && t[grow] != "grow")
    ++grow;
  ASSERT_LT(grow, t.size()) << "new space never grew";
  std::size_t first_tenure = t.size();
  for (std::size_t i = 0; i < t.size(); ++i) {
    if (t[i] == "site 1 " + std::to_string(kMaybe) + " " + std::to_string(kTenure) ||
        t[i] == "site 1 0 " + std::to_string(kTenure)) {
      first_tenure = i;
      break;
    }
  }
  ASSERT_LT(first_tenure, t.size()) << "site 1 was never tenured";
  int gcs_between = 0;
  for (std::size_t i = grow; i < first_tenure; ++i)
    gcs_between += t[i].rfind("gc ", 0) == 0;
  EXPECT_EQ(gcs_between, 1) << "tenured at the GC after the one that grew new space";
  bool maybe_before = false;
  for (std::size_t i = 0; i < grow; ++i) {
    const bool site_tenured = t[i].rfind("site ", 0) == 0 && t[i].back() == '0' + kTenure;
    EXPECT_FALSE(site_tenured) << t[i];
    maybe_before |= t[i] == "site 1 0 " + std::to_string(kMaybe);
  }
  EXPECT_TRUE(maybe_before) << "site 1 was maybe-tenured while new space could still grow";

  // Where site 1's objects went: young until the decision, old from then on.
  std::size_t young_after = 0;
  std::size_t old_before = 0;
  std::size_t tenured = 0;
  for (std::size_t i = 0; i < r.young.size(); ++i) {
    if (r.decision[i] == PretenureDecision::Tenure) {
      ++tenured;
      young_after += r.young[i];
    } else {
      old_before += !r.young[i];
    }
  }
  EXPECT_GT(tenured, 10000u);
  EXPECT_EQ(young_after, 0u) << "objects of a tenured site are allocated in old space";
  EXPECT_EQ(old_before, 0u) << "and not before";
}

TEST(Pretenuring, OffNoSiteIsTenuredAndNoMementoIsWritten) {
  SiteRun r = SurvivorsAndGarbage(false, 60000);
  EXPECT_TRUE(r.log.events.empty());
  for (bool young : r.young)
    ASSERT_TRUE(young);
  // Control for the memento's bytes: with pretenuring on, each tracked allocation takes 16
  // bytes more of new space.
  auto on = std::make_unique<Session>(Config(true));
  auto off = std::make_unique<Session>(Config(false));
  on->replayer().Put(Alloc(1, 7));
  off->replayer().Put(Alloc(1, 7));
  EXPECT_EQ(on->heap().new_space().Size(), 64u + kMementoSize);
  EXPECT_EQ(off->heap().new_space().Size(), 64u);
}

// V8 looks for a memento only behind objects whose map AllocationSite::CanTrack; heaplab only
// behind objects whose header has the tracked bit, which the allocation at a tracked site sets.
// The same memento behind the same object is counted when the bit is set and ignored when it is
// cleared by hand.
TEST(Pretenuring, TheScavengerLooksForAMementoOnlyBehindATrackedObject) {
  for (const bool clear : {false, true}) {
    Session s(Config(true));
    s.replayer().Put(Alloc(1, 7));
    s.replayer().Put(Simple(Op::Root, 1));
    HeapObject obj(s.heap().ids().Get(1));
    ASSERT_TRUE(obj.tracked());
    ASSERT_TRUE(IsMemento(obj.address() + obj.size()));
    if (clear) obj.set_header(Header::Make(obj.size(), obj.slot_count(), obj.kind()));
    TraceEvent gc = Simple(Op::Gc);
    gc.major = false;
    s.replayer().Put(gc);
    const Pretenuring& p = s.controller().pretenuring();
    EXPECT_EQ(p.site(0).created, 1);
    EXPECT_EQ(p.site(0).found, clear ? 0 : 1) << (clear ? "untracked" : "tracked");
  }
}

// The feedback rules themselves, fed by hand.
struct Feed {
  Session session{SmallConfig()};
  Pretenuring p{true};
  PretenuringLog log;
  Feed() { session.tracer().AddObserver(&log); }
  std::uint32_t Site(int created, int found) {
    const std::uint32_t s = p.SiteIndex(p.site_count() + 100);
    for (int i = 0; i < created; ++i)
      p.MementoCreated(s);
    for (int i = 0; i < found; ++i)
      p.MementoFound(s);
    return s;
  }
  void Process(bool at_maximum) { p.Process(at_maximum, false, 0, session.tracer()); }
};

TEST(Pretenuring, TheRatioThresholdIsEightyFivePercent) {
  Feed f;
  const std::uint32_t exactly = f.Site(120, 102);  // 0.85
  const std::uint32_t below = f.Site(121, 102);    // 0.843
  const std::uint32_t all = f.Site(100, 100);
  f.Process(true);
  EXPECT_EQ(f.p.site(exactly).decision, PretenureDecision::Tenure);
  EXPECT_EQ(f.p.site(below).decision, PretenureDecision::DontTenure);
  EXPECT_EQ(f.p.site(all).decision, PretenureDecision::Tenure);
  // Digesting resets the counts.
  EXPECT_EQ(f.p.site(all).created, 0);
  EXPECT_EQ(f.p.site(all).found, 0);
}

TEST(Pretenuring, NoDecisionBeforeAHundredMementos) {
  Feed f;
  const std::uint32_t few_found = f.Site(200, 99);  // never listed: found < 100
  const std::uint32_t few_created = f.Site(99, 0);
  f.p.MementoFound(few_created);
  f.Process(true);
  EXPECT_EQ(f.p.site(few_found).decision, PretenureDecision::Undecided);
  EXPECT_EQ(f.p.site(few_created).decision, PretenureDecision::Undecided);
  EXPECT_EQ(f.p.site(few_found).found, 99) << "counts wait for the hundredth memento";
  f.p.MementoFound(few_found);  // the hundredth found: listed, digested at the next GC
  f.Process(true);
  EXPECT_EQ(f.p.site(few_found).decision, PretenureDecision::DontTenure);  // 100 / 200
  // found reaches 100 but only 99 were created since the last digest: no decision yet
  const std::uint32_t s = f.Site(99, 100);
  f.Process(true);
  EXPECT_EQ(f.p.site(s).decision, PretenureDecision::Undecided);
}

TEST(Pretenuring, MaybeTenureWhileNewSpaceCanGrowThenTenure) {
  Feed f;
  const std::uint32_t s = f.Site(100, 100);
  f.Process(false);
  EXPECT_EQ(f.p.site(s).decision, PretenureDecision::MaybeTenure);
  for (int i = 0; i < 100; ++i) {
    f.p.MementoCreated(s);
    f.p.MementoFound(s);
  }
  f.Process(true);
  EXPECT_EQ(f.p.site(s).decision, PretenureDecision::Tenure);
  // Decided sites do not move on feedback: a don't-tenure site stays so.
  const std::uint32_t d = f.Site(200, 100);
  f.Process(true);
  ASSERT_EQ(f.p.site(d).decision, PretenureDecision::DontTenure);
  for (int i = 0; i < 100; ++i) {
    f.p.MementoCreated(d);
    f.p.MementoFound(d);
  }
  f.Process(true);
  EXPECT_EQ(f.p.site(d).decision, PretenureDecision::DontTenure);
}

TEST(Pretenuring, TenuredSitesResetWhenAFullGcKeepsUnderTenPercent) {
  Feed f;
  const std::uint32_t s = f.Site(100, 100);
  f.Process(true);
  ASSERT_EQ(f.p.site(s).decision, PretenureDecision::Tenure);
  f.p.EvaluateOldSpaceSurvival(1000, 100, 0, f.session.tracer());  // 10%: kept
  EXPECT_EQ(f.p.site(s).decision, PretenureDecision::Tenure);
  f.p.EvaluateOldSpaceSurvival(1000, 99, 0, f.session.tracer());  // 9.9%: reset
  EXPECT_EQ(f.p.site(s).decision, PretenureDecision::Undecided);
  ASSERT_FALSE(f.log.events.empty());
  EXPECT_EQ(f.log.events.back().kind, PretenuringEventKind::Reset);
}

TEST(Pretenuring, TraceSyntaxNamesTheSiteAndOldAllocations) {
  auto s = ReplayText(Config(true),
                      "heaplab-trace 1\n"
                      "a 1 64 0 @42\n"
                      "o 2 64 1\n"
                      "a 3 64 0\n");
  EXPECT_TRUE(s->heap().InYoung(s->heap().ids().Get(1)));
  EXPECT_FALSE(s->heap().InYoung(s->heap().ids().Get(2)));
  EXPECT_EQ(s->controller().pretenuring().site_count(), 1u);
  EXPECT_EQ(s->controller().pretenuring().site(0).name, 42u);
  EXPECT_EQ(s->controller().pretenuring().site(0).created, 1);
  EXPECT_EQ(s->heap().new_space().Size(), 64u + kMementoSize + 64u);
}

// A full GC promotes a new-space page whose live bytes exceed 70% of its area whole, and V8
// does not look for mementos on such a page (MarkCompact::set_pretenuring). Page 0 is filled
// with 3221 objects of site 1 (64 bytes and a 16-byte memento each: 80 bytes, 3221 x 80 fits
// the page's 257720); the next 100 go to page 1. With every object kept, page 0 is 80% live
// and only page 1's mementos are found; with every other object of page 0 dying, it is 40%
// live and all the live objects' mementos are found; a memory-reducing full GC (the last resort)
// promotes no page whole.
std::vector<PretenuringEvent> FullGcFeedback(bool all_kept, bool last_resort = false) {
  std::string text = "heaplab-trace 1\n";
  for (Id id = 1; id <= 3321; ++id) {
    const std::string a = "a " + std::to_string(id) + " 64 0 @1\n";
    if (all_kept || id > 3221 || id % 2 == 0) {
      text += a + "r " + std::to_string(id) + "\n";
    } else {
      text += "{\n" + a + "}\n";  // a local of a scope that closes: dead
    }
  }
  auto s = ReplayText(Config(true), text);
  EXPECT_EQ(s->heap().new_space().Size(), 257720u + 100 * 80) << "page 0 full, 100 on page 1";
  PretenuringLog log;
  s->tracer().AddObserver(&log);
  if (last_resort) {
    s->controller().CollectAllAvailableGarbage();  // reduces memory: no page promoted whole
  } else {
    TraceEvent gc = Simple(Op::Gc);
    gc.major = true;
    s->replayer().Put(gc);
  }
  std::vector<PretenuringEvent> sites;
  for (const PretenuringEvent& e : log.events)
    if (e.kind == PretenuringEventKind::Site) sites.push_back(e);
  return sites;
}

TEST(Pretenuring, AFullGcFindsNoMementoOnAPageItPromotesWhole) {
  const std::vector<PretenuringEvent> kept = FullGcFeedback(true);
  ASSERT_EQ(kept.size(), 1u);
  EXPECT_EQ(kept[0].created, 3321);
  EXPECT_EQ(kept[0].found, 100) << "page 0 (80% live) is promoted whole: its mementos unseen";
  const std::vector<PretenuringEvent> half = FullGcFeedback(false);
  ASSERT_EQ(half.size(), 1u);
  EXPECT_EQ(half[0].created, 3321);
  EXPECT_EQ(half[0].found, 1610 + 100) << "page 0 (40% live) is evacuated object by object";
  const std::vector<PretenuringEvent> reducing = FullGcFeedback(true, true);
  ASSERT_FALSE(reducing.empty());
  EXPECT_EQ(reducing[0].created, 3321);
  EXPECT_EQ(reducing[0].found, 3321) << "a memory-reducing full GC promotes no page whole";
}

}  // namespace
}  // namespace heaplab::test
