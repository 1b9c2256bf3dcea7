// One event of a trace (docs/trace-format.md), as the reader produces it and the writer and the
// replayer consume it. Each event remembers where it came from, so that any later error can
// name the file, line and column.
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include <heaplab/buffer/api.h>
#include <heaplab/heap/globals.h>

namespace heaplab {

enum class Op : char {
  Allocate = 'a',     // a ID SIZE SLOTS [@SITE]
  OldAllocate = 'o',  // o ID SIZE SLOTS
  Write = 'w',        // w ID SLOT ID2 | w ID SLOT -
  Load = 'l',         // l ID
  Open = '{',         // {
  Close = '}',        // }
  Root = 'r',         // r ID
  Drop = 'd',         // d ID
  Buffer = 'b',       // b ID SIZE API
  Compute = 't',      // t MICROS
  Idle = 'i',         // i MICROS
  Gc = 'g',           // g minor|major
  Tier = 'j',         // j SITE N
  Malloc = 'm',       // m ID SIZE
  Free = 'f',         // f ID
  Realloc = 'x',      // x ID SIZE
};

struct TraceEvent {
  Op op = Op::Compute;
  Id id = 0;                 // the object (a w l r d b m f x)
  std::uint64_t size = 0;    // bytes (a b m x); microseconds (t i); slot index (w); count (j)
  std::uint64_t slots = 0;   // reference slots (a o)
  bool has_site = false;     // a ... @SITE, and j
  std::uint64_t site = 0;    // the allocation site's number (a j)
  Id target = 0;             // the stored reference (w)
  bool null_target = false;  // w ID SLOT -
  bool major = false;        // g major
  BufferApi api = BufferApi::Unsafe;

  // Origin, for errors: 1-based line (64-bit: a trace may have more than 2^32 lines), and the
  // 1-based column of each field (0 = the op).
  std::uint64_t line = 0;
  std::array<std::uint32_t, 5> column{};
};

// Where errors point: "FILE:LINE:COL: message". Control bytes in FILE show as \xNN in `text`.
struct TraceError : std::exception {
  TraceError(std::string file, std::uint64_t line, std::uint32_t column, std::string message);
  const char* what() const noexcept override { return text.c_str(); }
  std::string file;
  std::uint64_t line;
  std::uint32_t column;
  std::string message;
  std::string text;
};

// Something that accepts events: the writer, the replayer, a counter.
class TraceSink {
 public:
  virtual ~TraceSink() = default;
  virtual void Put(const TraceEvent& e) = 0;
};

}  // namespace heaplab
