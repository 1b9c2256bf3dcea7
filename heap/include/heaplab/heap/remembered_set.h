// The old-to-new remembered set: which slots outside the young generation may hold a young
// address. The write barrier records a slot when an old (or old large) object is made to point
// at a young one; a Scavenge treats the recorded slots as roots and keeps only those that still
// point into the young generation afterwards. Storage is a slot set per chunk (one bit per
// word), and the set keeps the list of chunks that have any, so a Scavenge visits recorded
// slots only and never walks old space.
//
// Invariant [remembered]: every slot of a non-young object that holds a young address is
// recorded. (Recorded slots that no longer do are allowed; they are dropped lazily.)
// Invariant [remembered-live]: every recorded slot is a slot of a live object outside the young
// generation; none lies in freed memory, a filler, a header or a payload. Whoever frees or moves
// old objects (the sweeper through RemoveRange, page release through RemoveChunks, a full GC
// through Clear) forgets their slots, so that a later Scavenge never writes into memory that a
// new object may occupy.
#pragma once

#include <vector>

#include <heaplab/heap/cage.h>
#include <heaplab/heap/chunk.h>
#include <heaplab/heap/object.h>

namespace heaplab {

class RememberedSet {
 public:
  explicit RememberedSet(Cage& cage) : cage_(cage) {}

  void Insert(Address slot) {
    Chunk* chunk = cage_.ChunkOf(slot);
    if (!chunk->slot_set().allocated()) chunk->slot_set().Resize(SlotSetBits(*chunk));
    if (!chunk->in_remembered_list_) {
      chunk->in_remembered_list_ = true;
      chunks_.push_back(chunk);
    }
    chunk->slot_set().Set(chunk->WordIndex(slot));
  }
  bool Contains(Address slot) const {
    const Chunk* chunk = cage_.ChunkOf(slot);
    return chunk != nullptr && chunk->slot_set().allocated() &&
           chunk->slot_set().Get(chunk->WordIndex(slot));
  }

  // Calls fn(Address slot) for every recorded slot, changing nothing (the verifier's walk).
  template <typename Fn>
  void ForEach(Fn&& fn) const {
    for (const Chunk* chunk : chunks_) {
      chunk->slot_set().ForEachSet([&](std::size_t i) { fn(chunk->WordAddress(i)); });
    }
  }

  enum class Keep { Yes, No };
  // Calls fn(Address* slot) for every recorded slot; slots for which fn returns Keep::No are
  // removed. Chunks left with no slot leave the list and free their slot set.
  template <typename Fn>
  void Iterate(Fn&& fn) {
    std::vector<Chunk*> kept;
    for (Chunk* chunk : chunks_) {
      ChunkBitmap& set = chunk->slot_set();
      bool any = false;
      set.ForEachSet([&](std::size_t i) {
        if (fn(reinterpret_cast<Address*>(chunk->WordAddress(i))) == Keep::No) {
          set.Clear(i);
        } else {
          any = true;
        }
      });
      if (any) {
        kept.push_back(chunk);
      } else {
        set.Release();
        chunk->in_remembered_list_ = false;
      }
    }
    chunks_.swap(kept);
  }

  // Forgets the slots in [start, end) of one chunk: the sweeper calls it for memory it frees,
  // so that only slots of live objects stay recorded.
  void RemoveRange(Chunk* chunk, Address start, Address end) {
    if (!chunk->slot_set().allocated()) return;
    chunk->slot_set().ClearRange(chunk->WordIndex(start), chunk->WordIndex(end));
  }

  // Forgets chunks that are about to be released, in one pass over the list.
  void RemoveChunks(const std::vector<Chunk*>& chunks);
  void Clear();
  std::size_t ChunkCount() const { return chunks_.size(); }

 private:
  // A page may hold slots anywhere; a large chunk only in its object's header and slots, so a
  // huge payload costs the slot set nothing.
  static std::size_t SlotSetBits(const Chunk& chunk) {
    if (!chunk.Is(kLarge)) return chunk.size() / kWordSize;
    return 1 + HeapObject(chunk.start()).slot_count();
  }

  Cage& cage_;
  std::vector<Chunk*> chunks_;
};

}  // namespace heaplab
