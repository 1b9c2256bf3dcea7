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
#include <heaplab/traces/session.h>
#include "commands.h"
#include "flags.h"
#include "views.h"

namespace heaplab::cli {

// NAME=VALUE pairs for `scenario`: a count, or one of an enumerated parameter's choices.
std::map<std::string, std::uint64_t> ParseScenarioParams(const Scenario& scenario,
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
    scenario_options.params = ParseScenarioParams(*scenario, args.params);
  } else if (!args.scenario.empty() || !args.params.empty() || args.seed_given) {
    throw CLI::ValidationError("--scenario",
                               "--scenario, --param and --seed make a trace; give them or a "
                               "TRACE, not both");
  }

  // On the heap, as V8's isolate is: its address is what the log prefix shows.
  const auto owned = std::make_unique<Session>(config, args.gc.buffer_pool_size);
  Session& session = *owned;
  EventsHeader header;
  header.prefix =
      config.predictable ? LogPrefix::Predictable() : LogPrefix::ForThisProcess(&session.heap());
  header.max_heap_size = MaxReserved(config.heap);
  header.source = scenario != nullptr ? "scenario " + scenario->name : args.trace;
  GcRingBuffer ring(header.prefix);
  Tracer& tracer = session.tracer();
  // V8 (GCTracer::Print): only the one-line format feeds the ring buffer the out-of-memory
  // report shows, so with --trace-gc-nvp (which replaces it) the block stays empty.
  if (!args.output.trace_gc_nvp) tracer.AddObserver(&ring);
  Views views(args.output, header);
  views.Attach([&](GcObserver* o) { tracer.AddObserver(o); });
  BufferTracePrinter trace_buffers(std::cout);
  if (args.output.trace_buffers) {
    session.buffers().AddObserver(&trace_buffers);
    session.buffers().pool().AddObserver(&trace_buffers);
  }
  auto end = [&](const char* state, int status) {
    EventsEnd e;
    e.end_ms = session.controller().clock().NowMs();
    e.committed = session.heap().CommittedMemory();
    e.allocated = session.replayer().allocated_bytes();
    e.end_state = state;
    e.exit_status = status;
    e.bookkeeping_ms = session.controller().clock().bookkeeping_ms();
    return e;
  };

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
    views.Finish(end("oom", kExitOutOfMemory));
    FlushStandardOutput();
    return kExitOutOfMemory;
  }
  views.Finish(end("ok", kExitOk));
  if (args.output.summary && !args.output.json && session.buffers().pool().buffer_count() > 0)
    std::cout << FormatPoolSummary(session.buffers());
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
