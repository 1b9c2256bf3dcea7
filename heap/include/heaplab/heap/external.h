// Objects with external backing stores: on-heap objects (such as a Buffer's wrapper) that own
// memory outside the heap. The heap lists them by generation, as V8's ArrayBufferSweeper keeps
// a young and an old ArrayBufferList of array-buffer extensions, so that a Scavenge finds the
// dead young ones by walking the young list alone and a full GC walks both lists, never all of
// old space. When a listed object dies, the list tells the owner of the store
// (ExternalStoreOwner, implemented above the heap: buffer/) to release it.
//
// Each listed object holds its token in the first word of its payload, so that the verifier
// can tie object and entry together.
//
// External memory (V8's Heap::external_memory_): the bytes owners report as allocated off the
// heap, with the low-water mark since the last full GC from which V8 measures growth
// (external_memory_.low_since_mark_compact). It never counts against --max-old-space-size.
//
// Invariants (checked by the verifier):
//   [external-list]  every entry names the start of a live object whose payload holds the
//                    entry's token, in the list of the object's generation
//   [external-store] the owner holds a store for every entry, and no store without one
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <heaplab/heap/globals.h>

namespace heaplab {

class ExternalObjectList;

class ExternalStoreOwner {
 public:
  virtual ~ExternalStoreOwner() = default;
  // The object that held `token` died: free its backing store.
  virtual void ReleaseStore(std::uint64_t token) = 0;
  // For the verifier: appends "[name] what is wrong" lines about the owner's stores, given the
  // live entries (e.g. a store held for a token no live entry names).
  virtual void VerifyStores(const ExternalObjectList& list,
                            std::vector<std::string>& failures) const = 0;
};

class ExternalObjectList {
 public:
  struct Entry {
    Address object;
    std::uint64_t token;
    std::size_t bytes;  // backing store bytes the object holds (for the young trigger)
  };

  void set_owner(ExternalStoreOwner* owner) { owner_ = owner; }
  ExternalStoreOwner* owner() const { return owner_; }

  void Add(Address object, std::uint64_t token, std::size_t bytes, bool young) {
    (young ? young_ : old_).push_back({object, token, bytes});
    (young ? young_bytes_ : old_bytes_) += bytes;
  }

  // After a Scavenge (young list only) or a full GC (both lists). fn(Address) returns the
  // object's address after the collection, or 0 if it died; is_young(Address) tells which list
  // a survivor joins. The dead are released through the owner. Returns how many died.
  template <typename Fn, typename IsYoung>
  std::size_t SweepYoung(Fn&& fn, IsYoung&& is_young) {
    std::vector<Entry> young;
    young.swap(young_);
    young_bytes_ = 0;
    return Sweep(young, fn, is_young);
  }
  template <typename Fn, typename IsYoung>
  std::size_t SweepAll(Fn&& fn, IsYoung&& is_young) {
    std::vector<Entry> all;
    all.swap(young_);
    all.insert(all.end(), old_.begin(), old_.end());
    old_.clear();
    young_bytes_ = old_bytes_ = 0;
    return Sweep(all, fn, is_young);
  }

  const std::vector<Entry>& young() const { return young_; }
  const std::vector<Entry>& old() const { return old_; }
  std::size_t young_bytes() const { return young_bytes_; }  // V8: young ArrayBufferList bytes
  std::size_t old_bytes() const { return old_bytes_; }
  std::size_t size() const { return young_.size() + old_.size(); }

  // External memory accounting (owners report; collectors and the controller read).
  void ReportAllocated(std::size_t bytes) { external_memory_ += bytes; }
  void ReportFreed(std::size_t bytes) {
    external_memory_ -= bytes;
    if (external_memory_ < low_since_full_gc_) low_since_full_gc_ = external_memory_;
  }
  std::size_t external_memory() const { return external_memory_; }
  std::size_t low_since_full_gc() const { return low_since_full_gc_; }
  std::size_t GrowthSinceFullGc() const { return external_memory_ - low_since_full_gc_; }
  // V8 (Heap::external_memory_.ResetAfterGC, after a full GC): growth is measured from here.
  void ResetAfterFullGc() { low_since_full_gc_ = external_memory_; }

 private:
  template <typename Fn, typename IsYoung>
  std::size_t Sweep(const std::vector<Entry>& entries, Fn& fn, IsYoung& is_young) {
    std::size_t dead = 0;
    for (const Entry& e : entries) {
      const Address now = fn(e.object);
      if (now == 0) {
        ++dead;
        if (owner_ != nullptr) owner_->ReleaseStore(e.token);
      } else {
        Add(now, e.token, e.bytes, is_young(now));
      }
    }
    return dead;
  }

  ExternalStoreOwner* owner_ = nullptr;
  std::vector<Entry> young_;
  std::vector<Entry> old_;
  std::size_t young_bytes_ = 0;
  std::size_t old_bytes_ = 0;
  std::size_t external_memory_ = 0;
  std::size_t low_since_full_gc_ = 0;
};

}  // namespace heaplab
