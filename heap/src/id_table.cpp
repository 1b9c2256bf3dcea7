#include "heap/id_table.h"

namespace heaplab {

const Address* IdTable::Find(Id id) const {
  const Id key = id >> kBlockBits;
  if (key != cached_key_) {
    auto it = blocks_.find(key);
    if (it == blocks_.end()) return nullptr;
    cached_key_ = key;
    cached_block_ = it->second.get();
  }
  return &(*cached_block_)[id & (kBlockSize - 1)];
}

Address& IdTable::Entry(Id id) {
  const Id key = id >> kBlockBits;
  if (key != cached_key_) {
    auto& block = blocks_[key];
    if (!block) block = std::make_unique<Block>(Block{});
    cached_key_ = key;
    cached_block_ = block.get();
  }
  return (*cached_block_)[id & (kBlockSize - 1)];
}

IdTable::State IdTable::StateOf(Id id) const {
  const Address* e = Find(id);
  if (e == nullptr || *e == 0) return State::Unknown;
  return *e == kFreedMark ? State::Freed : State::Live;
}

Address IdTable::Get(Id id) const {
  const Address* e = Find(id);
  return (e == nullptr || *e == kFreedMark) ? 0 : *e;
}

void IdTable::Add(Id id, Address address, bool young) {
  Entry(id) = address;
  (young ? young_ : old_).push_back(id);
}

}  // namespace heaplab
