// The V8 log importer (traces/include/heaplab/traces/v8_log.h) against real Node 20 output: every
// log in tests/data/node20/ reads with no unparsed GC line, and the counts by collector, reason and
// collector reason of each log equal those SUMMARY.txt records (parsed here, not retyped).
// Beside each comparison a control shows that it can fail: a log changed in one line, another
// log's record, a report entry counted twice. Then the layouts that the fixtures lack (older
// and newer V8), isolates, bad input, the verdict and the bounded pause histogram.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include <heaplab/traces/v8_log.h>
#include <heaplab/traces/v8_log_summary.h>

namespace heaplab {
namespace {

const std::string kDir = "tests/data/node20/";

using Counts = std::map<std::string, std::uint64_t>;

struct Expected {
  std::uint64_t lines = 0;
  Counts collectors, reasons, collector_reasons;
};

// {'Scavenge': 37, 'Mark-Compact': 2} as SUMMARY.txt writes it.
Counts ParseDict(const std::string& text) {
  Counts out;
  static const std::regex item("'([^']*)': ([0-9]+)");
  for (auto it = std::sregex_iterator(text.begin(), text.end(), item); it != std::sregex_iterator();
       ++it) {
    out[(*it)[1].str()] = std::stoull((*it)[2].str());
  }
  return out;
}

std::map<std::string, Expected> ReadSummaryTxt() {
  std::ifstream in(kDir + "SUMMARY.txt");
  EXPECT_TRUE(in) << "cannot open " << kDir << "SUMMARY.txt";
  std::map<std::string, Expected> out;
  static const std::regex line_re(
      R"(^(\S+\.log): ([0-9]+)/([0-9]+) trace-gc lines matched; collectors=(\{[^}]*\}) )"
      R"(reasons=(\{[^}]*\}) collector_reasons=(\{[^}]*\})\s*$)");
  std::string line;
  while (std::getline(in, line)) {
    std::smatch m;
    if (!std::regex_match(line, m, line_re)) {
      ADD_FAILURE() << "SUMMARY.txt line not understood: " << line;
      continue;
    }
    Expected e;
    e.lines = std::stoull(m[3].str());
    EXPECT_EQ(m[2].str(), m[3].str()) << line;
    e.collectors = ParseDict(m[4].str());
    e.reasons = ParseDict(m[5].str());
    e.collector_reasons = ParseDict(m[6].str());
    out[m[1].str()] = e;
  }
  return out;
}

// Everything read from one input, with the problems reported.
struct Result : V8LogSummary {
  using V8LogSummary::V8LogSummary;
  std::vector<std::string> problems;
  std::vector<V8GcRecord> records;  // (reason_text not kept)
  std::vector<MarkingEvent> marking;
  void OnProblem(const V8LogProblem& p) override { problems.push_back(p.Format()); }
  void OnGcRecord(const V8GcRecord& r) override {
    V8LogSummary::OnGcRecord(r);
    records.push_back(r);
    records.back().reason_text = {};
  }
  void OnMarking(IsolateId id, const MarkingEvent& e) override {
    V8LogSummary::OnMarking(id, e);
    marking.push_back(e);
  }
  V8LogCounts counts;
  // Records in the order of their lines (an isolate's last record waits for its verbose block,
  // so records of different isolates reach the observer out of line order).
  void SortByLine() {
    std::stable_sort(records.begin(), records.end(),
                     [](const V8GcRecord& a, const V8GcRecord& b) { return a.line < b.line; });
  }

