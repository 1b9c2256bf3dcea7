#include <heaplab/heap/large_object_space.h>

#include <algorithm>

namespace heaplab {

std::size_t LargeObjectSpace::CommittedSize(std::size_t object_size) {
  return RoundUp(object_size, Cage::CommitGranule());
}

LargeObjectSpace::~LargeObjectSpace() {
  while (!chunks_.empty())
    Free(chunks_.back());
}

Address LargeObjectSpace::Allocate(std::size_t size) {
  const std::size_t units = RoundUp(size, kPageSize) / kPageSize;
  const Address start = cage_.TakeUnits(units);
  if (start == 0) return 0;
  cage_.Commit(start, CommittedSize(size));
  const std::uint32_t flags = kLarge | (id_ == SpaceId::NewLargeObjectSpace ? kYoung : 0u);
  auto* chunk = new Chunk(start, size, id_, flags);
  chunk->allocated_bytes_ = size;
  cage_.Register(chunk, start, size);
  chunks_.push_back(chunk);
  size_ += size;
  committed_ += CommittedSize(size);
  return start;
}

void LargeObjectSpace::Remove(Chunk* chunk) {
  chunks_.erase(std::find(chunks_.begin(), chunks_.end(), chunk));
  size_ -= chunk->size();
  committed_ -= CommittedSize(chunk->size());
}

void LargeObjectSpace::Free(Chunk* chunk) {
  Remove(chunk);
  cage_.Unregister(chunk->start(), chunk->size());
  cage_.Decommit(chunk->start(), CommittedSize(chunk->size()));
  cage_.GiveBackUnits(chunk->start(), RoundUp(chunk->size(), kPageSize) / kPageSize);
  delete chunk;
}

void LargeObjectSpace::TakeFrom(LargeObjectSpace& from, Chunk* chunk) {
  from.Remove(chunk);
  chunk->set_owner(id_);
  if (id_ == SpaceId::NewLargeObjectSpace) {
    chunk->Set(kYoung);
  } else {
    chunk->Clear(kYoung);
  }
  chunks_.push_back(chunk);
  size_ += chunk->size();
  committed_ += CommittedSize(chunk->size());
}

}  // namespace heaplab
