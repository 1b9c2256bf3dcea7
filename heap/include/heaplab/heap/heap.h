// The heap: memory, spaces, roots, the weak id table and the remembered set, and nothing else.
// It knows no collector and no policy: it allocates when there is room and says so when there
// is not; deciding to collect, and collecting, is gc/'s business.
//
// Invariants (checked by the verifier, named as its messages name them):
//   [iterable]     every space can be walked object by object (fillers cover holes)
//   [slot-target]  every non-null slot and root holds the start of a live object
//   [no-from-space] outside a Scavenge, nothing points into from-space
//   [remembered]   see remembered_set.h
//   [remembered-live] every recorded slot is a slot of a live old object, never freed memory
//                  (see remembered_set.h)
//   [id-table]     every live id maps to the start of a live object, listed by generation
//   [accounting]   each space's byte counts equal the sum of its objects
//   [marks]        outside a full GC every mark bit is clear (every object white), but on the
//                  pages the lazy sweeper has yet to sweep
//   [sweeping]     see sweeper.h
//   [free-list]    every free-list block is a filler in a swept old page, in its size class,
//                  and the blocks add up to the list's count
//   [external-list], [external-store]  see external.h
#pragma once

#include <memory>

#include <heaplab/heap/cage.h>
#include <heaplab/heap/external.h>
#include <heaplab/heap/id_table.h>
#include <heaplab/heap/large_object_space.h>
#include <heaplab/heap/new_space.h>
#include <heaplab/heap/object.h>
#include <heaplab/heap/old_space.h>
#include <heaplab/heap/remembered_set.h>
#include <heaplab/heap/roots.h>
#include <heaplab/heap/sweeper.h>

namespace heaplab {

struct HeapConfig {
  std::size_t min_semi_space_size = kDefaultMinSemiSpaceSize;  // bytes per semispace at start
  std::size_t max_semi_space_size = kDefaultMaxSemiSpaceSize;  // bytes per semispace at most
  std::size_t max_old_space_size = kDefaultMaxOldSpaceSize;    // bytes, old generation limit
};

enum class Generation { Young, Old };

struct SpaceUsage {
  std::size_t size = 0;       // bytes of objects
  std::size_t committed = 0;  // bytes of memory
  std::size_t available = 0;  // bytes allocatable without growing
};

class Heap {
 public:
  explicit Heap(const HeapConfig& config);
  Heap(const Heap&) = delete;
  Heap& operator=(const Heap&) = delete;

  const HeapConfig& config() const { return config_; }
  Cage& cage() { return *cage_; }
  NewSpace& new_space() { return *new_space_; }
  OldSpace& old_space() { return *old_space_; }
  LargeObjectSpace& lo_space() { return *lo_space_; }
  LargeObjectSpace& new_lo_space() { return *new_lo_space_; }
  const NewSpace& new_space() const { return *new_space_; }
  const OldSpace& old_space() const { return *old_space_; }
  const LargeObjectSpace& lo_space() const { return *lo_space_; }
  const LargeObjectSpace& new_lo_space() const { return *new_lo_space_; }
  GlobalHandles& globals() { return globals_; }
  HandleScopes& scopes() { return scopes_; }
  IdTable& ids() { return ids_; }
  const IdTable& ids() const { return ids_; }
  RememberedSet& remembered_set() { return remembered_set_; }
  // Old pages a full GC left to sweep lazily (sweeper.h).
  Sweeper& sweeper() { return sweeper_; }
  const Sweeper& sweeper() const { return sweeper_; }
  // Objects with external backing stores (Buffer wrappers), by generation, and the external
  // memory they account for.
  ExternalObjectList& external() { return external_; }
  const ExternalObjectList& external() const { return external_; }

  // Allocates and initializes an object, without collecting. Objects over
  // kMaxRegularObjectSize go to a large-object space. Returns 0 when the space is full.
  Address Allocate(std::size_t size, std::uint64_t slots, Kind kind, Generation where);
  // A young object of regular size followed by an allocation memento naming `site`
  // (object.h), in one bump of new space. Returns 0 when new space is full.
  Address AllocateYoungWithMemento(std::size_t size, std::uint64_t slots, Kind kind,
                                   std::uint32_t site) {
    const Address a = new_space_->Allocate(size + kMementoSize);
    if (a == 0) return 0;
    HeapObject obj = InitializeObject(a, size, slots, kind);
    obj.set_header(obj.header().Tracked());
    WriteMemento(a + size, site);
    return a;
  }
  // Raw allocation of `size` bytes in old space for a collector (no initialization).
  Address AllocateForPromotion(std::size_t size) { return old_space_->Allocate(size); }

  // Where an address is. All are O(1) through the cage's chunk table.
  Chunk* ChunkOf(Address a) const { return cage_->ChunkOf(a); }
  bool InYoung(Address a) const {
    const Chunk* c = cage_->ChunkOf(a);
    return c != nullptr && c->Is(kYoung);
  }
  bool InFromSpace(Address a) const {
    const Chunk* c = cage_->ChunkOf(a);
    return c != nullptr && c->Is(kFromSpace);
  }

  template <typename Fn>  // fn(Address* slot)
  void IterateRoots(Fn&& fn) {
    globals_.Iterate(fn);
    scopes_.Iterate(fn);
  }
  // The global roots alone (V8's global handles), without the handle scopes' locals, which
  // stand for the stack and the main thread's handles.
  template <typename Fn>  // fn(Address* slot)
  void IterateGlobalRoots(Fn&& fn) {
    globals_.Iterate(fn);
  }

  // Sizes in bytes.
  std::size_t YoungGenerationSize() const { return new_space_->Size() + new_lo_space_->Size(); }
  std::size_t OldGenerationSize() const { return old_space_->Size() + lo_space_->Size(); }
  std::size_t SizeOfObjects() const { return YoungGenerationSize() + OldGenerationSize(); }
  std::size_t CommittedMemory() const;
  SpaceUsage Usage(SpaceId id) const;

  // Releases old-space pages, or frees large-object chunks, and forgets their recorded slots:
  // the two always go together, or the remembered set would keep a dangling chunk.
  void ReleasePages(const std::vector<Page*>& pages);
  void FreeLargeChunks(LargeObjectSpace& space, const std::vector<Chunk*>& chunks);

  // fn(Chunk&) for every chunk that can hold objects: both semispaces, old pages, large chunks.
  template <typename Fn>
  void ForEachChunk(Fn&& fn) {
    fn(new_space_->to_space().chunk());
    fn(new_space_->from_space().chunk());
    for (Page* p : old_space_->pages())
      fn(*p);
    for (Chunk* c : lo_space_->chunks())
      fn(*c);
    for (Chunk* c : new_lo_space_->chunks())
      fn(*c);
  }

  // Fills dead memory with a pattern so that a stale read stands out (used with verify-heap):
  // from-space after a Scavenge, the emptied to-space after a full GC.
  void ZapFromSpace();
  static void Zap(Address start, std::size_t bytes);

 private:
  HeapConfig config_;
  std::unique_ptr<Cage> cage_;
  std::unique_ptr<NewSpace> new_space_;
  std::unique_ptr<OldSpace> old_space_;
  std::unique_ptr<LargeObjectSpace> lo_space_;
  std::unique_ptr<LargeObjectSpace> new_lo_space_;
  GlobalHandles globals_;
  HandleScopes scopes_;
  IdTable ids_;
  RememberedSet remembered_set_;
  ExternalObjectList external_;
  Sweeper sweeper_;
};

}  // namespace heaplab
