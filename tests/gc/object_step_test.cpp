// Object steps (gc/include/heaplab/gc/object_step.h): with an observer attached, each collector
// reports exactly what it does to single objects. A Scavenge reports as copied or promoted
// exactly the young objects that survive it (checked against a trace written by hand and
// against the reachability oracle's shadow graph), and promotes exactly those below the age
// mark; the insertion barrier reports a hit when a marked object receives a white one; an
// evacuating full GC reports as moved exactly the live objects of its candidate pages.
#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <unordered_map>
#include <unordered_set>

#include <heaplab/traces/scenarios.h>
#include "oracle.h"
#include "test_heap.h"

namespace heaplab::test {
namespace {

// One reported step with the trace id of its object (0 when the address names no live id).
struct LogStep {
  ObjectStepKind kind;
  Id id;
  Address from;
  Address to;
  std::size_t size;
  bool host_marked;
};

// Records every step of every collection, naming objects by their trace ids: at the start of
// each collection (and before each step outside one) it maps the live ids' addresses, which
// the collectors leave in place until evacuation is over.
class StepLog : public ObjectStepObserver, public GcObserver {
 public:
  explicit StepLog(Session& s) : s_(s) {
    s_.tracer().SetStepObserver(this);
    s_.tracer().AddObserver(this);
  }
  ~StepLog() override {
    s_.tracer().SetStepObserver(nullptr);
    s_.tracer().RemoveObserver(this);
  }

  void OnCollectionStart(Collector collector) override {
    collections.push_back({collector, {}, s_.heap().new_space().age_mark()});
    in_collection_ = true;
    MapIds();
    if (on_start) on_start(collector);
  }
  void OnGc(const GcEvent& e) override {
    in_collection_ = false;
    if (on_gc) on_gc(e);
  }
  void OnObjectStep(const ObjectStep& step) override {
    if (!in_collection_) MapIds();  // marking steps and the barrier, between collections
    auto it = ids_.find(step.from);
    const Id id = it != ids_.end() ? it->second : 0;
    LogStep seen{step.kind, id, step.from, step.to, step.size, step.host_marked};
    if (step.kind == ObjectStepKind::BarrierHit) {
      auto v = ids_.find(step.to);
      seen.id = v != ids_.end() ? v->second : 0;  // the object stored: the one greyed
    }
    (in_collection_ ? collections.back().steps : outside).push_back(seen);
    if (on_step) on_step(step);
  }

  // Ids of the steps of one kind in collection `i`, with their sizes.
  std::map<Id, std::size_t> Ids(std::size_t i, ObjectStepKind kind) const {
    std::map<Id, std::size_t> out;
    for (const LogStep& s : collections.at(i).steps)
      if (s.kind == kind) out[s.id] = s.size;
    return out;
  }

  struct Collection {
    Collector collector;
    std::vector<LogStep> steps;
    Address age_mark;  // new space's age mark when it began
  };
  std::vector<Collection> collections;
  std::vector<LogStep> outside;  // steps outside any collection
  std::function<void(Collector)> on_start;
  std::function<void(const ObjectStep&)> on_step;
  std::function<void(const GcEvent&)> on_gc;

 private:
  void MapIds() {
    ids_.clear();
    s_.heap().ids().ForEachLive([&](Id id, Address a) { ids_[a] = id; });
  }

