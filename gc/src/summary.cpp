#include <heaplab/gc/summary.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>

namespace heaplab {

void RunSummary::OnGc(const GcEvent& e) {
  (e.collector == Collector::Scavenge ? scavenges_ : mark_compacts_)++;
  if (e.collector == Collector::MarkCompact && e.reduce_memory) ++reduce_memory_;
  if (e.reason < Reason::Count) ++by_reason_[static_cast<std::size_t>(e.reason)];
  if (bounded_) {
    histogram_.Add(e.pause_ms);
  } else {
    pauses_.push_back(e.pause_ms);
  }
  max_pause_ms_ = std::max(max_pause_ms_, e.pause_ms);
  total_pause_ms_ += e.pause_ms;
  peak_committed_ = std::max({peak_committed_, e.start_memory_size, e.end_memory_size});
  promoted_ += e.promoted;
  copied_ += e.semi_space_copied;
  last_average_mu_ = e.average_mu;
}

void RunSummary::OnHeapEvent(const HeapEvent& e) {
  if (e.kind == HeapEventKind::SemiSpaceGrow || e.kind == HeapEventKind::SemiSpaceShrink)
    ++semispace_changes_;
}

void RunSummary::Steps::Add(double ms) {
  ++count;
  total_ms += ms;
  longest_ms = std::max(longest_ms, ms);
}

void RunSummary::OnMarking(const MarkingEvent& e) {
  if (e.kind == MarkingEventKind::Step) marking_steps_.Add(e.ms);
}

void RunSummary::OnSweeping(const SweepingEvent& e) {
  sweeping_steps_.Add(e.ms);
}

double RunSummary::longest_pause_ms() const {
  return std::max({max_pause_ms(), marking_steps_.longest_ms, sweeping_steps_.longest_ms});
}

double NearestRankPercentile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  const auto rank =
      static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(sorted.size())));
  return sorted[std::clamp<std::size_t>(rank, 1, sorted.size()) - 1];
}

double RunSummary::PausePercentile(double p) const {
  if (bounded_) return histogram_.Percentile(p);
  std::vector<double> sorted = pauses_;
  std::sort(sorted.begin(), sorted.end());
  return NearestRankPercentile(sorted, p);
}

std::string RunSummary::Format(double end_ms, std::size_t final_committed,
                               std::size_t allocated) const {
  constexpr double kMB = 1024.0 * 1024.0;
  const std::size_t peak = std::max(peak_committed_, final_committed);
  const double mu = end_ms > 0 ? (end_ms - total_pause_ms_) / end_ms : 1.0;
  std::string s;
  s += fmt::format("heaplab summary: {} collections ({} Scavenge, {} Mark-Compact) in {:.1f} ms\n",
                   scavenges_ + mark_compacts_, scavenges_, mark_compacts_, end_ms);
  s += fmt::format(
      "  pauses: total {:.2f} ms, p50 {:.2f} ms, p95 {:.2f} ms, p99 {:.2f} ms, max {:.2f} ms\n",
      total_pause_ms_, PausePercentile(50), PausePercentile(95), PausePercentile(99),
      max_pause_ms());
  if (marking_steps_.count + sweeping_steps_.count > 0) {
    s += fmt::format(
        "  steps between pauses: {} marking (total {:.2f} ms, longest {:.2f} ms), {} sweeping "
        "(total {:.2f} ms, longest {:.2f} ms); longest pause of any kind {:.2f} ms, GC time "
        "{:.2f} ms\n",
        marking_steps_.count, marking_steps_.total_ms, marking_steps_.longest_ms,
        sweeping_steps_.count, sweeping_steps_.total_ms, sweeping_steps_.longest_ms,
        longest_pause_ms(), total_pause_ms_ + marking_steps_.total_ms + sweeping_steps_.total_ms);
  }
  if (bookkeeping_ms_ >= 0.005) {
    s += fmt::format(
        "  replay bookkeeping: {:.2f} ms updating the trace's id table, in no pause and not in "
        "the run's time\n",
        bookkeeping_ms_);
  }
  s += fmt::format("  mutator utilization: {:.3f} overall, {:.3f} average mu (V8)\n", mu,
                   last_average_mu_);
  s += fmt::format(
      "  memory: peak committed {:.1f} MB, allocated {:.1f} MB, promoted {:.1f} MB, copied in new "
      "space {:.1f} MB\n",
      static_cast<double>(peak) / kMB, static_cast<double>(allocated) / kMB,
      static_cast<double>(promoted_) / kMB, static_cast<double>(copied_) / kMB);
  return s;
}

std::string RunSummary::ToJson(double end_ms, std::size_t final_committed, std::size_t allocated,
                               std::string_view end_state, int exit_status) const {
  using json = nlohmann::ordered_json;
  const double mu = end_ms > 0 ? (end_ms - total_pause_ms_) / end_ms : 1.0;
  json by_reason = json::object();
  for (std::size_t r = 0; r < by_reason_.size(); ++r) {
    if (by_reason_[r] > 0) by_reason[ReasonString(static_cast<Reason>(r))] = by_reason_[r];
  }
  auto steps = [](const Steps& s) {
    return json{{"count", s.count}, {"total_ms", s.total_ms}, {"longest_ms", s.longest_ms}};
  };
  json j = {
      {"schema", "heaplab-run-summary"},
      {"version", 1},
      {"end_state", end_state},
      {"exit_status", exit_status},
      {"duration_ms", end_ms},
      {"collections", scavenges_ + mark_compacts_},
      {"by_collector",
       {{"Scavenge", scavenges_},
        {"Mark-Compact", mark_compacts_ - reduce_memory_},
        {"Mark-Compact (reduce)", reduce_memory_}}},
      {"by_reason", by_reason},
      {"pause_ms",
       {{"total", total_pause_ms_},
        {"p50", PausePercentile(50)},
        {"p95", PausePercentile(95)},
        {"p99", PausePercentile(99)},
        {"max", max_pause_ms()}}},
      {"marking_steps", steps(marking_steps_)},
      {"sweeping_steps", steps(sweeping_steps_)},
      {"longest_pause_ms", longest_pause_ms()},
      {"mutator_utilization", mu},
      {"average_mu", last_average_mu_},
      {"semi_space_changes", semispace_changes_},
      {"peak_committed_bytes", std::max(peak_committed_, final_committed)},
      {"allocated_bytes", allocated},
      {"promoted_bytes", promoted_},
      {"semi_space_copied_bytes", copied_},
      {"bookkeeping_ms", bookkeeping_ms_},
  };
  return j.dump();
}

}  // namespace heaplab
