// The importer of real V8 GC logs (node --trace-gc, --trace-gc-nvp, --trace-gc-verbose,
// --trace-incremental-marking and the out-of-memory report), as Node 20 prints them and as
// older and newer V8 versions did: every GC line becomes one GcEvent, the event model of a
// simulated run (gc/include/heaplab/gc/event.h), handed to a V8LogObserver with what only a log
// says (the collector's printed name, the isolate, the file and line). docs/v8log.md lists the
// layouts.
//
// Lines, in the order the reader tries them:
// - `[pid:0xisolate]  N ms: COLLECTOR ...` (one-line layout, V8's GCTracer::Print) or
//   `[pid:0xisolate]  N ms: pause=... gc=s|mc|mmc|mms ...` (GCTracer::PrintNVP): a GC line.
//   One that does not parse is a problem (file, line, what was expected), counted in
//   `unparsed`, and reading goes on.
// - `[pid:0xisolate] Old space, used: ...` and the rest of the per-space block that
//   --trace-gc-verbose prints after a GC line (Heap::PrintShortHeapStatistics): detail of the
//   event before it. `[HeapController]` and `[GlobalMemoryController]` lines, which V8 prints
//   inside a full GC before its GC line: detail of the event after them.
//   `[IncrementalMarking]` lines: marking steps become MarkingEvents; every other prefixed
//   line is `other`.
// - `<--- Last few GCs --->` starts the out-of-memory report: V8's ring buffer of its last GC
//   lines, run together and cut. An entry there is a repeat of a line already read when its
//   time is not later than the isolate's last event (it is then skipped); otherwise (a log
//   without --trace-gc) it is the only record of that GC and counts as an event, its reason
//   cut short if the ring buffer cut it.
// - `FATAL ERROR: ...`: V8's out-of-memory message, for the isolate of the last GC line.
// - Any other line without the prefix is the program's own output: skipped.
//
// Isolates are told apart by the pair (pid, isolate address): two processes, or two workers
// of one process, in one file stay separate; events of an isolate reach the observer in the
// order of its lines.
//
// Memory: the reader keeps one pending event per isolate (it may still get its verbose block)
// and at most one line (kMaxV8LogLine bytes; a longer line is cut there and, if it is a GC
// line, reported): constant in the length of the input.
#pragma once

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <heaplab/gc/event.h>

