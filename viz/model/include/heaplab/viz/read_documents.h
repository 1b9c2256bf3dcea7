// Documents that are read, not replayed: their events are finished, so the settings panel's
// flags do not apply (Replayable() is false) and step-through has nothing to step.
//   LogDocument     a real node GC log (--trace-gc and its relatives), read by V8LogReader, the
//                   reader of `heaplab v8log`; one isolate of it at a time
//   EventsDocument  a heaplab events file (`--events-out`, docs/events.md), read by
//                   EventsReader, the reader of `heaplab events`
// OpenDocumentFile recognises a file by its content (a trace, a log or an events file), so
// File > Open and the command line take any of them.
#pragma once

#include <memory>
#include <string>

#include <heaplab/viz/document.h>

namespace heaplab::viz {

class LogDocument : public Document {
 public:
  // `isolate`: which isolate of the log to show, in the order they first appear.
  explicit LogDocument(std::string path, std::size_t isolate = 0)
      : path_(std::move(path)), isolate_(isolate) {}
  std::string Title() const override;
  bool Replayable() const override { return false; }
  // A log holds no trace events: throws std::runtime_error saying so.
  void Feed(TraceSink& sink, LoadControl& control) const override;
  // Reads the whole log. Lines that do not parse become RunData::warnings (FILE:LINE: what);
  // a file that cannot be read, holds no V8 line at all, or has fewer isolates than asked
  // for throws std::runtime_error naming the file (and the line, for content).
  RunData Load(const GcFlags& flags, LoadControl& control) const override;
  const std::string& path() const { return path_; }
  std::size_t isolate() const { return isolate_; }

 private:
  std::string path_;
  std::size_t isolate_;
};

class EventsDocument : public Document {
 public:
  explicit EventsDocument(std::string path) : path_(std::move(path)) {}
  std::string Title() const override;
  bool Replayable() const override { return false; }
  void Feed(TraceSink& sink, LoadControl& control) const override;
  // Throws TraceError (FILE:LINE:COLUMN: what) for a header or line that is not a valid
  // event, including a version this build does not read; a file without its end line is read
  // with a warning.
  RunData Load(const GcFlags& flags, LoadControl& control) const override;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

enum class FileKind { Trace, NodeLog, Events, Unknown };

// What `path` holds, from its first MiB: a trace (first line `heaplab-trace`), an events file
// (first line a JSON object), a node log (a line with V8's `[pid:0xisolate]` prefix, or a
// `.log` name), or Unknown. Throws std::runtime_error naming the file when it cannot be read.
FileKind SniffFile(const std::string& path);

// The document for `path`, by SniffFile. Throws std::runtime_error naming the file and line 1
// for Unknown.
std::shared_ptr<const Document> OpenDocumentFile(const std::string& path);

}  // namespace heaplab::viz