  Counts Collectors(std::size_t i = 0) const {
    Counts out;
    for (std::size_t k = 0; k < kKeys; ++k)
      if (isolates()[i]->by_key[k] > 0) out[KeyName(k)] = isolates()[i]->by_key[k];
    return out;
  }
  Counts Reasons(std::size_t i = 0) const {
    Counts out;
    for (const auto& [name, n] : isolates()[i]->ByReason())
      out[name] += n;
    return out;
  }
  Counts CollectorReasons(std::size_t i = 0) const {
    Counts out;
    for (const auto& [name, n] : isolates()[i]->by_collector_reason)
      out[name] += n;
    return out;
  }
};

std::unique_ptr<Result> ReadText(const std::string& text, V8LogSummary::Options o = {},
                                 std::size_t piece = 0) {
  auto r = std::make_unique<Result>(o);
  V8LogReader reader(*r);
  reader.Begin("t.log");
  if (piece == 0) {
    reader.Feed(text);
  } else {
    for (std::size_t at = 0; at < text.size(); at += piece)
      reader.Feed(text.substr(at, piece));
  }
  reader.Finish();
  r->counts = reader.counts();
  r->SortByLine();
  return r;
}

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in) << "cannot open " << path;
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::unique_ptr<Result> ReadFixture(const std::string& name, V8LogSummary::Options o = {}) {
  auto r = std::make_unique<Result>(o);
  V8LogReader reader(*r);
  reader.ReadFile(kDir + name);
  r->counts = reader.counts();
  r->SortByLine();
  return r;
}

// Where the comparison with SUMMARY.txt fails, or success.
::testing::AssertionResult MatchesSummary(const Result& r, const Expected& e) {
  if (r.isolates().size() != 1)
    return ::testing::AssertionFailure() << r.isolates().size() << " isolates";
  if (r.counts.unparsed != 0)
    return ::testing::AssertionFailure() << r.counts.unparsed << " unparsed";
  if (r.counts.events != e.lines)
    return ::testing::AssertionFailure() << r.counts.events << " events, expected " << e.lines;
  if (r.Collectors() != e.collectors) return ::testing::AssertionFailure() << "collectors differ";
  if (r.Reasons() != e.reasons) return ::testing::AssertionFailure() << "reasons differ";
  if (r.CollectorReasons() != e.collector_reasons)
    return ::testing::AssertionFailure() << "collector reasons differ";
  return ::testing::AssertionSuccess();
}

TEST(V8LogNode20, EveryLogInSummaryTxtHasItsCounts) {
  const auto summary = ReadSummaryTxt();
  ASSERT_GE(summary.size(), 17u);
  for (const auto& [name, expected] : summary) {
    SCOPED_TRACE(name);
    const auto r = ReadFixture(name);
    EXPECT_TRUE(MatchesSummary(*r, expected));
    for (const std::string& p : r->problems)
      ADD_FAILURE() << p;
  }
}

// Control: the comparison fails for a log changed in one GC line (its reason), and for the
// record of another log whose counts differ.
TEST(V8LogNode20, ControlTheComparisonCanFail) {
  const auto summary = ReadSummaryTxt();
  std::string text = Slurp(kDir + "leaky_cache.log");
  const auto changed = ReadText(text);
  changed->counts.unparsed = 0;
  ASSERT_TRUE(MatchesSummary(*changed, summary.at("leaky_cache.log")));
  const std::size_t at = text.find("allocation failure");
  ASSERT_NE(at, std::string::npos);
  text.replace(at, 18, "task");
  EXPECT_FALSE(MatchesSummary(*ReadText(text), summary.at("leaky_cache.log")));
  EXPECT_FALSE(
      MatchesSummary(*ReadFixture("leaky_cache.log"), summary.at("leaky_cache_verbose.log")));
  EXPECT_FALSE(MatchesSummary(*ReadFixture("oom.log"), summary.at("oom_bigarray.log")));
}

// Every log there, also those SUMMARY.txt leaves out (name=value layouts, logs of programs
// without --trace-gc): no unparsed line, and as many events as lines that a plain pattern
// finds (a GC line of either layout outside the out-of-memory report).
TEST(V8LogNode20, EveryLogReadsWithNoUnparsedLine) {
  static const std::regex gc_line(
      R"(^\[[0-9]+:0x[0-9a-f]+\] +[0-9]+ ms: (Scavenge|Mark-Compact|Minor Mark-Compact|pause=).*)");
  int logs = 0;
  for (const auto& entry : std::filesystem::directory_iterator(kDir)) {
    if (entry.path().extension() != ".log") continue;
    ++logs;
    const std::string name = entry.path().filename().string();
    SCOPED_TRACE(name);
    const auto r = ReadFixture(name);
    EXPECT_EQ(r->counts.unparsed, 0u);
    for (const std::string& p : r->problems)
      ADD_FAILURE() << p;
    std::ifstream in(entry.path());
    std::string line;
    std::uint64_t expected = 0;
    bool dump = false;
    while (std::getline(in, line)) {
      if (line.rfind("<--- Last few GCs", 0) == 0) dump = true;
      if (line.rfind("<--- JS", 0) == 0) dump = false;
      if (!dump && std::regex_match(line, gc_line)) ++expected;
    }
    if (name == "oom_plain.log") expected = 2;  // only the report has them (no --trace-gc)
    EXPECT_EQ(r->counts.events, expected);
    EXPECT_LE(r->isolates().size(), 1u);
  }
  EXPECT_GE(logs, 24);
}

TEST(V8LogNode20, NameValueLayouts) {
  const auto s = ReadFixture("short_lived_nvp.log");
  ASSERT_EQ(s->isolates().size(), 1u);
  EXPECT_EQ(s->Collectors(), (Counts{{"Scavenge", s->counts.events}}));
  EXPECT_EQ(s->Reasons(), (Counts{{"(not printed)", s->counts.events}}));
  const V8GcRecord& first = s->records.front();
  EXPECT_TRUE(first.nvp);
  EXPECT_DOUBLE_EQ(first.event.pause_ms, 0.4);
  EXPECT_DOUBLE_EQ(first.event.mutator_ms, 11.3);
  EXPECT_EQ(first.event.start_object_size, 4074296u);
  EXPECT_EQ(first.event.end_object_size, 3317648u);
  EXPECT_EQ(first.event.semi_space_copied, 241288u);
  EXPECT_DOUBLE_EQ(first.event.phase_ms[static_cast<std::size_t>(Phase::ScavengeParallel)], 0.25);

  const auto m = ReadFixture("leaky_cache_nvp.log");
  const Counts c = m->Collectors();
  EXPECT_EQ(c.at("Mark-Compact"), 2u);
  const auto mc = std::find_if(m->records.begin(), m->records.end(), [](const V8GcRecord& r) {
    return r.collector == V8Collector::MarkCompact;
  });
  ASSERT_NE(mc, m->records.end());
  EXPECT_EQ(mc->event.collector, Collector::MarkCompact);
  EXPECT_DOUBLE_EQ(mc->event.pause_ms, 16.8);
  EXPECT_EQ(mc->event.incremental_steps, 5);
  EXPECT_EQ(mc->event.start_object_size, 42222672u);
  // GCTracer::PrintNVP prints no reason: a full GC that finished incremental marking is not
  // given one either (docs/v8log.md), and reduce_memory=0 keeps it a plain Mark-Compact.
  EXPECT_EQ(mc->event.reason, Reason::Unknown);
  EXPECT_FALSE(mc->event.reduce_memory);
  EXPECT_EQ(m->Reasons(), (Counts{{"(not printed)", m->counts.events}}));
}

TEST(V8LogNode20, OneLineFieldsAndVerboseBlock) {
  const auto r = ReadFixture("leaky_cache_verbose.log");
  ASSERT_FALSE(r->records.empty());
  const GcEvent& e = r->records.front().event;
  EXPECT_DOUBLE_EQ(e.end_ms, 17);
  EXPECT_DOUBLE_EQ(e.pause_ms, 0.62);
  EXPECT_NEAR(e.start_ms, 16.38, 1e-9);
  EXPECT_EQ(e.start_object_size, static_cast<std::size_t>(std::llround(3.9 * 1048576)));
  EXPECT_EQ(e.end_memory_size, static_cast<std::size_t>(std::llround(5.0 * 1048576)));
  // The block after it: "New space, used: 700 KB, available: 306 KB, committed: 2048 KB".
  const SpaceStats& ns = e.after[static_cast<std::size_t>(SpaceId::NewSpace)];
  EXPECT_EQ(ns.size, 700u * 1024);
  EXPECT_EQ(ns.available, 306u * 1024);
  EXPECT_EQ(ns.committed, 2048u * 1024);
  EXPECT_EQ(e.after[static_cast<std::size_t>(SpaceId::OldSpace)].size, 2476u * 1024);
  EXPECT_EQ(e.external_memory, 10u * 1024);
  EXPECT_DOUBLE_EQ(e.total_gc_ms, 0.6);
  EXPECT_GE(r->counts.detail, 24u * 13);
  // [HeapController] lines come before the Mark-Compact line they belong to.
  const auto mc = std::find_if(r->records.begin(), r->records.end(), [](const V8GcRecord& x) {
    return x.collector == V8Collector::MarkCompact;
  });
  ASSERT_NE(mc, r->records.end());
  EXPECT_EQ(mc->old_generation_limit, 159242u * 1024);
  EXPECT_EQ(mc->event.incremental_steps, 1);
  EXPECT_DOUBLE_EQ(mc->event.incremental_walltime_ms, 18);
  EXPECT_EQ(mc->event.collector_reason, "GC in old space requested");
  EXPECT_EQ(r->records.front().old_generation_limit, 0u);

  // Every "[IncrementalMarking] Step in v8|task" line is a marking step.
  const auto inc = ReadFixture("async_idle_incremental.log");
  std::ifstream in(kDir + "async_idle_incremental.log");
  std::size_t steps = 0, by_task = 0;
  for (std::string line; std::getline(in, line);) {
    steps += line.find("[IncrementalMarking] Step in ") != std::string::npos;
    by_task += line.find("[IncrementalMarking] Step in task") != std::string::npos;
  }
  ASSERT_GT(by_task, 0u);
  ASSERT_GT(steps, by_task);
  EXPECT_EQ(inc->marking.size(), steps);
  EXPECT_EQ(
      static_cast<std::size_t>(std::count_if(inc->marking.begin(), inc->marking.end(),
                                             [](const MarkingEvent& m) { return m.by_task; })),
      by_task);
  EXPECT_EQ(static_cast<std::size_t>(inc->isolates()[0]->run.marking_steps().count), steps);
}

// The out-of-memory report repeats the last GC lines: not counted twice. Its entries count
// only when the log has no line of theirs (a log without --trace-gc).
TEST(V8LogNode20, OutOfMemoryReportIsNotCountedTwice) {
  const auto r = ReadFixture("oom.log");
  EXPECT_EQ(r->counts.events, 19u);
  EXPECT_EQ(r->counts.dump_repeats, 2u);
  EXPECT_EQ(r->counts.out_of_memory, 1u);
  ASSERT_EQ(r->isolates().size(), 1u);
  EXPECT_TRUE(r->isolates()[0]->out_of_memory);
  EXPECT_EQ(r->isolates()[0]->oom_message,
            "Ineffective mark-compacts near heap limit Allocation failed - JavaScript heap out "
            "of memory");
  // Control: without the last two GC lines before it, the report's two entries are new.
  std::string text = Slurp(kDir + "oom.log");
  for (const char* time :
       {"      387 ms: Mark-Compact (reduce)", "      451 ms: Mark-Compact (reduce)"}) {
    const std::size_t at = text.find(std::string("[11473:0x28830cb0]") + time);
    ASSERT_NE(at, std::string::npos);
    text.erase(at, text.find('\n', at) + 1 - at);
  }
  const auto cut = ReadText(text);
  EXPECT_EQ(cut->counts.events, 19u);
  EXPECT_EQ(cut->counts.dump_repeats, 0u);
  EXPECT_EQ(cut->isolates()[0]->from_dump, 2u);
  EXPECT_EQ(cut->counts.unparsed, 0u);

  const auto plain = ReadFixture("oom_plain.log");
  EXPECT_EQ(plain->counts.events, 2u);
  EXPECT_EQ(plain->Collectors(), (Counts{{"Mark-Compact", 1}, {"Mark-Compact (reduce)", 1}}));
  // The first entry is cut inside its reason; the second is whole.
  EXPECT_EQ(plain->Reasons(), (Counts{{"(not printed)", 1}, {"allocation failure", 1}}));
  EXPECT_EQ(plain->CollectorReasons(), (Counts{{"scavenge might not succeed", 1}}));
}

std::string Lines(std::initializer_list<const char*> lines) {
  std::string s;
  for (const char* l : lines)
    s += std::string(l) + "\n";
  return s;
}

TEST(V8LogIsolates, TwoProcessesInOneFileStayApart) {
  const auto summary = ReadSummaryTxt();
  const std::string a = Slurp(kDir + "short_lived.log");
  const std::string b = Slurp(kDir + "leaky_cache.log");
  const auto r = ReadText(a + b);
  ASSERT_EQ(r->isolates().size(), 2u);
  EXPECT_EQ(IsolateName(r->isolates()[0]->id), "8265:0x917bc00");
  EXPECT_EQ(IsolateName(r->isolates()[1]->id), "8572:0x27543c00");
  const Expected& ea = summary.at("short_lived.log");
  const Expected& eb = summary.at("leaky_cache.log");
  EXPECT_EQ(r->Collectors(0), ea.collectors);
  EXPECT_EQ(r->Reasons(0), ea.reasons);
  EXPECT_EQ(r->Collectors(1), eb.collectors);
  EXPECT_EQ(r->Reasons(1), eb.reasons);
  EXPECT_EQ(r->isolates()[0]->events, ea.lines);
  EXPECT_EQ(r->isolates()[1]->events, eb.lines);
  // Interleaved line by line, the same.
  std::istringstream sa(a), sb(b);
  std::string la, lb, mixed;
  bool more = true;
  while (more) {
    more = false;
    if (std::getline(sa, la)) mixed += la + "\n", more = true;
    if (std::getline(sb, lb)) mixed += lb + "\n", more = true;
  }
  const auto m = ReadText(mixed);
  ASSERT_EQ(m->isolates().size(), 2u);
  EXPECT_EQ(m->Collectors(1), eb.collectors);
  EXPECT_EQ(m->isolates()[0]->events, ea.lines);
}

// Control: the same process twice is one isolate; one process with two isolates (a worker)
// is two.
TEST(V8LogIsolates, ControlSamePidAndAddressIsOneIsolate) {
  const std::string a = Slurp(kDir + "short_lived.log");
  EXPECT_EQ(ReadText(a + a)->isolates().size(), 1u);
  std::string worker = a;
  for (std::size_t at = 0; (at = worker.find("[8265:0x917bc00]", at)) != std::string::npos;)
    worker.replace(at, 16, "[8265:0x917bd00]");
  const auto r = ReadText(a + worker);
  ASSERT_EQ(r->isolates().size(), 2u);
  EXPECT_EQ(r->isolates()[1]->events, 86u);
}

TEST(V8LogBadInput, TruncatedAndGarbledLinesAreReportedAndCounted) {
  const std::string good =
      "[1:0xa]       23 ms: Scavenge 3.9 (4.0) -> 3.1 (5.0) MB, 2.81 / 0.00 ms  (average mu = "
      "1.000, current mu = 1.000) allocation failure; ";
  const auto ok = ReadText(good + "\n");
  EXPECT_EQ(ok->counts.unparsed, 0u);  // control
  EXPECT_EQ(ok->counts.events, 1u);

  const std::string text = Lines(
      {"hello from the program", good.c_str(), "[1:0xa]       25 ms: Scavenge 3.9 (5.0) -> 3.1",
       "[1:0xa]       26 ms: Scavenge 3.9 (5.0) -> 3.1 (5.2) MB, x.45 / "
       "0.00 ms  (average mu = 1.000, current mu = 1.000) task; ",
       "[1:0xa]       2x ms: Scavenge 3.9 (5.0) -> 3.1 (5.2) MB",
       "[1:0xa]       27 ms: Scavange 3.9 (5.0) -> 3.1 (5.2) MB, 0.1 / 0.0 ms",
       "[1:0xa]       28 ms: pause=0.4 mutator=1.0 gc=q",
       "[1:0xa]       29 ms: Scavenge 3.9 (5.0) -> 3.1 (5.2) MB, 0.45 / "
       "0.00 ms  (average mu = 1.000, current mu = 1.000) ",
       good.c_str()});
  const auto r = ReadText(text);
  EXPECT_EQ(r->counts.events, 2u);
  EXPECT_EQ(r->counts.unparsed, 6u);
  EXPECT_EQ(r->counts.program, 1u);
  ASSERT_EQ(r->problems.size(), 6u);
  EXPECT_EQ(r->problems[0].rfind("t.log:3: a GC line that does not parse: expected ' (' before the "
                                 "committed size after the GC at column 47: ",
                                 0),
            0u)
      << r->problems[0];
  EXPECT_NE(r->problems[1].find("t.log:4: "), std::string::npos) << r->problems[1];
  EXPECT_NE(r->problems[1].find("expected the pause (ms)"), std::string::npos) << r->problems[1];
  EXPECT_EQ(r->problems[2].rfind("t.log:5: ", 0), 0u) << r->problems[2];
  EXPECT_EQ(r->problems[3].rfind("t.log:6: a GC line of no layout read", 0), 0u) << r->problems[3];
  EXPECT_NE(r->problems[4].find("gc=s, gc=mc"), std::string::npos) << r->problems[4];
  EXPECT_NE(r->problems[5].find("the reason of the GC"), std::string::npos) << r->problems[5];
}

// Numbers no log holds (past 2^64 bytes, years of milliseconds, billions of steps) are
// clamped, not undefined behaviour (the sanitizer build runs this).
TEST(V8LogBadInput, HugeNumbersAreClamped) {
  const auto r = ReadText(Lines({
      "[1:0xa] 99999999999999999999999 ms: Scavenge 1e300 (4.0) -> 7168000000000000000000000000 "
      "(5.0) MB, 2.81 / 0.00 ms  (+ 0.4 ms in 99999999999999 steps since start of marking, "
      "biggest step 0.1 ms, walltime since start of marking 18 ms) (average mu = 1.000, current "
      "mu = 1.000) allocation failure; ",
      "[1:0xa] 1e307 ms: pause=1e300 gc=mc incremental_steps_count=1e20 total_size_before=1e30",
  }));
  EXPECT_EQ(r->counts.unparsed, 0u);
  ASSERT_EQ(r->records.size(), 2u);
  EXPECT_EQ(r->records[0].event.start_object_size, SIZE_MAX);
  EXPECT_EQ(r->records[0].event.incremental_steps, 2147483647);
  EXPECT_EQ(r->records[1].event.start_object_size, SIZE_MAX);
  EXPECT_LE(r->isolates()[0]->timeline.size(), V8LogSummary::kTimelineBuckets);
  EXPECT_FALSE(r->Format(*r->isolates()[0]).empty());
}

TEST(V8LogBadInput, MissingFileIsAClearError) {
  Result r;
  V8LogReader reader(r);
  try {
    reader.ReadFile(kDir + "no_such.log");
    FAIL() << "no error";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()), kDir + "no_such.log: cannot open: No such file or directory");
  }
}

