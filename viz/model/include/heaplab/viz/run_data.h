// What one run leaves for the views: every event of the stream, in order, and the heap as it
// was at the end. A document kind produces a RunData (by replaying, or by reading a log); the
// views only read it, so they never care where it came from.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <heaplab/gc/event.h>
#include <heaplab/traces/gc_flags.h>
#include <heaplab/viz/heap_snapshot.h>

namespace heaplab::viz {

struct RunIndex;  // run_index.h

// One old-generation limit, from `time_ms` on.
struct LimitPoint {
  double time_ms = 0;
  std::size_t limit = 0;
};

// Where a run's events came from.
enum class RunSource {
  Replay,      // a trace or a scenario replayed through a Session
  NodeLog,     // a real node --trace-gc log, read (LogDocument)
  EventsFile,  // a heaplab events file (--events-out), read (EventsDocument)
};

// Where a collection was read from: the line of the file and, for a log, its text.
struct SourceLine {
  std::uint64_t line = 0;  // 1-based line in RunData::file
  std::string text;        // the log line as node printed it; empty for an events file
  std::string collector;   // the collector as the log names it ("Minor Mark-Compact", ...)
};

struct RunData {
  std::string title;              // "scenario leak-cache", "app.hlt"
  std::vector<std::string> args;  // the flags of the run, as on the command line
  std::vector<GcEvent> gcs;
  std::vector<HeapEvent> heap_events;
  std::vector<MarkingEvent> marking;
  std::vector<LimitPoint> limits;  // the first at time 0
  double end_ms = 0;               // the run's length
  std::uint64_t trace_events = 0;  // trace events replayed
  double load_seconds = 0;         // wall time of the load and replay
  std::string ending;              // empty, or why the run stopped early (OOM, trace error)
  HeapSnapshot final_heap;

  // Read documents (logs, events files); empty or default for a replay.
  RunSource source = RunSource::Replay;
  std::string file;                   // the file read
  std::vector<SourceLine> lines;      // parallel to gcs
  std::vector<std::string> isolates;  // a log's isolates ("8265:0x917bc00"), in order
  std::size_t isolate = 0;            // the one shown
  std::vector<std::string> warnings;  // lines that did not parse (FILE:LINE: ...), no end line
  // The heap is known only as a whole (a --trace-gc line gives no per-space sizes): the
  // timeline then draws one layer, the heap's objects.
  bool whole_heap = false;
  // The per-space sizes are known only after each collection: a --trace-gc-verbose log, whose
  // every GC line is followed by V8's per-space block (Heap::PrintShortHeapStatistics). The
  // timeline stacks the spaces as printed after each collection and holds them until the next
  // one's block (the sizes before a collection are printed only as a whole).
  bool spaces_after_only = false;

  // Figures worked out once on the loader's thread (run_index.h); null for a run that was not
  // indexed, which the views then work out as they go.
  std::shared_ptr<const RunIndex> index;

  // The --trace-gc line of gcs[i], without its newline: a log's own line as read, otherwise
  // printed with the predictable prefix.
  std::string TraceGcLine(std::size_t i) const;
  // The collector of gcs[i] as V8 names it: a log's name, or "Scavenge", "Mark-Compact" and
  // "Mark-Compact (reduce)" (counted apart, as `heaplab run --json` counts them).
  std::string GcCollectorName(std::size_t i) const;
  // Index of the first GC that starts at or after `time_ms` (gcs.size() if none).
  std::size_t FirstGcAtOrAfter(double time_ms) const;
  // The limit in force at `time_ms`.
  std::size_t LimitAt(double time_ms) const;
};

// Collects the stream into a RunData.
class Recorder : public GcObserver {
 public:
  explicit Recorder(RunData& data) : data_(data) {}
  void OnGc(const GcEvent& e) override { data_.gcs.push_back(e); }
  void OnHeapEvent(const HeapEvent& e) override;
  void OnMarking(const MarkingEvent& e) override { data_.marking.push_back(e); }

 private:
  RunData& data_;
};

const char* CollectorName(Collector c);  // "Scavenge", "Mark-Compact"
// Who made the run, for legends: "Node: app.log", "events file: run.jsonl (scenario churn)",
// "heaplab: scenario leak-cache".
std::string RunLabel(const RunData& run);
// The clock a run's milliseconds are on, for axis titles: "Node's clock" (a log: ms since the
// process started, as V8 prints them), "heaplab's model clock" (a replay under --predictable
// or --clock=model), "heaplab's wall clock" (a replay under --clock=real: the simulator's own
// time), "the events file's clock" (its header does not say which).
std::string ClockName(const RunData& run);
// Whether the times of two runs can share one axis: runs on the same kind of clock. Node's
// milliseconds and the model's are not the same quantity, nor are the simulator's wall
// milliseconds; two events files are taken as different unless they are one run's.
bool SameClock(const RunData& a, const RunData& b);

}  // namespace heaplab::viz
