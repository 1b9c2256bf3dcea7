// Documents: what the visualizer opens. A document kind knows how to produce a RunData; the
// views only ever see RunData, so a new kind (a real node --trace-gc log, a heap snapshot)
// plugs in as one more subclass without touching them.
//
// The kinds here replay trace events through a Session with the flags of the settings panel:
//   TraceDocument     a trace file (recognised by its content, as the command line does)
//   ScenarioDocument  a built-in scenario with its seed and parameters
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>

#include <heaplab/traces/event.h>
#include <heaplab/traces/gc_flags.h>
#include <heaplab/traces/scenarios.h>
#include <heaplab/viz/run_data.h>

namespace heaplab::viz {

// Shared between the GUI and a worker: the worker polls `cancel` and reports progress.
struct LoadControl {
  std::atomic<bool> cancel{false};
  std::function<void(double)> progress;  // fraction done in [0, 1], or -1 when unknown
};

// Thrown out of a load when LoadControl::cancel is set.
struct Cancelled : std::exception {
  const char* what() const noexcept override { return "cancelled"; }
};

class Document {
 public:
  virtual ~Document() = default;
  virtual std::string Title() const = 0;
  // Whether the flags of the settings panel apply (true for replayed documents).
  virtual bool Replayable() const { return true; }
  // The document's trace events, in order, into `sink`. Throws TraceError on a malformed
  // input, std::runtime_error when it cannot be read, Cancelled when cancelled.
  virtual void Feed(TraceSink& sink, LoadControl& control) const = 0;
  // The run under `flags`. The default replays Feed() through a Session; a kind that reads
  // finished events (a log) overrides this instead. A run that ends early (out of memory, a
  // trace error) is returned with RunData::ending set; Cancelled is thrown.
  virtual RunData Load(const GcFlags& flags, LoadControl& control) const;
  // A text trace file holding exactly Feed()'s events, if there is one (step-through reads it
  // directly instead of writing the events out first); empty otherwise.
  virtual std::string TraceFile() const { return {}; }
};

class TraceDocument : public Document {
 public:
  explicit TraceDocument(std::string path) : path_(std::move(path)) {}
  std::string Title() const override;
  void Feed(TraceSink& sink, LoadControl& control) const override;
  std::string TraceFile() const override { return path_; }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

class ScenarioDocument : public Document {
 public:
  // Throws std::invalid_argument for an unknown scenario or parameter.
  ScenarioDocument(const std::string& name, ScenarioOptions options);
  std::string Title() const override;
  void Feed(TraceSink& sink, LoadControl& control) const override;
  const Scenario& scenario() const { return *scenario_; }
  const ScenarioOptions& options() const { return options_; }

 private:
  const Scenario* scenario_;
  ScenarioOptions options_;
};

// Replays `doc` under `flags`: what Document::Load does by default.
RunData ReplayDocument(const Document& doc, const GcFlags& flags, LoadControl& control);

// Forwards events to `out`, checking for cancellation every few thousand events.
class ControlledSink : public TraceSink {
 public:
  ControlledSink(TraceSink& out, LoadControl& control) : out_(out), control_(control) {}
  void Put(const TraceEvent& e) override {
    if ((++count_ & 4095u) == 0 && control_.cancel.load(std::memory_order_relaxed))
      throw Cancelled();
    out_.Put(e);
  }
  std::uint64_t count() const { return count_; }

 private:
  TraceSink& out_;
  LoadControl& control_;
  std::uint64_t count_ = 0;
};

}  // namespace heaplab::viz