TEST(V8LogBadInput, LongLinesAreCutAndBinaryIsSkipped) {
  std::string text(kMaxV8LogLine * 3, 'x');
  text = "[1:0xa]       23 ms: Scavenge 3.9 (4.0) -> 3.1 (5.0) MB, 1.0 / 0.0 ms " + text + "\n";
  text += std::string("\0\xff\x01[1:0x", 8) + "\n";
  const auto r = ReadText(text, {}, 4096);
  EXPECT_EQ(r->counts.lines, 2u);
  EXPECT_EQ(r->counts.unparsed, 1u);
  ASSERT_EQ(r->problems.size(), 1u);
  EXPECT_NE(r->problems[0].find("longer than 65536 bytes"), std::string::npos);
}

// Layouts the Node 20 fixtures do not have: older V8 (Mark-sweep, "%.1f / %.1f ms", reasons
// without ';', reasons in brackets) and newer (Minor Mark-Sweep, pooled:, (interleaved),
// (during sweeping), gc=mmc), CRLF, and lines split across pieces of input.
TEST(V8LogLayouts, OlderAndNewerVariants) {
  const std::string text = Lines({
      "[19278:0x5408db0]       44 ms: Scavenge 2.3 (3.0) -> 1.9 (4.0) MB, 1.2 / 0.0 ms  (average "
      "mu = 1.000, current mu = 1.000) allocation failure ",
      "[23521:0x10268b000]      120 ms: Mark-sweep 100.7 (122.7) -> 100.6 (122.7) MB, 0.15 / 0.0 "
      "ms  (average mu = 0.132, current mu = 0.137) deserialize GC in old space requested",
      "[149:0xd8bd20]     1144 ms: Mark-sweep 9.6 (14.5) -> 4.5 (14.5) MB, 1.4 / 0.0 ms  (average "
      "mu = 1.000, current mu = 1.000) allocation failure scavenge might not succeed",
      "[149:0xd8bd20]     1150 ms: Mark-sweep (reduce) 9.6 (14.5) -> 4.5 (14.5) MB, 1.4 / 0.0 ms  "
      "(+ 0.9 ms in 13 steps since start of marking, biggest step 0.2 ms, walltime since start of "
      "marking 25 ms) [finalize incremental marking via stack guard] [GC in old space requested].",
      "[7:0x1]      500 ms: Minor Mark-Sweep 20.1 (25.0) -> 18.2 (25.0) MB, pooled: 1.0 MB, 0.88 / "
      "0.00 ms  (average mu = 0.990, current mu = 0.990) allocation failure; ",
      "[7:0x1]      510 ms: Scavenge (interleaved) 21.1 (26.0) -> 19.2 (26.0) MB, pooled: 0.0 MB, "
      "0.50 / 0.00 ms  (average mu = 0.990, current mu = 0.990) allocation failure; ",
      "[7:0x1]      520 ms: Scavenge (during sweeping) 21.1 (26.0) -> 19.2 (26.0) MB, 0.50 / 0.00 "
      "ms  (average mu = 0.990, current mu = 0.990) task; ",
      "[7:0x1]      530 ms: Mark-Compact (reduce) 21.1 (26.0) -> 15.0 (20.0) MB, pooled: 0.0 MB, "
      "5.50 / 0.10 ms  (average mu = 0.950, current mu = 0.900) memory reducer; GC in old space "
      "requested\r",
      "[7:0x1]      540 ms: pause=0.3 mutator=9.0 gc=mmc reduce_memory=0 total_size_before=100 "
      "total_size_after=50",
      "[7:0x1]      550 ms: pause=12.5 mutator=9.0 gc=mc reduce_memory=1 total_size_before=100 "
      "total_size_after=50",
      "[7:0x1]      560 ms: Scavenge 2.3 (3.0) -> 1.9 (4.0) MB, 1.2 / 0.0 ms  (average mu = 1.000, "
      "current mu = 1.000) some reason V8 added later; ",
  });
  for (std::size_t piece : {std::size_t{0}, std::size_t{1}, std::size_t{7}, std::size_t{100}}) {
    SCOPED_TRACE(piece);
    const auto r = ReadText(text, {}, piece);
    EXPECT_EQ(r->counts.unparsed, 0u);
    for (const std::string& p : r->problems)
      ADD_FAILURE() << p;
    ASSERT_EQ(r->records.size(), 11u);
    ASSERT_EQ(r->isolates().size(), 4u);
    EXPECT_EQ(r->Collectors(1), (Counts{{"Mark-sweep", 1}}));
    EXPECT_EQ(r->Reasons(1), (Counts{{"deserialize", 1}}));
    EXPECT_EQ(r->CollectorReasons(1), (Counts{{"GC in old space requested", 1}}));
    EXPECT_EQ(r->Collectors(2), (Counts{{"Mark-sweep", 1}, {"Mark-sweep (reduce)", 1}}));
    EXPECT_EQ(r->Reasons(2), (Counts{{"allocation failure", 1},
                                     {"finalize incremental marking via stack guard", 1}}));
    EXPECT_EQ(r->CollectorReasons(2),
              (Counts{{"scavenge might not succeed", 1}, {"GC in old space requested", 1}}));
    EXPECT_EQ(r->records[3].event.incremental_steps, 13);
    EXPECT_EQ(r->Collectors(3), (Counts{{"Minor Mark-Sweep", 1},
                                        {"Scavenge", 3},
                                        {"Mark-Compact (reduce)", 2},
                                        {"Minor Mark-Compact", 1}}));
    EXPECT_EQ(r->Reasons(3), (Counts{{"allocation failure", 2},
                                     {"task", 1},
                                     {"memory reducer", 1},
                                     {"(not printed)", 2},
                                     {"some reason V8 added later", 1}}));
    EXPECT_DOUBLE_EQ(r->records[4].pooled_mb, 1.0);
    EXPECT_EQ(r->records[4].event.collector, Collector::Scavenge);
    EXPECT_TRUE(r->records[5].interleaved);
    EXPECT_TRUE(r->records[6].during_sweeping);
    EXPECT_EQ(r->records[7].event.collector_reason, "GC in old space requested");
    EXPECT_DOUBLE_EQ(r->records[7].embedder_ms, 0.10);
    EXPECT_EQ(r->isolates()[3]->interleaved, 1u);
  }
}

