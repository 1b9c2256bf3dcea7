#include <heaplab/heap/remembered_set.h>

#include <algorithm>

namespace heaplab {

void RememberedSet::RemoveChunks(const std::vector<Chunk*>& chunks) {
  bool any = false;
  for (Chunk* chunk : chunks) {
    if (!chunk->in_remembered_list_) continue;
    any = true;
    chunk->in_remembered_list_ = false;
    chunk->slot_set().Release();
  }
  if (!any) return;
  chunks_.erase(std::remove_if(chunks_.begin(), chunks_.end(),
                               [](const Chunk* c) { return !c->in_remembered_list_; }),
                chunks_.end());
}

void RememberedSet::Clear() {
  for (Chunk* chunk : chunks_) {
    chunk->in_remembered_list_ = false;
    chunk->slot_set().Release();
  }
  chunks_.clear();
}

}  // namespace heaplab
