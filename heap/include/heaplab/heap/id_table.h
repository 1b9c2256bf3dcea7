// The weak id table: trace object id -> current address. Weak: it never keeps an object
// alive. Collectors update it when they move objects and drop entries when objects die, so
// that a trace that names a dead object gets a precise error instead of a dangling address.
//
// Its memory follows the live objects, not the length of the trace:
//
// - Live young ids are in a window (IdWindow), an array indexed by id that holds the young
//   ids allocated in order since the last collection (8 bytes each, as cheap as an array
//   lookup), and in a hash map (IdMap) for the others: survivors of an earlier Scavenge and
//   ids out of order. Live old ids are in a second map. A Scavenge walks the window and the
//   young map only and rebuilds them from the survivors; a full GC rebuilds them too and
//   updates the old map in place (a dead entry becomes a tombstone until the map is next
//   rehashed). An entry leaves when its object dies, so they hold live objects only (a map
//   slot is 16 bytes, at most half the slots used, tombstones included; a window or map
//   shrinks when a collection finds it mostly unused).
// - Used ids (IdRuns), so that "id N is already used" and "the object of id N was freed" stay
//   exact after N's object has died. Ids are remembered as runs of an arithmetic progression
//   (first, last, step): ids handed out in order (0, 1, 2, ... or 1000, 1002, ... or counting
//   down) are one run whatever the trace's length. The cost is per run, 24 bytes: ids with
//   no order at all cost one run per id or pair of ids, and exactness has no cheaper form
//   (remembering n arbitrary ids takes about n words). Generators and converters write ids in
//   order.
//
// Invariant [id-table]: a live id is listed once, in the young part (window or young map) if
// its object is young and in the old map if it is old, with the address of the object's start;
// every listed id is a used id.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

#include <heaplab/heap/globals.h>

namespace heaplab {

// An open-addressing hash map from id to address with linear probing. An address of 0 marks
// an empty slot and kTombstone a removed entry (objects are never at either: they are 8-byte
// aligned and above 0). Entries are inserted one at a time; a collection either updates the
// map in place (Update: dead entries become tombstones, moved ones get their new address,
// and the map is rehashed only when it could shrink by half) or empties it and inserts the
// survivors again (Rebuild). Tombstones count as used slots until a rehash (Insert's growth,
// Update's shrink) or a Rebuild drops them.
class IdMap {
 public:
  struct Entry {
    Id id;
    Address address;  // 0: empty slot; kTombstone: a removed entry
  };

  std::size_t size() const { return size_; }
  std::size_t capacity() const { return slots_.size(); }
  std::size_t MemoryBytes() const { return slots_.capacity() * sizeof(Entry); }

  static constexpr Address kTombstone = 1;

  Address* Find(Id id) {
    if (size_ == 0) return nullptr;
    for (std::size_t i = Home(id);; i = (i + 1) & mask_) {
      Entry& e = slots_[i];
      if (e.address == 0) return nullptr;
      if (e.id == id && e.address != kTombstone) return &e.address;
    }
  }
  const Address* Find(Id id) const { return const_cast<IdMap*>(this)->Find(id); }

  // Adds a new id (address != 0). Adding an id twice keeps one entry, with the new address.
  void Insert(Id id, Address address) {
    if (2 * (size_ + tombstones_ + 1) > slots_.size()) Resize(CapacityFor(size_ + 1));
    Place(id, address);
  }

  template <typename Fn>  // fn(const Entry&), in slot order
  void ForEach(Fn&& fn) const {
    if (size_ == 0) return;
    for (const Entry& e : slots_) {
      if (e.address > kTombstone) fn(e);
    }
  }

  // Updates every entry in place: fn(Address) returns the entry's new address, or 0 to remove
  // it (its slot becomes a tombstone). One pass over the slots, no entry rehashed; afterwards
  // the map is rehashed at half its capacity or less if the survivors fit (ShrinkIfSparse).
  template <typename Fn>
  void Update(Fn&& fn) {
    if (size_ == 0) return;
    for (Entry& e : slots_) {
      if (e.address <= kTombstone) continue;
      const Address now = fn(e.address);
      if (now == 0) {
        e.address = kTombstone;
        --size_;
        ++tombstones_;
      } else {
        e.address = now;
      }
    }
    ShrinkIfSparse();
  }
  std::size_t tombstones() const { return tombstones_; }

  // Makes room for n entries in all without growing on the way.
  void Reserve(std::size_t n) {
    if (2 * n > slots_.size()) Resize(CapacityFor(n));
  }

