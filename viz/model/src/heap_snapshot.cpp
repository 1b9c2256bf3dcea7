#include <heaplab/viz/heap_snapshot.h>

#include <algorithm>

namespace heaplab::viz {

namespace {

void MergeSpans(std::vector<Span>& spans) {
  if (spans.size() <= kMaxSpansPerChunk) return;
  std::vector<Span> out;
  out.reserve(kMaxSpansPerChunk);
  // Merge runs of equal attributes, widening the run until the count fits.
  const std::size_t group = (spans.size() + kMaxSpansPerChunk - 1) / kMaxSpansPerChunk;
  for (const Span& s : spans) {
    if (!out.empty()) {
      Span& last = out.back();
      const bool same = last.kind == s.kind && last.marked == s.marked && last.grey == s.grey &&
                        last.aged == s.aged && last.buffer == s.buffer;
      if (same && last.merged < group) {
        last.size += s.size;
        last.slots += s.slots;
        last.merged += s.merged;
        continue;
      }
    }
    out.push_back(s);
  }
  spans = std::move(out);
}

// Live trace ids sorted by address, for Walk; empty when there are too many.
using IdsByAddress = std::vector<std::pair<Address, Id>>;

IdsByAddress SortIds(const Heap& heap) {
  IdsByAddress ids;
  bool too_many = false;
  heap.ids().ForEachLive([&](Id id, Address a) {
    if (ids.size() >= kMaxIdObjects) too_many = true;
    if (!too_many) ids.emplace_back(a, id);
  });
  if (too_many) return {};
  std::sort(ids.begin(), ids.end());
  return ids;
}

Id IdAt(const IdsByAddress& ids, Address a) {
  auto it = std::lower_bound(ids.begin(), ids.end(), std::make_pair(a, Id{0}));
  return it != ids.end() && it->first == a ? it->second : 0;
}

void Walk(const Chunk& chunk, Address from, Address to, Address age_mark, const IdsByAddress& ids,
          const std::vector<Address>& grey, ChunkPicture& pic) {
  pic.start = chunk.start();
  ForEachObject(from, to, [&](HeapObject obj) {
    Span s;
    s.offset = static_cast<std::uint32_t>(obj.address() - chunk.start());
    s.size = static_cast<std::uint32_t>(obj.size());
    if (obj.kind() == Kind::Filler) {
      s.kind = SpanKind::Free;
    } else {
      s.slots = static_cast<std::uint32_t>(obj.slot_count());
      s.marked = chunk.marks().allocated() && chunk.marks().Get(chunk.WordIndex(obj.address()));
      s.grey = s.marked && std::binary_search(grey.begin(), grey.end(), obj.address());
      if (pic.sweeping_pending && !s.marked) {  // dead: its bytes are free once swept
        s.kind = SpanKind::Dead;
        pic.spans.push_back(s);
        return;
      }
      s.aged = obj.address() < age_mark;
      if (!ids.empty()) s.id = IdAt(ids, obj.address());
      s.buffer = obj.kind() == Kind::BufferWrapper;
      pic.object_bytes += obj.size();
      ++pic.objects;
    }
    pic.spans.push_back(s);
  });
  MergeSpans(pic.spans);
}

}  // namespace

const char* ChunkRoleName(ChunkRole role) {
  switch (role) {
    case ChunkRole::ToSpace:
      return "to-space";
    case ChunkRole::FromSpace:
      return "from-space";
    case ChunkRole::OldPage:
      return "old page";
    case ChunkRole::LargeObject:
      return "large object";
    case ChunkRole::NewLargeObject:
      return "new large object";
  }
  return "?";
}

namespace {

void TakeSlabs(const BufferPool& pool, HeapSnapshot& snap) {
  std::vector<std::int64_t> index(pool.slab_count(), -1);  // slab number -> snap.slabs
  for (std::size_t n = 0; n < pool.slab_count(); ++n) {
    const Slab slab = pool.slab(n);
    if (slab.released) continue;
    ++snap.live_slabs;
    if (slab.state == SlabState::Full) {
      ++snap.full_slabs;
      snap.pinned_view_bytes += slab.live_view_bytes;
    }
    SlabPicture pic;
    pic.number = slab.number;
    pic.state = slab.state;
    pic.size = pool.pool_size();
    pic.carved = slab.offset;
    pic.live_views = slab.live_views;
    pic.live_view_bytes = slab.live_view_bytes;
    index[n] = static_cast<std::int64_t>(snap.slabs.size());
    snap.slabs.push_back(std::move(pic));
  }
  if (snap.slabs.size() > kMaxSlabs) {
    snap.slabs.erase(snap.slabs.begin(), snap.slabs.end() - static_cast<std::ptrdiff_t>(kMaxSlabs));
    std::fill(index.begin(), index.end(), -1);
    for (std::size_t i = 0; i < snap.slabs.size(); ++i)
      index[snap.slabs[i].number] = static_cast<std::int64_t>(i);
  }
  pool.ForEachRecord([&snap, &index](BufferHandle, const BufferRecord& r) {
    if (!r.live) return;
    if (!r.pooled) {
      snap.store_bytes += r.size;
      return;
    }
    const auto slab = static_cast<std::size_t>(r.slab);
    if (slab < index.size() && index[slab] >= 0) {
      snap.slabs[static_cast<std::size_t>(index[slab])].views.emplace_back(
          static_cast<std::uint32_t>(r.offset), static_cast<std::uint32_t>(r.size));
    }
  });
}

}  // namespace

HeapSnapshot TakeHeapSnapshot(Heap& heap, bool marking, const BufferPool* pool,
                              const std::vector<Address>* grey) {
  HeapSnapshot snap;
  snap.marking = marking;
  const IdsByAddress ids = SortIds(heap);
  std::vector<Address> greys;
  if (marking && grey != nullptr) {
    greys = *grey;
    std::sort(greys.begin(), greys.end());
  }
  NewSpace& ns = heap.new_space();
  {
    ChunkPicture to;
    to.role = ChunkRole::ToSpace;
    const Chunk& c = ns.to_space().chunk();
    to.size = ns.TotalCapacity();
    to.top = ns.top() - c.start();
    to.age_mark = ns.age_mark() - c.start();
    Walk(c, c.start(), ns.top(), ns.age_mark(), ids, greys, to);
    snap.chunks.push_back(std::move(to));
    ChunkPicture from;  // empty outside a Scavenge: its objects were copied or died
    from.role = ChunkRole::FromSpace;
    from.size = ns.from_space().capacity();
    from.start = ns.from_space().chunk().start();
    snap.chunks.push_back(std::move(from));
  }
  for (Page* p : heap.old_space().pages()) {
    ChunkPicture pic;
    pic.role = ChunkRole::OldPage;
    pic.size = p->size();
    pic.evacuation_candidate = p->Is(kEvacuationCandidate);
    pic.sweeping_pending = p->Is(kSweepingPending);
    Walk(*p, p->start(), p->end(), 0, ids, greys, pic);
    snap.chunks.push_back(std::move(pic));
  }
  auto large = [&](const LargeObjectSpace& space, ChunkRole role) {
    for (Chunk* c : space.chunks()) {
      ChunkPicture pic;
      pic.role = role;
      pic.size = c->size();
      Walk(*c, c->start(), c->start() + HeapObject(c->start()).size(), 0, ids, greys, pic);
      snap.chunks.push_back(std::move(pic));
    }
  };
  large(heap.lo_space(), ChunkRole::LargeObject);
  large(heap.new_lo_space(), ChunkRole::NewLargeObject);
  for (const ChunkPicture& c : snap.chunks) {
    snap.objects += c.objects;
    snap.object_bytes += c.object_bytes;
  }
  if (pool != nullptr) TakeSlabs(*pool, snap);
  return snap;
}

}  // namespace heaplab::viz
