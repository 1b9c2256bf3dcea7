// The reader of events files (`heaplab run --events-out`, schema in docs/events.md): JSON lines,
// a header first. It reads one line at a time, so a file of any length needs constant memory;
// a line that is not a valid event is a TraceError naming the file, the line and what was
// expected there.
#pragma once

#include <cstdint>
#include <istream>
#include <string>

#include <heaplab/gc/exports.h>

namespace heaplab {

class EventsReader {
 public:
  // The longest line read, in bytes (a collection's line is about 2 KB).
  static constexpr std::size_t kMaxLineLength = 1 << 20;

  // Reads and checks the header line; `file` names the input in errors.
  EventsReader(std::istream& in, std::string file);

  const EventsHeader& header() const { return header_; }
  // The next event, or false at the end of the input. The end line is returned as an event of
  // type End; nothing may follow it.
  bool Next(EventRecord& record);
  std::uint64_t line() const { return line_; }

 private:
  bool ReadLine();  // the next non-blank line into line_text_; false at the end
  [[noreturn]] void Fail(const std::string& message) const;

  std::istream& in_;
  std::string file_;
  std::string line_text_;
  std::uint64_t line_ = 0;
  bool ended_ = false;
  EventsHeader header_;
};

}  // namespace heaplab