  // Empties the map and gives it room for `expected` entries (a capacity that fits them, at
  // least the minimum). The caller then inserts the entries that remain.
  void Rebuild(std::size_t expected);

  // The smallest power-of-two capacity that holds n entries at most half full.
  static std::size_t CapacityFor(std::size_t n);

 private:
  static constexpr std::size_t kMinCapacity = 16;

  // Fibonacci hashing (Knuth, TAOCP vol. 3, 6.4): the high bits of id * 2^64/phi. Ids that
  // follow each other land far apart, so runs of ids do not form long probe chains.
  std::size_t Home(Id id) const {
    return static_cast<std::size_t>((id * 0x9E3779B97F4A7C15ull) >> shift_);
  }
  void Place(Id id, Address address);
  void Resize(std::size_t capacity);
  void ShrinkIfSparse();

  std::vector<Entry> slots_;  // a power of two, or empty
  std::size_t mask_ = 0;
  unsigned shift_ = 63;
  std::size_t size_ = 0;        // live entries
  std::size_t tombstones_ = 0;  // removed entries still in their slots
};

// A set of ids stored as runs of arithmetic progressions, sorted and non-overlapping, in
// chunks of at most kMaxChunk runs so that an insertion in the middle moves few runs.
class IdRuns {
 public:
  struct Run {
    Id first;
    Id last;
    Id step;  // 0 for a run of one id (first == last)
    bool Has(Id id) const {
      return id >= first && id <= last && (step == 0 ? id == first : (id - first) % step == 0);
    }
  };

  bool Contains(Id id) const;
  void Insert(Id id);  // inserting an id already present does nothing

  std::size_t RunCount() const;
  std::uint64_t IdCount() const { return ids_; }
  Id max() const { return max_; }  // the greatest id; 0 when empty
  std::size_t MemoryBytes() const;

  template <typename Fn>  // fn(const Run&), in increasing order of ids
  void ForEachRun(Fn&& fn) const {
    for (const std::vector<Run>& chunk : chunks_) {
      for (const Run& r : chunk)
        fn(r);
    }
  }

 private:
  static constexpr std::size_t kMaxChunk = 256;

  // Where a lookup for `id` lands: the chunk and run with the greatest first <= id, or run -1
  // in chunk 0 when id is below every run.
  struct Position {
    std::size_t chunk;
    std::ptrdiff_t run;
  };
  Position Locate(Id id) const;
  Run* RunAfter(Position p);
  void InsertAt(Position p, Run r);                   // r goes just after p's run
  void TryMerge(std::size_t chunk, std::size_t run);  // run with run + 1 in the same chunk

  std::vector<std::vector<Run>> chunks_;  // each non-empty
  std::uint64_t ids_ = 0;
  Id max_ = 0;  // the greatest id, when ids_ > 0
};

// Young ids handed out in order, in an array indexed by id - base: an allocation writes the
// next element, a lookup of a recent id reads near it, and a Scavenge reads the entries in
// allocation order. The window starts at the first young id after a collection and takes an
// id only while at least about half of its elements would be used; other ids go to a map.
class IdWindow {
 public:
  std::size_t size() const { return size_; }
  std::size_t MemoryBytes() const { return slots_.capacity() * sizeof(Address); }

  Address* Find(Id id) {
    const Id d = id - base_;
    return d < slots_.size() && slots_[d] != 0 ? &slots_[d] : nullptr;
  }
  const Address* Find(Id id) const { return const_cast<IdWindow*>(this)->Find(id); }

  // Takes the id if it fits the window; false if it would leave the window mostly empty.
  bool TryInsert(Id id, Address address) {
    if (slots_.empty()) base_ = id;
    const Id d = id - base_;
    if (d >= slots_.size()) {
      if (d > 2 * size_ + kSlack) return false;
      slots_.resize(d + 1, 0);
    }
    size_ += slots_[d] == 0 ? 1 : 0;
    slots_[d] = address;
    return true;
  }

  template <typename Fn>  // fn(Id, Address), in id order
  void ForEach(Fn&& fn) const {
    for (std::size_t i = 0; i < slots_.size(); ++i) {
      if (slots_[i] != 0) fn(base_ + i, slots_[i]);
    }
  }

  // Empties the window; it keeps its room for the next cycle unless this one used little of it.
  void Clear();

 private:
  static constexpr std::size_t kSlack = 64;  // ids a window may skip while it is small

  Id base_ = 0;
  std::vector<Address> slots_;  // slots_[i] is the address of id base_ + i, or 0
  std::size_t size_ = 0;        // non-zero slots
};

class IdTable {
 public:
  enum class State { Unknown, Live, Freed };

