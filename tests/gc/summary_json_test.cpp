// RunSummary::ToJson: the end-of-run summary as JSON, fed by hand-made events whose counts,
// percentiles and peaks are known.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <heaplab/gc/summary.h>

namespace heaplab::test {
namespace {

GcEvent Event(Collector collector, Reason reason, double pause_ms, std::size_t committed,
              bool reduce = false) {
  GcEvent e;
  e.collector = collector;
  e.reason = reason;
  e.reduce_memory = reduce;
  e.pause_ms = pause_ms;
  e.start_memory_size = committed;
  e.end_memory_size = committed / 2;
  e.promoted = 100;
  e.semi_space_copied = 10;
  e.average_mu = 0.75;
  return e;
}

RunSummary Fed() {
  RunSummary s;
  // Ten pauses of 1..10 ms: p50 is 5, p95 and p99 are 10 (nearest rank).
  for (int i = 1; i <= 7; ++i)
    s.OnGc(Event(Collector::Scavenge, Reason::AllocationFailure, i, 1000));
  s.OnGc(Event(Collector::MarkCompact, Reason::AllocationLimit, 8, 5000));
  s.OnGc(Event(Collector::MarkCompact, Reason::LastResort, 9, 2000, true));
  s.OnGc(Event(Collector::MarkCompact, Reason::Testing, 10, 3000));
  MarkingEvent step;
  step.kind = MarkingEventKind::Step;
  step.ms = 12;
  s.OnMarking(step);
  return s;
}

TEST(SummaryJson, CountsPausesAndMemory) {
  const RunSummary s = Fed();
  const auto j = nlohmann::json::parse(s.ToJson(200, 4000, 12345, "ok", 0));
  EXPECT_EQ(j["schema"], "heaplab-run-summary");
  EXPECT_EQ(j["version"], 1);
  EXPECT_EQ(j["end_state"], "ok");
  EXPECT_EQ(j["exit_status"], 0);
  EXPECT_EQ(j["collections"], 10);
  EXPECT_EQ(j["by_collector"]["Scavenge"], 7);
  EXPECT_EQ(j["by_collector"]["Mark-Compact"], 2);  // the reducing one is counted apart
  EXPECT_EQ(j["by_collector"]["Mark-Compact (reduce)"], 1);
  EXPECT_EQ(j["by_reason"]["allocation failure"], 7);
  EXPECT_EQ(j["by_reason"]["allocation limit"], 1);
  EXPECT_EQ(j["by_reason"]["last resort"], 1);
  EXPECT_EQ(j["by_reason"]["testing"], 1);
  EXPECT_FALSE(j["by_reason"].contains("task"));  // reasons that never ran are left out
  EXPECT_DOUBLE_EQ(j["pause_ms"]["total"].get<double>(), 55);
  EXPECT_DOUBLE_EQ(j["pause_ms"]["p50"].get<double>(), 5);
  EXPECT_DOUBLE_EQ(j["pause_ms"]["p95"].get<double>(), 10);
  EXPECT_DOUBLE_EQ(j["pause_ms"]["p99"].get<double>(), 10);
  EXPECT_DOUBLE_EQ(j["pause_ms"]["max"].get<double>(), 10);
  EXPECT_DOUBLE_EQ(j["longest_pause_ms"].get<double>(), 12);  // the marking step
  EXPECT_EQ(j["marking_steps"]["count"], 1);
  EXPECT_DOUBLE_EQ(j["mutator_utilization"].get<double>(), (200.0 - 55.0) / 200.0);
  EXPECT_DOUBLE_EQ(j["average_mu"].get<double>(), 0.75);
  EXPECT_EQ(j["peak_committed_bytes"], 5000);  // the Mark-Compact's start, above the final 4000
  EXPECT_EQ(j["allocated_bytes"], 12345);
  EXPECT_EQ(j["promoted_bytes"], 1000);
  EXPECT_EQ(j["semi_space_copied_bytes"], 100);
  // Control: the text summary of the same observer says the same counts.
  const std::string text = s.Format(200, 4000, 12345);
  EXPECT_NE(text.find("10 collections (7 Scavenge, 3 Mark-Compact)"), std::string::npos) << text;
}

TEST(SummaryJson, PeakIncludesTheFinalHeapAndStateIsPassedThrough) {
  const RunSummary s = Fed();
  const auto j = nlohmann::json::parse(s.ToJson(200, 9000, 0, "oom", 134));
  EXPECT_EQ(j["peak_committed_bytes"], 9000);
  EXPECT_EQ(j["end_state"], "oom");
  EXPECT_EQ(j["exit_status"], 134);
}

TEST(SummaryJson, EmptyRun) {
  const RunSummary s;
  const auto j = nlohmann::json::parse(s.ToJson(0, 0, 0, "ok", 0));
  EXPECT_EQ(j["collections"], 0);
  EXPECT_DOUBLE_EQ(j["mutator_utilization"].get<double>(), 1.0);
  EXPECT_DOUBLE_EQ(j["pause_ms"]["p99"].get<double>(), 0);
  EXPECT_TRUE(j["by_reason"].is_object());
  EXPECT_TRUE(j["by_reason"].empty());
}

}  // namespace
}  // namespace heaplab::test
