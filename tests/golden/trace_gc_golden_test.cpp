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

TEST(Golden, SurvivorsUnderTheBookRule) {
  GcConfig config;
  config.promotion = PromotionRule::Book;
  EXPECT_EQ(RunScenario("survivors", {{"rounds", 12}}, config),
            Golden("survivors_book_trace_gc.txt"));
}

TEST(Golden, SameRunTwiceIsIdentical) {
  EXPECT_EQ(RunScenario("churn", {{"requests", 5000}}, GcConfig{}),
            RunScenario("churn", {{"requests", 5000}}, GcConfig{}));
}

}  // namespace
}  // namespace heaplab
