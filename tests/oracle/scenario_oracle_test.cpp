// The oracle over every scenario (small parameters) under every configuration it applies to:
// both promotion rules, the three compaction modes, and --gc-interval stress, with
// --verify-heap on.
#include <gtest/gtest.h>

#include <filesystem>
#include <iostream>
#include <sstream>

#include <heaplab/traces/writer.h>
#include "oracle.h"
#include "test_heap.h"

namespace heaplab::test {
namespace {

// Collects a scenario's events, adding a full GC every `full_gc_every` events, so that every
// scenario's heap shape meets the full collector.
class Collect : public TraceSink {
 public:
  explicit Collect(std::uint64_t full_gc_every) : full_gc_every_(full_gc_every) {}
  void Put(const TraceEvent& e) override {
    events.push_back(e);
    if (++count_ % full_gc_every_ == 0) {
      TraceEvent gc;
      gc.op = Op::Gc;
      gc.major = true;
      events.push_back(gc);
    }
  }
  std::vector<TraceEvent> events;

 private:
  std::uint64_t full_gc_every_;
  std::uint64_t count_ = 0;
};

struct Case {
  std::string name;  // unique, a valid test-name part
  std::string scenario;
  std::map<std::string, std::uint64_t> params;
  std::uint64_t full_gc_every = 40000;  // events between added full GCs
};

void PrintTo(const Case& c, std::ostream* os) {
  *os << c.name;
}

std::vector<Case> Cases() {
  return {
      {"churn", "churn", {{"requests", 4000}}},
      {"survivors", "survivors", {{"rounds", 12}, {"cohort", 200}}, 5000},
      {"leak_cache", "leak-cache", {{"entries", 15000}}},
      {"lru_cache", "lru-cache", {{"capacity", 2000}, {"ops", 25000}}},
      {"slow_queue", "slow-queue", {{"ticks", 12000}}, 80000},
      {"fragmentation", "fragmentation", {{"nodes", 20000}, {"rounds", 2}}},
      {"closure_retention", "closure-retention", {{"iterations", 60}, {"big", 140000}}, 500},
      {"closure_retention_fixed",
       "closure-retention",
       {{"iterations", 60}, {"big", 140000}, {"fixed", 1}},
       500},
  };
}

using Param = std::tuple<Case, PromotionRule, Compaction, std::int64_t>;

std::string Name(const Param& p) {
  const auto& [c, rule, compaction, interval] = p;
  std::ostringstream name;
  name << c.name << "_" << ::testing::PrintToString(rule) << "_"
       << ::testing::PrintToString(compaction);
  if (interval >= 0) name << "_every" << interval;
  return name.str();
}

class ScenarioOracle : public ::testing::TestWithParam<Param> {};

TEST_P(ScenarioOracle, ReachableObjectsSurviveExactly) {
  const auto& [c, rule, compaction, interval] = GetParam();
  Collect collect(c.full_gc_every);
  ScenarioOptions options;
  options.params = c.params;
  GenerateScenario(*FindScenario(c.scenario), options, collect);
  // The trace goes to a file before it runs, so that a crash leaves it behind for
  // `heaplab run --verify-heap FILE`; it is removed when the case passes.
  std::string text;
  {
    std::ostringstream out;
    TraceWriter writer(out, {{"scenario", c.scenario}});
    for (const TraceEvent& e : collect.events)
      writer.Put(e);
    text = out.str();
  }
  const std::string path = SaveTrace(text, "oracle-scenario-" + Name(GetParam()));
  std::cerr << "trace: " << path << "\n";

  GcConfig config = SmallConfig(1, 4);
  config.promotion = rule;
  config.compaction = compaction;
  config.gc_interval = interval;
  // A small old generation so that full GCs happen on their own.
  config.heap.max_old_space_size = 64 * MB;
  Session session(config);
  Oracle oracle(session);
  for (const TraceEvent& e : collect.events) {
    session.replayer().Put(e);
    oracle.Apply(e);
  }
  EXPECT_FALSE(oracle.failed()) << oracle.failure() << "\n  trace: " << path;
  EXPECT_GT(oracle.stats().scavenges, 0u);
  EXPECT_GT(oracle.stats().full_gcs, 0u);  // added ones at least
  if (!HasFailure()) std::filesystem::remove(path);
}

INSTANTIATE_TEST_SUITE_P(
    Scenarios, ScenarioOracle,
    ::testing::Combine(::testing::ValuesIn(Cases()),
                       ::testing::Values(PromotionRule::V8, PromotionRule::Book),
                       ::testing::Values(Compaction::Evacuate, Compaction::Slide, Compaction::None),
                       ::testing::Values(std::int64_t{-1}, std::int64_t{997})),
    [](const ::testing::TestParamInfo<Param>& p) { return Name(p.param); });

}  // namespace
}  // namespace heaplab::test
