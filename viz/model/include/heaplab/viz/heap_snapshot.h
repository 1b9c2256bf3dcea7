// A picture of the heap at one moment, for the heap map: every chunk (both semispaces, the
// old-space pages, the large objects) with its objects and free space as spans, the age mark
// and the allocation top. Plain data, copied out of a live heap between trace events, so that
// the heap map can draw it on the GUI thread while the replay goes on elsewhere.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <heaplab/buffer/pool.h>
#include <heaplab/heap/heap.h>

namespace heaplab::viz {

enum class SpanKind : std::uint8_t {
  Object,  // a live (or not yet collected) object
  Free,    // a filler: a hole, a free-list entry or the rest of a linear allocation area
  Dead,    // an unmarked object on a page the lazy sweeper has not swept yet: garbage
};

struct Span {
  std::uint32_t offset = 0;  // bytes from the chunk's start
  std::uint32_t size = 0;    // bytes
  std::uint32_t slots = 0;   // reference slots (objects)
  SpanKind kind = SpanKind::Object;
  bool marked = false;       // its mark bit is set (during incremental marking: grey or black)
  bool grey = false;         // marked and still on marking's worklist (marked without: black)
  bool aged = false;         // young and below the age mark: survived one Scavenge
  bool buffer = false;       // a Buffer's on-heap wrapper
  std::uint32_t merged = 1;  // objects this span stands for (more than 1 when merged)
  Id id = 0;                 // the object's trace id (0: unknown, or more than kMaxIdObjects)
};

enum class ChunkRole : std::uint8_t { ToSpace, FromSpace, OldPage, LargeObject, NewLargeObject };
const char* ChunkRoleName(ChunkRole role);

struct ChunkPicture {
  ChunkRole role = ChunkRole::OldPage;
  Address start = 0;         // the chunk's first object address (spans' offsets count from it)
  std::size_t size = 0;      // bytes of object area (the semispace's capacity)
  std::size_t top = 0;       // semispaces: allocation top, bytes from the start
  std::size_t age_mark = 0;  // to-space: the age mark, bytes from the start
  bool evacuation_candidate = false;
  bool sweeping_pending = false;  // an old page that lazy sweeping has yet to sweep
  std::size_t object_bytes = 0;   // bytes of objects
  std::size_t objects = 0;
  std::vector<Span> spans;  // in address order
};

// A Buffer pool slab that still holds memory, with its live views.
struct SlabPicture {
  std::uint32_t number = 0;
  SlabState state = SlabState::Partial;
  std::size_t size = 0;    // the pool size
  std::size_t carved = 0;  // bytes handed out so far (the pool's offset in it)
  std::uint32_t live_views = 0;
  std::size_t live_view_bytes = 0;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> views;  // live: offset, length
};

struct HeapSnapshot {
  std::vector<ChunkPicture> chunks;  // to-space, from-space, old pages, large, new large
  std::vector<SlabPicture> slabs;    // unreleased slabs, in creation order (the last kMaxSlabs)
  // The pool as a whole, every unreleased slab counted whether pictured or not.
  std::size_t live_slabs = 0;
  std::size_t full_slabs = 0;         // retired, pinned by live views
  std::size_t pinned_view_bytes = 0;  // the live views' bytes in full slabs
  std::size_t store_bytes = 0;        // live Buffers' own (not pooled) backing stores
  bool marking = false;               // incremental marking was on
  std::size_t objects = 0;
  std::size_t object_bytes = 0;
  bool empty() const { return chunks.empty(); }
};

// At most this many spans per chunk: beyond it, neighbours of the same kind, colour and age
// are merged so that a snapshot of a large heap stays small.
inline constexpr std::size_t kMaxSpansPerChunk = 4096;

// Trace ids are looked up only when the heap holds at most this many live ids (the lookup
// sorts them all by address).
inline constexpr std::size_t kMaxIdObjects = 200000;

// At most this many slabs are pictured (the most recent ones); the counts above are the whole
// pool's.
inline constexpr std::size_t kMaxSlabs = 512;

// Copies the heap's layout, and the Buffer pool's slabs when `pool` is given. Call between
// trace events (never inside a collection): every space parses end to end then. `grey`: the
// marker's worklist while marking is on (Marker::worklist), which tells grey objects from
// black ones; without it every marked object is pictured as black.
HeapSnapshot TakeHeapSnapshot(Heap& heap, bool marking, const BufferPool* pool = nullptr,
                              const std::vector<Address>* grey = nullptr);

}  // namespace heaplab::viz