  State StateOf(Id id) const {
    if (used_.IdCount() == 0 || id > used_.max()) return State::Unknown;
    if (Get(id) != 0) return State::Live;
    return used_.Contains(id) ? State::Freed : State::Unknown;
  }
  // The address of a live id, else 0.
  Address Get(Id id) const {
    if (const Address* a = window_.Find(id)) return *a;
    if (const Address* a = young_.Find(id)) return *a;
    if (const Address* a = old_.Find(id)) return *a;
    return 0;
  }
  // Adds a new live id; `young` tells which generation it joins.
  void Add(Id id, Address address, bool young) {
    if (!young) {
      old_.Insert(id, address);
    } else if (!window_.TryInsert(id, address)) {
      young_.Insert(id, address);
      young_peak_ = std::max(young_peak_, young_.size());
    }
    used_.Insert(id);
  }

  std::size_t LiveCount() const { return YoungCount() + OldCount(); }
  std::size_t YoungCount() const { return window_.size() + young_.size(); }
  std::size_t OldCount() const { return old_.size(); }
  std::uint64_t FreedCount() const { return freed_; }
  std::uint64_t UsedCount() const { return used_.IdCount(); }
  // Bytes the table holds on the heap of this process: the window, both maps, the scratch
  // lists of the last update and the used-id runs.
  std::size_t MemoryBytes() const;
  // Whether the id is listed old (for the verifier's [id-table] check).
  bool IsListedOld(Id id) const { return old_.Find(id) != nullptr; }
  const IdRuns& used() const { return used_; }

  // Updates the young ids (UpdateYoung) or all ids (UpdateAll). fn(Address) returns the
  // object's address after the collection, or 0 if it died; is_young(Address) tells which
  // generation the survivor belongs to. UpdateYoung reads no old entry.
  template <typename Fn, typename IsYoung>
  void UpdateYoung(Fn&& fn, IsYoung&& is_young) {
    scratch_.clear();
    promoted_.clear();
    auto visit = [&](Id id, Address a) {
      const Address now = fn(a);
      if (now == 0) {
        ++freed_;
      } else {
        (is_young(now) ? scratch_ : promoted_).push_back({id, now});
      }
    };
    ForEachYoung(visit);
    old_.Reserve(old_.size() + promoted_.size());
    for (const IdMap::Entry& e : promoted_)
      old_.Insert(e.id, e.address);
    RefillYoung();
  }

  // The old map is updated in place: an old object never becomes young, so its entry only
  // changes address or goes (the verifier's [id-table] check holds the collectors to that).
  // The young ids then go as in a Scavenge.
  template <typename Fn, typename IsYoung>
  void UpdateAll(Fn&& fn, IsYoung&& is_young) {
    old_.Update([&](Address a) {
      const Address now = fn(a);
      freed_ += now == 0 ? 1 : 0;
      return now;
    });
    UpdateYoung(fn, is_young);
  }

  template <typename Fn>  // fn(Id, Address)
  void ForEachYoung(Fn&& fn) const {
    window_.ForEach(fn);
    young_.ForEach([&](const IdMap::Entry& e) { fn(e.id, e.address); });
  }
  template <typename Fn>  // fn(Id, Address)
  void ForEachOld(Fn&& fn) const {
    old_.ForEach([&](const IdMap::Entry& e) { fn(e.id, e.address); });
  }
  template <typename Fn>  // fn(Id, Address)
  void ForEachLive(Fn&& fn) const {
    ForEachYoung(fn);
    ForEachOld(fn);
  }

 private:
  // Empties the window and rebuilds the young map from scratch_ (the survivors that stay
  // young), at a capacity that fits the most young map entries seen since the last rebuild,
  // so a map that a burst made large shrinks once the burst is over.
  void RefillYoung();

  IdWindow window_;  // young ids allocated in order since the last collection
  IdMap young_;      // other young ids: survivors of earlier Scavenges, ids out of order
  IdMap old_;
  IdRuns used_;
  std::size_t young_peak_ = 0;  // most young map entries since the last rebuild
  // Survivors during an update: those that stay young, and those promoted. Entries are
  // collected first and inserted into a map sized for them all, because inserting one map's
  // entries in its slot order into a smaller map with the same hash, growing it on the way,
  // piles them into a few long probe chains.
  std::vector<IdMap::Entry> scratch_;
  std::vector<IdMap::Entry> promoted_;
  std::uint64_t freed_ = 0;
};

}  // namespace heaplab