TEST(V8LogVerdict, GrowingOldGenerationAndItsControl) {
  // leaky_cache_semi1.log: 18.7, 67.4, 236.3 MB after its three Mark-Compacts.
  const auto leak = ReadFixture("leaky_cache_semi1.log");
  const auto v = leak->isolates()[0]->MakeVerdict(leak->options());
  ASSERT_TRUE(v.growing);
  EXPECT_EQ(v.full_gcs, 3);
  EXPECT_GT(v.mb_per_minute, 10000);  // 218 MB in about a second
  EXPECT_NE(v.text.find("old generation grows at every full GC: "), std::string::npos);
  EXPECT_NE(v.text.find("limit unknown"), std::string::npos);
  const auto limited = ReadFixture("leaky_cache_semi1.log", {.max_old_space_mb = 4096});
  const auto lv = limited->isolates()[0]->MakeVerdict(limited->options());
  EXPECT_NEAR(lv.minutes_to_limit, (4096 - 236.3) / lv.mb_per_minute, 1e-9);
  EXPECT_NE(lv.text.find("limit reached in about "), std::string::npos) << lv.text;
  // Control: lru_churn.log is 46.7 MB after each of its three: no verdict.
  const auto flat = ReadFixture("lru_churn.log");
  EXPECT_FALSE(flat->isolates()[0]->MakeVerdict(flat->options()).growing);
  EXPECT_EQ(flat->Format(*flat->isolates()[0]).find("verdict"), std::string::npos);
  // Two full GCs are not enough (leaky_cache.log).
  const auto two = ReadFixture("leaky_cache.log");
  EXPECT_FALSE(two->isolates()[0]->MakeVerdict(two->options()).growing);
  // oom.log: it fell once (56.3 -> 56.1), then grew four times, and ran out of memory.
  const auto oom = ReadFixture("oom.log");
  const auto ov = oom->isolates()[0]->MakeVerdict(oom->options());
  ASSERT_TRUE(ov.growing);
  EXPECT_EQ(ov.full_gcs, 4);
  EXPECT_NE(ov.text.find("limit reached: out of memory at 451 ms"), std::string::npos) << ov.text;
}

