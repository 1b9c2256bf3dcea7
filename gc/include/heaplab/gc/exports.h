// Views of the event stream for programs (schemas in docs/events.md):
//   EventsWriter       --events-out: JSON lines, one object per event, a header line first and
//                      an end line last; ParseEventsHeader / ParseEventLine read them back
//   CsvWriter          --csv: one row per collection, a header row first
//   ChromeTraceWriter  --chrome-trace: Chrome's trace event format (Perfetto, chrome://tracing)
//
// Like the printers, each is an observer; none changes what the collectors do. Doubles are
// written with as many digits as it takes to read back the same value, so that an events file
// printed back with the V8-style printers gives the run's own lines byte for byte.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>

#include <heaplab/gc/event.h>
#include <heaplab/gc/printers.h>

namespace heaplab {

// Version 2 added the "pretenuring" lines; a version 1 file (which has none) is still read.
inline constexpr int kEventsVersion = 2;
inline constexpr int kOldestEventsVersion = 1;

// The first line of an events file: what made it and how to print it back.
struct EventsHeader {
  int version = kEventsVersion;
  LogPrefix prefix;               // the --trace-gc line prefix of the run
  std::size_t max_heap_size = 0;  // bytes, for --trace-gc-verbose's "Memory allocator" line
  std::string source;             // "scenario churn", a trace's file name, ...
};

// The last line: how the run ended, for the summary.
struct EventsEnd {
  double end_ms = 0;             // the run's length
  std::size_t committed = 0;     // the heap's committed memory at the end
  std::size_t allocated = 0;     // bytes the trace allocated in all
  std::string end_state = "ok";  // "ok" or "oom"
  int exit_status = 0;
  double bookkeeping_ms = 0;  // Clock::bookkeeping_ms; for the summary, not written to files
};

// One line of an events file after the header.
struct EventRecord {
  enum class Type { Gc, Heap, Marking, Sweeping, Pretenuring, End };
  Type type = Type::Gc;
  GcEvent gc;
  HeapEvent heap{};
  MarkingEvent marking;
  SweepingEvent sweeping;
  PretenuringEvent pretenuring;
  EventsEnd end;
};

class EventsWriter : public GcObserver {
 public:
  // Writes the header line at once.
  EventsWriter(std::ostream& out, const EventsHeader& header);
  void OnGc(const GcEvent& e) override;
  void OnHeapEvent(const HeapEvent& e) override;
  void OnMarking(const MarkingEvent& e) override;
  void OnSweeping(const SweepingEvent& e) override;
  void OnPretenuring(const PretenuringEvent& e) override;
  // Writes the end line; call once, after the last event.
  void Finish(const EventsEnd& end);

 private:
  std::ostream& out_;
};

// Throws std::invalid_argument saying which field is missing or wrong, or which version was
// found, when `line` is not a header of a version this build reads.
EventsHeader ParseEventsHeader(std::string_view line);
// Throws std::invalid_argument saying which field is missing or wrong.
EventRecord ParseEventLine(std::string_view line);
// Hands a parsed event (not an End) to the observer's matching method.
void Dispatch(const EventRecord& record, GcObserver& observer);

// The names events files and CSV columns give phases: V8's --trace-gc-nvp names where V8 has
// one (e.g. "scavenge.roots", "evacuate.copy").
const char* PhaseName(Phase phase);

class CsvWriter : public GcObserver {
 public:
  // Writes the header row at once.
  explicit CsvWriter(std::ostream& out);
  void OnGc(const GcEvent& e) override;

 private:
  std::ostream& out_;
};

class ChromeTraceWriter : public GcObserver {
 public:
  // Writes the start of the document and the process and thread names; `process` names the
  // process track (e.g. "heaplab scenario churn").
  ChromeTraceWriter(std::ostream& out, int pid, std::string_view process);
  ~ChromeTraceWriter() override;
  ChromeTraceWriter(const ChromeTraceWriter&) = delete;
  ChromeTraceWriter& operator=(const ChromeTraceWriter&) = delete;
  void OnGc(const GcEvent& e) override;
  void OnHeapEvent(const HeapEvent& e) override;
  void OnMarking(const MarkingEvent& e) override;
  void OnSweeping(const SweepingEvent& e) override;
  // Closes the document; the destructor does it if nobody did.
  void Finish();

  // Tracks (thread ids) of the process.
  static constexpr int kPauseTrack = 1;  // collections and their phases
  static constexpr int kStepTrack = 2;   // marking and sweeping steps between collections

 private:
  void Write(const std::string& event_json);
  std::ostream& out_;
  int pid_;
  bool first_ = true;
  bool finished_ = false;
};

}  // namespace heaplab
