// Scenario generators: deterministic for a seed (byte for byte), seed-dependent where they draw
// random numbers, and valid: what they write reads back through the reader and replays without
// error under verify-heap.
#include <gtest/gtest.h>

#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <heaplab/buffer/buffers.h>
#include <heaplab/traces/reader.h>
#include <heaplab/traces/scenarios.h>
#include <heaplab/traces/session.h>
#include <heaplab/traces/writer.h>
#include "test_heap.h"

namespace heaplab {
namespace {

// Scenarios that draw no random numbers: their trace does not depend on the seed. A new
// scenario that uses its seed must not be listed here (the seed test checks both ways).
const std::set<std::string> kSeedIndependent = {"survivors"};

// Small values for the size parameters, so that every scenario replays in a moment. Only the
// parameters a scenario has are passed.
ScenarioOptions SmallOptions(const Scenario& s, std::uint64_t seed) {
  static const std::map<std::string, std::uint64_t> kSmall = {
      {"requests", 2000}, {"rounds", 10},     {"cohort", 200}, {"entries", 5000},
      {"capacity", 1000}, {"ops", 10000},     {"ticks", 3000}, {"nodes", 5000},
      {"iterations", 20}, {"messages", 2000}, {"mib", 8}};
  ScenarioOptions o;
  o.seed = seed;
  for (const ScenarioParam& p : s.params) {
    auto it = kSmall.find(p.name);
    if (it != kSmall.end()) o.params[p.name] = it->second;
  }
  // static-buffer's requests allocate little on the heap: enough of them for a Scavenge.
  if (s.name == "static-buffer") o.params["requests"] = 5000;
  return o;
}

// The scenario's events as a text trace without metadata (so that the seed shows only through
// the events themselves).
std::string Generate(const Scenario& s, const ScenarioOptions& o) {
  std::ostringstream out;
  TraceWriter writer(out, {});
  GenerateScenario(s, o, writer);
  return out.str();
}

class Collect : public TraceSink {
 public:
  void Put(const TraceEvent& e) override { events.push_back(e); }
  std::vector<TraceEvent> events;
};

TEST(Scenarios, RegistryIsWellFormed) {
  ASSERT_FALSE(Scenarios().empty());
  std::set<std::string> names;
  for (const Scenario& s : Scenarios()) {
    EXPECT_TRUE(names.insert(s.name).second) << "duplicate scenario " << s.name;
    EXPECT_FALSE(s.description.empty()) << s.name;
    EXPECT_TRUE(static_cast<bool>(s.generate)) << s.name;
    EXPECT_EQ(FindScenario(s.name), &s);
  }
  EXPECT_NE(FindScenario(kDefaultScenario), nullptr);
  EXPECT_EQ(FindScenario("no-such-scenario"), nullptr);
  for (const std::string& name : kSeedIndependent) {
    EXPECT_NE(FindScenario(name), nullptr) << name << " is listed but does not exist";
  }
}

TEST(Scenarios, SameSeedGivesTheSameBytes) {
  for (const Scenario& s : Scenarios()) {
    SCOPED_TRACE(s.name);
    const std::string first = Generate(s, SmallOptions(s, 7));
    const std::string second = Generate(s, SmallOptions(s, 7));
    EXPECT_GT(first.size(), 1000u);
    EXPECT_TRUE(first == second) << "two runs with seed 7 differ";
  }
}

TEST(Scenarios, DifferentSeedGivesDifferentBytesWhereRandom) {
  for (const Scenario& s : Scenarios()) {
    SCOPED_TRACE(s.name);
    const std::string a = Generate(s, SmallOptions(s, 1));
    const std::string b = Generate(s, SmallOptions(s, 2));
    if (kSeedIndependent.count(s.name) != 0) {
      EXPECT_TRUE(a == b) << "listed as seed-independent, but seeds 1 and 2 differ";
    } else {
      EXPECT_FALSE(a == b) << "seeds 1 and 2 give the same trace";
    }
  }
}

TEST(Scenarios, ParametersChangeTheTrace) {
  const Scenario* churn = FindScenario("churn");
  ASSERT_NE(churn, nullptr);
  ScenarioOptions o;
  o.params["requests"] = 10;
  Collect ten;
  GenerateScenario(*churn, o, ten);
  o.params["requests"] = 20;
  Collect twenty;
  GenerateScenario(*churn, o, twenty);
  // Each request is one scope: count the '{' events.
  auto opens = [](const Collect& c) {
    std::size_t n = 0;
    for (const TraceEvent& e : c.events)
      n += e.op == Op::Open ? 1 : 0;
    return n;
  };
  EXPECT_EQ(opens(ten), 10u);
  EXPECT_EQ(opens(twenty), 20u);
}

TEST(Scenarios, GeneratedTracesReadBackIntoTheSameEvents) {
  for (const Scenario& s : Scenarios()) {
    SCOPED_TRACE(s.name);
    const ScenarioOptions o = SmallOptions(s, 3);
    Collect direct;
    GenerateScenario(s, o, direct);

    std::ostringstream out;
    TraceWriter writer(out, ScenarioMetadata(s, o));
    GenerateScenario(s, o, writer);
    EXPECT_EQ(writer.events(), direct.events.size());

    std::istringstream in(out.str());
    TraceReader reader(in, s.name + ".hlt");
    EXPECT_EQ(reader.metadata(), ScenarioMetadata(s, o));
    EXPECT_EQ(reader.metadata().at("scenario"), s.name);
    EXPECT_EQ(reader.metadata().at("seed"), "3");
    std::size_t i = 0;
    TraceEvent e;
    while (reader.Next(e)) {
      ASSERT_LT(i, direct.events.size());
      const TraceEvent& d = direct.events[i++];
      ASSERT_EQ(FormatEvent(e), FormatEvent(d)) << "event " << i;
      ASSERT_EQ(e.op, d.op);
      ASSERT_EQ(e.id, d.id);
    }
    EXPECT_EQ(i, direct.events.size());
  }
}

TEST(Scenarios, MetadataListsEveryParameter) {
  for (const Scenario& s : Scenarios()) {
    SCOPED_TRACE(s.name);
    ScenarioOptions o;
    o.seed = 11;
    const std::map<std::string, std::string> m = ScenarioMetadata(s, o);
    EXPECT_EQ(m.at("scenario"), s.name);
    EXPECT_EQ(m.at("seed"), "11");
    for (const ScenarioParam& p : s.params) {
      const std::string expected =
          p.choices.empty() ? std::to_string(p.default_value) : p.choices.at(p.default_value);
      EXPECT_EQ(m.at(p.name), expected) << p.name;
    }
    EXPECT_EQ(m.size(), s.params.size() + 2);
  }
}

TEST(Scenarios, GeneratedTracesReplayWithVerifyHeap) {
  for (const Scenario& s : Scenarios()) {
    SCOPED_TRACE(s.name);
    const ScenarioOptions o = SmallOptions(s, 5);
    std::ostringstream out;
    TraceWriter writer(out, ScenarioMetadata(s, o));
    GenerateScenario(s, o, writer);

    GcConfig config;  // V8's defaults, but checked after every collection
    config.verify_heap = true;
    config.clock = ClockKind::Model;
    Session session(config);
    std::istringstream in(out.str());
    try {
      session.ReplayStream(in, s.name + ".hlt");
    } catch (const TraceError& e) {
      FAIL() << e.what();
    }
    EXPECT_EQ(session.replayer().events(), writer.events());
    std::uint64_t allocations = 0;
    std::uint64_t bytes = 0;
    Collect c;
    GenerateScenario(s, o, c);
    for (const TraceEvent& e : c.events) {
      if (e.op == Op::Allocate) {
        ++allocations;
        bytes += RoundUp(e.size, kWordSize);
      } else if (e.op == Op::Buffer) {  // a wrapper on the heap, the bytes outside it
        ++allocations;
        bytes += kBufferWrapperSize;
      }
    }
    EXPECT_EQ(session.replayer().objects(), allocations);
    EXPECT_EQ(session.replayer().allocated_bytes(), bytes);
    EXPECT_GT(session.tracer().gc_count(), 0);
    EXPECT_EQ(session.heap().scopes().Depth(), 1u) << "scopes do not balance";
  }
}

TEST(Scenarios, ReplayScenarioMatchesTheReplayOfItsTrace) {
  for (const Scenario& s : Scenarios()) {
    SCOPED_TRACE(s.name);
    const ScenarioOptions o = SmallOptions(s, 9);
    Session direct(test::SmallConfig());
    direct.ReplayScenario(s, o);

    Session from_text(test::SmallConfig());
    std::istringstream in(Generate(s, o));
    from_text.ReplayStream(in, s.name + ".hlt");

    EXPECT_EQ(direct.replayer().events(), from_text.replayer().events());
    EXPECT_EQ(direct.replayer().allocated_bytes(), from_text.replayer().allocated_bytes());
    EXPECT_EQ(direct.tracer().gc_count(), from_text.tracer().gc_count());
    EXPECT_EQ(direct.heap().SizeOfObjects(), from_text.heap().SizeOfObjects());
  }
}

TEST(Scenarios, SurvivorsAsksForOneScavengePerRound) {
  const Scenario* s = FindScenario("survivors");
  ASSERT_NE(s, nullptr);
  ScenarioOptions o;
  o.params = {{"rounds", 6}, {"cohort", 10}};
  Collect c;
  GenerateScenario(*s, o, c);
  std::size_t minors = 0;
  for (const TraceEvent& e : c.events)
    minors += (e.op == Op::Gc && !e.major) ? 1 : 0;
  EXPECT_EQ(minors, 6u);

  // Small cohorts never fill a semispace: the only collections are the requested ones.
  Session session(test::SmallConfig());
  session.ReplayScenario(*s, o);
  EXPECT_EQ(session.tracer().gc_count(), 6);
}

TEST(Scenarios, UnknownParameterThrows) {
  for (const Scenario& s : Scenarios()) {
    SCOPED_TRACE(s.name);
    ScenarioOptions o;
    o.params["no-such-parameter"] = 1;
    Collect c;
    try {
      GenerateScenario(s, o, c);
      ADD_FAILURE() << "expected std::invalid_argument";
    } catch (const std::invalid_argument& e) {
      const std::string what = e.what();
      EXPECT_NE(what.find("'" + s.name + "'"), std::string::npos) << what;
      EXPECT_NE(what.find("no-such-parameter"), std::string::npos) << what;
    }
    EXPECT_TRUE(c.events.empty()) << "nothing is written before the parameters are checked";
  }
}

TEST(Scenarios, EveryParameterIsWellFormed) {
  for (const Scenario& s : Scenarios()) {
    for (const ScenarioParam& p : s.params) {
      SCOPED_TRACE(s.name + " " + p.name);
      EXPECT_LE(p.min, p.default_value);
      EXPECT_LE(p.default_value, p.max);
      EXPECT_FALSE(p.help.empty());
      if (p.choices.empty()) continue;
      EXPECT_EQ(p.min, 0u);
      EXPECT_EQ(p.max + 1, p.choices.size());
      EXPECT_EQ(std::set<std::string>(p.choices.begin(), p.choices.end()).size(), p.choices.size())
          << "duplicate choice";
    }
  }
}

TEST(Scenarios, EnumeratedParametersTakeTheirChoicesByName) {
  const Scenario* big = FindScenario("big-file");
  ASSERT_NE(big, nullptr);
  const ScenarioParam* mode = FindScenarioParam(*big, "mode");
  ASSERT_NE(mode, nullptr);
  EXPECT_EQ(mode->choices, (std::vector<std::string>{"whole", "stream"}));
  EXPECT_EQ(ParseScenarioParam(*big, "mode", "whole"), 0u);
  EXPECT_EQ(ParseScenarioParam(*big, "mode", "stream"), 1u);
  EXPECT_EQ(FormatScenarioParam(*mode, 1), "stream");
  EXPECT_EQ(ChoiceList(*mode), "whole, stream");
  // A count parameter beside it keeps its numbers.
  EXPECT_EQ(ParseScenarioParam(*big, "mib", "3"), 3u);
  EXPECT_EQ(FormatScenarioParam(*FindScenarioParam(*big, "mib"), 3), "3");

  ScenarioOptions o;
  o.params["mode"] = 1;
  o.params["mib"] = 2;
  EXPECT_EQ(ScenarioMetadata(*big, o).at("mode"), "stream");
  EXPECT_EQ(ScenarioMetadata(*big, o).at("mib"), "2");
}

// The message of the std::invalid_argument `f` throws ("" when it throws none).
template <typename F>
std::string ErrorOf(F f) {
  try {
    f();
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}

TEST(Scenarios, BadParameterValuesNameTheScenarioTheParameterAndWhatIsAllowed) {
  const Scenario* big = FindScenario("big-file");
  const Scenario* fixed = FindScenario("static-buffer");
  const Scenario* churn = FindScenario("churn");
  ASSERT_TRUE(big != nullptr && fixed != nullptr && churn != nullptr);
  EXPECT_EQ(ErrorOf([&] { ParseScenarioParam(*big, "mode", "mmap"); }),
            "scenario 'big-file': parameter 'mode' must be one of whole, stream, not 'mmap'");
  // The choices are the only spelling: not an index, not another scenario's choice, not upper
  // case.
  EXPECT_NE(ErrorOf([&] { ParseScenarioParam(*big, "mode", "1"); }), "");
  EXPECT_EQ(ErrorOf([&] { ParseScenarioParam(*big, "mode", "static"); }),
            "scenario 'big-file': parameter 'mode' must be one of whole, stream, not 'static'");
  EXPECT_NE(ErrorOf([&] { ParseScenarioParam(*fixed, "mode", "Dynamic"); }), "");
  EXPECT_EQ(ErrorOf([&] { ParseScenarioParam(*fixed, "mode", "dynamic"); }), "");
  // Counts stay counts.
  EXPECT_EQ(ErrorOf([&] { ParseScenarioParam(*churn, "requests", "many"); }),
            "scenario 'churn': parameter 'requests' must be a count from 0 to 1000000000, not "
            "'many'");
  EXPECT_NE(ErrorOf([&] { ParseScenarioParam(*churn, "requests", "1000000001"); }), "");
  EXPECT_NE(ErrorOf([&] { ParseScenarioParam(*churn, "requests", "-1"); }), "");
  EXPECT_NE(ErrorOf([&] { ParseScenarioParam(*churn, "requests", "99999999999999999999999"); }),
            "");
  EXPECT_EQ(ErrorOf([&] { ParseScenarioParam(*churn, "requests", "1000000000"); }), "");
  EXPECT_EQ(ErrorOf([&] { ParseScenarioParam(*churn, "mode", "whole"); }),
            "scenario 'churn' has no parameter 'mode' (it has: requests, keep, compute)");
  // An index out of range given to the library directly.
  ScenarioOptions o;
  o.params["mode"] = 2;
  Collect c;
  EXPECT_EQ(ErrorOf([&] { GenerateScenario(*big, o, c); }),
            "scenario 'big-file': parameter 'mode' must be one of whole, stream, not 2 (a "
            "choice's index)");
  EXPECT_TRUE(c.events.empty());
}

TEST(Scenarios, ModesChangeTheTrace) {
  for (const char* name : {"big-file", "static-buffer"}) {
    SCOPED_TRACE(name);
    const Scenario* s = FindScenario(name);
    ASSERT_NE(s, nullptr);
    ScenarioOptions o = SmallOptions(*s, 1);
    o.params["mode"] = 0;
    const std::string first = Generate(*s, o);
    o.params["mode"] = 1;
    EXPECT_NE(first, Generate(*s, o));
  }
}

// Must-show of issue 7, against Node's async_idle.log (tests/data/node20/, 37 Scavenges of
// which 27 by task, and 2 Mark-Compacts finalized via task): with the scenario's defaults and
// --predictable, Scavenges by task outnumber those by allocation failure, and every Mark-Compact
// (at least one) is finalized by a task, none through the stack guard.
struct ReasonCount : GcObserver {
  std::map<std::pair<Collector, Reason>, int> n;
  void OnGc(const GcEvent& e) override { ++n[{e.collector, e.reason}]; }
  int operator()(Collector c, Reason r) const {
    auto it = n.find({c, r});
    return it == n.end() ? 0 : it->second;
  }
};

TEST(AsyncBursts, GcsComeByTaskAsInNode) {
  GcConfig config;
  config.clock = ClockKind::Model;
  Session s(config);
  ReasonCount count;
  s.tracer().AddObserver(&count);
  ScenarioOptions o;
  for (const ScenarioParam& p : FindScenario("async-bursts")->params)
    o.params[p.name] = p.default_value;
  s.ReplayScenario(*FindScenario("async-bursts"), o);
  s.tracer().RemoveObserver(&count);
  const int task = count(Collector::Scavenge, Reason::Task);
  const int failure = count(Collector::Scavenge, Reason::AllocationFailure);
  EXPECT_GT(task, failure);
  EXPECT_GE(count(Collector::MarkCompact, Reason::FinalizeMarkingViaTask), 1);
  EXPECT_EQ(count(Collector::MarkCompact, Reason::FinalizeMarkingViaStackGuard), 0);

  // Control: without the scavenge task the same run has no Scavenge by task at all.
  config.scavenge_task = false;
  Session off(config);
  ReasonCount none;
  off.tracer().AddObserver(&none);
  off.ReplayScenario(*FindScenario("async-bursts"), o);
  off.tracer().RemoveObserver(&none);
  EXPECT_EQ(none(Collector::Scavenge, Reason::Task), 0);
}

}  // namespace
}  // namespace heaplab
