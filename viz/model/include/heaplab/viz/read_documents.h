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

// What the read kinds share: a file of finished collections, titled by the file's name, with
// no trace events to feed.
class ReadDocument : public Document {
 public:
  std::string Title() const override;  // the file's name
  bool Replayable() const override { return false; }
  // Holds no trace events: throws std::runtime_error naming the file and what it is.
  void Feed(TraceSink& sink, LoadControl& control) const override;
  const std::string& path() const { return path_; }

 protected:
  // `kind` says what the file is, in Feed's message: "a node GC log", "an events file".
  ReadDocument(std::string path, const char* kind) : path_(std::move(path)), kind_(kind) {}

 private:
  std::string path_;
  const char* kind_;
};

class LogDocument : public ReadDocument {
 public:
  // `isolate`: which isolate of the log to show, in the order they first appear.
  explicit LogDocument(std::string path, std::size_t isolate = 0)
      : ReadDocument(std::move(path), "a node GC log"), isolate_(isolate) {}
  // Reads the whole log. Lines that do not parse become RunData::warnings (FILE:LINE: what);
  // a file that cannot be read, holds no V8 line at all, or has fewer isolates than asked
  // for throws std::runtime_error naming the file (and the line, for content).
  RunData Load(const GcFlags& flags, LoadControl& control) const override;
  std::size_t isolate() const { return isolate_; }

 private:
  std::size_t isolate_;
};

class EventsDocument : public ReadDocument {
 public:
  explicit EventsDocument(std::string path) : ReadDocument(std::move(path), "an events file") {}
  // Throws TraceError (FILE:LINE:COLUMN: what) for a header or line that is not a valid
  // event, including a version this build does not read; a file without its end line is read
  // with a warning.
  RunData Load(const GcFlags& flags, LoadControl& control) const override;
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
