// What a trace contains, without running a collector (`heaplab stats`): events by kind, the
// sizes of allocations, object lifetimes, the peak of live bytes, and the survival curve that
// says whether the generational hypothesis holds for it.
//
// Time is the allocation clock: bytes allocated so far (objects rounded up to 8 bytes, as the
// heap allocates them; a Buffer counts its on-heap wrapper). An object is born at the clock
// before its allocation; it dies when it becomes unreachable from the roots (global roots and
// the locals of open handle scopes), and its lifetime is the bytes allocated after it up to
// that moment. Deaths are exact, found as the Merlin algorithm finds them (Hertz, Blackburn,
// Moss, McKinley, Stefanovic, "Error-free garbage collection traces", 2002): every object
// carries the last time it lost a reference (a slot overwritten, a scope closed on it, a global
// root dropped); from time to time (and at the end) a trace from the roots finds the
// unreachable objects, and each of them died at the latest such time among the unreachable
// objects that reach it (itself included). Objects still reachable at the end of the trace
// have no death; they count as alive at the end.
//
// The meaning of the trace is checked as `heaplab check` checks it (unknown or reused ids,
// slots out of range, unbalanced scopes), as a TraceError naming the file, line and column.
// An id used after the trace from the roots found its object unreachable is refused, as a
// collection that had freed it would refuse it; traces from the roots run every 4 MiB of
// allocation or more, so a use within that much allocation after the death goes unnoticed
// (and the object counts as alive until then).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include <heaplab/traces/event.h>

namespace heaplab {

class TraceStats : public TraceSink {
 public:
  explicit TraceStats(std::string file);
  void Put(const TraceEvent& e) override;
  // Finds the deaths up to the end of the trace; call once after the last event.
  void Finish();

  // Power-of-two buckets: bucket 0 holds values below 16, bucket i (i >= 1) values in
  // [2^(i+3), 2^(i+4)); the last holds everything above.
  static constexpr std::size_t kBuckets = 40;
  static std::size_t BucketOf(std::uint64_t value);
  static std::uint64_t BucketLow(std::size_t bucket);
  struct Histogram {
    std::array<std::uint64_t, kBuckets> count{};
    std::array<std::uint64_t, kBuckets> bytes{};
    void Add(std::uint64_t value, std::uint64_t size);
  };

  std::uint64_t events() const { return events_; }
  std::uint64_t count(Op op) const { return by_op_[static_cast<unsigned char>(op)]; }
  std::uint64_t allocated_bytes() const { return clock_; }
  std::uint64_t objects() const { return objects_; }
  const Histogram& sizes() const { return sizes_; }                // objects by their size
  const Histogram& buffer_sizes() const { return buffer_sizes_; }  // Buffers by their length
  const Histogram& lifetimes() const { return lifetimes_; }        // dead objects by lifetime
  std::uint64_t dead_objects() const { return dead_objects_; }
  std::uint64_t alive_at_end() const { return alive_at_end_; }
  std::uint64_t alive_at_end_bytes() const { return alive_at_end_bytes_; }
  std::uint64_t peak_live_bytes() const { return peak_live_; }
  std::uint64_t peak_live_at() const { return peak_live_at_; }  // the clock of the peak

  // The survival curve: for each amount k of further allocation (bytes), the fraction of the
  // bytes of objects that are still alive k bytes after their birth, among the objects that
  // the trace lets us watch for k bytes (born at least k before the end).
  struct SurvivalPoint {
    std::uint64_t after = 0;    // k, bytes of further allocation
    double fraction = 0;        // of the bytes watched
    std::uint64_t watched = 0;  // bytes of the objects born at least k before the end
  };
  std::vector<SurvivalPoint> SurvivalCurve() const;

  // The report `heaplab stats` prints.
  std::string Format() const;
  // The same figures as one line of JSON (`heaplab stats --json`, docs/stats.md), no newline.
  std::string ToJson() const;

 private:
  struct Object {
    std::uint64_t size = 0;
    std::uint64_t birth = 0;
    std::uint64_t stamp = 0;  // the last time it lost a reference (Merlin's timestamp)
    std::vector<Id> slots;    // kNull: no reference
    std::size_t record = 0;   // its index in records_
    bool root = false;        // a global root
    bool marked = false;
  };
  [[noreturn]] void Fail(const TraceEvent& e, int field, const std::string& message) const;
  Object& Live(const TraceEvent& e, int field, Id id);
  void Allocate(const TraceEvent& e, std::uint64_t size, std::uint64_t slots);
  void Collect();  // finds the unreachable objects and their death times

  std::string file_;
  std::uint64_t events_ = 0;
  std::array<std::uint64_t, 256> by_op_{};
  std::uint64_t clock_ = 0;
  std::uint64_t objects_ = 0;
  std::uint64_t next_collect_ = 0;
  std::unordered_map<Id, Object> live_;  // allocated and not found dead
  std::unordered_set<Id> unreachable_;   // found dead: their ids may not be used again
  std::vector<std::vector<Id>> scopes_;  // locals of each open scope, outermost first
  Histogram sizes_, buffer_sizes_, lifetimes_;
  std::uint64_t dead_objects_ = 0;
  std::uint64_t alive_at_end_ = 0;
  std::uint64_t alive_at_end_bytes_ = 0;
  std::uint64_t peak_live_ = 0;
  std::uint64_t peak_live_at_ = 0;
  bool finished_ = false;
  // Every object, for the survival curve and the peak: birth, size, death (or none).
  struct Record {
    std::uint64_t birth, size, death;
  };
  static constexpr std::uint64_t kNever = ~std::uint64_t{0};
  std::vector<Record> records_;
  static constexpr Id kNull = ~Id{0};
};

}  // namespace heaplab
