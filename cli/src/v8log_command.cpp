// heaplab v8log: read real node --trace-gc logs (traces/include/heaplab/traces/v8_log.h) and print
// the summary that `heaplab run` prints, per isolate (docs/v8log.md).
#include <iostream>
#include <memory>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <heaplab/traces/v8_log.h>
#include <heaplab/traces/v8_log_summary.h>
#include "commands.h"

namespace heaplab::cli {

namespace {

struct V8LogArgs {
  std::vector<std::string> files;
  bool json = false;
  bool strict = false;
  std::uint64_t max_old_space_mb = 0;
  std::uint64_t max_errors = 20;
};

// The summary, and the problems on stderr (the first max_errors of them).
class Collector : public V8LogSummary {
 public:
  Collector(Options options, std::uint64_t max_errors)
      : V8LogSummary(options), max_errors_(max_errors) {}
  void OnProblem(const V8LogProblem& p) override {
    if (++problems_ <= max_errors_) std::cerr << "heaplab: " << p.Format() << "\n";
  }
  std::uint64_t problems() const { return problems_; }

 private:
  std::uint64_t max_errors_;
  std::uint64_t problems_ = 0;
};

using Counts = std::vector<std::pair<std::string, std::uint64_t>>;

nlohmann::ordered_json ToJson(const Counts& counts) {
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  for (const auto& [name, n] : counts)
    j[name] = j.value(name, std::uint64_t{0}) + n;
  return j;
}

Counts ByCollector(const V8LogSummary::Isolate& iso) {
  Counts out;
  for (std::size_t k = 0; k < V8LogSummary::kKeys; ++k)
    if (iso.by_key[k] > 0) out.emplace_back(V8LogSummary::KeyName(k), iso.by_key[k]);
  return out;
}

nlohmann::ordered_json Pauses(const RunSummary& run) {
  return {{"total_ms", run.total_pause_ms()},
          {"p50_ms", run.PausePercentile(50)},
          {"p95_ms", run.PausePercentile(95)},
          {"p99_ms", run.PausePercentile(99)},
          {"max_ms", run.max_pause_ms()}};
}

nlohmann::ordered_json IsolateJson(const V8LogSummary& summary, const V8LogSummary::Isolate& iso) {
  nlohmann::ordered_json j;
  j["isolate"] = IsolateName(iso.id);
  j["events"] = iso.events;
  j["by_collector"] = ToJson(ByCollector(iso));
  j["by_reason"] = ToJson(iso.ByReason());
  j["by_collector_reason"] = ToJson(iso.by_collector_reason);
  j["pauses"] = Pauses(iso.run);
  nlohmann::ordered_json per = nlohmann::ordered_json::object();
  for (std::size_t k = 0; k < V8LogSummary::kKeys; ++k) {
    if (iso.by_key[k] == 0) continue;
    const PauseHistogram& h = *iso.pauses[k];
    per[V8LogSummary::KeyName(k)] = {
        {"count", iso.by_key[k]},     {"total_ms", iso.pause_total_ms[k]},
        {"p50_ms", h.Percentile(50)}, {"p95_ms", h.Percentile(95)},
        {"p99_ms", h.Percentile(99)}, {"max_ms", h.max()}};
  }
  j["by_collector_pauses"] = per;
  const double end_ms = iso.last_ms;
  j["duration_ms"] = end_ms;
  j["mutator_utilization"] = end_ms > 0 ? (end_ms - iso.run.total_pause_ms()) / end_ms : 1.0;
  j["gc_ms_per_minute"] = end_ms > 0 ? iso.run.total_pause_ms() * 60000.0 / end_ms : 0.0;
  j["peak_committed_bytes"] = iso.run.peak_committed();
  j["marking_steps"] = iso.run.marking_steps().count;
  j["interleaved"] = iso.interleaved;
  j["from_out_of_memory_report"] = iso.from_dump;
  j["old_generation_limit_bytes"] = iso.old_generation_limit;
  j["timeline_bucket_ms"] = iso.bucket_ms;
  nlohmann::ordered_json timeline = nlohmann::ordered_json::array();
  for (std::size_t i = 0; i < iso.timeline.size(); ++i) {
    const V8LogSummary::Bucket& b = iso.timeline[i];
    timeline.push_back({{"start_ms", static_cast<double>(i) * iso.bucket_ms},
                        {"gcs", b.gcs},
                        {"gc_ms", b.gc_ms},
                        {"heap_before_bytes", b.heap_before},
                        {"heap_after_bytes", b.heap_after},
                        {"committed_bytes", b.committed}});
  }
  j["timeline"] = timeline;
  const V8LogSummary::Verdict v = iso.MakeVerdict(summary.options());
  if (v.growing) {
    j["verdict"] = {
        {"text", v.text},
        {"mb_per_minute", v.mb_per_minute},
        {"full_gcs", v.full_gcs},
        {"limit_mb", v.limit_known ? nlohmann::ordered_json(v.limit_mb) : nlohmann::ordered_json()},
        {"minutes_to_limit", v.limit_known && !v.out_of_memory
                                 ? nlohmann::ordered_json(v.minutes_to_limit)
                                 : nlohmann::ordered_json()}};
  } else {
    j["verdict"] = nullptr;
  }
  if (iso.out_of_memory) {
    j["out_of_memory"] = {{"time_ms", iso.oom_time_ms}, {"message", iso.oom_message}};
  } else {
    j["out_of_memory"] = nullptr;
  }
  return j;
}

int RunV8Log(const V8LogArgs& args) {
  V8LogSummary::Options options;
  options.max_old_space_mb = static_cast<double>(args.max_old_space_mb);
  Collector summary(options, args.max_errors);
  V8LogReader reader(summary);
  for (const std::string& file : args.files)
    reader.ReadFile(file);
  const V8LogCounts& c = reader.counts();
  if (summary.problems() > args.max_errors) {
    std::cerr << "heaplab: " << summary.problems() - args.max_errors
              << " more GC lines that do not parse (--max-errors)\n";
  }

  if (args.json) {
    nlohmann::ordered_json j;
    j["lines"] = c.lines;
    j["events"] = c.events;
    j["unparsed"] = c.unparsed;
    j["detail"] = c.detail;
    j["marking"] = c.marking;
    j["other"] = c.other;
    j["program"] = c.program;
    j["out_of_memory_report_repeats"] = c.dump_repeats;
    Counts collectors, reasons, collector_reasons;
    for (const auto& iso : summary.isolates()) {
      for (const auto& p : ByCollector(*iso))
        collectors.push_back(p);
      for (const auto& p : iso->ByReason())
        reasons.push_back(p);
      for (const auto& p : iso->by_collector_reason)
        collector_reasons.push_back(p);
    }
    j["by_collector"] = ToJson(collectors);
    j["by_reason"] = ToJson(reasons);
    j["by_collector_reason"] = ToJson(collector_reasons);
    nlohmann::ordered_json isolates = nlohmann::ordered_json::array();
    for (const auto& iso : summary.isolates())
      isolates.push_back(IsolateJson(summary, *iso));
    // With one isolate, its summary is also the log's, at the top level.
    if (isolates.size() == 1) {
      for (const auto& [key, value] : isolates[0].items()) {
        if (!j.contains(key)) j[key] = value;
      }
    }
    j["isolates"] = isolates;
    std::cout << j.dump(2) << "\n";
  } else {
    std::cout << fmt::format(
        "heaplab v8log: {} lines, {} GC events, {} unparsed; {} detail, {} marking, {} other, {} "
        "of the program, {} repeated in the out-of-memory report; {} isolate{}\n",
        c.lines, c.events, c.unparsed, c.detail, c.marking, c.other, c.program, c.dump_repeats,
        summary.isolates().size(), summary.isolates().size() == 1 ? "" : "s");
    for (const auto& iso : summary.isolates()) {
      std::cout << fmt::format("\nisolate {}: {} GC events\n", IsolateName(iso->id), iso->events);
      std::cout << summary.Format(*iso);
    }
  }
  FlushStandardOutput();
  if (args.strict && c.unparsed > 0) {
    std::cerr << "heaplab: error: " << c.unparsed << " GC line" << (c.unparsed == 1 ? "" : "s")
              << " did not parse (--strict)\n";
    return kExitTraceError;
  }
  return kExitOk;
}

}  // namespace

Action AddV8LogCommand(CLI::App& app) {
  auto args = std::make_shared<V8LogArgs>();
  CLI::App* cmd = app.add_subcommand(
      "v8log",
      "Read real node --trace-gc logs (also --trace-gc-nvp, --trace-gc-verbose, the\n"
      "out-of-memory report) and print what 'heaplab run' prints at its end, per isolate:\n"
      "counts by collector and reason, pause percentiles, mutator utilization, the heap\n"
      "over time, and whether the old generation keeps growing. See docs/v8log.md.");
  cmd->add_option("FILE", args->files, "Log files ('-' for standard input)")->required();
  cmd->add_flag("--json", args->json, "Print the summary as JSON");
  cmd->add_flag("--strict", args->strict,
                "Exit with status 1 when a GC line does not parse (else it is reported and "
                "counted)");
  cmd->add_option("--max-old-space-size", args->max_old_space_mb,
                  "The node's old-generation limit (MB), as given to node: the verdict then "
                  "says when it is reached")
      ->check(CLI::Range(1, 1 << 20));
  cmd->add_option("--max-errors", args->max_errors,
                  "Report at most this many GC lines that do not parse (all are counted)")
      ->check(CLI::Range(0, 1 << 30));
  return [args] { return RunV8Log(*args); };
}

}  // namespace heaplab::cli
