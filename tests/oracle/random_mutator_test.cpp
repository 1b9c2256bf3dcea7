// The reachability oracle over seeded random mutators, across semispace sizes, both promotion
// rules and --gc-interval stress, with --verify-heap on. Each test runs kSeeds traces of one
// configuration; each trace is saved before it runs (its path printed), so that a failing or
// crashing one can be replayed with `heaplab run --verify-heap FILE`.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "oracle.h"
#include "test_heap.h"

namespace heaplab::test {
namespace {

struct OracleConfig {
  std::size_t min_semi_mb;
  std::size_t max_semi_mb;
  PromotionRule promotion;
  std::int64_t gc_interval;
  bool full_gcs = false;  // explicit major GCs and an old generation small enough to fill
  Compaction compaction = Compaction::Evacuate;
};

const char* CompactionName(Compaction c) {
  return c == Compaction::Evacuate ? "evacuate" : c == Compaction::Slide ? "slide" : "none";
}

// Counts what full GCs did, so that a configuration that never compacts fails.
class FullGcCounter : public GcObserver {
 public:
  void OnGc(const GcEvent& e) override {
    if (e.collector != Collector::MarkCompact) return;
    ++full_gcs;
    compacted += e.compacted;
  }
  std::uint64_t full_gcs = 0;
  std::uint64_t compacted = 0;
};

std::string Name(const OracleConfig& c);

void PrintTo(const OracleConfig& c, std::ostream* os) {
  *os << Name(c);
}

std::string Name(const OracleConfig& c) {
  return "semi" + std::to_string(c.min_semi_mb) + "to" + std::to_string(c.max_semi_mb) +
         (c.promotion == PromotionRule::V8 ? "_v8" : "_book") +
         (c.gc_interval < 0 ? std::string("_natural") : "_every" + std::to_string(c.gc_interval)) +
         (c.full_gcs ? std::string("_full_") + CompactionName(c.compaction) : std::string());
}

// 60 configurations x 42 seeds = 2520 traces; fewer under the sanitizers, which are slower.
#ifdef HEAPLAB_SANITIZE
constexpr int kDefaultSeeds = 6;
#else
constexpr int kDefaultSeeds = 42;
#endif
// HEAPLAB_ORACLE_SEEDS overrides the count (e.g. 500 for a long soak).
const int kSeeds = [] {
  const char* env = std::getenv("HEAPLAB_ORACLE_SEEDS");
  return env != nullptr && std::atoi(env) > 0 ? std::atoi(env) : kDefaultSeeds;
}();

class OracleTest : public ::testing::TestWithParam<OracleConfig> {};

TEST_P(OracleTest, ReachableObjectsSurviveExactly) {
  const OracleConfig& c = GetParam();
  OracleStats total;
  FullGcCounter full;
  std::string trace_path;
  std::uint64_t tier_events = 0;
  for (int seed = 1; seed <= kSeeds; ++seed) {
    GcConfig config = SmallConfig(c.min_semi_mb, c.max_semi_mb);
    config.promotion = c.promotion;
    config.gc_interval = c.gc_interval;
    config.compaction = c.compaction;
    Session session(config);
    Oracle oracle(session);
    session.tracer().AddObserver(&full);
    RandomMutatorOptions options;
    // Allocation sites (pretenuring feeds back and may tenure them) and old-space allocation.
    options.site_chance = 0.3;
    options.old_chance = 0.03;
    if (c.full_gcs) {
      // Many medium objects spread over several pages, then die there: old pages fragment
      // and evacuation finds candidates.
      options.major_gcs = true;
      options.explicit_gc_chance = 0.02;
      options.medium_chance = 0.1;
      options.events = 5000;
    }
    // Natural collections need the semispace to fill: allocate more and bigger objects.
    if (c.gc_interval < 0) {
      options.events = 6000;
      options.medium_chance = 0.025 * static_cast<double>(c.max_semi_mb);
    } else if (c.gc_interval == 1) {
      options.events = 1000;  // a collection at every allocation
    }
    const std::uint64_t mutator_seed = static_cast<std::uint64_t>(seed) * 7919 + c.max_semi_mb;
    // The trace is on disk before it runs: after a crash, the file printed last is the trace
    // that crashed. Each seed overwrites it; it is removed when the configuration passes.
    const std::string text = RandomMutator::Generate(mutator_seed, options);
    trace_path = SaveTrace(text, "oracle-" + Name(c));
    if (seed == 1) std::cerr << "trace of the running seed: " << trace_path << "\n";
    RandomMutator mutator(session, oracle, mutator_seed, options);
    try {
      mutator.Run();
    } catch (const std::exception& e) {
      FAIL() << "seed " << seed << ": " << e.what() << "\n  trace: " << trace_path;
    }
    if (oracle.failed()) {
      FAIL() << "seed " << seed << ": " << oracle.failure() << "\n  trace: " << trace_path;
    }
    ASSERT_EQ(mutator.TraceText(), text)
        << "seed " << seed << ": the saved trace is not the one run";
    total.collections += oracle.stats().collections;
    total.checks += oracle.stats().checks;
    total.promoted_seen += oracle.stats().promoted_seen;
    for (std::size_t at = text.find("\nj "); at != std::string::npos;
         at = text.find("\nj ", at + 1))
      ++tier_events;
  }
  // The configuration must actually have exercised the collector.
  EXPECT_GT(total.collections, static_cast<std::uint64_t>(kSeeds));
  EXPECT_GT(tier_events, 0u) << "no site's code was ever declared optimized (`j`)";
  EXPECT_GT(total.checks, 0u);
  if (c.full_gcs) {
    EXPECT_GT(full.full_gcs, static_cast<std::uint64_t>(kSeeds));
    // Random heaps fragment enough for compaction in some traces, not in every one: with the
    // full seed count every configuration compacts; the short sanitizer run only looks for
    // memory errors.
    if (c.compaction != Compaction::None && kSeeds >= 20) {
      EXPECT_GT(full.compacted, 0u) << "never compacted";
    }
  }
  if (!HasFailure()) std::filesystem::remove(trace_path);
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
  for (Compaction compaction : {Compaction::Evacuate, Compaction::Slide, Compaction::None}) {
    for (auto [min, max] : {std::pair<std::size_t, std::size_t>{1, 1}, {1, 16}}) {
      for (std::int64_t interval : {std::int64_t{-1}, std::int64_t{13}}) {
        out.push_back({min, max, PromotionRule::V8, interval, true, compaction});
      }
    }
  }
  return out;
}

// Buffers mixed with objects: every wrapper the collector keeps has its bytes, every one it
// frees has released them (the oracle's check), and --verify-heap checks the external lists
// and the pool's invariants after every collection, in every compaction mode.
class BufferOracleTest : public ::testing::TestWithParam<OracleConfig> {};

TEST_P(BufferOracleTest, BuffersLiveExactlyAsLongAsTheirWrappers) {
  const OracleConfig& c = GetParam();
  std::uint64_t collections = 0;
  std::uint64_t released = 0;
  FullGcCounter full;
  const int seeds = std::max(4, kSeeds / 4);
  for (int seed = 1; seed <= seeds; ++seed) {
    GcConfig config = SmallConfig(c.min_semi_mb, c.max_semi_mb);
    config.gc_interval = c.gc_interval;
    config.compaction = c.compaction;
    Session session(config);
    Oracle oracle(session);
    session.tracer().AddObserver(&full);
    RandomMutatorOptions options;
    // Allocation sites (pretenuring feeds back and may tenure them) and old-space allocation.
    options.site_chance = 0.3;
    options.old_chance = 0.03;
    options.major_gcs = true;
    options.explicit_gc_chance = 0.02;
    options.buffer_chance = 0.3;
    options.events = 4000;
    RandomMutator mutator(session, oracle, static_cast<std::uint64_t>(seed) * 104729, options);
    try {
      mutator.Run();
    } catch (const std::exception& e) {
      const std::string path =
          SaveTrace(mutator.TraceText(), "oracle-buffers-" + Name(c) + "-" + std::to_string(seed));
      FAIL() << "seed " << seed << ": " << e.what() << "\n  trace: " << path;
    }
    if (oracle.failed()) {
      const std::string path =
          SaveTrace(mutator.TraceText(), "oracle-buffers-" + Name(c) + "-" + std::to_string(seed));
      FAIL() << "seed " << seed << ": " << oracle.failure() << "\n  trace: " << path;
    }
    collections += oracle.stats().collections;
    const BufferPool& pool = session.buffers().pool();
    for (BufferHandle h = 0; h < pool.buffer_count(); ++h)
      released += pool.record(h).live ? 0 : 1;
  }
  EXPECT_GT(collections, static_cast<std::uint64_t>(seeds));
  EXPECT_GT(full.full_gcs, 0u);
  EXPECT_GT(released, 0u) << "no Buffer was ever released";
}

std::vector<OracleConfig> BufferConfigs() {
  std::vector<OracleConfig> out;
  for (Compaction compaction : {Compaction::Evacuate, Compaction::Slide, Compaction::None}) {
    for (std::int64_t interval : {std::int64_t{-1}, std::int64_t{13}}) {
      out.push_back({1, 1, PromotionRule::V8, interval, true, compaction});
    }
  }
  return out;
}

INSTANTIATE_TEST_SUITE_P(Buffers, BufferOracleTest, ::testing::ValuesIn(BufferConfigs()),
                         [](const ::testing::TestParamInfo<OracleConfig>& p) {
                           return Name(p.param);
                         });

INSTANTIATE_TEST_SUITE_P(Configs, OracleTest, ::testing::ValuesIn(Configs()),
                         [](const ::testing::TestParamInfo<OracleConfig>& p) {
                           return Name(p.param);
                         });

// Incremental marking under the oracle: marking starts at random points and advances in small
// steps while the mutator stores references, drops roots and closes scopes; Scavenges (natural,
// explicit and by task) and full GCs interleave; --verify-heap is on; every compaction mode.
struct IncrementalConfig {
  std::size_t max_semi_mb;
  std::int64_t gc_interval;
  Compaction compaction;
};

class IncrementalOracleTest : public ::testing::TestWithParam<IncrementalConfig> {};

TEST_P(IncrementalOracleTest, ReachableObjectsSurviveAndTheDeadAreFreed) {
  const IncrementalConfig& c = GetParam();
  OracleStats total;
  for (int seed = 1; seed <= kSeeds; ++seed) {
    GcConfig config = SmallConfig(1, c.max_semi_mb);
    config.gc_interval = c.gc_interval;
    config.compaction = c.compaction;
    config.incremental_marking = true;
    // Marking's steps prepare the finishing pause's pages (and the pause waits for them) with
    // the larger semispace, and not with the smaller one: both paths in every compaction mode.
    config.prepare_pages = c.max_semi_mb > 1;
    Session session(config);
    Oracle oracle(session);
    RandomMutatorOptions options;
    // Allocation sites (pretenuring feeds back and may tenure them) and old-space allocation.
    options.site_chance = 0.3;
    options.old_chance = 0.03;
    options.incremental = true;
    options.major_gcs = true;
    options.explicit_gc_chance = 0.01;
    options.medium_chance = 0.05;
    options.events = 5000;
    RandomMutator mutator(session, oracle,
                          static_cast<std::uint64_t>(seed) * 104729 + c.max_semi_mb, options);
    const std::string name = std::string("oracle-incremental-") + CompactionName(c.compaction) +
                             "-" + std::to_string(seed);
    try {
      mutator.Run();
    } catch (const std::exception& e) {
      FAIL() << "seed " << seed << ": " << e.what()
             << "\n  trace: " << SaveTrace(mutator.TraceText(), name);
    }
    if (oracle.failed()) {
      FAIL() << "seed " << seed << ": " << oracle.failure()
             << "\n  trace: " << SaveTrace(mutator.TraceText(), name);
    }
    total.collections += oracle.stats().collections;
    total.incremental_cycles += oracle.stats().incremental_cycles;
    total.incremental_gcs += oracle.stats().incremental_gcs;
  }
  // Marking really ran and really finished, many times per trace.
  EXPECT_GT(total.incremental_cycles, static_cast<std::uint64_t>(kSeeds));
  EXPECT_GT(total.incremental_gcs, static_cast<std::uint64_t>(kSeeds));
  RecordProperty("incremental_gcs", static_cast<int>(total.incremental_gcs));
}

std::vector<IncrementalConfig> IncrementalConfigs() {
  std::vector<IncrementalConfig> out;
  for (Compaction compaction : {Compaction::Evacuate, Compaction::Slide, Compaction::None})
    for (std::size_t semi : {std::size_t{1}, std::size_t{4}})
      for (std::int64_t interval : {std::int64_t{-1}, std::int64_t{13}})
        out.push_back({semi, interval, compaction});
  return out;
}

INSTANTIATE_TEST_SUITE_P(Configs, IncrementalOracleTest, ::testing::ValuesIn(IncrementalConfigs()),
                         [](const ::testing::TestParamInfo<IncrementalConfig>& p) {
                           return std::string(CompactionName(p.param.compaction)) + "_semi" +
                                  std::to_string(p.param.max_semi_mb) +
                                  (p.param.gc_interval < 0
                                       ? std::string("_natural")
                                       : "_every" + std::to_string(p.param.gc_interval));
                         });

}  // namespace
}  // namespace heaplab::test
