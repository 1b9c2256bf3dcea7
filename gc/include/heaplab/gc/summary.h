// The end-of-run summary: collection counts, pause distribution, mutator utilization and peak
// memory, gathered as an observer of the event stream.
#pragma once

#include <array>
#include <string>
#include <string_view>
#include <vector>

#include <heaplab/gc/event.h>
#include <heaplab/gc/pause_histogram.h>

namespace heaplab {

// The nearest-rank percentile p (in [0, 100]) of ascending values; 0 when there are none.
double NearestRankPercentile(const std::vector<double>& sorted, double p);

class RunSummary : public GcObserver {
 public:
  // How the pauses are kept for their percentiles: every one (exact), or in a PauseHistogram
  // (memory that does not grow with the number of collections; percentiles within 1%).
  enum class Pauses { Exact, Bounded };
  explicit RunSummary(Pauses pauses = Pauses::Exact) : bounded_(pauses == Pauses::Bounded) {}

  void OnGc(const GcEvent& e) override;
  void OnHeapEvent(const HeapEvent& e) override;
  void OnMarking(const MarkingEvent& e) override;
  void OnSweeping(const SweepingEvent& e) override;

  // Pauses between collections: incremental marking steps and lazy sweeping steps (a
  // completion of sweeping counts as a sweeping step).
  struct Steps {
    int count = 0;
    double total_ms = 0;
    double longest_ms = 0;
    void Add(double ms);
  };
  const Steps& marking_steps() const { return marking_steps_; }
  const Steps& sweeping_steps() const { return sweeping_steps_; }
  // The longest pause of any kind: a collection, a marking step or a sweeping step.
  double longest_pause_ms() const;

  int scavenges() const { return scavenges_; }
  int mark_compacts() const { return mark_compacts_; }
  std::size_t promoted() const { return promoted_; }
  double PausePercentile(double p) const;  // ms; p in [0, 100]
  double total_pause_ms() const { return total_pause_ms_; }
  double max_pause_ms() const { return max_pause_ms_; }
  std::size_t peak_committed() const { return peak_committed_; }

  // The summary text. `end_ms` is the run's length; `final_committed` the heap's committed
  // memory at the end; `allocated` the bytes the mutator allocated in all.
  std::string Format(double end_ms, std::size_t final_committed, std::size_t allocated) const;

  // The same summary as one line of JSON (schema "heaplab-run-summary", documented in
  // docs/events.md), with how the run ended: `end_state` "ok" or "oom", `exit_status` the
  // command's exit status. A sweep's table is made of these objects, one per configuration.
  std::string ToJson(double end_ms, std::size_t final_committed, std::size_t allocated,
                     std::string_view end_state, int exit_status) const;

  // Time the replay spent on its own bookkeeping (Clock::bookkeeping_ms), in no pause and
  // not in the run's length; the summary shows it when there is any.
  void set_bookkeeping_ms(double ms) { bookkeeping_ms_ = ms; }

  int reduce_memory_mark_compacts() const { return reduce_memory_; }
  int count_by_reason(Reason r) const { return by_reason_[static_cast<std::size_t>(r)]; }

 private:
  int scavenges_ = 0;
  int mark_compacts_ = 0;
  int reduce_memory_ = 0;  // Mark-Compacts that reduced memory ("Mark-Compact (reduce)")
  std::array<int, static_cast<std::size_t>(Reason::Count)> by_reason_{};
  bool bounded_ = false;
  std::vector<double> pauses_;  // Pauses::Exact
  PauseHistogram histogram_;    // Pauses::Bounded
  double max_pause_ms_ = 0;
  double total_pause_ms_ = 0;
  double bookkeeping_ms_ = 0;
  std::size_t peak_committed_ = 0;
  std::size_t promoted_ = 0;
  std::size_t copied_ = 0;
  int semispace_changes_ = 0;
  double last_average_mu_ = 1.0;
  Steps marking_steps_;
  Steps sweeping_steps_;
};

}  // namespace heaplab
