// heaplab run: replay a trace or a scenario and report what the collector did.
#include <algorithm>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <stdexcept>

#include <heaplab/buffer/printers.h>
#include <heaplab/gc/oom.h>
#include <heaplab/gc/printers.h>
#include <heaplab/gc/summary.h>
#include <heaplab/traces/session.h>
#include "commands.h"
#include "flags.h"

namespace heaplab::cli {

namespace {

struct RunArgs {
  std::string trace;
  std::string scenario;
  std::vector<std::string> params;
  std::uint64_t seed = 1;
  bool seed_given = false;
  GcFlags gc;
  OutputFlags output;
  Replay replay;  // when set, replaces the replay of the trace or scenario
};

// NAME=VALUE pairs for `scenario`: a count, or one of an enumerated parameter's choices.
std::map<std::string, std::uint64_t> ParseParams(const Scenario& scenario,
                                                 const std::vector<std::string>& params) {
  std::map<std::string, std::uint64_t> out;
  for (const std::string& p : params) {
    const std::size_t eq = p.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == p.size())
      throw CLI::ValidationError("--param", "expected NAME=VALUE, found '" + p + "'");
    // keep-every and keep_every alike, as on the command line of gen.
    std::string name = p.substr(0, eq);
    std::replace(name.begin(), name.end(), '-', '_');
    try {
      out[name] = ParseScenarioParam(scenario, name, p.substr(eq + 1));
    } catch (const std::invalid_argument& e) {
      // A wrong flag value is a usage error of --param, as every other flag's is.
      throw CLI::ValidationError("--param", e.what());
    }
  }
  return out;
}

int Run(const RunArgs& args) {
  const GcConfig config = ToConfig(args.gc);
  ScenarioOptions scenario_options;
  scenario_options.seed = args.seed;
  const Scenario* scenario = nullptr;
  if (args.trace.empty()) {
    const std::string name = args.scenario.empty() ? kDefaultScenario : args.scenario;
    scenario = FindScenario(name);
    if (scenario == nullptr)
      throw CLI::ValidationError("--scenario", "unknown scenario '" + name + "'");
    scenario_options.params = ParseParams(*scenario, args.params);
  } else if (!args.scenario.empty() || !args.params.empty() || args.seed_given) {
    throw CLI::ValidationError("--scenario",
                               "--scenario, --param and --seed make a trace; give them or a "
                               "TRACE, not both");
  }

  // On the heap, as V8's isolate is: its address is what the log prefix shows.
  const auto owned = std::make_unique<Session>(config, args.gc.buffer_pool_size);
  Session& session = *owned;
  const LogPrefix prefix =
      config.predictable ? LogPrefix::Predictable() : LogPrefix::ForThisProcess(&session.heap());
  GcRingBuffer ring(prefix);
  TraceGcPrinter::Options print;
  print.verbose = args.output.trace_gc_verbose;
  print.ignore_scavenger = args.output.trace_gc_ignore_scavenger;
  print.max_heap_size = config.heap.max_old_space_size + 3 * config.heap.max_semi_space_size;
  // V8 (GCTracer::Print): --trace-gc-nvp replaces the one-line format, and only the one-line
  // format feeds the ring buffer the out-of-memory report shows (so it stays empty).
  print.line = !args.output.trace_gc_nvp;
  print.startup_heap = args.output.startup_heap;
  TraceGcPrinter trace_gc(std::cout, prefix, print);
  NvpPrinter nvp(std::cout, prefix);
  IncrementalMarkingPrinter marking(std::cout, prefix);
  PretenuringPrinter pretenuring(std::cout, prefix, args.output.trace_pretenuring,
                                 args.output.trace_pretenuring_statistics);
  RunSummary summary;
  Tracer& tracer = session.tracer();
  if (!args.output.trace_gc_nvp) tracer.AddObserver(&ring);
  if ((args.output.trace_gc && !args.output.trace_gc_nvp) || args.output.trace_gc_verbose)
    tracer.AddObserver(&trace_gc);
  if (args.output.trace_gc_nvp) tracer.AddObserver(&nvp);
  if (args.output.trace_incremental_marking) tracer.AddObserver(&marking);
  if (args.output.trace_pretenuring || args.output.trace_pretenuring_statistics)
    tracer.AddObserver(&pretenuring);
  tracer.AddObserver(&summary);
  BufferTracePrinter trace_buffers(std::cout);
  if (args.output.trace_buffers) {
    session.buffers().AddObserver(&trace_buffers);
    session.buffers().pool().AddObserver(&trace_buffers);
  }

  try {
    if (args.replay) {
      args.replay(session);
    } else if (scenario != nullptr) {
      session.ReplayScenario(*scenario, scenario_options);
    } else {
      session.ReplayFile(args.trace);
    }
  } catch (const OutOfMemory& oom) {
    std::cout.flush();
    std::cerr << FormatOomReport(ring, oom);
    std::cerr.flush();
    return kExitOutOfMemory;
  }
  if (args.output.summary) {
    std::cout << summary.Format(session.controller().clock().NowMs(),
                                session.heap().CommittedMemory(),
                                session.replayer().allocated_bytes());
    if (session.buffers().pool().buffer_count() > 0)
      std::cout << FormatPoolSummary(session.buffers());
  }
  FlushStandardOutput();
  return kExitOk;
}

}  // namespace

Action AddRunCommand(CLI::App& app) {
  return AddRunCommand(app, nullptr);
}

Action AddRunCommand(CLI::App& app, Replay replay) {
  auto args = std::make_shared<RunArgs>();
  args->replay = std::move(replay);
  CLI::App* run = app.add_subcommand(
      "run",
      "Replay a trace (or a built-in scenario) and report what the collector did.\n"
      "With neither, replays the default scenario '" +
          std::string(kDefaultScenario) + "'.");
  run->add_option("TRACE", args->trace, "Trace file to replay ('-' for standard input)");
  std::string names;
  for (const Scenario& s : Scenarios())
    names += "\n    " + s.name + ": " + s.description;
  run->add_option("--scenario", args->scenario, "Generate and replay a scenario:" + names);
  run->add_option("--param", args->params,
                  "A scenario parameter as NAME=COUNT, or NAME=CHOICE for an enumerated one\n"
                  "(mode=stream); see 'heaplab gen SCENARIO --help'");
  AddSeedOption(*run, args->seed, "Seed of the scenario generator (default 1)")
      ->each([args](const std::string&) { args->seed_given = true; });
  AddGcFlags(*run, args->gc);
  AddOutputFlags(*run, args->output);
  return [args] { return Run(*args); };
}

}  // namespace heaplab::cli
