// Scenario generators: programs that write traces of the classic Node.js memory patterns.
// Each scenario has a name, a one-line description and parameters with defaults: counts (its
// size options) or enumerated modes (`mode=whole|stream`); given the same seed and parameters
// it writes the same trace, byte for byte.
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
  // An enumerated parameter names its values here ("whole", "stream"); its value is then the
  // index of the choice (min 0, max choices.size() - 1). Empty for a count.
  std::vector<std::string> choices = {};
};

// An enumerated parameter: values 0 .. choices.size() - 1, `default_choice` by default.
ScenarioParam ChoiceParam(std::string name, std::vector<std::string> choices,
                          std::uint64_t default_choice, std::string help);

struct ScenarioOptions {
  std::uint64_t seed = 1;
  // Missing ones take their defaults; an enumerated parameter holds its choice's index.
  std::map<std::string, std::uint64_t> params;
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

// The header metadata for a generated trace: scenario, seed and every parameter (an enumerated
// one by the name of its choice).
std::map<std::string, std::string> ScenarioMetadata(const Scenario& s, const ScenarioOptions& o);

// The parameter `name` of `s`, or null.
const ScenarioParam* FindScenarioParam(const Scenario& s, const std::string& name);
// A value as the command line gives it, for parameter `name` of scenario `s`: a decimal count
// within the parameter's range, or one of an enumerated parameter's choices (its index is
// returned). Throws std::invalid_argument naming the scenario, the parameter and what it
// accepts.
std::uint64_t ParseScenarioParam(const Scenario& s, const std::string& name,
                                 const std::string& text);
// The value as text: the choice's name for an enumerated parameter, else the number.
std::string FormatScenarioParam(const ScenarioParam& p, std::uint64_t value);
// "whole, stream": an enumerated parameter's choices for messages.
std::string ChoiceList(const ScenarioParam& p);

// Fills in defaults and writes the scenario's events to `sink`. Throws std::invalid_argument
// naming an unknown parameter.
void GenerateScenario(const Scenario& s, ScenarioOptions options, TraceSink& sink);

}  // namespace heaplab
