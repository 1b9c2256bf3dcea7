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

// Exit statuses.
inline constexpr int kExitOk = 0;
inline constexpr int kExitTraceError = 1;     // the trace is malformed or meaningless
inline constexpr int kExitUsage = 2;          // a wrong flag or value
inline constexpr int kExitVerify = 70;        // --verify-heap found a broken invariant
inline constexpr int kExitOutOfMemory = 134;  // as Node's abort() on a fatal OOM

// Runs `body`, turning heaplab's exceptions into a message on stderr and an exit status.
int Guard(const std::function<int()>& body);

// Flushes standard output; throws std::runtime_error saying why when it cannot be written
// (a full disk, a closed pipe), so that a lost result is never a success.
void FlushStandardOutput();

// "what: reason" with the reason of `error` (an errno value), or just "what" when it is 0.
std::string WithReason(const std::string& what, int error);

}  // namespace heaplab::cli
