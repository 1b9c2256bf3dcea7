// Golden --trace-gc output of small scenarios under the model clock (tests/golden/data). The
// files were checked line by line against V8's format and against the scenario's meaning when
// they were written; a change in them is a change in behaviour and needs the same review.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include <heaplab/gc/printers.h>
#include <heaplab/traces/session.h>

namespace heaplab {
namespace {

std::string RunScenario(const std::string& scenario, std::map<std::string, std::uint64_t> params,
                        GcConfig config) {
  config.clock = ClockKind::Model;
  config.predictable = true;
  Session session(config);
  std::ostringstream out;
  TraceGcPrinter printer(out, LogPrefix::Predictable(), {});
  session.tracer().AddObserver(&printer);
  ScenarioOptions options;
  options.params = std::move(params);
  session.ReplayScenario(*FindScenario(scenario), options);
  return out.str();
}

std::string Golden(const std::string& name) {
  std::ifstream in("tests/golden/data/" + name);
  EXPECT_TRUE(in) << "missing golden file " << name;
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(Golden, ChurnUnderTheModelClock) {
  EXPECT_EQ(RunScenario("churn", {{"requests", 20000}}, GcConfig{}), Golden("churn_trace_gc.txt"));
}

TEST(Golden, ChurnWithOneMiBSemispaces) {
  GcConfig config;
  config.heap.max_semi_space_size = 1 * MB;
  EXPECT_EQ(RunScenario("churn", {{"requests", 20000}}, config),
            Golden("churn_semi1_trace_gc.txt"));
}

// Cohorts of 1500 objects of 128 bytes: a Scavenge's survivors fill more than a quarter of the
// 1 MiB to-space, so the book rule promotes part of them on their first survival (the old
// generation commits pages at the first GC) where the V8 rule copies them all.
const std::map<std::string, std::uint64_t> kBigCohorts = {
    {"rounds", 6}, {"cohort", 1500}, {"size", 128}, {"long", 3}};

TEST(Golden, SurvivorsUnderTheBookRule) {
  GcConfig config;
  config.promotion = PromotionRule::Book;
  EXPECT_EQ(RunScenario("survivors", kBigCohorts, config), Golden("survivors_book_trace_gc.txt"));
}

TEST(Golden, SurvivorsUnderTheV8RuleDifferFromTheBookRule) {
  // Control for the test above: the golden file must be one the promotion rule changes.
  GcConfig config;
  config.promotion = PromotionRule::V8;
  EXPECT_NE(RunScenario("survivors", kBigCohorts, config), Golden("survivors_book_trace_gc.txt"));
}

// Two rounds of the fragmentation scenario (defaults otherwise): Mark-Compact lines for the
// explicit full GCs, and one for the allocation limit in the second round. The file was reviewed
// line by line on the stop-the-world path (marking and sweeping in the pause), so the run pins
// --no-incremental-marking --no-lazy-sweeping: that path prints what it printed before either
// existed.
TEST(Golden, FragmentationWithMarkCompacts) {
  GcConfig config;
  config.incremental_marking = false;
  config.lazy_sweeping = false;
  const std::string out = RunScenario("fragmentation", {{"nodes", 60000}, {"rounds", 2}}, config);
  EXPECT_NE(out.find("Mark-Compact"), std::string::npos);
  EXPECT_EQ(out, Golden("fragmentation_trace_gc.txt"));
}

// Control: lazy sweeping takes the sweep out of the full GCs' pauses, so the same run prints
// shorter Mark-Compact pauses and the golden file no longer matches.
TEST(Golden, LazySweepingShortensTheFragmentationPauses) {
  GcConfig config;
  config.incremental_marking = false;
  config.lazy_sweeping = true;
  EXPECT_NE(RunScenario("fragmentation", {{"nodes", 60000}, {"rounds", 2}}, config),
            Golden("fragmentation_trace_gc.txt"));
}

TEST(Golden, SameRunTwiceIsIdentical) {
  EXPECT_EQ(RunScenario("churn", {{"requests", 5000}}, GcConfig{}),
            RunScenario("churn", {{"requests", 5000}}, GcConfig{}));
}

}  // namespace
}  // namespace heaplab
