#include <heaplab/traces/v8_log.h>

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <stdexcept>

#include <heaplab/traces/reader.h>

namespace heaplab {

const char* V8CollectorName(V8Collector c) {
  switch (c) {
    case V8Collector::Scavenge:
      return "Scavenge";
    case V8Collector::MinorMarkCompact:
      return "Minor Mark-Compact";
    case V8Collector::MinorMarkSweep:
      return "Minor Mark-Sweep";
    case V8Collector::MarkCompact:
      return "Mark-Compact";
    case V8Collector::MarkSweep:
      return "Mark-sweep";
    case V8Collector::Count:
      break;
  }
  return "?";
}

std::string IsolateName(IsolateId id) {
  return fmt::format("{}:{:#x}", id.pid, id.address);
}

namespace {

constexpr double kMB = 1024.0 * 1024.0;
constexpr double kKB = 1024.0;

std::size_t Bytes(double units, double unit) {
  // Rounded to the nearest byte; what a log never holds (negative, past 2^64) is clamped.
  const double bytes = units * unit + 0.5;
  if (!(bytes >= 1)) return 0;
  return bytes < 0x1p64 ? static_cast<std::size_t>(bytes) : SIZE_MAX;
}

// A count, clamped to int.
int Count(double v) {
  if (!(v >= 0)) return 0;
  return v < 2147483647.0 ? static_cast<int>(v) : 2147483647;
}

// A position in one line. Every parse step either consumes what it expects and returns true,
// or leaves the position where it was and returns false.
struct Cursor {
  const char* p;
  const char* end;

