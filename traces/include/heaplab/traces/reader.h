// The streaming reader of text traces, format version 1 (docs/trace-format.md). It reads one
// line at a time, so a trace of any length needs constant memory, and it checks the syntax of
// every line: a malformed line is a TraceError naming the file, line and column and what was
// expected there. Meaning (does this id exist?) is the replayer's to check.
#pragma once

#include <istream>
#include <map>
#include <string>

#include <heaplab/traces/event.h>

namespace heaplab {

class TraceReader {
 public:
  // Reads and checks the header line. `file` names the input in error messages.
  TraceReader(std::istream& in, std::string file);

  // The next event, or false at the end of the input.
  bool Next(TraceEvent& event);

  const std::map<std::string, std::string>& metadata() const { return metadata_; }
  const std::string& file() const { return file_; }
  std::uint32_t line() const { return line_; }

 private:
  bool ReadLine();  // the next non-blank, non-comment line into line_text_
  [[noreturn]] void Fail(std::uint32_t column, const std::string& message) const;
  void ParseHeader();
  void ParseEvent(TraceEvent& e);

  std::istream& in_;
  std::string file_;
  std::string line_text_;
  std::uint32_t line_ = 0;
  std::map<std::string, std::string> metadata_;
};

// The size limit of one object or Buffer in a trace (bytes).
inline constexpr std::uint64_t kMaxTraceSize = kMaxObjectSize;

}  // namespace heaplab
