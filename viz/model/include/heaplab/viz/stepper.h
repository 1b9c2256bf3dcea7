// Step-through: a live replay advanced by the GUI, one trace event at a time or up to the next
// collection, with the heap's picture available between any two events. Events are read one
// at a time from the document's trace file, or, for a document without one (a scenario), from
// a temporary trace file its events are written to first (millions of events would not fit in
// memory as TraceEvents). The replay has its own Session.
//
// Inside one step, the collectors' object steps (gc/include/heaplab/gc/object_step.h): the
// stepper listens to them and keeps those of the last replayed event (the collection, or the
// incremental marking step, it ran), which the GUI then walks one at a time with its own
// cursor (NextObjectStep), each with one sentence on what happens to which object and why.
#pragma once

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include <heaplab/gc/object_step.h>
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

// Tri-colour marking's colour of an object (gc/include/heaplab/gc/marker.h).
enum class MarkColour : std::uint8_t {
  None,   // marking is off
  White,  // not marked
  Grey,   // marked, on the worklist
  Black,  // marked, its slots visited
};

// One object step of the last replayed event, with what the sentence needs.
struct ObjectStepRecord {
  ObjectStep step;
  bool in_collection = false;  // false: a marking step, a barrier hit or lazy sweeping
  Collector collector = Collector::Scavenge;  // the collection, when in_collection
  bool below_age_mark = false;  // Copied, Promoted: it had survived one Scavenge already
  bool from_candidate = false;  // Moved: off an evacuation candidate (else slid down)
  // Copied, Promoted: the object whose slots the scan was visiting; Greyed: the object being
  // blackened. 0: a root (or, in a Scavenge, a remembered slot).
  Address referrer = 0;
  std::uint32_t collection = 0;  // which collection of the event (0: the first), when in one
  // Copied, Promoted by a Scavenge while incremental marking is on: the original's colour
  // when it was evacuated, which its copy keeps. None when marking is off.
  MarkColour colour = MarkColour::None;
};

// Cheney's two pointers in to-space, as far as a Scavenge's object steps have been walked, in
// bytes from to-space's start. copy: where the next copy goes, the end of the furthest copy
// so far; scan: the end of the last to-space object whose slots were visited. The objects
// between them are copied but not scanned yet; the Scavenge ends when scan reaches copy.
struct ScanCopyPointers {
  bool valid = false;  // the current object step is a Scavenge's
  std::size_t scan = 0;
  std::size_t copy = 0;
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
  const Heap& heap() const { return session_->heap(); }  // the replay's heap, between steps

  // The last replayed event in trace syntax ("a 12 48 2"), and one sentence on what the
  // last step did and why.
  std::string LastEventText() const;
  const std::string& explanation() const { return explanation_; }

  // The object steps of the last replayed event, in the order the collector took them (at
  // most kMaxObjectSteps are kept; object_steps_dropped() counts the rest). The cursor starts
  // before the first at every Advance.
  static constexpr std::size_t kMaxObjectSteps = std::size_t{1} << 19;
  const std::vector<ObjectStepRecord>& object_steps() const { return object_steps_; }
  std::size_t object_steps_dropped() const { return object_steps_dropped_; }
  // Steps shown so far: 0 before the first; the current step is object_steps()[cursor - 1].
  std::size_t object_cursor() const { return object_cursor_; }
  // Moves the cursor to the next object step; false (and no move) when none is left.
  bool NextObjectStep();
  const ObjectStepRecord* CurrentObjectStep() const {
    return object_cursor_ == 0 ? nullptr : &object_steps_[object_cursor_ - 1];
  }
  // Where the current step's object is now (after the event), 0 if it died or is a range.
  Address CurrentObjectAddress();
  // Scan and copy pointers of the Scavenge being walked, from the steps up to the cursor.
  // Not valid before the first step nor outside a Scavenge's steps.
  ScanCopyPointers CurrentScanCopy();
  // The trace id of step i's object (its host for a barrier hit: the stored object), 0 if
  // unknown, and the sentence on step i ("object 17 (48 B) copied to to-space: ...").
  Id ObjectStepId(std::size_t i);
  std::string ObjectStepText(std::size_t i);

 private:
  class StepListener;
  void Explain(std::size_t gcs_before, std::size_t marking_before);
  void ResolveIds();               // the maps below, once per event when asked
  Address After(Address a) const;  // follows the event's moves to where `a` is now
  // "object 17 (48 B)" for the object at `a` when its step happened.
  std::string Name(Address a, std::size_t size);
  std::size_t SizeNow(Address a) const;  // its size now; 0 unless it is a live id's

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
  std::unique_ptr<StepListener> listener_;
  std::vector<ObjectStepRecord> object_steps_;
  std::size_t object_steps_dropped_ = 0;
  std::size_t object_cursor_ = 0;
  bool resolved_ = false;
  std::unordered_map<Address, Address> moves_;  // from -> to, over the event's steps
  std::unordered_map<Address, Id> ids_;         // live ids by address after the event
  // CurrentScanCopy's pointers over the steps before scan_copy_cursor_ (a walk asks at every
  // step: each answer goes on from the last instead of starting over).
  std::size_t scan_copy_cursor_ = 0;
  std::uint32_t scan_copy_collection_ = 0;
  ScanCopyPointers scan_copy_;
};

}  // namespace heaplab::viz
