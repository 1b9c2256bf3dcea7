#include "heap/remembered_set.h"

#include <algorithm>

namespace heaplab {

void RememberedSet::RemoveChunk(Chunk* chunk) {
  if (!chunk->in_remembered_list) return;
  chunks_.erase(std::find(chunks_.begin(), chunks_.end(), chunk));
  chunk->in_remembered_list = false;
  chunk->slot_set().Release();
}

void RememberedSet::Clear() {
  for (Chunk* chunk : chunks_) {
    chunk->in_remembered_list = false;
    chunk->slot_set().Release();
  }
  chunks_.clear();
}

std::size_t RememberedSet::SlotCount() const {
  std::size_t n = 0;
  for (const Chunk* chunk : chunks_) n += chunk->slot_set().Count();
  return n;
}

}  // namespace heaplab