TEST(V8LogSummaryText, PrintsRunSummaryAndPerCollectorPauses) {
  const auto r = ReadFixture("leaky_cache.log");
  const std::string s = r->Format(*r->isolates()[0]);
  EXPECT_EQ(s.rfind("heaplab summary: 24 collections (22 Scavenge, 2 Mark-Compact)", 0), 0u) << s;
  EXPECT_NE(s.find("Mark-Compact                 2   pauses p50 8.23 ms"), std::string::npos) << s;
  EXPECT_NE(s.find("max 15.32 ms"), std::string::npos) << s;
  EXPECT_NE(s.find("over time (buckets of 1 s"), std::string::npos) << s;
}

// The bounded histogram: nearest-rank percentiles within 1% of the exact ones past its first
// kExact pauses (exact before); the smallest and largest exact. Control: the exact RunSummary
// agrees with sorting.
TEST(PauseHistogram, PercentilesWithinOnePercent) {
  std::mt19937_64 rng(7);
  std::lognormal_distribution<double> d(0.0, 1.5);
  RunSummary exact, bounded(RunSummary::Pauses::Bounded);
  std::vector<double> all;
  for (int i = 0; i < 20000; ++i) {
    GcEvent e;
    e.pause_ms = std::round(d(rng) * 100) / 100;
    all.push_back(e.pause_ms);
    exact.OnGc(e);
    bounded.OnGc(e);
  }
  std::sort(all.begin(), all.end());
  for (double p : {1.0, 50.0, 95.0, 99.0, 99.9, 100.0}) {
    const double x = exact.PausePercentile(p);
    const auto rank =
        static_cast<std::size_t>(std::ceil(p / 100 * static_cast<double>(all.size())));
    EXPECT_EQ(x, all[std::max<std::size_t>(rank, 1) - 1]);
    EXPECT_NEAR(bounded.PausePercentile(p), x, x * 0.01 + 1e-12) << p;
  }
  PauseHistogram few;
  for (std::size_t i = 0; i < PauseHistogram::kExact; ++i)
    few.Add(all[i * 4]);
  std::vector<double> some;
  for (std::size_t i = 0; i < PauseHistogram::kExact; ++i)
    some.push_back(all[i * 4]);
  EXPECT_EQ(few.Percentile(50), some[PauseHistogram::kExact / 2 - 1]);  // sorted already
  EXPECT_EQ(bounded.max_pause_ms(), all.back());
  EXPECT_EQ(bounded.PausePercentile(0), all.front());
}

