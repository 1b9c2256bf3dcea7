#include <heaplab/traces/scenarios.h>

#include <cctype>
#include <stdexcept>

#include <heaplab/buffer/buffers.h>

#include "scenarios/registry.h"

namespace heaplab {

ScenarioParam ChoiceParam(std::string name, std::vector<std::string> choices,
                          std::uint64_t default_choice, std::string help) {
  const std::uint64_t max = choices.empty() ? 0 : choices.size() - 1;
  return {std::move(name), default_choice, 0, max, std::move(help), std::move(choices)};
}

const std::vector<Scenario>& Scenarios() {
  static const std::vector<Scenario> all = {
      {"churn",
       "short-lived request objects, a little state kept (most bytes die young)",
       {{"requests", 300000, 0, 1000000000, "requests to handle"},
        {"keep", 1000, 0, 100000000, "responses kept in a global ring"},
        {"compute", 2, 0, 1000000, "microseconds of computation per request"}},
       GenerateChurn},
      {"survivors",
       "cohorts that live across exactly 0, 1, 2 and many Scavenges",
       {{"rounds", 200, 0, 10000000, "rounds, each ending with an explicit Scavenge"},
        {"cohort", 1000, 0, 100000000, "objects per cohort"},
        {"size", 48, 16, 131072, "bytes per object"},
        {"long", 8, 1, 1000000, "Scavenges the long-lived cohort survives"}},
       GenerateSurvivors},
      {"leak-cache",
       "a cache that never evicts: the old generation grows to the heap limit",
       {{"entries", 400000, 0, 1000000000, "entries stored (about 230 bytes each)"},
        {"value", 160, 8, kMaxObjectSize, "bytes per cached value"}},
       GenerateLeakCache},
      {"lru-cache",
       "a bounded cache that evicts its oldest entry: old space settles at a steady size",
       {{"capacity", 100000, 1, 100000000, "entries the cache holds"},
        {"ops", 2000000, 0, 1000000000, "inserts"},
        {"value", 160, 8, kMaxObjectSize, "bytes per cached value"},
        {"garbage", 3, 0, 1000, "short-lived objects per insert (keys, lookups)"}},
       GenerateLruCache},
      {"slow-queue",
       "a producer faster than its consumer: the backlog is promoted and grows",
       {{"ticks", 300000, 0, 1000000000, "ticks of the event loop"},
        {"produce", 3, 0, 1000000, "messages enqueued per tick"},
        {"consume", 2, 0, 1000000, "messages dequeued per tick"}},
       GenerateSlowQueue},
      {"fragmentation",
       "long-lived survivors scattered among garbage in old space, then a full GC",
       {{"nodes", 200000, 0, 1000000000, "list nodes per round"},
        {"keep_every", 10, 1, 1000000000, "one node in this many survives"},
        {"rounds", 1, 0, 10000000, "rounds, each ending with a full GC"}},
       GenerateFragmentation},
      {"closure-retention",
       "kept closures retain scopes that hold large objects",
       {{"iterations", 300, 0, 100000000, "closures created and kept"},
        {"big", 262144, 8, kMaxObjectSize, "bytes of the large object in each scope"},
        {"fixed", 0, 0, 1, "1: the scope drops the large object before the closure is made"}},
       GenerateClosureRetention},
      {"async-bursts",
       "bursts of allocation between event-loop turns: GCs by task, marking finished by task",
       {{"rounds", 200, 0, 100000000, "bursts"},
        {"burst", 20000, 1, 100000000, "objects allocated per burst"},
        {"keep", 2000, 0, 100000000, "objects of each burst kept (a slice of its array)"},
        {"window", 120, 0, 1000000, "slices kept; the oldest is dropped"},
        {"timeout_every", 10, 0, 1000000,
         "every this many bursts, a timer wait instead of setImmediate"},
        {"timeout", 5000, 0, 100000000, "microseconds of that timer wait"}},
       GenerateAsyncBursts},
      {"buffer-server",
       "per-request small pooled Buffers, a few kept: each kept slice pins an 8 KiB slab",
       {{"requests", 100000, 0, 1000000000, "requests to handle"},
        {"keep", 1000, 0, 100000000, "16-byte tokens kept in a global ring (0: none)"},
        {"keep_every", 50, 1, 1000000000, "one request in this many keeps a token"}},
       GenerateBufferServer},
      {"big-file",
       "a file read whole into one Buffer or streamed in 64 KiB chunks: peak external memory",
       {ChoiceParam("mode", {"whole", "stream"}, 0,
                    "whole: fs.readFile, one Buffer; stream: fs.createReadStream, 64 KiB chunks"),
        {"mib", 200, 1, kMaxBufferSize / MB, "size of the file in MiB"}},
       GenerateBigFile},
      {"buffer-concat",
       "chunks collected per message, then copied into one Buffer with Buffer.concat",
       {{"messages", 20000, 0, 1000000000, "messages received"},
        {"chunks", 8, 1, 64, "chunks per message"},
        {"chunk", 256, 1, 64 * MB, "bytes per chunk at most (at least half of it)"}},
       GenerateBufferConcat},
      {"static-buffer",
       "a response body converted to a Buffer once and reused, or converted per request",
       {ChoiceParam("mode", {"static", "dynamic"}, 0,
                    "static: Buffer.from once at start-up; dynamic: Buffer.from per request"),
        {"requests", 100000, 0, 1000000000, "requests to answer"},
        {"size", 2048, 1, 64 * MB, "bytes of the response body"}},
       GenerateStaticBuffer},
  };
  return all;
}

const Scenario* FindScenario(const std::string& name) {
  for (const Scenario& s : Scenarios())
    if (s.name == name) return &s;
  return nullptr;
}

std::map<std::string, std::string> ScenarioMetadata(const Scenario& s, const ScenarioOptions& o) {
  std::map<std::string, std::string> m;
  m["scenario"] = s.name;
  m["seed"] = std::to_string(o.seed);
  for (const ScenarioParam& p : s.params) {
    auto it = o.params.find(p.name);
    m[p.name] = FormatScenarioParam(p, it != o.params.end() ? it->second : p.default_value);
  }
  return m;
}

const ScenarioParam* FindScenarioParam(const Scenario& s, const std::string& name) {
  for (const ScenarioParam& p : s.params)
    if (p.name == name) return &p;
  return nullptr;
}

std::string ChoiceList(const ScenarioParam& p) {
  std::string out;
  for (const std::string& c : p.choices)
    out += (out.empty() ? "" : ", ") + c;
  return out;
}

std::string FormatScenarioParam(const ScenarioParam& p, std::uint64_t value) {
  if (!p.choices.empty() && value < p.choices.size()) return p.choices[value];
  return std::to_string(value);
}

namespace {

std::string ParamNames(const Scenario& s) {
  std::string names;
  for (const ScenarioParam& p : s.params)
    names += (names.empty() ? "" : ", ") + p.name;
  return names;
}

std::string RangeText(const ScenarioParam& p) {
  if (!p.choices.empty()) return "one of " + ChoiceList(p);
  return std::to_string(p.min) + " to " + std::to_string(p.max);
}

}  // namespace

std::uint64_t ParseScenarioParam(const Scenario& s, const std::string& name,
                                 const std::string& text) {
  const ScenarioParam* p = FindScenarioParam(s, name);
  if (p == nullptr) {
    throw std::invalid_argument("scenario '" + s.name + "' has no parameter '" + name +
                                "' (it has: " + ParamNames(s) + ")");
  }
  const std::string where = "scenario '" + s.name + "': parameter '" + name + "' must be ";
  if (!p->choices.empty()) {
    for (std::size_t i = 0; i < p->choices.size(); ++i)
      if (p->choices[i] == text) return i;
    throw std::invalid_argument(where + RangeText(*p) + ", not '" + text + "'");
  }
  bool digits = !text.empty() && text.size() <= 20;
  for (const char c : text)
    digits = digits && std::isdigit(static_cast<unsigned char>(c)) != 0;
  std::uint64_t value = 0;
  if (digits) {
    try {
      value = std::stoull(text);
    } catch (const std::out_of_range&) {
      digits = false;
    }
  }
  if (!digits || value < p->min || value > p->max)
    throw std::invalid_argument(where + "a count from " + RangeText(*p) + ", not '" + text + "'");
  return value;
}

void GenerateScenario(const Scenario& s, ScenarioOptions options, TraceSink& sink) {
  for (const auto& [name, value] : options.params) {
    const ScenarioParam* param = FindScenarioParam(s, name);
    if (param == nullptr) {
      throw std::invalid_argument("scenario '" + s.name + "' has no parameter '" + name +
                                  "' (it has: " + ParamNames(s) + ")");
    }
    if (value < param->min || value > param->max) {
      const std::string index = param->choices.empty() ? "" : " (a choice's index)";
      throw std::invalid_argument("scenario '" + s.name + "': parameter '" + name + "' must be " +
                                  RangeText(*param) + ", not " + std::to_string(value) + index);
    }
  }
  for (const ScenarioParam& p : s.params)
    options.params.emplace(p.name, p.default_value);
  s.generate(options, sink);
}

}  // namespace heaplab
