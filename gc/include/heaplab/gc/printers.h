// Views of the event stream in V8's own formats:
//   TraceGcPrinter   --trace-gc one-line format, byte for byte, optionally followed by the
//                    --trace-gc-verbose per-space block
//   NvpPrinter       --trace-gc-nvp name=value layouts (gc=s and gc=mc)
//   IncrementalMarkingPrinter  --trace-incremental-marking lines
//   GcRingBuffer     V8's record of the last GC lines, printed under "Last few GCs" on OOM
//
// Each line starts with V8's isolate prefix "[pid:0xisolate] ". Under --predictable the pid and
// isolate are fixed (LogPrefix::Predictable) so that output is the same on every run.
#pragma once

#include <array>
#include <ostream>
#include <string>

#include <heaplab/gc/event.h>

namespace heaplab {

class OutOfMemory;

struct LogPrefix {
  int pid = 0;
  Address isolate = 0;
  static LogPrefix Predictable() { return {1, 0x10000}; }
  static LogPrefix ForThisProcess(const void* isolate);
  std::string Text() const;  // "[pid:0xisolate] "
};

// The --trace-gc line for one event, with its newline.
std::string FormatTraceGcLine(const GcEvent& e, const LogPrefix& prefix);

class TraceGcPrinter : public GcObserver {
 public:
  struct Options {
    bool verbose = false;           // --trace-gc-verbose
    bool ignore_scavenger = false;  // --trace-gc-ignore-scavenger
    std::size_t max_heap_size = 0;  // bytes, for the "Memory allocator" line
    // The one-line format; off when --trace-gc-nvp replaces it (V8 prints one or the other),
    // leaving only the verbose block.
    bool line = true;
    // The verbose block's read-only and code spaces at Node 20's start-up sizes (read-only
    // 48 KB used; code 239 KB used of 256 KB until the first full GC flushes it to 16 KB), and
    // counted in the totals; off (--no-startup-heap), they print zeros.
    bool startup_heap = true;
  };
  TraceGcPrinter(std::ostream& out, LogPrefix prefix, Options options)
      : out_(out), prefix_(prefix), options_(options) {}
  void OnGc(const GcEvent& e) override;
  void OnHeapEvent(const HeapEvent& e) override;

 private:
  void PrintVerbose(const GcEvent& e);
  std::ostream& out_;
  LogPrefix prefix_;
  Options options_;
  int mark_compacts_ = 0;
};

class NvpPrinter : public GcObserver {
 public:
  NvpPrinter(std::ostream& out, LogPrefix prefix) : out_(out), prefix_(prefix) {}
  void OnGc(const GcEvent& e) override;

 private:
  std::string Scavenge(const GcEvent& e, double promotion_ratio, double copied_rate,
                       double promotion_rate);
  std::string MarkCompact(const GcEvent& e, double promotion_ratio, double copied_rate,
                          double promotion_rate);
  std::ostream& out_;
  LogPrefix prefix_;
  std::size_t previous_copied_ = 0;
  double scavenge_bytes_ = 0;
  double scavenge_ms_ = 0;
  double allocated_bytes_ = 0;
  double mutator_ms_ = 0;
};

// --trace-incremental-marking: V8's "[IncrementalMarking] ..." lines, in Node 20's wording.
// heaplab has no embedder heap, so the embedder times print as 0.
class IncrementalMarkingPrinter : public GcObserver {
 public:
  IncrementalMarkingPrinter(std::ostream& out, LogPrefix prefix) : out_(out), prefix_(prefix) {}
  void OnMarking(const MarkingEvent& e) override;

 private:
  std::ostream& out_;
  LogPrefix prefix_;
};

// --trace-pretenuring-statistics: V8's "pretenuring: AllocationSite(0x...): (created, found,
// ratio) ..." line per site that digested its feedback and the "pretenuring: deopt_maybe_tenured
// ..." summary; --trace-pretenuring: V8's line when tenured sites are reset after a full GC.
// A site's address is made up from its number (heaplab's sites live in no heap).
class PretenuringPrinter : public GcObserver {
 public:
  PretenuringPrinter(std::ostream& out, LogPrefix prefix, bool resets, bool statistics)
      : out_(out), prefix_(prefix), resets_(resets), statistics_(statistics) {}
  void OnPretenuring(const PretenuringEvent& e) override;

 private:
  std::ostream& out_;
  LogPrefix prefix_;
  bool resets_;
  bool statistics_;
};

// V8's ring buffer of GC lines (Heap::AddToRingBuffer): 512 bytes; each line is cut to 255
// characters before it goes in, so long lines lose their newline. Always on, so that the OOM
// report can show the last collections whether or not --trace-gc was given.
class GcRingBuffer : public GcObserver {
 public:
  explicit GcRingBuffer(LogPrefix prefix) : prefix_(prefix) {}
  void OnGc(const GcEvent& e) override;
  void Add(const std::string& line);
  std::string Contents() const;  // oldest first, as V8's Heap::GetFromRingBuffer returns it

 private:
  static constexpr std::size_t kSize = 512;
  static constexpr std::size_t kLineMax = 255;
  LogPrefix prefix_;
  std::array<char, kSize> buffer_{};
  std::size_t end_ = 0;
  bool full_ = false;
};

// V8's out-of-memory report as Node 20 prints it on stderr (V8::FatalProcessOutOfMemory and
// node::OOMErrorHandler), without the native stack trace that only a real Node process has.
std::string FormatOomReport(const GcRingBuffer& ring, const OutOfMemory& oom);

}  // namespace heaplab
