// heaplab's printers against real Node 20 output (tests/data/node20, whose README says how
// each file was made). Each fixture line is parsed into a GcEvent and printed again: the result
// must be the same bytes. The OOM report is rebuilt from the GC lines of oom.log through V8's ring
// buffer and must match Node's "Last few GCs" block.
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <sstream>

#include <heaplab/gc/oom.h>
#include <heaplab/gc/printers.h>

namespace heaplab {
namespace {

std::vector<std::string> Lines(const std::string& path) {
  std::ifstream in(path);
  EXPECT_TRUE(in) << "cannot open " << path;
  std::vector<std::string> out;
  for (std::string line; std::getline(in, line);)
    out.push_back(line);
  return out;
}

const std::regex kLine(
    R"(^\[(\d+):0x([0-9a-f]+)\] +(\d+) ms: (Scavenge|Mark-Compact)( \(reduce\))? )"
    R"((\d+\.\d) \((\d+\.\d)\) -> (\d+\.\d) \((\d+\.\d)\) MB, (\d+\.\d\d) / 0\.00 ms )"
    R"(( \(\+ (\d+\.\d) ms in (\d+) steps since start of marking, biggest step (\d+\.\d) ms, )"
    R"(walltime since start of marking (\d+) ms\))? \(average mu = (\d\.\d+), current mu = )"
    R"((\d\.\d+)\) ([a-zA-Z ]+); (.*)$)");

std::size_t Bytes(const std::string& mb) {
  return static_cast<std::size_t>(std::stod(mb) * 1024 * 1024 + 0.5);
}

// Parses a Node --trace-gc line into the event heaplab would print it from.
bool ParseLine(const std::string& line, GcEvent& e, LogPrefix& prefix) {
  std::smatch m;
  if (!std::regex_match(line, m, kLine)) return false;
  prefix = {std::stoi(m[1]), static_cast<Address>(std::stoull(m[2], nullptr, 16))};
  e = GcEvent{};
  e.end_ms = std::stod(m[3]);
  e.collector = m[4] == "Scavenge" ? Collector::Scavenge : Collector::MarkCompact;
  e.reduce_memory = m[5].matched;
  e.start_object_size = Bytes(m[6]);
  e.start_memory_size = Bytes(m[7]);
  e.end_object_size = Bytes(m[8]);
  e.end_memory_size = Bytes(m[9]);
  e.pause_ms = std::stod(m[10]);
  if (m[11].matched) {
    e.incremental_ms = std::stod(m[12]);
    e.incremental_steps = std::stoi(m[13]);
    e.incremental_biggest_step_ms = std::stod(m[14]);
    e.incremental_walltime_ms = std::stod(m[15]);
  }
  e.average_mu = std::stod(m[16]);
  e.current_mu = std::stod(m[17]);
  EXPECT_TRUE(ParseReason(m[18].str(), e.reason)) << m[18];
  e.collector_reason = m[19];
  return true;
}

void ExpectReprinted(const std::string& fixture, int expected_lines) {
  int matched = 0;
  for (const std::string& line : Lines("tests/data/node20/" + fixture)) {
    GcEvent e;
    LogPrefix prefix;
    if (!ParseLine(line, e, prefix)) continue;
    ++matched;
    EXPECT_EQ(FormatTraceGcLine(e, prefix), line + "\n");
  }
  EXPECT_EQ(matched, expected_lines) << fixture;
}

TEST(V8Format, ScavengeLinesOfShortLivedAreReprintedByteForByte) {
  ExpectReprinted("short_lived.log", 86);
}

TEST(V8Format, MarkCompactLinesWithIncrementalPartsAreReprintedByteForByte) {
  ExpectReprinted("leaky_cache.log", 24);
}

TEST(V8Format, ReducingMarkCompactLinesAreReprintedByteForByte) {
  ExpectReprinted("oom.log", 19);
}

TEST(V8Format, OomReportRebuildsNodesLastFewGcsBlock) {
  const std::vector<std::string> lines = Lines("tests/data/node20/oom.log");
  GcRingBuffer ring(LogPrefix{});
  std::size_t i = 0;
  for (; i < lines.size() && !lines[i].empty(); ++i)
    ring.Add(lines[i] + "\n");
  const std::string report =
      FormatOomReport(ring, OutOfMemory(OutOfMemory::Kind::IneffectiveMarkCompacts));
  // Node's stderr from the blank line after the GC lines to "FATAL ERROR: ...", then the header
  // of the native stack trace and the blank line under it; heaplab has no native frames, so a
  // one-line note stands for them.
  std::string expected;
  for (; i < lines.size(); ++i) {
    expected += lines[i] + "\n";
    if (lines[i].rfind("FATAL ERROR:", 0) == 0) break;
  }
  ASSERT_LT(i + 2, lines.size());
  EXPECT_EQ(lines[i + 1], "----- Native stack trace -----");
  EXPECT_EQ(lines[i + 2], "");
  expected += lines[i + 1] + "\n" + lines[i + 2] + "\n";
  EXPECT_EQ(report.substr(0, expected.size()), expected);
  EXPECT_EQ(report.substr(expected.size()),
            " (none: heaplab simulates V8's heap; it has no V8 frames to show)\n");
}

TEST(V8Format, ReachedHeapLimitNamesItsCause) {
  EXPECT_STREQ(OutOfMemory(OutOfMemory::Kind::HeapLimit).what(),
               "Reached heap limit Allocation failed - JavaScript heap out of memory");
}

// --trace-gc-nvp gc=s: the same field names in the same order as Node prints them.
std::vector<std::string> FieldNames(const std::string& line) {
  std::vector<std::string> names;
  std::istringstream in(line.substr(line.find("ms: ") + 4));
  for (std::string tok; in >> tok;)
    names.push_back(tok.substr(0, tok.find('=')));
  return names;
}

TEST(V8Format, NvpScavengeFieldsMatchNodesNamesAndOrder) {
  const std::vector<std::string> node =
      FieldNames(Lines("tests/data/node20/short_lived_nvp.log")[0]);
  std::ostringstream out;
  NvpPrinter printer(out, LogPrefix::Predictable());
  GcEvent e;
  e.collector = Collector::Scavenge;
  e.young_before = 1000;
  e.semi_space_copied = 100;
  printer.OnGc(e);
  EXPECT_EQ(FieldNames(out.str()), node);
  EXPECT_NE(out.str().find(" gc=s "), std::string::npos);
  EXPECT_NE(out.str().find(" new_space_survive_rate_=10.0% "), std::string::npos);
}

TEST(V8Format, NvpMarkCompactFieldsMatchNodesNamesAndOrder) {
  std::string node_line;
  for (const std::string& line : Lines("tests/data/node20/leaky_cache_nvp.log"))
    if (line.find(" gc=mc ") != std::string::npos) node_line = line;
  ASSERT_FALSE(node_line.empty());
  std::ostringstream out;
  NvpPrinter printer(out, LogPrefix::Predictable());
  GcEvent e;
  e.collector = Collector::MarkCompact;
  e.phase_ms[static_cast<std::size_t>(Phase::Clear)] = 2.6;
  printer.OnGc(e);
  EXPECT_EQ(FieldNames(out.str()), FieldNames(node_line));
  EXPECT_NE(out.str().find(" clear=3 "), std::string::npos) << "V8 prints clear with %1.f";
}

// --trace-gc-verbose: the [HeapController] lines of a full GC, against Node's.
TEST(V8Format, HeapControllerLinesMatchNodesFormat) {
  std::ostringstream out;
  TraceGcPrinter::Options options;
  options.verbose = true;
  TraceGcPrinter printer(out, LogPrefix{11228, 0x3a838cb0}, options);
  HeapEvent e{HeapEventKind::LimitChange, 676.0, 721462 * 1024, 0};
  e.factor = 4.0;
  e.limit_factor = 4.0;
  e.gc_speed = 826716;
  e.mutator_speed = 353333;
  e.old_size = 176338 * 1024;
  e.global_limit = 721462 * 1024;
  printer.OnHeapEvent(e);
  std::string expected;
  for (const std::string& line : Lines("tests/data/node20/leaky_cache_verbose.log")) {
    if (line.find("  676 ms: [") != std::string::npos) expected += line + "\n";
  }
  ASSERT_FALSE(expected.empty());
  EXPECT_EQ(out.str(), expected);
}

}  // namespace
}  // namespace heaplab