namespace heaplab {

// The collectors as V8 names them in its logs. GcEvent::collector says only the generation
// (Scavenge for a young collection of any kind, MarkCompact for a full one).
enum class V8Collector : std::uint8_t {
  Scavenge,          // "Scavenge", gc=s
  MinorMarkCompact,  // "Minor Mark-Compact" (--minor-mc), gc=mmc
  MinorMarkSweep,    // "Minor Mark-Sweep" (V8 12 and later), gc=mms
  MarkCompact,       // "Mark-Compact", gc=mc
  MarkSweep,         // "Mark-sweep": V8 before 9.x named its full GC so
  Count,
};
inline constexpr std::size_t kV8CollectorCount = static_cast<std::size_t>(V8Collector::Count);
const char* V8CollectorName(V8Collector c);
inline bool IsFullGc(V8Collector c) {
  return c == V8Collector::MarkCompact || c == V8Collector::MarkSweep;
}

struct IsolateId {
  std::uint64_t pid = 0;
  std::uint64_t address = 0;
  bool operator==(const IsolateId&) const = default;
};
std::string IsolateName(IsolateId id);  // "8265:0x917bc00", as V8 prints it

// One GC line read back.
struct V8GcRecord {
  IsolateId isolate;
  V8Collector collector = V8Collector::Scavenge;
  // GcEvent: collector, reduce_memory, reason, collector_reason, start_ms (end_ms - pause),
  // end_ms (the line's time: V8 prints it when the collection ends), pause_ms, mutator_ms,
  // object and committed sizes (MB to 0.1 in the one-line layout; bytes in name=value lines,
  // which give no committed sizes), incremental figures, mu; the verbose block adds the
  // per-space sizes (`after`), external memory and total_gc_ms; name=value lines add phases,
  // allocated, promoted and semi_space_copied.
  GcEvent event;
  bool nvp = false;                      // a name=value line: no reason, no mu, no committed sizes
  bool reason_known = true;              // false when the line has no reason or an unknown one
  std::string_view reason_text;          // the reason as printed (valid during OnGcRecord)
  bool interleaved = false;              // " (interleaved)": a young GC during full marking
  bool during_sweeping = false;          // " (during sweeping)"
  bool from_dump = false;                // read from the <--- Last few GCs ---> report
  double pooled_mb = 0;                  // "pooled: N MB" (newer V8): young pages kept for reuse
  double embedder_ms = 0;                // the second figure of "P / E ms"
  std::size_t old_generation_limit = 0;  // [HeapController] new limit (bytes), 0 if none
  std::string_view file;
  std::uint64_t line = 0;
  // The GC line as read, without its newline, when the reader keeps it (set_keep_text; for an
  // entry of the out-of-memory report, the report's line, cut to kMaxV8KeptText bytes); empty
  // otherwise. Valid during OnGcRecord.
  std::string_view text;
};

// The most of a line V8LogReader::set_keep_text keeps.
inline constexpr std::size_t kMaxV8KeptText = 1024;

struct V8LogProblem {
  std::string file;
  std::uint64_t line = 0;
  std::string what;
  std::string Format() const { return file + ":" + std::to_string(line) + ": " + what; }
};

class V8LogObserver {
 public:
  virtual ~V8LogObserver() = default;
  // A line of an isolate not seen before: before any other call about it.
  virtual void OnIsolate(IsolateId) {}
  virtual void OnGcRecord(const V8GcRecord&) {}
  // An [IncrementalMarking] step (kind Step; ms and value, the bytes marked).
  virtual void OnMarking(IsolateId, const MarkingEvent&) {}
  // V8's fatal out-of-memory message ("Reached heap limit Allocation failed - JavaScript heap
  // out of memory"), for the isolate of the last GC line read.
  virtual void OnOutOfMemory(IsolateId, std::string_view /*message*/, double /*time_ms*/) {}
  virtual void OnProblem(const V8LogProblem&) {}
};

// What the lines were.
struct V8LogCounts {
  std::uint64_t lines = 0;
  std::uint64_t events = 0;        // GC lines read (dump entries that were no repeat included)
  std::uint64_t unparsed = 0;      // GC lines that did not parse
  std::uint64_t detail = 0;        // verbose-block and heap-controller lines
  std::uint64_t marking = 0;       // [IncrementalMarking] lines
  std::uint64_t other = 0;         // other prefixed lines
  std::uint64_t program = 0;       // lines without the prefix: the program's output
  std::uint64_t dump_repeats = 0;  // entries of the out-of-memory report already read
  std::uint64_t out_of_memory = 0;
};

// The longest line the reader keeps, in bytes (a name=value line is about 3 KB).
inline constexpr std::size_t kMaxV8LogLine = 64 * 1024;

class V8LogReader {
 public:
  explicit V8LogReader(V8LogObserver& observer);
  ~V8LogReader();
  V8LogReader(const V8LogReader&) = delete;
  V8LogReader& operator=(const V8LogReader&) = delete;

  // Reads a file ("-": standard input) to its end and finishes it. Throws std::runtime_error
  // naming the file when it cannot be opened or read.
  void ReadFile(const std::string& path);
  void ReadStream(std::FILE* in, std::string_view name);
  // Text of one input in pieces (lines may cross pieces), then Finish() at its end. Line
  // numbers start at 1 for each input named by Begin.
  void Begin(std::string_view name);
  void Feed(std::string_view text);
  void Finish();

  const V8LogCounts& counts() const { return counts_; }
  // Whether V8GcRecord::text carries each GC line's text (the visualizer shows it on hover).
  // Off by default: it costs a copy of every GC line.
  void set_keep_text(bool keep) { keep_text_ = keep; }

 private:
  struct Isolate;
  void Line(std::string_view line);
  void Prefixed(IsolateId id, std::string_view rest);
  void DumpLine(std::string_view line);
  Isolate& Find(IsolateId id);
  void Emit(Isolate& iso);
  void Problem(std::string what);
  bool GcLine(Isolate& iso, double time_ms, std::string_view body, bool dump);

  V8LogObserver& observer_;
  V8LogCounts counts_;
  std::string file_;
  std::uint64_t line_ = 0;
  std::string carry_;       // a line that crosses pieces
  bool carry_cut_ = false;  // the carried line passed kMaxV8LogLine
  bool in_dump_ = false;
  bool keep_text_ = false;
  std::string_view current_;  // the line being read
  std::string last_prefix_;   // "[pid:0xaddress]" of the last prefixed line, and its isolate
  IsolateId last_prefix_id_;
  std::vector<std::unique_ptr<Isolate>> isolates_;  // in the order they first appeared
  Isolate* last_ = nullptr;                         // the isolate of the last prefixed line
  std::string last_reason_text_;  // the last reason parsed, and what it was: most lines repeat it
  Reason last_reason_ = Reason::Unknown;
};

}  // namespace heaplab
