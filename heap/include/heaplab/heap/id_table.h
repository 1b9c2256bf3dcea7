// The weak id table: trace object id -> current address. Weak: it never keeps an object
// alive. Collectors update it when they move objects and mark entries freed when objects die,
// so that a trace that names a dead object gets a precise error instead of a dangling address.
//
// Ids that grow densely from 0 (what generators write) live in blocks of 4096 entries, 8 bytes
// each; any other id goes to a hash map, so sparse ids cost a map entry, not a block. Live ids
// are also listed by generation: a Scavenge walks only the young list, a full GC both.
#pragma once

#include <array>
#include <memory>
#include <unordered_map>
#include <vector>

#include <heaplab/heap/globals.h>

namespace heaplab {

class IdTable {
 public:
  enum class State { Unknown, Live, Freed };

  State StateOf(Id id) const;
  Address Get(Id id) const;  // the address of a live id, else 0
  // Adds a new live id; `young` tells which list it joins.
  void Add(Id id, Address address, bool young);

  std::size_t LiveCount() const { return young_.size() + old_.size(); }
  std::size_t YoungCount() const { return young_.size(); }
  std::size_t FreedCount() const { return freed_; }

  // Updates the young ids (UpdateYoung) or all ids (UpdateAll). fn(Address) returns the
  // object's address after the collection, or 0 if it died; is_young(Address) tells which list
  // the survivor belongs to.
  template <typename Fn, typename IsYoung>
  void UpdateYoung(Fn&& fn, IsYoung&& is_young) {
    std::vector<Id> still_young;
    still_young.reserve(young_.size());
    for (Id id : young_) {
      Address& entry = Entry(id);
      const Address now = fn(entry);
      if (now == 0) {
        entry = kFreedMark;
        ++freed_;
      } else if (entry = now; is_young(now)) {
        still_young.push_back(id);
      } else {
        old_.push_back(id);
      }
    }
    young_.swap(still_young);
  }

  template <typename Fn, typename IsYoung>
  void UpdateAll(Fn&& fn, IsYoung&& is_young) {
    std::vector<Id> all;
    all.reserve(LiveCount());
    all.insert(all.end(), young_.begin(), young_.end());
    all.insert(all.end(), old_.begin(), old_.end());
    young_.clear();
    old_.clear();
    for (Id id : all) {
      Address& entry = Entry(id);
      const Address now = fn(entry);
      if (now == 0) {
        entry = kFreedMark;
        ++freed_;
      } else {
        entry = now;
        (is_young(now) ? young_ : old_).push_back(id);
      }
    }
  }

  template <typename Fn>  // fn(Id, Address)
  void ForEachLive(Fn&& fn) const {
    for (Id id : young_)
      fn(id, Get(id));
    for (Id id : old_)
      fn(id, Get(id));
  }
  const std::vector<Id>& young_ids() const { return young_; }
  const std::vector<Id>& old_ids() const { return old_; }

 private:
  static constexpr std::size_t kBlockBits = 12;
  static constexpr std::size_t kBlockSize = std::size_t{1} << kBlockBits;
  static constexpr Address kFreedMark = 1;  // never an object address (those are aligned)
  using Block = std::array<Address, kBlockSize>;

  const Address* Find(Id id) const;
  Address& Entry(Id id);

  std::vector<std::unique_ptr<Block>> dense_;  // block k holds ids [k * 4096, (k + 1) * 4096)
  std::unordered_map<Id, Address> sparse_;     // ids beyond the dense blocks
  std::vector<Id> young_;
  std::vector<Id> old_;
  std::size_t freed_ = 0;
};

}  // namespace heaplab