// set_keep_text: each record carries its own GC line (for the visualizer's hover), even when
// the verbose block after it is read before the record is handed on; without it, nothing.
TEST(V8LogText, KeptOnlyWhenAskedAndAlwaysTheRecordsOwnLine) {
  struct Texts : V8LogObserver {
    std::vector<std::pair<std::uint64_t, std::string>> seen;
    void OnGcRecord(const V8GcRecord& r) override {
      seen.emplace_back(r.line, std::string(r.text));
    }
  };
  const std::string first =
      "[1:0x10]       17 ms: Scavenge 3.9 (4.0) -> 3.6 (5.0) MB, 0.62 / 0.00 ms  (average mu = "
      "1.000, current mu = 1.000) allocation failure; ";
  const std::string second =
      "[1:0x10]       30 ms: Scavenge 4.9 (6.0) -> 4.6 (6.0) MB, 0.50 / 0.00 ms  (average mu = "
      "1.000, current mu = 1.000) task; ";
  const std::string input = "program output\n" + first + "\n" +
                            "[1:0x10] New space, used: 700 KB, available: 306 KB, committed: "
                            "2048 KB\n" +
                            second + "\r\n";
  for (const bool keep : {true, false}) {
    Texts texts;
    V8LogReader reader(texts);
    reader.set_keep_text(keep);
    reader.Begin("t.log");
    reader.Feed(input);
    reader.Finish();
    ASSERT_EQ(texts.seen.size(), 2u);
    EXPECT_EQ(texts.seen[0].first, 2u);
    EXPECT_EQ(texts.seen[1].first, 4u);
    EXPECT_EQ(texts.seen[0].second, keep ? first : "");
    EXPECT_EQ(texts.seen[1].second, keep ? second : "");  // without the \r
  }
}

}  // namespace
}  // namespace heaplab