  Session& s_;
  std::unordered_map<Address, Id> ids_;
  bool in_collection_ = false;
};

std::map<Id, std::size_t> Sizes(std::initializer_list<std::pair<const Id, std::size_t>> l) {
  return std::map<Id, std::size_t>(l);
}

void Replay(Session& s, const std::string& text) {
  std::istringstream in(text);
  s.ReplayStream(in, "test.hlt");
}

// Reachability known by construction: 1 is a root throughout; 2 is reachable from it until
// the second Scavenge, 3 and 5 die in their scopes, 4 replaces 2.
TEST(ObjectSteps, AScavengeReportsExactlyTheSurvivorsCopiedAndPromoted) {
  Session s(SmallConfig());
  StepLog log(s);
  Replay(s,
         "heaplab-trace 1\n"
         "a 1 32 1\n"  // a local of the replayer's outermost scope: a root
         "{\na 2 48 0\nw 1 0 2\na 3 64 0\n}\n"
         "g minor\n"
         "{\na 4 80 0\nw 1 0 4\na 5 96 0\n}\n"
         "g minor\n");
  ASSERT_EQ(log.collections.size(), 2u);
  // First Scavenge: 1 and 2 survive for the first time (above the age mark): copied.
  EXPECT_EQ(log.Ids(0, ObjectStepKind::Copied), Sizes({{1, 32}, {2, 48}}));
  EXPECT_TRUE(log.Ids(0, ObjectStepKind::Promoted).empty());
  // Second: 1 survived once already (below the age mark): promoted; 4 is new: copied. 2 (no
  // longer referenced) and the dead 3 and 5 are never reported.
  EXPECT_EQ(log.Ids(1, ObjectStepKind::Promoted), Sizes({{1, 32}}));
  EXPECT_EQ(log.Ids(1, ObjectStepKind::Copied), Sizes({{4, 80}}));
  // Each step's destination is where the object is now; the scan visited both survivors.
  for (const LogStep& step : log.collections[1].steps) {
    if (step.kind == ObjectStepKind::Copied || step.kind == ObjectStepKind::Promoted) {
      EXPECT_EQ(step.to, AddressOf(s, step.id)) << "object " << step.id;
      EXPECT_NE(step.to, step.from);
    }
  }
  std::set<Address> scanned;
  for (const LogStep& step : log.collections[1].steps)
    if (step.kind == ObjectStepKind::Scanned) scanned.insert(step.to);
  EXPECT_EQ(scanned, (std::set<Address>{AddressOf(s, 1), AddressOf(s, 4)}));
}

TEST(ObjectSteps, NothingIsReportedWithoutAnObserver) {
  // The control of the test above: the same trace, the observer detached before the second
  // Scavenge, sees the first only.
  Session s(SmallConfig());
  auto log = std::make_unique<StepLog>(s);
  Replay(s, "heaplab-trace 1\na 1 32 1\n{\na 2 48 0\nw 1 0 2\n}\ng minor\n");
  ASSERT_EQ(log->collections.size(), 1u);
  const std::size_t steps = log->collections[0].steps.size();
  EXPECT_GT(steps, 0u);
  s.tracer().SetStepObserver(nullptr);
  s.mutator().RequestGc(Generation::Young);
  EXPECT_EQ(log->collections.size(), 1u);
  EXPECT_EQ(log->collections[0].steps.size(), steps);
}

// What a Scavenge must keep, from the oracle's shadow graph: the young objects reachable from
// the roots or from any old object (the remembered set holds every old-to-new slot, also those
// of old objects that died since the last full GC), through young objects.
std::unordered_set<Id> ScavengeSurvivors(const Oracle& oracle) {
  const auto& objects = oracle.objects();
  std::vector<Id> work(oracle.globals().begin(), oracle.globals().end());
  for (const auto& scope : oracle.scopes())
    work.insert(work.end(), scope.begin(), scope.end());
  for (const auto& [id, o] : objects)
    if (o.old) work.insert(work.end(), o.slots.begin(), o.slots.end());
  std::unordered_set<Id> young;
  while (!work.empty()) {
    const Id id = work.back();
    work.pop_back();
    if (id == 0) continue;
    const ShadowObject& o = objects.at(id);
    if (o.old || !young.insert(id).second) continue;
    work.insert(work.end(), o.slots.begin(), o.slots.end());
  }
  return young;
}

class ObjectStepsOracle : public ::testing::TestWithParam<std::uint64_t> {};

TEST_P(ObjectStepsOracle, EveryScavengeReportsExactlyWhatTheOracleSaysSurvives) {
  GcConfig config = SmallConfig();
  config.incremental_marking = false;
  Session s(config);
  Oracle oracle(s);
  s.tracer().AddObserver(&oracle);
  StepLog log(s);
  std::vector<std::unordered_set<Id>> expected;  // per collection, Scavenges only
  std::size_t dead = 0;  // young objects that died in a Scavenge: never to be reported
  log.on_start = [&](Collector c) {
    expected.push_back(c == Collector::Scavenge ? ScavengeSurvivors(oracle)
                                                : std::unordered_set<Id>{});
    if (c != Collector::Scavenge) return;
    for (const auto& [id, o] : oracle.objects())
      dead += !o.old && expected.back().count(id) == 0 ? 1 : 0;
  };
  RandomMutatorOptions options;
  options.events = 4000;
  options.explicit_gc_chance = 0.01;
  RandomMutator mutator(s, oracle, GetParam(), options);
  mutator.Run();
  ASSERT_FALSE(oracle.failed()) << oracle.failure();
  ASSERT_EQ(expected.size(), log.collections.size());
  std::size_t scavenges = 0;
  std::size_t promoted = 0;
  for (std::size_t i = 0; i < log.collections.size(); ++i) {
    const StepLog::Collection& c = log.collections[i];
    if (c.collector != Collector::Scavenge) continue;
    ++scavenges;
    std::unordered_set<Id> reported;
    for (const LogStep& step : c.steps) {
      if (step.kind != ObjectStepKind::Copied && step.kind != ObjectStepKind::Promoted) continue;
      EXPECT_TRUE(reported.insert(step.id).second) << "object " << step.id << " twice";
      EXPECT_EQ(expected[i].count(step.id), 1u)
          << "Scavenge " << i << " reported object " << step.id << ", which the oracle says dies";
      // V8's rule: promoted exactly when below the age mark (a large object is promoted
      // whole, in place).
      const bool large = step.from == step.to;
      if (!large) {
        EXPECT_EQ(step.kind == ObjectStepKind::Promoted, step.from < c.age_mark)
            << "object " << step.id << " " << ObjectStepKindName(step.kind);
      }
      promoted += step.kind == ObjectStepKind::Promoted ? 1 : 0;
    }
    for (Id id : expected[i])
      EXPECT_EQ(reported.count(id), 1u) << "Scavenge " << i << " did not report object " << id;
  }
  EXPECT_GT(scavenges, 5u);
  EXPECT_GT(promoted, 0u) << "the trace must promote something";
  EXPECT_GT(dead, 0u) << "the trace must let young objects die (the control)";
}

INSTANTIATE_TEST_SUITE_P(Seeds, ObjectStepsOracle, ::testing::Values(1u, 2u, 3u));

// A young large object survives by changing space, in place: reported once as promoted with
// `from` == `to`, by a Scavenge and by a full GC alike. The dead one beside it is only freed.
TEST(ObjectSteps, YoungLargeObjectsArePromotedWholeByBothCollectors) {
  for (const Generation generation : {Generation::Young, Generation::Old}) {
    SCOPED_TRACE(generation == Generation::Young ? "Scavenge" : "full GC");
    Session s(SmallConfig());
    StepLog log(s);
    Replay(s, "heaplab-trace 1\na 1 200000 1\nr 1\n{\na 2 300000 0\n}\n");
    const Address live = AddressOf(s, 1);
    s.mutator().RequestGc(generation);
    ASSERT_EQ(log.collections.size(), 1u);
    EXPECT_EQ(log.Ids(0, ObjectStepKind::Promoted), Sizes({{1, 200000}}));
    std::size_t freed_large = 0;
    for (const LogStep& step : log.collections[0].steps) {
      if (step.kind == ObjectStepKind::Promoted) {
        EXPECT_EQ(step.from, live);
        EXPECT_EQ(step.to, live);
      }
      if (step.kind == ObjectStepKind::Freed && step.size >= 300000) ++freed_large;
    }
    EXPECT_EQ(AddressOf(s, 1), live);
    EXPECT_EQ(s.heap().ChunkOf(live)->owner(), SpaceId::LargeObjectSpace);
    if (generation == Generation::Old) {
      EXPECT_EQ(freed_large, 1u) << "the dead chunk, freed";
    }
  }
}

std::vector<LogStep> Hits(const StepLog& log) {
  std::vector<LogStep> out;
  for (const LogStep& step : log.outside)
    if (step.kind == ObjectStepKind::BarrierHit) out.push_back(step);
  return out;
}

TEST(ObjectSteps, TheBarrierReportsAHitWhenAMarkedObjectReceivesAWhiteOne) {
  Session s(SmallConfig());
  Replay(s, "heaplab-trace 1\na 1 32 2\nr 1\na 2 32 0\na 3 32 0\n");
  StepLog log(s);
  Mutator& m = s.mutator();
  // Control: marking is off, so a store is no hit.
  m.Write(AddressOf(s, 1), 0, AddressOf(s, 2));
  EXPECT_TRUE(Hits(log).empty());

  s.controller().StartIncrementalMarking(Reason::Testing);
  IncrementalMarking& marking = s.controller().incremental_marking();
  ASSERT_TRUE(marking.IsMarking());
  // 1 (a global root) and 2 (stored in 1) are black; 3, only a local, stays white: the stack
  // is left to the finishing pause (stack_roots_test.cpp).
  marking.marker().Drain();
  m.Allocate(4, 32, 1);  // allocated during marking: white
  m.Allocate(5, 32, 0);
  const Address black = AddressOf(s, 1);
  ASSERT_TRUE(marking.marker().IsMarked(black));
  ASSERT_FALSE(marking.marker().IsMarked(AddressOf(s, 4)));
  ASSERT_TRUE(Hits(log).empty());

  m.Write(black, 1, AddressOf(s, 4));  // black receives white: the hit
  std::vector<LogStep> hits = Hits(log);
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].id, 4u);
  EXPECT_EQ(hits[0].from, black);
  EXPECT_TRUE(hits[0].host_marked);
  EXPECT_TRUE(marking.marker().IsMarked(AddressOf(s, 4))) << "greyed by the barrier";

