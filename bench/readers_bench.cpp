// Reader throughput: how fast heaplab reads what it is given.
//
//   BM_V8LogRead/LAYOUT        `heaplab v8log`'s path: V8LogReader and V8LogSummary over real
//                              Node 20 lines (tests/data/node20/) repeated in memory to about
//                              32 MiB, fed in 256 KiB pieces as ReadStream feeds a file. In
//                              bytes per second (goal: 1 GB/s). LAYOUT: one_line (the
//                              --trace-gc logs of SUMMARY.txt), every (every .log there: also
//                              name=value, verbose, incremental-marking and program lines).
//   BM_V8LogReadOnly/LAYOUT    the same reader with an observer that does nothing: the cost
//                              of parsing alone.
//   BM_TraceRead               the text trace reader (TraceReader) over the churn scenario's
//                              trace in memory, in events per second (goal: 20 M/s).
//   BM_RunChurn                `heaplab run` of the churn scenario's trace end to end (read,
//                              replay, collect, with the run's default flags and its summary
//                              observer), in events per second (goal: 5 M/s).
#include <benchmark/benchmark.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <heaplab/gc/printers.h>
#include <heaplab/gc/summary.h>
#include <heaplab/traces/gc_flags.h>
#include <heaplab/traces/reader.h>
#include <heaplab/traces/scenarios.h>
#include <heaplab/traces/session.h>
#include <heaplab/traces/v8_log.h>
#include <heaplab/traces/v8_log_summary.h>
#include <heaplab/traces/writer.h>

namespace heaplab::bench {
namespace {

std::string Fixtures() {
  return std::string(HEAPLAB_SOURCE_DIR) + "/tests/data/node20/";
}

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// The fixture logs of one layout, repeated to about 32 MiB.
const std::string& LogText(bool every) {
  static std::string texts[2];
  std::string& text = texts[every ? 1 : 0];
  if (!text.empty()) return text;
  std::string once;
  if (every) {
    std::vector<std::string> names;
    for (const auto& e : std::filesystem::directory_iterator(Fixtures()))
      if (e.path().extension() == ".log") names.push_back(e.path().string());
    std::sort(names.begin(), names.end());
    for (const std::string& n : names)
      once += Slurp(n);
  } else {
    std::istringstream summary(Slurp(Fixtures() + "SUMMARY.txt"));
    for (std::string line; std::getline(summary, line);)
      once += Slurp(Fixtures() + line.substr(0, line.find(':')));
  }
  while (text.size() < (32u << 20))
    text += once;
  return text;
}

class NullObserver : public V8LogObserver {};

void Feed(V8LogReader& reader, const std::string& text) {
  constexpr std::size_t kPiece = 256 * 1024;
  reader.Begin("bench");
  for (std::size_t at = 0; at < text.size(); at += kPiece)
    reader.Feed(std::string_view(text).substr(at, kPiece));
  reader.Finish();
}

void BM_V8LogRead(benchmark::State& state, bool every) {
  const std::string& text = LogText(every);
  std::uint64_t events = 0;
  for (auto _ : state) {
    V8LogSummary summary;
    V8LogReader reader(summary);
    Feed(reader, text);
    events += reader.counts().events;
    if (reader.counts().unparsed != 0) state.SkipWithError("unparsed lines");
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(text.size() * state.iterations()));
  state.SetItemsProcessed(static_cast<std::int64_t>(events));
}
BENCHMARK_CAPTURE(BM_V8LogRead, one_line, false)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_V8LogRead, every, true)->Unit(benchmark::kMillisecond);

void BM_V8LogReadOnly(benchmark::State& state, bool every) {
  const std::string& text = LogText(every);
  for (auto _ : state) {
    NullObserver none;
    V8LogReader reader(none);
    Feed(reader, text);
    benchmark::DoNotOptimize(reader.counts().events);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(text.size() * state.iterations()));
}
BENCHMARK_CAPTURE(BM_V8LogReadOnly, one_line, false)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_V8LogReadOnly, every, true)->Unit(benchmark::kMillisecond);

// The churn scenario at its default parameters (as `heaplab gen churn` writes it).
const std::string& ChurnTrace() {
  static std::string text;
  if (!text.empty()) return text;
  const Scenario* churn = FindScenario("churn");
  ScenarioOptions options;
  std::ostringstream out;
  TraceWriter writer(out, ScenarioMetadata(*churn, options));
  GenerateScenario(*churn, options, writer);
  text = out.str();
  return text;
}

void BM_TraceRead(benchmark::State& state) {
  const std::string& text = ChurnTrace();
  std::uint64_t events = 0;
  for (auto _ : state) {
    state.PauseTiming();
    std::istringstream in(text);
    state.ResumeTiming();
    TraceReader reader(in, "churn");
    TraceEvent e;
    while (reader.Next(e))
      ++events;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(events));
  state.SetBytesProcessed(static_cast<std::int64_t>(text.size() * state.iterations()));
}
BENCHMARK(BM_TraceRead)->Unit(benchmark::kMillisecond);

void BM_RunChurn(benchmark::State& state) {
  const std::string& text = ChurnTrace();
  std::uint64_t events = 0;
  std::uint64_t gcs = 0;
  for (auto _ : state) {
    state.PauseTiming();
    std::istringstream in(text);
    state.ResumeTiming();
    const GcFlags flags;
    Session session(flags.ToConfig(), flags.buffer_pool_size);
    GcRingBuffer ring(LogPrefix::Predictable());  // the observers heaplab run always has
    RunSummary summary;
    session.tracer().AddObserver(&ring);
    session.tracer().AddObserver(&summary);
    session.ReplayStream(in, "churn");
    events += session.replayer().events();
    gcs += static_cast<std::uint64_t>(summary.scavenges() + summary.mark_compacts());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(events));
  state.counters["gcs_per_run"] =
      static_cast<double>(gcs) / static_cast<double>(state.iterations());
}
BENCHMARK(BM_RunChurn)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace heaplab::bench
