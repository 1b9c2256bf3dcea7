#include <heaplab/heap/id_table.h>

namespace heaplab {

const Address* IdTable::Find(Id id) const {
  const Id key = id >> kBlockBits;
  if (key < dense_.size()) {
    const Address* e = &(*dense_[key])[id & (kBlockSize - 1)];
    if (*e != 0 || sparse_.empty()) return e;
  }
  auto it = sparse_.find(id);
  return it == sparse_.end() ? nullptr : &it->second;
}

Address& IdTable::Entry(Id id) {
  if (!sparse_.empty()) {
    auto it = sparse_.find(id);
    if (it != sparse_.end()) return it->second;
  }
  const Id key = id >> kBlockBits;
  if (key == dense_.size()) dense_.push_back(std::make_unique<Block>(Block{}));
  if (key < dense_.size()) return (*dense_[key])[id & (kBlockSize - 1)];
  return sparse_[id];
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
