// Scenario generators: programs that write traces of the classic Node.js memory patterns.
// Each scenario has a name, a one-line description and integer parameters with defaults (its
// size options); given the same seed and parameters it writes the same trace, byte for byte.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include <heaplab/traces/event.h>

namespace heaplab {

struct ScenarioParam {
  std::string name;  // as on the command line, e.g. "requests"
  std::uint64_t default_value;
  std::uint64_t min;  // the range a value must lie in, so that every trace is valid
  std::uint64_t max;
  std::string help;
};

struct ScenarioOptions {
  std::uint64_t seed = 1;
  std::map<std::string, std::uint64_t> params;  // missing ones take their defaults
};

struct Scenario {
  std::string name;
  std::string description;
  std::vector<ScenarioParam> params;
  // Writes the trace's events (not the header) to `sink`.
  std::function<void(const ScenarioOptions&, TraceSink&)> generate;
};

const std::vector<Scenario>& Scenarios();
const Scenario* FindScenario(const std::string& name);
inline constexpr const char* kDefaultScenario = "churn";

// The header metadata for a generated trace: scenario, seed and every parameter.
std::map<std::string, std::string> ScenarioMetadata(const Scenario& s, const ScenarioOptions& o);

// Fills in defaults and writes the scenario's events to `sink`. Throws std::invalid_argument
// naming an unknown parameter.
void GenerateScenario(const Scenario& s, ScenarioOptions options, TraceSink& sink);

}  // namespace heaplab
