// Roots: the only way the mutator holds objects across an allocation.
//
// GlobalHandles are persistent roots (V8's v8::Global): a slot that keeps its object alive until
// it is dropped. HandleScopes hold locals (V8's HandleScope): each local is a slot that is a root
// until the innermost scope that owns it closes. Collectors visit both as slots, the addresses
// of words holding object addresses, so moving collectors update them in place.
#pragma once

#include <cstdint>
#include <vector>

#include <heaplab/heap/globals.h>

namespace heaplab {

using GlobalHandle = std::uint32_t;

class GlobalHandles {
 public:
  GlobalHandle Create(Address object);
  void Destroy(GlobalHandle handle);
  Address Get(GlobalHandle handle) const { return slots_[handle]; }
  std::size_t Count() const { return slots_.size() - free_.size(); }

  template <typename Fn>  // fn(Address* slot)
  void Iterate(Fn&& fn) {
    for (Address& slot : slots_)
      if (slot != 0) fn(&slot);
  }

 private:
  std::vector<Address> slots_;  // 0 marks a free entry
  std::vector<GlobalHandle> free_;
};

class HandleScopes {
 public:
  void Open() { marks_.push_back(locals_.size()); }
  // Closes the innermost scope; returns false when none is open.
  bool Close();
  void AddLocal(Address object) { locals_.push_back(object); }
  std::size_t Depth() const { return marks_.size(); }
  std::size_t LocalCount() const { return locals_.size(); }

  template <typename Fn>  // fn(Address* slot)
  void Iterate(Fn&& fn) {
    for (Address& slot : locals_)
      if (slot != 0) fn(&slot);
  }

 private:
  std::vector<Address> locals_;
  std::vector<std::size_t> marks_;  // locals_.size() when each open scope began
};

}  // namespace heaplab
