// The streaming reader of text traces, format version 1 (docs/trace-format.md). It reads one
// line at a time through a fixed buffer, so a trace of any length needs constant memory, and
// it checks the syntax of every line: a malformed line is a TraceError naming the file, line
// and column and what was expected there. Meaning (does this id exist?) is the replayer's to
// check.
//
// Limits: a line has at most kMaxLineLength bytes (a longer one is an error at once, before
// the rest of it is read, so endless input such as /dev/zero fails fast); LF, CRLF and a lone
// CR all end a line; line numbers are 64-bit.
#pragma once

#include <cstdint>
#include <istream>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include <heaplab/traces/event.h>

namespace heaplab {

// The longest line a trace may have, in bytes, without its line end. The longest event is
// about 70 bytes; the rest is room for metadata and comments.
inline constexpr std::size_t kMaxLineLength = 64 * 1024;

class TraceReader {
 public:
  // Reads and checks the header line. `file` names the input in error messages. Lines are
  // numbered from `first_line` (1 for a whole file; more for a trace that continues another
  // input, and in tests of large line numbers).
  TraceReader(std::istream& in, std::string file, std::uint64_t first_line = 1);
  ~TraceReader();
  TraceReader(const TraceReader&) = delete;
  TraceReader& operator=(const TraceReader&) = delete;

  // The next event, or false at the end of the input.
  bool Next(TraceEvent& event);

  const std::map<std::string, std::string>& metadata() const { return metadata_; }
  const std::string& file() const { return file_; }
  // The number of the last line read (first_line - 1 before any).
  std::uint64_t line() const { return line_; }

 private:
  bool ReadRawLine();  // the next line, whatever it holds, into line_text_
  bool ReadLine();     // the next non-blank, non-comment line into line_text_
  bool Refill();       // more input after end_; false at the end of the input
  [[noreturn]] void Fail(std::uint32_t column, const std::string& message) const;
  void ParseHeader();
  void ParseEvent(TraceEvent& e);

  std::istream& in_;
  std::string file_;
  std::unique_ptr<char[]> buffer_;  // kBufferSize bytes; [begin_, end_) not yet consumed
  std::size_t begin_ = 0;
  std::size_t end_ = 0;
  bool at_eof_ = false;
  bool skip_lf_ = false;  // the last line ended with CR: a LF right after it belongs to it
  std::string_view line_text_;
  std::uint64_t line_ = 0;
  std::map<std::string, std::string> metadata_;
};

// The size limit of one object in a trace (bytes): V8's largest object (kMaxObjectSize).
inline constexpr std::uint64_t kMaxTraceSize = kMaxObjectSize;
// The size limit of a Buffer (`b`) and of a manual-mode block (`m`, `x`), which live outside
// the JavaScript heap: Node 20's buffer.constants.MAX_LENGTH, V8's TypedArray::kMaxLength on
// 64-bit hosts (2^32 bytes).
inline constexpr std::uint64_t kMaxTraceBufferSize = std::uint64_t{1} << 32;
// The limit of `j SITE N`'s N, the allocations a site makes before its code is optimized: the
// site's counters are 32-bit, as V8's AllocationSite counts mementos in an int.
inline constexpr std::uint64_t kMaxTierCount = 0x7FFFFFFF;

// `s` for an error message: control bytes, DEL, bytes from 0x80 and '\' written as \xNN
// (\\ for the backslash), so a message never carries raw bytes to the terminal.
std::string EscapeForMessage(std::string_view s);

}  // namespace heaplab
