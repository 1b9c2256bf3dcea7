// What `heaplab v8log` reports of a V8 log, per isolate: the end-of-run summary of `heaplab
// run` (RunSummary, fed the events read, with its pauses in a bounded histogram), counts by
// collector (a "Mark-Compact (reduce)" apart from a "Mark-Compact"), reason and collector
// reason, pause percentiles per collector, the heap and the time in GC over time, and the
// verdict on the old generation. Every figure is kept in memory that does not grow with the
// length of the log (docs/v8log.md).
//
// The verdict: when an isolate's heap after each full GC (Mark-Compact, with or without
// reduce) is larger than after the one before, at least kVerdictFullGcs times in a row from its
// first full GC, the old generation is growing: its rate is the least-squares slope of the
// heap after those GCs against their times, and the limit is reached when the heap reaches
// the old generation's maximum size. That maximum is known only when given (`heaplab v8log
// --max-old-space-size MB`, Node's flag of that name); a log that ends in V8's out-of-memory
// message has reached it.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <heaplab/gc/pause_histogram.h>
#include <heaplab/gc/summary.h>
#include <heaplab/traces/v8_log.h>

namespace heaplab {

struct V8LogSummaryOptions {
  double max_old_space_mb = 0;  // the old generation's maximum size; 0: not known
};

class V8LogSummary : public V8LogObserver {
 public:
  // Fewest full GCs, each above the one before, that make a verdict.
  static constexpr int kVerdictFullGcs = 3;
  // The timeline's most buckets: when a later event needs more, the bucket width doubles.
  static constexpr std::size_t kTimelineBuckets = 64;
  static constexpr double kFirstBucketMs = 1000;

  using Options = V8LogSummaryOptions;

  // Collectors as counted: each V8Collector, with and without " (reduce)".
  static constexpr std::size_t kKeys = kV8CollectorCount * 2;
  static std::string KeyName(std::size_t key);  // "Mark-Compact (reduce)"

  struct Bucket {
    std::uint64_t gcs = 0;
    double gc_ms = 0;             // pauses that ended in the bucket
    std::size_t heap_before = 0;  // bytes of objects before and after the bucket's last GC
    std::size_t heap_after = 0;
    std::size_t committed = 0;  // committed bytes after it
  };

  struct Verdict {
    bool growing = false;
    int full_gcs = 0;  // full GCs in the run of growth
    double mb_per_minute = 0;
    bool limit_known = false;
    double limit_mb = 0;
    double minutes_to_limit = 0;  // 0 when reached
    bool out_of_memory = false;
    std::string text;  // the verdict line, empty when not growing
  };

  struct Isolate {
    explicit Isolate(IsolateId i) : id(i), run(RunSummary::Pauses::Bounded) {}
    IsolateId id;
    RunSummary run;
    std::uint64_t events = 0;
    std::uint64_t interleaved = 0;
    std::uint64_t nvp = 0;  // events from name=value lines
    std::uint64_t from_dump = 0;
    std::array<std::uint64_t, kKeys> by_key{};
    std::array<double, kKeys> pause_total_ms{};
    std::array<std::unique_ptr<PauseHistogram>, kKeys> pauses;
    std::array<std::uint64_t, static_cast<std::size_t>(Reason::Count)> by_reason{};
    std::vector<std::pair<std::string, std::uint64_t>> other_reasons;  // unknown ones, as printed
    std::uint64_t no_reason = 0;  // name=value lines, cut report entries
    std::vector<std::pair<std::string, std::uint64_t>> by_collector_reason;
    double first_ms = -1;
    double last_ms = 0;
    std::size_t last_committed = 0;
    std::size_t last_object_size = 0;
    std::size_t allocated = 0;             // name=value allocated=, else the growth between GCs
    std::size_t old_generation_limit = 0;  // the last [HeapController] limit
    // Timeline: buckets of bucket_ms from time 0 of the isolate.
    double bucket_ms = kFirstBucketMs;
    std::vector<Bucket> timeline;
    // Full GCs: the run of growth and the sums of its least-squares fit (t in minutes, MB).
    int growing_run = 0;
    double last_full_after_mb = 0;
    double sum_t = 0, sum_y = 0, sum_tt = 0, sum_ty = 0;
    // V8's out-of-memory message, if the log has it.
    bool out_of_memory = false;
    std::string oom_message;
    double oom_time_ms = 0;

    std::vector<std::pair<std::string, std::uint64_t>> ByReason() const;
    Verdict MakeVerdict(const Options& options) const;
  };

  explicit V8LogSummary(Options options = {}) : options_(options) {}

  void OnIsolate(IsolateId id) override { Find(id); }
  void OnGcRecord(const V8GcRecord& r) override;
  void OnMarking(IsolateId id, const MarkingEvent& e) override;
  void OnOutOfMemory(IsolateId id, std::string_view message, double time_ms) override;

  const std::vector<std::unique_ptr<Isolate>>& isolates() const { return isolates_; }
  const Options& options() const { return options_; }

  // The text report of one isolate (RunSummary's lines first).
  std::string Format(const Isolate& iso) const;

 private:
  Isolate& Find(IsolateId id);

  Options options_;
  std::vector<std::unique_ptr<Isolate>> isolates_;
  Isolate* last_ = nullptr;
};

}  // namespace heaplab
