// Step-through: a live replay advanced by the GUI, one trace event at a time or up to the next
// collection, with the heap's picture available between any two events. Events are read one
// at a time from the document's trace file, or, for a document without one (a scenario), from
// a temporary trace file its events are written to first (millions of events would not fit in
// memory as TraceEvents). The replay has its own Session.
#pragma once

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include <heaplab/traces/reader.h>
#include <heaplab/traces/session.h>
#include <heaplab/viz/document.h>

namespace heaplab::viz {

enum class StepUntil {
  Event,        // one trace event
  Gc,           // the next collection of either kind
  Scavenge,     // the next Scavenge
  MarkCompact,  // the next Mark-Compact
  MarkingStep,  // the next incremental marking step (or the start or end of marking)
};

class Stepper {
 public:
  // Writes the document's events out (throws what Document::Feed throws) and sets up the
  // replay.
  Stepper(const Document& doc, const GcFlags& flags);
  ~Stepper();

  // Replays events until `until` happens, at most `max_events`; returns the number replayed.
  // Stops at the end of the trace, or early when the replay fails (see ending()).
  std::size_t Advance(StepUntil until, std::size_t max_events = SIZE_MAX);
  // Whether the last Advance stopped because `until` happened (not at max_events or the end).
  bool reached() const { return reached_; }

  std::size_t position() const { return position_; }  // events replayed
  // Events in all; for a trace file read directly, unknown (0) until the end is reached.
  std::size_t size() const { return size_; }
  bool done() const { return at_end_ || !data_.ending.empty(); }
  double now_ms();
  const RunData& data() const { return data_; }  // what happened so far
  const std::string& ending() const { return data_.ending; }
  HeapSnapshot Snapshot();

  // The last replayed event in trace syntax ("a 12 48 2"), and one sentence on what the
  // last step did and why.
  std::string LastEventText() const;
  const std::string& explanation() const { return explanation_; }

 private:
  void Explain(std::size_t gcs_before, std::size_t marking_before);

  std::filesystem::path file_;
  bool temporary_ = false;  // file_ is ours to remove
  std::ifstream in_;
  std::unique_ptr<TraceReader> reader_;
  TraceEvent last_;
  std::size_t size_ = 0;
  bool at_end_ = false;
  bool reached_ = false;
  GcFlags flags_;
  RunData data_;
  std::unique_ptr<Session> session_;
  std::unique_ptr<Recorder> recorder_;
  std::size_t position_ = 0;
  std::string explanation_;
};

}  // namespace heaplab::viz