  explicit Cursor(std::string_view s) : p(s.data()), end(s.data() + s.size()) {}
  bool AtEnd() const { return p == end; }
  std::string_view Rest() const { return {p, static_cast<std::size_t>(end - p)}; }
  bool Lit(std::string_view s) {
    if (static_cast<std::size_t>(end - p) < s.size() || std::memcmp(p, s.data(), s.size()) != 0)
      return false;
    p += s.size();
    return true;
  }
  // A literal: its length is known here, so the comparison is inlined.
  template <std::size_t N>
  bool Lit(const char (&s)[N]) {
    if (static_cast<std::size_t>(end - p) < N - 1 || std::memcmp(p, s, N - 1) != 0) return false;
    p += N - 1;
    return true;
  }
  void Spaces() {
    while (p != end && *p == ' ')
      ++p;
  }
  bool Uint(std::uint64_t& out) {
    const auto [q, ec] = std::from_chars(p, end, out);
    if (ec != std::errc()) return false;
    p = q;
    return true;
  }
  bool Hex(std::uint64_t& out) {
    const auto [q, ec] = std::from_chars(p, end, out, 16);
    if (ec != std::errc()) return false;
    p = q;
    return true;
  }
  // A decimal number as V8's printf writes it ("%.1f", "%8.0f", "%.6f"): digits, and a
  // fraction after a point. Short ones (all of V8's) are computed exactly as strtod would,
  // as an integer divided by a power of ten; anything else goes to std::from_chars.
  bool Number(double& out) {
    static constexpr double kPow10[] = {1e0, 1e1, 1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                        1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
    const char* q = p;
    bool negative = false;
    if (q != end && *q == '-') {
      negative = true;
      ++q;
    }
    std::uint64_t digits = 0;
    int count = 0;
    int fraction = -1;
    for (; q != end; ++q) {
      const unsigned d = static_cast<unsigned>(*q - '0');
      if (d < 10) {
        digits = digits * 10 + d;
        ++count;
        if (fraction >= 0) ++fraction;
      } else if (*q == '.' && fraction < 0) {
        fraction = 0;
      } else {
        break;
      }
    }
    if (count == 0) return false;
    if (q != end && (*q == 'e' || *q == 'E')) return SlowNumber(out);
    if (count > 15) return SlowNumber(out);
    double v = static_cast<double>(digits);
    if (fraction > 0) v /= kPow10[fraction];
    out = negative ? -v : v;
    p = q;
    return true;
  }
  bool SlowNumber(double& out) {
    const auto [q, ec] = std::from_chars(p, end, out);
    if (ec != std::errc()) return false;
    p = q;
    return true;
  }
};

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && std::memcmp(s.data(), prefix.data(), prefix.size()) == 0;
}
template <std::size_t N>
bool StartsWith(std::string_view s, const char (&prefix)[N]) {
  return s.size() >= N - 1 && std::memcmp(s.data(), prefix, N - 1) == 0;
}

std::string_view TrimRight(std::string_view s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\r' || s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}

// `[pid:0xaddress] ` at the start of `line`: the isolate, and the text after the prefix.
bool ParsePrefix(std::string_view line, IsolateId& id, std::string_view& rest) {
  Cursor c(line);
  if (!c.Lit("[") || !c.Uint(id.pid) || !c.Lit(":0x") || !c.Hex(id.address) || !c.Lit("]"))
    return false;
  rest = c.Rest();
  if (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
  return true;
}

// The collector names of the one-line layout, longest first where one starts another.
struct NamedCollector {
  std::string_view name;
  V8Collector collector;
};
constexpr NamedCollector kCollectorNames[] = {
    {"Scavenge", V8Collector::Scavenge},
    {"Minor Mark-Compact", V8Collector::MinorMarkCompact},
    {"Minor Mark-Sweep", V8Collector::MinorMarkSweep},
    {"Mark-Compact", V8Collector::MarkCompact},
    {"Mark-sweep", V8Collector::MarkSweep},
};

bool ParseCollectorName(Cursor& c, V8Collector& out) {
  if (c.AtEnd() || (*c.p != 'S' && *c.p != 'M')) return false;
  for (const NamedCollector& n : kCollectorNames) {
    if (c.Lit(n.name)) {
      out = n.collector;
      return true;
    }
  }
  return false;
}

// Text that a GC line would hold, so that a line which is not one of the layouts read, but
// looks like a GC line, is reported rather than passed over as other output.
bool LooksLikeGc(std::string_view s) {
  if (s.find(" -> ") != std::string_view::npos && s.find(" MB") != std::string_view::npos)
    return true;
  if (s.find("pause=") != std::string_view::npos && s.find(" gc=") != std::string_view::npos)
    return true;
  for (std::size_t at = s.find("ms: "); at != std::string_view::npos; at = s.find("ms: ", at + 1)) {
    Cursor c(s.substr(at + 4));
    V8Collector ignored;
    if (ParseCollectorName(c, ignored)) return true;
  }
  return false;
}

// The fields of --trace-gc-nvp that heaplab reads; the phases are those the event model has
// (gc/include/heaplab/gc/event.h names them). A line has about a hundred fields, so the name of
// each is looked up among the names of its length only.
enum class NvpField : std::uint8_t {
  None,
  Pause,
  Mutator,
  ReduceMemory,
  TotalSizeBefore,
  TotalSizeAfter,
  HolesSizeBefore,
  HolesSizeAfter,
  Allocated,
  Promoted,
  NewSpaceSurvived,
  NodesPromoted,
  NodesCopied,
  AverageSurvivalRatio,
  IncrementalSteps,
  IncrementalMs,
  IncrementalLongestStep,
  IncrementalWalltime,
  Phase,
};
struct NvpName {
  std::string_view name;
  NvpField field;
  Phase phase = Phase::Count;
};
constexpr NvpName kNvpNames[] = {
    {"pause", NvpField::Pause},
    {"mutator", NvpField::Mutator},
    {"reduce_memory", NvpField::ReduceMemory},
    {"total_size_before", NvpField::TotalSizeBefore},
    {"total_size_after", NvpField::TotalSizeAfter},
    {"holes_size_before", NvpField::HolesSizeBefore},
    {"holes_size_after", NvpField::HolesSizeAfter},
    {"allocated", NvpField::Allocated},
    {"promoted", NvpField::Promoted},
    {"new_space_survived", NvpField::NewSpaceSurvived},
    {"nodes_promoted", NvpField::NodesPromoted},
    {"nodes_copied_in_new", NvpField::NodesCopied},
    {"average_survival_ratio", NvpField::AverageSurvivalRatio},
    {"incremental_steps_count", NvpField::IncrementalSteps},  // gc=mc
    {"incremental.steps_count", NvpField::IncrementalSteps},  // gc=s
    {"incremental", NvpField::IncrementalMs},
    {"incremental.steps_took", NvpField::IncrementalMs},
    {"incremental_longest_step", NvpField::IncrementalLongestStep},
    {"incremental_walltime_duration", NvpField::IncrementalWalltime},
    {"scavenge.roots", NvpField::Phase, Phase::ScavengeRoots},
    {"scavenge.parallel", NvpField::Phase, Phase::ScavengeParallel},
    {"scavenge.weak", NvpField::Phase, Phase::ScavengeWeak},
    {"scavenge.update_refs", NvpField::Phase, Phase::ScavengeUpdateRefs},
    {"scavenge.sweep_array_buffers", NvpField::Phase, Phase::ScavengeSweepArrayBuffers},
    {"mark.finish_incremental", NvpField::Phase, Phase::MarkFinishIncremental},
    {"mark.roots", NvpField::Phase, Phase::MarkRoots},
    {"mark.full_closure", NvpField::Phase, Phase::MarkClosure},
    {"clear", NvpField::Phase, Phase::Clear},
    {"sweep.old", NvpField::Phase, Phase::Sweep},
    {"evacuate.copy", NvpField::Phase, Phase::Evacuate},
    {"evacuate.update_pointers", NvpField::Phase, Phase::UpdatePointers},
    {"complete.sweep_array_buffers", NvpField::Phase, Phase::CompleteSweepArrayBuffers},
};
constexpr std::size_t kLongestNvpName = 32;

// The names of each length.
const std::vector<NvpName>& NvpNamesOfLength(std::size_t n) {
  static const auto table = [] {
    std::array<std::vector<NvpName>, kLongestNvpName + 1> t;
    for (const NvpName& name : kNvpNames)
      t[name.name.size()].push_back(name);
    return t;
  }();
  return table[n];
}

const NvpName* FindNvpName(std::string_view name) {
  if (name.size() > kLongestNvpName) return nullptr;
  for (const NvpName& n : NvpNamesOfLength(name.size())) {
    if (std::memcmp(n.name.data(), name.data(), name.size()) == 0) return &n;
  }
  return nullptr;
}
NvpField NvpFieldOf(std::string_view name) {
  const NvpName* n = FindNvpName(name);
  return n == nullptr ? NvpField::None : n->field;
}
Phase NvpPhaseOf(std::string_view name) {
  return FindNvpName(name)->phase;
}

// The per-space lines of --trace-gc-verbose that the event model has.
struct VerboseSpace {
  std::string_view name;
  SpaceId space;
};
constexpr VerboseSpace kVerboseSpaces[] = {
    {"New space", SpaceId::NewSpace},
    {"Old space", SpaceId::OldSpace},
    {"Large object space", SpaceId::LargeObjectSpace},
    {"New large object space", SpaceId::NewLargeObjectSpace},
};

bool IsVerboseLine(std::string_view s) {
  static constexpr std::string_view kStarts[] = {
      "Memory allocator,", "All spaces,",          "Unmapper buffering",
      "External memory",   "Backing store memory", "Total time spent in GC",
  };
  for (std::string_view k : kStarts)
    if (StartsWith(s, k)) return true;
  const std::size_t comma = s.find(',');
  if (comma == std::string_view::npos) return false;
  const std::string_view head = s.substr(0, comma);
  return head.ends_with("space") && s.find("used:", comma) != std::string_view::npos;
}

}  // namespace

// What the reader keeps of an isolate: its last event, held until its verbose block (if any)
// has been read, and what tells the next GC line or report entry where it stands.
struct V8LogReader::Isolate {
  IsolateId id;
  V8GcRecord pending;
  std::string reason;  // storage of pending.reason_text
  std::string text;    // storage of pending.text, when the reader keeps it
  bool has_pending = false;
  bool any_event = false;
  double last_time_ms = 0;  // the time of the last event: report entries up to it are repeats
  double last_end_ms = 0;
  std::size_t next_limit = 0;  // a [HeapController] limit, for the GC line after it
};

V8LogReader::V8LogReader(V8LogObserver& observer) : observer_(observer) {}
V8LogReader::~V8LogReader() = default;

V8LogReader::Isolate& V8LogReader::Find(IsolateId id) {
  if (last_ != nullptr && last_->id == id) return *last_;
  for (const auto& iso : isolates_) {
    if (iso->id == id) return *(last_ = iso.get());
  }
  isolates_.push_back(std::make_unique<Isolate>());
  last_ = isolates_.back().get();
  last_->id = id;
  last_->pending.isolate = id;
  observer_.OnIsolate(id);
  return *last_;
}

void V8LogReader::Problem(std::string what) {
  ++counts_.unparsed;
  observer_.OnProblem(V8LogProblem{file_, line_, std::move(what)});
}

void V8LogReader::Emit(Isolate& iso) {
  if (!iso.has_pending) return;
  iso.has_pending = false;
  iso.pending.reason_text = iso.reason;
  iso.pending.text = iso.text;
  observer_.OnGcRecord(iso.pending);
}

void V8LogReader::Begin(std::string_view name) {
  file_ = name;
  line_ = 0;
  carry_.clear();
  carry_cut_ = false;
  in_dump_ = false;
}

void V8LogReader::Feed(std::string_view text) {
  while (!text.empty()) {
    const void* nl = std::memchr(text.data(), '\n', text.size());
    if (nl == nullptr) {
      const std::size_t room = kMaxV8LogLine - std::min(kMaxV8LogLine, carry_.size());
      carry_.append(text.substr(0, room));
      carry_cut_ = carry_cut_ || text.size() > room;
      return;
    }
    const auto n = static_cast<std::size_t>(static_cast<const char*>(nl) - text.data());
    if (carry_.empty() && !carry_cut_) {
      Line(text.substr(0, n));
    } else {
      const std::size_t room = kMaxV8LogLine - std::min(kMaxV8LogLine, carry_.size());
      carry_.append(text.substr(0, std::min(n, room)));
      carry_cut_ = carry_cut_ || n > room;
      Line(carry_);
      carry_.clear();
      carry_cut_ = false;
    }
    text.remove_prefix(n + 1);
  }
}

void V8LogReader::Finish() {
  if (!carry_.empty() || carry_cut_) {
    Line(carry_);
    carry_.clear();
    carry_cut_ = false;
  }
  for (const auto& iso : isolates_)
    Emit(*iso);
  in_dump_ = false;
}

void V8LogReader::ReadStream(std::FILE* in, std::string_view name) {
  Begin(name);
  std::unique_ptr<char[]> buffer(new char[256 * 1024]);
  for (;;) {
    const std::size_t n = std::fread(buffer.get(), 1, 256 * 1024, in);
    if (n > 0) Feed(std::string_view(buffer.get(), n));
    if (n < 256 * 1024) {
      if (std::ferror(in)) {
        const int error = errno;
        throw std::runtime_error(std::string(name) + ": cannot read" +
                                 (error != 0 ? std::string(": ") + std::strerror(error) : ""));
      }
      if (std::feof(in)) break;
    }
  }
  Finish();
}

void V8LogReader::ReadFile(const std::string& path) {
  if (path == "-") {
    ReadStream(stdin, "<stdin>");
    return;
  }
  errno = 0;
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) {
    const int error = errno;
    throw std::runtime_error(path + ": cannot open" +
                             (error != 0 ? std::string(": ") + std::strerror(error) : ""));
  }
  try {
    ReadStream(f, path);
  } catch (...) {
    std::fclose(f);
    throw;
  }
  std::fclose(f);
}

void V8LogReader::Line(std::string_view line) {
  ++line_;
  ++counts_.lines;
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  current_ = line;
  IsolateId id;
  std::string_view rest;
  // Most lines have the prefix of the line before: compared as bytes, not parsed again.
  const std::size_t known = last_prefix_.size();
  bool prefixed = false;
  if (in_dump_) {
    // The report's entries are read by DumpLine.
  } else if (known > 0 && line.size() >= known &&
             std::memcmp(line.data(), last_prefix_.data(), known) == 0) {
    id = last_prefix_id_;
    rest = line.substr(known);
    if (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
    prefixed = true;
  } else if (ParsePrefix(line, id, rest)) {
    const std::size_t n = static_cast<std::size_t>(rest.data() - line.data());
    last_prefix_.assign(line.substr(0, n > 0 && line[n - 1] == ' ' ? n - 1 : n));
    last_prefix_id_ = id;
    prefixed = true;
  }
  if (prefixed) {
    if (carry_cut_ && LooksLikeGc(rest)) {
      Problem(fmt::format("a GC line longer than {} bytes (cut there)", kMaxV8LogLine));
      return;
    }
    Prefixed(id, rest);
    return;
  }
  // Lines without the prefix: V8's out-of-memory report, or the program's output.
  if (StartsWith(line, "<--- Last few GCs --->")) {
    in_dump_ = true;
    ++counts_.other;
    return;
  }
  if (StartsWith(line, "<--- ")) {
    in_dump_ = false;
    ++counts_.other;
    return;
  }
  if (StartsWith(line, "FATAL ERROR: ")) {
    in_dump_ = false;
    ++counts_.out_of_memory;
    Isolate* iso = last_;
    if (iso != nullptr) Emit(*iso);
    observer_.OnOutOfMemory(iso != nullptr ? iso->id : IsolateId{}, TrimRight(line.substr(13)),
                            iso != nullptr ? iso->last_time_ms : 0);
    return;
  }
  if (in_dump_ && line.find(":0x") != std::string_view::npos) {
    DumpLine(line);
    return;
  }
  if (LooksLikeGc(line)) {
    Problem("a GC line without V8's [pid:0xisolate] prefix: " +
            EscapeForMessage(line.substr(0, 120)));
    return;
  }
  ++counts_.program;
}

void V8LogReader::Prefixed(IsolateId id, std::string_view rest) {
  Isolate& iso = Find(id);
  Cursor c(rest);
  c.Spaces();
  const std::string_view text = c.Rest();
  double time_ms = 0;
  if (c.Number(time_ms) && c.Lit(" ms: ")) {
    const std::string_view body = c.Rest();
    if (StartsWith(body, "[IncrementalMarking] ")) {
      ++counts_.marking;
      Cursor m(body.substr(21));
      if (m.Lit("Step in ")) {
        MarkingEvent e;
        e.kind = MarkingEventKind::Step;
        e.time_ms = time_ms;
        e.by_task = m.Lit("task");
        const std::size_t v8 = m.Rest().find("V8: ");
        const std::size_t in = m.Rest().rfind(" in ");
        if (v8 != std::string_view::npos && in != std::string_view::npos) {
          Cursor kb(m.Rest().substr(v8 + 4));
          double marked = 0;
          if (kb.Number(marked)) e.value = Bytes(marked, kKB);
          Cursor ms(m.Rest().substr(in + 4));
          if (ms.Number(e.ms)) observer_.OnMarking(id, e);
        }
      }
      return;
    }
    if (StartsWith(body, "[HeapController] ") || StartsWith(body, "[GlobalMemoryController] ")) {
      ++counts_.detail;
      if (StartsWith(body, "[HeapController] Limit: ")) {
        const std::size_t at = body.find("new limit: ");
        double kb = 0;
        Cursor n(body.substr(at == std::string_view::npos ? body.size() : at + 11));
        if (n.Number(kb)) iso.next_limit = Bytes(kb, kKB);
      }
      return;
    }
    if (GcLine(iso, time_ms, body, false)) return;
    if (LooksLikeGc(body)) {
      Problem("a GC line of no layout read: " + EscapeForMessage(body.substr(0, 120)));
      return;
    }
    ++counts_.other;
    return;
  }
  if (IsVerboseLine(text)) {
    ++counts_.detail;
    if (iso.has_pending) {
      GcEvent& e = iso.pending.event;
      for (const VerboseSpace& s : kVerboseSpaces) {
        if (!StartsWith(text, s.name) || text.size() <= s.name.size() || text[s.name.size()] != ',')
          continue;
        SpaceStats stats;
        double used = 0, available = 0, committed = 0;
        const std::size_t u = text.find("used: ");
        const std::size_t a = text.find("available: ");
        const std::size_t m = text.find("committed: ");
        if (u == std::string_view::npos || a == std::string_view::npos ||
            m == std::string_view::npos)
          break;
        Cursor cu(text.substr(u + 6)), ca(text.substr(a + 11)), cm(text.substr(m + 11));
        cu.Spaces();
        ca.Spaces();
        cm.Spaces();
        if (cu.Number(used) && ca.Number(available) && cm.Number(committed)) {
          stats.size = Bytes(used, kKB);
          stats.available = Bytes(available, kKB);
          stats.committed = Bytes(committed, kKB);
          e.after[static_cast<std::size_t>(s.space)] = stats;
        }
        break;
      }
      double v = 0;
      if (StartsWith(text, "External memory reported:")) {
        Cursor n(text.substr(25));
        n.Spaces();
        if (n.Number(v)) e.external_memory = Bytes(v, kKB);
      } else if (StartsWith(text, "Total time spent in GC")) {
        const std::size_t colon = text.find(':');
        Cursor n(text.substr(colon == std::string_view::npos ? text.size() : colon + 1));
        n.Spaces();
        if (n.Number(v)) e.total_gc_ms = v;
      }
    }
    return;
  }
  if (LooksLikeGc(text)) {
    Problem("a GC line whose time does not parse: " + EscapeForMessage(text.substr(0, 120)));
    return;
  }
  ++counts_.other;
}

// V8's ring buffer of its last lines, printed as one line: entries run together, the first
// one may start with the end of an older entry, and each may be cut.
void V8LogReader::DumpLine(std::string_view line) {
  std::size_t at = 0;
  for (;;) {
    at = line.find('[', at);
    if (at == std::string_view::npos) break;
    IsolateId id;
    std::string_view rest;
    if (!ParsePrefix(line.substr(at), id, rest)) {
      ++at;
      continue;
    }
    // The entry runs to the next prefix.
    std::size_t next = at + 1;
    std::string_view entry = rest;
    for (;;) {
      next = line.find('[', next);
      if (next == std::string_view::npos) break;
      IsolateId other;
      std::string_view ignored;
      if (ParsePrefix(line.substr(next), other, ignored)) {
        entry = line.substr(static_cast<std::size_t>(rest.data() - line.data()),
                            next - static_cast<std::size_t>(rest.data() - line.data()));
        break;
      }
      ++next;
    }
    Isolate& iso = Find(id);
    Cursor c(entry);
    c.Spaces();
    double time_ms = 0;
    if (c.Number(time_ms) && c.Lit(" ms: ")) {
      if (iso.any_event && time_ms <= iso.last_time_ms) {
        ++counts_.dump_repeats;
      } else if (!GcLine(iso, time_ms, c.Rest(), true)) {
        Problem("an entry of the out-of-memory report that does not parse: " +
                EscapeForMessage(entry.substr(0, 120)));
      }
    } else {
      Problem("an entry of the out-of-memory report without a time: " +
              EscapeForMessage(entry.substr(0, 120)));
    }
    if (next == std::string_view::npos) break;
    at = next;
  }
}

// A GC line after "N ms: ". False when `body` starts with neither a collector name nor
// "pause=" (not a GC line at all); a GC line that does not parse is reported here and counts
// as handled. `dump`: an entry of the out-of-memory report, which may be cut after its pause.
bool V8LogReader::GcLine(Isolate& iso, double time_ms, std::string_view body, bool dump) {
  Cursor c(body);
  V8Collector collector = V8Collector::Scavenge;
  const bool nvp = StartsWith(body, "pause=");
  if (!nvp && !ParseCollectorName(c, collector)) return false;

  Emit(iso);
  V8GcRecord& r = iso.pending;
  GcEvent& e = r.event;
  {
    std::string keep = std::move(e.collector_reason);  // keeps its capacity
    e = GcEvent{};
    keep.clear();
    e.collector_reason = std::move(keep);
  }
  r.nvp = nvp;
  r.reason_known = true;
  r.interleaved = r.during_sweeping = false;
  r.from_dump = dump;
  r.pooled_mb = r.embedder_ms = 0;
  r.old_generation_limit = iso.next_limit;
  r.file = file_;
  r.line = line_;
  if (keep_text_) iso.text.assign(current_.substr(0, kMaxV8KeptText));
  iso.reason.clear();
  e.end_ms = time_ms;

  const char* expected = nullptr;
  const auto fail = [&](const char* what) {
    expected = what;
    return false;
  };
  const auto parse_one_line = [&]() -> bool {
    for (;;) {
      if (c.Lit(" (reduce)")) {
        e.reduce_memory = true;
      } else if (c.Lit(" (during sweeping)")) {
        r.during_sweeping = true;
      } else if (c.Lit(" (interleaved)")) {
        r.interleaved = true;
      } else {
        break;
      }
    }
    double before = 0, before_committed = 0, after = 0, after_committed = 0;
    if (!c.Lit(" ")) return fail("a space after the collector's name");
    if (!c.Number(before)) return fail("the heap size before the GC (MB)");
    if (!c.Lit(" (")) return fail("' (' before the committed size");
    if (!c.Number(before_committed)) return fail("the committed size before the GC (MB)");
    if (!c.Lit(") -> ")) return fail("') -> '");
    if (!c.Number(after)) return fail("the heap size after the GC (MB)");
    if (!c.Lit(" (")) return fail("' (' before the committed size after the GC");
    if (!c.Number(after_committed)) return fail("the committed size after the GC (MB)");
    if (!c.Lit(") MB, ")) return fail("') MB, '");
    e.start_object_size = Bytes(before, kMB);
    e.start_memory_size = Bytes(before_committed, kMB);
    e.end_object_size = Bytes(after, kMB);
    e.end_memory_size = Bytes(after_committed, kMB);
    if (c.Lit("pooled: ")) {
      if (!c.Number(r.pooled_mb) || !c.Lit(" MB, ")) return fail("'pooled: N MB, '");
    }
    if (!c.Number(e.pause_ms)) return fail("the pause (ms)");
    if (!c.Lit(" / ") || !c.Number(r.embedder_ms)) return fail("' / ' and the embedder's time");
    if (!c.Lit(" ms")) return fail("' ms' after the pause");
    if (dump && c.AtEnd()) return true;
    c.Spaces();
    if (c.Lit("(+ ")) {
      double steps = 0;
      if (!c.Number(e.incremental_ms) || !c.Lit(" ms in ") || !c.Number(steps) ||
          !c.Lit(" steps since start of marking, biggest step ") ||
          !c.Number(e.incremental_biggest_step_ms) ||
          !c.Lit(" ms, walltime since start of marking ") || !c.Number(e.incremental_walltime_ms) ||
          !c.Lit(" ms)")) {
        if (dump) return true;
        return fail(
            "the incremental marking part '(+ N ms in N steps since start of marking, "
            "biggest step N ms, walltime since start of marking N ms)'");
      }
      e.incremental_steps = Count(steps);
      c.Spaces();
    }
    if (c.Lit("(average mu = ")) {
      if (!c.Number(e.average_mu) || !c.Lit(", current mu = ") || !c.Number(e.current_mu) ||
          !c.Lit(")")) {
        if (dump) return true;
        return fail("'(average mu = N, current mu = N)'");
      }
      c.Spaces();
    }
    // The reason, then (after "; " since V8 8.x, after a space before) the collector reason.
    std::string_view tail = TrimRight(c.Rest());
    std::string_view reason = tail;
    std::string_view collector_reason;
    if (!tail.empty() && tail.front() == '[') {  // very old V8: "[reason] [collector reason]."
      const std::size_t close = tail.find(']');
      reason = tail.substr(1, close == std::string_view::npos ? tail.size() - 1 : close - 1);
      if (close != std::string_view::npos) {
        collector_reason = tail.substr(close + 1);
        while (!collector_reason.empty() &&
               (collector_reason.front() == ' ' || collector_reason.front() == '['))
          collector_reason.remove_prefix(1);
        while (!collector_reason.empty() &&
               (collector_reason.back() == '.' || collector_reason.back() == ']'))
          collector_reason.remove_suffix(1);
      }
    } else if (const std::size_t semi = tail.find(';'); semi != std::string_view::npos) {
      reason = TrimRight(tail.substr(0, semi));
      collector_reason = tail.substr(semi + 1);
      while (!collector_reason.empty() && collector_reason.front() == ' ')
        collector_reason.remove_prefix(1);
    } else {
      // No separator: the longest known reason that the text starts with.
      std::size_t best = 0;
      for (int i = 0; i < static_cast<int>(Reason::Count); ++i) {
        const std::string_view known = ReasonString(static_cast<Reason>(i));
        if (known.size() > best && StartsWith(tail, known) &&
            (tail.size() == known.size() || tail[known.size()] == ' ')) {
          best = known.size();
        }
      }
      if (best > 0) {
        reason = tail.substr(0, best);
        collector_reason = tail.substr(best);
        while (!collector_reason.empty() && collector_reason.front() == ' ')
          collector_reason.remove_prefix(1);
      }
    }
    if (reason.empty() && !dump) return fail("the reason of the GC");
    iso.reason.assign(reason);
    if (reason == last_reason_text_) {
      e.reason = last_reason_;
    } else if (ParseReason(reason, e.reason)) {
      last_reason_text_.assign(reason);
      last_reason_ = e.reason;
    } else {
      e.reason = Reason::Unknown;
      r.reason_known = false;
    }
    e.collector_reason.assign(collector_reason);
    return true;
  };
  const auto parse_nvp = [&]() -> bool {
    bool have_pause = false;
    bool have_gc = false;
    bool reduce = false;
    std::string_view rest = TrimRight(body);
    while (!rest.empty()) {
      const std::size_t space = rest.find(' ');
      const std::string_view token = rest.substr(0, space);
      rest = space == std::string_view::npos ? std::string_view() : rest.substr(space + 1);
      const std::size_t eq = token.find('=');
      if (eq == std::string_view::npos) continue;
      const std::string_view name = token.substr(0, eq);
      const std::string_view text = token.substr(eq + 1);
      if (name == "gc") {
        if (text == "s") {
          collector = V8Collector::Scavenge;
        } else if (text == "mc") {
          collector = V8Collector::MarkCompact;
        } else if (text == "mmc") {
          collector = V8Collector::MinorMarkCompact;
        } else if (text == "mms") {
          collector = V8Collector::MinorMarkSweep;
        } else {
          return fail("gc=s, gc=mc, gc=mmc or gc=mms");
        }
        have_gc = true;
        continue;
      }
      const NvpField field = NvpFieldOf(name);
      if (field == NvpField::None) continue;  // a field heaplab does not read
      Cursor v(text);
      double value = 0;
      if (!v.Number(value)) continue;
      switch (field) {
        case NvpField::Pause:
          e.pause_ms = value;
          have_pause = true;
          break;
        case NvpField::Mutator:
          e.mutator_ms = value;
          break;
        case NvpField::ReduceMemory:
          reduce = value != 0;
          break;
        case NvpField::TotalSizeBefore:
          e.start_object_size = Bytes(value, 1);
          break;
        case NvpField::TotalSizeAfter:
          e.end_object_size = Bytes(value, 1);
          break;
        case NvpField::HolesSizeBefore:
          e.holes_before = Bytes(value, 1);
          break;
        case NvpField::HolesSizeAfter:
          e.holes_after = Bytes(value, 1);
          break;
        case NvpField::Allocated:
          e.allocated = Bytes(value, 1);
          break;
        case NvpField::Promoted:
          e.promoted = Bytes(value, 1);
          break;
        case NvpField::NewSpaceSurvived:
          e.semi_space_copied = Bytes(value, 1);
          break;
        case NvpField::NodesPromoted:
          e.objects_promoted = Bytes(value, 1);
          break;
        case NvpField::NodesCopied:
          e.objects_copied = Bytes(value, 1);
          break;
        case NvpField::AverageSurvivalRatio:
          e.average_survival_ratio = value;
          break;
        case NvpField::IncrementalSteps:
          e.incremental_steps = Count(value);
          break;
        case NvpField::IncrementalMs:
          e.incremental_ms = value;
          break;
        case NvpField::IncrementalLongestStep:
          e.incremental_biggest_step_ms = value;
          break;
        case NvpField::IncrementalWalltime:
          e.incremental_walltime_ms = value;
          break;
        case NvpField::Phase:
          e.phase_ms[static_cast<std::size_t>(NvpPhaseOf(name))] = value;
          break;
        case NvpField::None:
          break;
      }
    }
    if (!have_pause) return fail("pause=N");
    if (!have_gc) return fail("gc=s, gc=mc, gc=mmc or gc=mms");
    e.reduce_memory = reduce;
    e.reason = Reason::Unknown;
    r.reason_known = false;
    return true;
  };

  if (!(nvp ? parse_nvp() : parse_one_line())) {
    Problem(fmt::format("a GC line that does not parse: expected {} at column {}: {}", expected,
                        static_cast<std::size_t>(c.p - current_.data()) + 1,
                        EscapeForMessage(current_.substr(0, 200))));
    return true;
  }
  r.collector = collector;
  e.collector = IsFullGc(collector) ? Collector::MarkCompact : Collector::Scavenge;
  e.start_ms = std::max(0.0, time_ms - e.pause_ms);
  if (!nvp) e.mutator_ms = std::max(0.0, e.start_ms - (iso.any_event ? iso.last_end_ms : 0));
  iso.next_limit = 0;
  iso.has_pending = true;
  iso.any_event = true;
  iso.last_time_ms = time_ms;
  iso.last_end_ms = time_ms;
  ++counts_.events;
  return true;
}

}  // namespace heaplab
