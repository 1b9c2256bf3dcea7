// The subcommands of `heaplab`. Each registers itself on the app and returns the function
// that runs it once the command line is parsed; that function returns the exit status.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include <heaplab/traces/scenarios.h>

#include "guard.h"  // the exit statuses the commands return

namespace heaplab {
class Session;
}

namespace heaplab::cli {

using Action = std::function<int()>;

Action AddRunCommand(CLI::App& app);
// `heaplab run` whose flags are parsed and checked as usual, but whose replay is `replay` in
// place of the trace or scenario they name. The flags fuzz target replays a small trace so.
using Replay = std::function<void(Session&)>;
Action AddRunCommand(CLI::App& app, Replay replay);
Action AddGenCommand(CLI::App& app);
Action AddCheckCommand(CLI::App& app);
Action AddEventsCommand(CLI::App& app);
Action AddStatsCommand(CLI::App& app);
Action AddSweepCommand(CLI::App& app);
Action AddV8LogCommand(CLI::App& app);

// --param NAME=VALUE pairs of `scenario` (run, sweep): a count, or one of an enumerated
// parameter's choices. Throws CLI::ValidationError naming --param.
std::map<std::string, std::uint64_t> ParseScenarioParams(const Scenario& scenario,
                                                         const std::vector<std::string>& params);

}  // namespace heaplab::cli
