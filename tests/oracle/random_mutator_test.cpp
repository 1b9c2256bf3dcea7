// The reachability oracle over seeded random mutators, across semispace sizes, both promotion
// rules and --gc-interval stress, with --verify-heap on. Each test runs kSeeds traces of one
// configuration; a failing trace is saved and its path printed.
#include <gtest/gtest.h>

#include "oracle.h"
#include "test_heap.h"

namespace heaplab::test {
namespace {

struct OracleConfig {
  std::size_t min_semi_mb;
  std::size_t max_semi_mb;
  PromotionRule promotion;
  std::int64_t gc_interval;
};

std::string Name(const OracleConfig& c) {
  return "semi" + std::to_string(c.min_semi_mb) + "to" + std::to_string(c.max_semi_mb) +
         (c.promotion == PromotionRule::V8 ? "_v8" : "_book") +
         (c.gc_interval < 0 ? std::string("_natural")
                            : "_every" + std::to_string(c.gc_interval));
}

// 48 configurations x 42 seeds = 2016 traces; fewer under the sanitizers, which are slower.
#ifdef HEAPLAB_SANITIZE
constexpr int kSeeds = 6;
#else
constexpr int kSeeds = 42;
#endif

class OracleTest : public ::testing::TestWithParam<OracleConfig> {};

TEST_P(OracleTest, ReachableObjectsSurviveExactly) {
  const OracleConfig& c = GetParam();
  OracleStats total;
  for (int seed = 1; seed <= kSeeds; ++seed) {
    GcConfig config = SmallConfig(c.min_semi_mb, c.max_semi_mb);
    config.promotion = c.promotion;
    config.gc_interval = c.gc_interval;
    Session session(config);
    Oracle oracle(session);
    RandomMutatorOptions options;
    // Natural collections need the semispace to fill: allocate more and bigger objects.
    if (c.gc_interval < 0) {
      options.events = 6000;
      options.medium_chance = 0.025 * static_cast<double>(c.max_semi_mb);
    } else if (c.gc_interval == 1) {
      options.events = 1000;  // a collection at every allocation
    }
    RandomMutator mutator(session, oracle,
                          static_cast<std::uint64_t>(seed) * 7919 + c.max_semi_mb, options);
    try {
      mutator.Run();
    } catch (const std::exception& e) {
      const std::string path = SaveTrace(mutator.TraceText(), "oracle-" + Name(c) + "-" +
                                                                    std::to_string(seed));
      FAIL() << "seed " << seed << ": " << e.what() << "\n  trace: " << path;
    }
    if (oracle.failed()) {
      const std::string path =
          SaveTrace(mutator.TraceText(), "oracle-" + Name(c) + "-" + std::to_string(seed));
      FAIL() << "seed " << seed << ": " << oracle.failure() << "\n  trace: " << path;
    }
    total.collections += oracle.stats().collections;
    total.checks += oracle.stats().checks;
    total.promoted_seen += oracle.stats().promoted_seen;
  }
  // The configuration must actually have exercised the collector.
  EXPECT_GT(total.collections, static_cast<std::uint64_t>(kSeeds));
  EXPECT_GT(total.checks, 0u);
  RecordProperty("traces", kSeeds);
  RecordProperty("collections", static_cast<int>(total.collections));
}

std::vector<OracleConfig> Configs() {
  std::vector<OracleConfig> out;
  const std::pair<std::size_t, std::size_t> semispaces[] = {{1, 1}, {1, 2},  {1, 4},
                                                             {1, 8}, {1, 16}, {16, 16}};
  for (auto [min, max] : semispaces) {
    for (PromotionRule rule : {PromotionRule::V8, PromotionRule::Book}) {
      for (std::int64_t interval :
           {std::int64_t{-1}, std::int64_t{1}, std::int64_t{13}, std::int64_t{97}}) {
        out.push_back({min, max, rule, interval});
      }
    }
  }
  return out;
}

INSTANTIATE_TEST_SUITE_P(Configs, OracleTest, ::testing::ValuesIn(Configs()),
                         [](const ::testing::TestParamInfo<OracleConfig>& p) { return Name(p.param); });

}  // namespace
}  // namespace heaplab::test
