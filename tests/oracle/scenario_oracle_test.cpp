// The oracle over every scenario (small parameters) under every configuration it applies to:
// both promotion rules, the three compaction modes, and --gc-interval stress, with
// --verify-heap on.
#include <gtest/gtest.h>

#include "oracle.h"
#include "test_heap.h"

namespace heaplab::test {
namespace {

// Replays each event and mirrors it in the oracle's shadow graph; every `full_gc_every` events
// it adds a full GC, so that every scenario's heap shape meets the full collector.
class OracleSink : public TraceSink {
 public:
  OracleSink(Session& s, Oracle& o, std::uint64_t full_gc_every)
      : session_(s), oracle_(o), full_gc_every_(full_gc_every) {}
  void Put(const TraceEvent& e) override {
    session_.replayer().Put(e);
    oracle_.Apply(e);
    if (++events_ % full_gc_every_ == 0) {
      TraceEvent gc;
      gc.op = Op::Gc;
      gc.major = true;
      session_.replayer().Put(gc);
    }
  }

 private:
  Session& session_;
  Oracle& oracle_;
  std::uint64_t full_gc_every_;
  std::uint64_t events_ = 0;
};

struct Case {
  std::string scenario;
  std::map<std::string, std::uint64_t> params;
  std::uint64_t full_gc_every = 40000;  // events between added full GCs
};

std::vector<Case> Cases() {
  return {
      {"churn", {{"requests", 4000}}},
      {"survivors", {{"rounds", 12}, {"cohort", 200}}, 5000},
      {"leak-cache", {{"entries", 15000}}},
      {"lru-cache", {{"capacity", 2000}, {"ops", 25000}}},
      {"slow-queue", {{"ticks", 12000}}, 80000},
      {"fragmentation", {{"nodes", 20000}, {"rounds", 2}}},
      {"closure-retention", {{"iterations", 60}, {"big", 140000}}, 500},
      {"closure-retention", {{"iterations", 60}, {"big", 140000}, {"fixed", 1}}, 500},
  };
}

using Param = std::tuple<int, PromotionRule, Compaction, std::int64_t>;

class ScenarioOracle : public ::testing::TestWithParam<Param> {};

TEST_P(ScenarioOracle, ReachableObjectsSurviveExactly) {
  const auto [index, rule, compaction, interval] = GetParam();
  const Case c = Cases()[static_cast<std::size_t>(index)];
  GcConfig config = SmallConfig(1, 4);
  config.promotion = rule;
  config.compaction = compaction;
  config.gc_interval = interval;
  // A small old generation so that full GCs happen on their own.
  config.heap.max_old_space_size = 64 * MB;
  Session session(config);
  Oracle oracle(session);
  OracleSink sink(session, oracle, c.full_gc_every);
  ScenarioOptions options;
  options.params = c.params;
  GenerateScenario(*FindScenario(c.scenario), options, sink);
  EXPECT_FALSE(oracle.failed()) << oracle.failure();
  EXPECT_GT(oracle.stats().scavenges, 0u);
  EXPECT_GT(oracle.stats().full_gcs, 0u);  // added ones at least
}

std::string Name(const ::testing::TestParamInfo<Param>& info) {
  const auto [index, rule, compaction, interval] = info.param;
  std::string name = Cases()[static_cast<std::size_t>(index)].scenario + std::to_string(index);
  for (char& ch : name)
    if (ch == '-') ch = '_';
  name += rule == PromotionRule::V8 ? "_v8" : "_book";
  name += compaction == Compaction::Evacuate ? "_evacuate"
          : compaction == Compaction::Slide  ? "_slide"
                                             : "_none";
  name += interval < 0 ? "" : "_every" + std::to_string(interval);
  return name;
}

INSTANTIATE_TEST_SUITE_P(
    Scenarios, ScenarioOracle,
    ::testing::Combine(::testing::Range(0, 8),
                       ::testing::Values(PromotionRule::V8, PromotionRule::Book),
                       ::testing::Values(Compaction::Evacuate, Compaction::Slide, Compaction::None),
                       ::testing::Values(std::int64_t{-1}, std::int64_t{997})),
    Name);

}  // namespace
}  // namespace heaplab::test
