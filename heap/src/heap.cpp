#include <heaplab/heap/heap.h>

namespace heaplab {

namespace {
// Room for the semispaces, twice the old generation limit (fragmentation, compaction targets)
// and some slack for large objects.
std::size_t CageSize(const HeapConfig& c) {
  return 2 * c.max_semi_space_size + 2 * c.max_old_space_size + 64 * MB;
}
}  // namespace

Heap::Heap(const HeapConfig& config)
    : config_(config),
      cage_(std::make_unique<Cage>(CageSize(config))),
      new_space_(std::make_unique<NewSpace>(*cage_, config.min_semi_space_size,
                                            config.max_semi_space_size)),
      old_space_(std::make_unique<OldSpace>(*cage_)),
      lo_space_(std::make_unique<LargeObjectSpace>(*cage_, SpaceId::LargeObjectSpace)),
      new_lo_space_(std::make_unique<LargeObjectSpace>(*cage_, SpaceId::NewLargeObjectSpace)),
      remembered_set_(*cage_),
      sweeper_(*old_space_, remembered_set_) {
  new_space_->from_space().chunk().Set(kFromSpace);
  old_space_->set_sweeper(&sweeper_);
}

Address Heap::Allocate(std::size_t size, std::uint64_t slots, Kind kind, Generation where) {
  if (size > kMaxObjectSize) return 0;  // larger than V8's largest object
  Address a = 0;
  if (size > kMaxRegularObjectSize) {
    if (where == Generation::Young) {
      // V8: the young large-object space holds at most a semispace's worth, but its first
      // object always fits.
      const std::size_t used = new_lo_space_->Size();
      if (used == 0 || used + size <= new_space_->Capacity()) a = new_lo_space_->Allocate(size);
    } else {
      a = lo_space_->Allocate(size);
    }
  } else {
    a = where == Generation::Young ? new_space_->Allocate(size) : old_space_->Allocate(size);
  }
  if (a != 0) InitializeObject(a, size, slots, kind);
  return a;
}

void Heap::ReleasePages(const std::vector<Page*>& pages) {
  remembered_set_.RemoveChunks(pages);
  old_space_->ReleasePages(pages);
}

void Heap::FreeLargeChunks(LargeObjectSpace& space, const std::vector<Chunk*>& chunks) {
  remembered_set_.RemoveChunks(chunks);
  for (Chunk* c : chunks)
    space.Free(c);
}

std::size_t Heap::CommittedMemory() const {
  return new_space_->Committed() + old_space_->Committed() + lo_space_->Committed() +
         new_lo_space_->Committed();
}

SpaceUsage Heap::Usage(SpaceId id) const {
  switch (id) {
    case SpaceId::NewSpace:
      return {new_space_->Size(), new_space_->Committed(), new_space_->Available()};
    case SpaceId::OldSpace:
      return {old_space_->Size(), old_space_->Committed(), old_space_->Available()};
    case SpaceId::LargeObjectSpace:
      return {lo_space_->Size(), lo_space_->Committed(), 0};
    case SpaceId::NewLargeObjectSpace: {
      const std::size_t used = new_lo_space_->Size();
      const std::size_t capacity = new_space_->Capacity();
      return {used, new_lo_space_->Committed(), used < capacity ? capacity - used : 0};
    }
  }
  return {};
}

void Heap::Zap(Address start, std::size_t bytes) {
  // The pattern has bit 0 clear: read as a header it looks like a forwarding word to an
  // address outside the cage, which the verifier reports.
  constexpr std::uint64_t kZap = 0x0badbeef0badbee0;
  auto* word = reinterpret_cast<std::uint64_t*>(start);
  for (std::size_t i = 0; i < bytes / kWordSize; ++i)
    word[i] = kZap;
}

void Heap::ZapFromSpace() {
  const SemiSpace& from = new_space_->from_space();
  Zap(from.start(), new_space_->from_top() - from.start());
}

}  // namespace heaplab