  // Controls: the same store again (4 is grey now), a black object stored, null stored.
  m.Write(black, 1, AddressOf(s, 4));
  m.Write(black, 0, AddressOf(s, 2));
  m.Write(black, 0, 0);
  EXPECT_EQ(Hits(log).size(), 1u);

  // The insertion barrier greys whatever white object is stored, whatever the host's colour:
  // a white host's store is reported too, with host_marked false.
  ASSERT_FALSE(marking.marker().IsMarked(AddressOf(s, 5)));
  m.Allocate(6, 32, 1);  // white host
  m.Write(AddressOf(s, 6), 0, AddressOf(s, 5));
  hits = Hits(log);
  ASSERT_EQ(hits.size(), 2u);
  EXPECT_EQ(hits[1].id, 5u);
  EXPECT_FALSE(hits[1].host_marked);
}

TEST(ObjectSteps, AnEvacuatingFullGcMovesExactlyTheLiveObjectsOfItsCandidates) {
  GcConfig config = SmallConfig();
  config.compaction = Compaction::Evacuate;
  Session s(config);
  StepLog log(s);
  // The first full GC that evacuates: the ids' addresses before it, its candidate pages (seen
  // from the first of its steps after they were chosen), and after it, what moved.
  std::unordered_map<Id, Address> before;
  std::vector<std::pair<Address, Address>> candidates;  // [start, end) of each candidate page
  bool done = false;
  std::map<Id, Address> expected;  // the candidates' live objects, where they are after it
  std::size_t dead_on_candidates = 0;
  std::size_t live_elsewhere = 0;
  std::map<Id, Address> moved;
  log.on_start = [&](Collector c) {
    if (done || c != Collector::MarkCompact) return;
    before.clear();
    candidates.clear();
    s.heap().ids().ForEachLive([&](Id id, Address a) { before[id] = a; });
  };
  log.on_step = [&](const ObjectStep&) {
    if (done || !candidates.empty()) return;
    for (const Page* p : s.heap().old_space().pages())
      if (p->Is(kEvacuationCandidate)) candidates.emplace_back(p->start(), p->end());
  };
  log.on_gc = [&](const GcEvent& e) {
    if (done || e.collector != Collector::MarkCompact || e.evacuated_pages == 0) return;
    done = true;
    EXPECT_EQ(candidates.size(), e.evacuated_pages);
    auto on_candidate = [&](Address a) {
      for (const auto& [start, end] : candidates)
        if (a >= start && a < end) return true;
      return false;
    };
    for (const auto& [id, a] : before) {
      const bool live = s.heap().ids().StateOf(id) == IdTable::State::Live;
      if (!on_candidate(a)) {
        live_elsewhere += live ? 1 : 0;
      } else if (live) {
        expected[id] = s.heap().ids().Get(id);
      } else {
        ++dead_on_candidates;
      }
    }
    for (const LogStep& step : log.collections.back().steps) {
      if (step.kind != ObjectStepKind::Moved) continue;
      EXPECT_TRUE(moved.emplace(step.id, step.to).second) << "object " << step.id << " twice";
      EXPECT_EQ(before.at(step.id), step.from);
    }
  };
  // One old page full of live objects, which no full GC chooses, then a fragmented old space.
  std::string dense = "heaplab-trace 1\n";
  for (int i = 0; i < 240; ++i)
    dense += "o " + std::to_string(900000000 + i) + " 1024 0\n";
  Replay(s, dense);
  ScenarioOptions o;
  o.params = {{"nodes", 60000}, {"keep_every", 10}};
  s.ReplayScenario(*FindScenario("fragmentation"), o);
  ASSERT_TRUE(done) << "no full GC evacuated a page";
  EXPECT_EQ(moved, expected);
  EXPECT_GT(expected.size(), 0u);
  EXPECT_GT(dead_on_candidates, 0u) << "the control: dead objects on candidates stay unreported";
  EXPECT_GT(live_elsewhere, 0u) << "the control: live objects elsewhere do not move";
}

}  // namespace
}  // namespace heaplab::test
