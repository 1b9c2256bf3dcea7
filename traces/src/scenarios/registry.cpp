#include "scenarios/registry.h"

#include <stdexcept>

namespace heaplab {

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
        {"value", 160, 8, 1073741824, "bytes per cached value"}},
       GenerateLeakCache},
      {"lru-cache",
       "a bounded cache that evicts its oldest entry: old space settles at a steady size",
       {{"capacity", 100000, 1, 100000000, "entries the cache holds"},
        {"ops", 2000000, 0, 1000000000, "inserts"},
        {"value", 160, 8, 1073741824, "bytes per cached value"},
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
        {"big", 262144, 8, 4294967296, "bytes of the large object in each scope"},
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
    m[p.name] = std::to_string(it != o.params.end() ? it->second : p.default_value);
  }
  return m;
}

}  // namespace heaplab

namespace heaplab {

void GenerateScenario(const Scenario& s, ScenarioOptions options, TraceSink& sink) {
  for (const auto& [name, value] : options.params) {
    const ScenarioParam* param = nullptr;
    for (const ScenarioParam& p : s.params) {
      if (p.name == name) param = &p;
    }
    if (param == nullptr) {
      std::string names;
      for (const ScenarioParam& p : s.params)
        names += (names.empty() ? "" : ", ") + p.name;
      throw std::invalid_argument("scenario '" + s.name + "' has no parameter '" + name +
                                  "' (it has: " + names + ")");
    }
    if (value < param->min || value > param->max) {
      throw std::invalid_argument("scenario '" + s.name + "': parameter '" + name + "' must be " +
                                  std::to_string(param->min) + " to " + std::to_string(param->max) +
                                  ", not " + std::to_string(value));
    }
  }
  for (const ScenarioParam& p : s.params)
    options.params.emplace(p.name, p.default_value);
  s.generate(options, sink);
}

}  // namespace heaplab
