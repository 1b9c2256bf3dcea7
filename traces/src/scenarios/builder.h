// A small helper for scenario generators: hands out fresh ids, writes events to a sink, and
// draws seeded random numbers (mt19937_64 with its own uniform mapping, so the same seed gives
// the same trace with any standard library).
#pragma once

#include <random>
#include <vector>

#include <heaplab/traces/event.h>

namespace heaplab {

class TraceBuilder {
 public:
  // Allocation sites of the statements the builder's helpers model.
  static constexpr std::uint64_t kValueSite = 1;
  static constexpr std::uint64_t kEntrySite = 2;

  TraceBuilder(TraceSink& sink, std::uint64_t seed) : sink_(sink), rng_(seed) {}

  Id Allocate(std::uint64_t size, std::uint64_t slots) { return NewObject(size, slots, nullptr); }
  // An object allocated by the modelled program's statement `site` (its allocation site:
  // an object or array literal, which V8 tracks for pretenuring).
  Id AllocateAt(std::uint64_t size, std::uint64_t slots, std::uint64_t site) {
    return NewObject(size, slots, &site);
  }
  void Write(Id host, std::uint64_t slot, Id value) {
    TraceEvent e;
    e.op = Op::Write;
    e.id = host;
    e.size = slot;
    e.target = value;
    sink_.Put(e);
  }
  void WriteNull(Id host, std::uint64_t slot) {
    TraceEvent e;
    e.op = Op::Write;
    e.id = host;
    e.size = slot;
    e.null_target = true;
    sink_.Put(e);
  }
  // A Node Buffer of `size` bytes made through `api` (its wrapper is a fresh object).
  Id Buffer(std::uint64_t size, BufferApi api) {
    TraceEvent e;
    e.op = Op::Buffer;
    e.id = next_id_++;
    e.size = size;
    e.api = api;
    sink_.Put(e);
    return e.id;
  }
  void Load(Id id) { Simple(Op::Load, id); }
  void Open() { Simple(Op::Open, 0); }
  void Close() { Simple(Op::Close, 0); }
  void Root(Id id) { Simple(Op::Root, id); }
  void Drop(Id id) { Simple(Op::Drop, id); }
  void Compute(std::uint64_t micros) {
    TraceEvent e;
    e.op = Op::Compute;
    e.size = micros;
    sink_.Put(e);
  }
  // The program returns to its event loop and waits `micros` (V8's tasks run).
  void Idle(std::uint64_t micros) {
    TraceEvent e;
    e.op = Op::Idle;
    e.size = micros;
    sink_.Put(e);
  }
  void Gc(bool major) {
    TraceEvent e;
    e.op = Op::Gc;
    e.major = major;
    sink_.Put(e);
  }

  // A cache entry as leak-cache and lru-cache store it: a key string, a value of
  // `value_size` bytes and the entry object holding both. Returns the entry.
  // The value and the entry are object literals of the modelled program: each has its own
  // allocation site (pretenuring may tenure them); the key is a string, untracked.
  Id AllocateCacheEntry(std::uint64_t value_size) {
    const Id key = Allocate(Uniform(24, 40), 0);
    const Id value = AllocateAt(value_size, 0, kValueSite);
    const Id entry = AllocateAt(40, 2, kEntrySite);
    Write(entry, 0, key);
    Write(entry, 1, value);
    return entry;
  }

  // A uniform integer in [lo, hi].
  std::uint64_t Uniform(std::uint64_t lo, std::uint64_t hi) {
    __extension__ using u128 = unsigned __int128;
    const u128 span = static_cast<u128>(hi - lo) + 1;
    return lo + static_cast<std::uint64_t>((static_cast<u128>(rng_()) * span) >> 64);
  }
  bool Chance(double p) { return static_cast<double>(rng_() >> 11) * 0x1.0p-53 < p; }

 private:
  Id NewObject(std::uint64_t size, std::uint64_t slots, const std::uint64_t* site) {
    TraceEvent e;
    e.op = Op::Allocate;
    e.id = next_id_++;
    e.size = size;
    e.slots = slots;
    if (site != nullptr) {
      e.has_site = true;
      e.site = *site;
    }
    sink_.Put(e);
    return e.id;
  }

  void Simple(Op op, Id id) {
    TraceEvent e;
    e.op = op;
    e.id = id;
    sink_.Put(e);
  }

  TraceSink& sink_;
  std::mt19937_64 rng_;
  Id next_id_ = 1;
};

// A growable array of references for generators, as a JS array or Map's backing store: a
// directory object (a global root) whose slots hold segments of kSegmentSlots slots each.
// Segments are 8 KiB (header plus 1023 slots), a size that divides a page.
class TraceTable {
 public:
  static constexpr std::uint64_t kSegmentSlots = 1023;
  static constexpr std::uint64_t kSegmentSize = 8 * (kSegmentSlots + 1);

  // Allocates the directory, able to hold `capacity` entries, and roots it.
  TraceTable(TraceBuilder& b, std::uint64_t capacity) : b_(b) {
    const std::uint64_t segments = (capacity + kSegmentSlots - 1) / kSegmentSlots;
    dir_ = b_.Allocate(8 * (segments + 1), segments);
    b_.Root(dir_);
    segments_.reserve(segments);
  }
  Id dir() const { return dir_; }

  // table[index] = value (value 0 stores null); adds segments as needed.
  void Set(std::uint64_t index, Id value) {
    const std::uint64_t seg = index / kSegmentSlots;
    while (segments_.size() <= seg) {
      const Id s = b_.Allocate(kSegmentSize, kSegmentSlots);
      b_.Write(dir_, segments_.size(), s);
      segments_.push_back(s);
    }
    if (value == 0) {
      b_.WriteNull(segments_[seg], index % kSegmentSlots);
    } else {
      b_.Write(segments_[seg], index % kSegmentSlots, value);
    }
  }

 private:
  TraceBuilder& b_;
  Id dir_ = 0;
  std::vector<Id> segments_;
};

}  // namespace heaplab
