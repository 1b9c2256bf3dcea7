// The Buffer pool: Node 20's lib/buffer.js rules for where a Buffer's bytes go, over real
// memory (BackingMemory). It knows nothing of the GC heap; the heap side (buffers.h) tells it
// when a Buffer's wrapper has died.
//
// Rules (lib/buffer.js: allocate, createPool, alignPool, fromStringFast, Buffer.concat):
//   - a request is pooled only for unsafe, from and concat, and only when
//     size < pool_size >>> 1 (with the default 8192: 4095 bytes pooled, 4096 not); a request of
//     size 0 is an empty Buffer with no memory at all
//   - a pooled request that does not fit in the rest of the current slab
//     (size > pool_size - offset) starts a new slab (createPool); the view goes at the slab's
//     offset, and the offset then advances by the size rounded up to 8 (alignPool). For
//     `from` (a string), the fit check uses fromStringFast's worst case of 4 bytes per
//     character while that is under the threshold
//   - alloc, slow and large requests get a backing store of their own
//
// Slabs: the current slab is Partial (the pool still carves from it). When a new slab replaces
// it, it becomes Full if views of it are alive, else Empty. A Full slab becomes Empty when its
// last view dies. Empty slabs are released at once (no cache): as in Node, the memory goes
// when no view and not the pool hold the slab. The current slab is held by the pool even with
// no live view.
//
// Invariants (Verify names them):
//   [view-slab-alive]   every live pooled view's slab is not released
//   [slab-live-count]   a slab's live-view count equals the live views that name it
//   [slab-state]        the current slab is Partial; a retired slab with views is Full, with
//                       none is released
//   [store-allocated]   every live non-pooled Buffer of size > 0 has its store
//   [store-released]    no dead Buffer holds a store
//   [external-bytes]    external_bytes() equals live slabs x pool_size + live stores' sizes,
//                       and the backing memory holds exactly that
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include <heaplab/buffer/api.h>
#include <heaplab/buffer/backing_memory.h>
#include <heaplab/buffer/stable_vector.h>

namespace heaplab {

inline constexpr std::size_t kDefaultBufferPoolSize = 8192;  // Node 20's Buffer.poolSize
inline constexpr std::size_t kPoolAlignment = 8;             // alignPool

// alignPool: if (poolOffset & 0x7) { poolOffset |= 0x7; poolOffset++; }
constexpr std::size_t RoundUpToPoolAlignment(std::size_t n) {
  return (n + kPoolAlignment - 1) & ~(kPoolAlignment - 1);
}

using BufferHandle = std::uint32_t;  // index of a Buffer in its pool, in allocation order

enum class SlabState : std::uint8_t { Partial, Full, Empty };
const char* SlabStateName(SlabState s);  // "partial", "full", "empty"

// A slab as the pool reports it (BufferPool::slab): its counts of views are derived, see
// BufferPool::SlabRecord.
struct Slab {
  std::uint32_t number = 0;  // 0, 1, ... in creation order
  SlabState state = SlabState::Partial;
  bool released = false;  // memory returned to the allocator
  std::uint8_t* memory = nullptr;
  std::size_t offset = 0;  // next free byte (poolOffset)
  std::uint32_t live_views = 0;
  std::size_t live_view_bytes = 0;  // sum of the live views' lengths
  std::size_t dead_view_bytes = 0;  // sum of the dead views' lengths
};

// A Buffer as the pool reports it (BufferPool::record).
struct BufferRecord {
  std::size_t size = 0;
  std::size_t offset = 0;         // byte offset in the slab when pooled, else 0
  std::uint8_t* store = nullptr;  // own backing store (not pooled, size > 0)
  std::int32_t slab = -1;         // slab number when pooled, else -1
  BufferApi api = BufferApi::Unsafe;
  bool pooled = false;
  bool live = true;
};

enum class SlabEventKind : std::uint8_t { Created, BecameFull, Emptied, Released };
const char* SlabEventName(SlabEventKind k);  // "created", "full", "emptied", "released"

struct SlabEvent {
  SlabEventKind kind;
  std::uint32_t slab;
  std::size_t live_views = 0;  // at the event
  std::size_t offset = 0;      // the slab's offset at the event (bytes carved)
};

class PoolObserver {
 public:
  virtual ~PoolObserver() = default;
  virtual void OnSlabEvent(const SlabEvent&) {}
  // `record` lives for the call only.
  virtual void OnBufferAllocated(BufferHandle, const BufferRecord&) {}
};

struct PoolStats {
  std::size_t buffers = 0;  // Buffers allocated
  std::size_t pooled = 0;   // of which pooled
  std::size_t bytes = 0;    // their sizes, in total
  std::size_t slabs_created = 0;
  std::size_t live_slabs = 0;  // not released (the current one included)
  std::size_t peak_live_slabs = 0;
  std::size_t full_slabs = 0;         // retired, pinned by live views
  std::size_t pinned_bytes = 0;       // full_slabs x pool_size
  std::size_t pinned_view_bytes = 0;  // the live views' bytes in full slabs
  std::size_t tail_waste_bytes = 0;   // bytes left unused at retired slabs' tails, in total
  std::size_t store_bytes = 0;        // live non-pooled backing stores
  std::size_t peak_external_bytes = 0;
};

// The largest --buffer-pool-size: a pooled Buffer's size (under half of it) must fit the 27
// bits its entry keeps for it. 256 MiB is 32768 times Node 20's slab.
inline constexpr std::size_t kMaxBufferPoolSize = std::size_t{1} << 28;

class BufferPool {
 public:
  // Throws std::invalid_argument unless 1 <= pool_size <= kMaxBufferPoolSize.
  explicit BufferPool(std::size_t pool_size = kDefaultBufferPoolSize);
  ~BufferPool();
  BufferPool(const BufferPool&) = delete;
  BufferPool& operator=(const BufferPool&) = delete;

  std::size_t pool_size() const { return pool_size_; }
  // Whether Node would serve `size` bytes through `api` from the pool.
  bool WouldPool(std::size_t size, BufferApi api) const {
    return size > 0 && ApiMayPool(api) && size < (pool_size_ >> 1);
  }
  // Bytes of new backing memory the next Allocate(size, api) takes: a new slab, a store, or
  // nothing (it fits in the current slab). V8 checks external pressure before this allocation.
  std::size_t BackingBytesFor(std::size_t size, BufferApi api) const;

  BufferHandle Allocate(std::size_t size, BufferApi api) {
    // The bump path, inline: a pooled request that fits in the current slab (most Buffers of
    // a program), as lib/buffer.js allocate() checks it: two comparisons. `size - 1 <
    // max_pooled_` is WouldPool's 0 < size < pool_size >>> 1 in one; limit_ is where the bump
    // path must stop (see OpenBump), at most the slab's end, 0 when it is closed. The check is
    // signed, as Node's `size > poolSize - poolOffset`: the offset may pass a pool size that is
    // not a multiple of 8. Everything else goes through AllocateSlow, which follows the same
    // rules.
    if (ApiMayPool(api) && size - 1 < max_pooled_ &&
        static_cast<std::ptrdiff_t>(FitBytes(size, api)) <= limit_ - offset_) [[likely]] {
      const auto h = static_cast<BufferHandle>(entries_.size());
      entries_.PushUnchecked(Carve(size, api));
      return h;
    }
    return AllocateSlow(size, api);
  }
  // Makes room for the entries of `buffers` Buffers in all and of the slabs they need (at most
  // one per two Buffers: each pooled one is under half a slab), their memory written once, so
  // that making them touches no fresh page. A hint: more still works. Benchmarks use it: where
  // a page fault is slow, the growth of these logs would otherwise be most of what they measure.
  void Reserve(std::size_t buffers) {
    entries_.Reserve(buffers);
    slabs_.Reserve(buffers / 2 + 1);
  }

  // The Buffer's wrapper died: its store is freed, or its view of the slab ends.
  void Release(BufferHandle h);

  BufferRecord record(BufferHandle h) const;
  Slab slab(std::size_t number) const;
  // Calls f(handle, record) for every Buffer in allocation order: record(h) for each, in
  // O(1) each instead of record's O(log slabs).
  template <typename F>
  void ForEachRecord(F f) const {
    std::size_t slab = 0;
    for (std::size_t h = 0; h < entries_.size(); ++h) {
      while (slab + 1 < slabs_.size() && slabs_[slab + 1].first <= h)
        ++slab;
      f(static_cast<BufferHandle>(h), RecordIn(static_cast<BufferHandle>(h), slab));
    }
  }
  std::size_t buffer_count() const { return entries_.size(); }
  std::size_t slab_count() const { return slabs_.size(); }
  // The slab the pool carves from (always the last one made); -1 before the first.
  std::int64_t current_slab() const {
    return current_slab_ == nullptr ? -1 : static_cast<std::int64_t>(slabs_.size()) - 1;
  }
  // Bytes of memory the pool holds: live slabs x pool_size + live stores.
  std::size_t external_bytes() const { return external_bytes_; }
  PoolStats stats() const;
  const BackingMemory& memory() const { return memory_; }
  std::uint8_t* data(BufferHandle h);  // the Buffer's first byte (null for size 0)

  void AddObserver(PoolObserver* o) {
    observers_.push_back(o);
    limit_ = 0;  // closed: observers are told of every allocation
  }

  // Checks the invariants above; returns "[name] what is wrong" lines (empty when sound).
  std::vector<std::string> Verify() const;

  // For negative tests of the verifier only: breaks the bookkeeping as a bug would.
  void CorruptForTesting(BufferHandle h, int how);

 private:
  // What the pool keeps of a Buffer: 8 bytes, written once on the bump path (the 32-byte
  // record it replaced cost a fifth of the long-lived pool's time per allocation, 6.93 against
  // 5.44 ns, as the log streams through the cache). A pooled Buffer's slab is not kept:
  // handles are handed out in order, so a slab's Buffers are the handles from its first to the
  // next slab's first (SlabOf).
  struct Entry {
    std::uint32_t where;  // pooled: byte offset in the slab; not pooled: index in stores_
    std::uint32_t bits;   // the size in the low 27 bits (0 when not pooled); api, pooled, live
  };
  static constexpr std::uint32_t kSizeBits = 27;
  static constexpr std::uint32_t kSizeMask = (std::uint32_t{1} << kSizeBits) - 1;
  static constexpr std::uint32_t kApiShift = kSizeBits;  // 3 bits
  static constexpr std::uint32_t kPooledBit = std::uint32_t{1} << 30;
  static constexpr std::uint32_t kLiveBit = std::uint32_t{1} << 31;
  static std::uint32_t Bits(std::size_t pooled_size, BufferApi api, bool pooled) {
    return static_cast<std::uint32_t>(pooled_size) |
           (static_cast<std::uint32_t>(api) << kApiShift) | (pooled ? kPooledBit : 0) | kLiveBit;
  }
  // A Buffer not pooled: its own backing store (null for size 0, and once released).
  struct Store {
    std::uint8_t* memory = nullptr;
    std::size_t size = 0;
  };
  // A slab; its number is its index in slabs_. Its views are the pooled handles in [first, the
  // next slab's first): how many, and their bytes, are not counted on the bump path but follow
  // from the entries (Views, ViewBytes); `views` and `offset` are fixed when it is retired
  // (while it is current they are the entries' and the pool's offset_).
  struct SlabRecord {
    std::uint8_t* memory = nullptr;  // null once released
    std::uint32_t first = 0;         // the handle of its first view
    std::uint32_t unpooled = 0;      // Buffers not pooled made while it was current
    std::uint32_t views = 0;         // once retired: the views carved from it
    std::uint32_t dead_views = 0;    // views released
    std::uint32_t offset = 0;        // once retired: bytes carved (poolOffset, at most pool_size)
    SlabState state = SlabState::Partial;
  };

  // fromStringFast (Node 20.20): before it knows the byte length, a string of `length`
  // characters may need up to 4 x length bytes; when that estimate is under the threshold it is
  // what the fit check uses (the offset then advances by the bytes really written). `from` in
  // a trace is Buffer.from of a string of one-byte characters, so `size` is both its length
  // and its bytes.
  std::size_t FitBytes(std::size_t size, BufferApi api) const {
    if (api == BufferApi::From && 4 * size < (pool_size_ >> 1)) return 4 * size;
    return size;
  }
  bool Fits(std::size_t size, BufferApi api) const;
  BufferHandle AllocateSlow(std::size_t size, BufferApi api);
  // A view of the current slab at its offset (lib/buffer.js allocate(): new FastBuffer(
  // allocPool, poolOffset, size); poolOffset += size; alignPool()): its entry. Nothing else is
  // counted here; the slab's views and bytes follow from the entries, the pool's from stats().
  Entry Carve(std::size_t size, BufferApi api) {
    const Entry e{static_cast<std::uint32_t>(offset_), Bits(size, api, true)};
    offset_ = static_cast<std::ptrdiff_t>(
        RoundUpToPoolAlignment(static_cast<std::size_t>(offset_) + size));
    return e;
  }
  // Sets limit_ after the slow path: the bump path may carve while the request fits in the
  // slab and the entry log's block has room. Each carve takes at least 8 bytes (offsets stay
  // multiples of 8, sizes are at least 1), so a limit of offset_ + 8 x room() lets at most
  // room() carves through; past it the slow path moves to the next block and opens again.
  void OpenBump() {
    if (current_slab_ == nullptr || !observers_.empty()) {
      limit_ = 0;
      return;
    }
    const auto slab_end = static_cast<std::ptrdiff_t>(pool_size_);
    const auto log_end = offset_ + static_cast<std::ptrdiff_t>(kPoolAlignment * entries_.room());
    limit_ = std::min(slab_end, log_end);
  }
  void NewSlab();
  void Retire();
  void ReleaseSlab(std::size_t i);
  void Emit(SlabEventKind kind, std::size_t i);
  // The slab of a pooled Buffer: a binary search, unless it is `hint` or the slab after it.
  std::size_t SlabOf(BufferHandle h, std::size_t hint = SIZE_MAX) const;
  BufferRecord RecordIn(BufferHandle h, std::size_t slab) const;
  bool Retired(const SlabRecord& s) const { return &s != current_slab_; }
  std::uint32_t Views(const SlabRecord& s) const;
  std::uint32_t LiveViews(const SlabRecord& s) const { return Views(s) - s.dead_views; }
  std::size_t Offset(const SlabRecord& s) const;  // bytes carved, at most pool_size
  // The sizes of slab i's views, all and live ones, summed from the entries in one pass:
  // O(views).
  struct ViewBytesOf {
    std::size_t all = 0;
    std::size_t live = 0;
  };
  ViewBytesOf ViewBytes(std::size_t i) const;

  // The bump path's state first, in one cache line.
  std::ptrdiff_t offset_ = 0;  // the current slab's poolOffset
  std::ptrdiff_t limit_ = 0;   // the bump path carves while offset + fit <= limit_: OpenBump
  std::size_t max_pooled_;     // (pool_size_ >> 1) - 1, or 0 when that is 0: see Allocate
  StableVector<Entry, 13> entries_;
  std::size_t pool_size_;
  SlabRecord* current_slab_ = nullptr;  // the last of slabs_ (which never moves its elements)
  BackingMemory memory_;
  StableVector<SlabRecord, 10> slabs_;
  StableVector<Store, 8> stores_;
  std::size_t external_bytes_ = 0;
  std::size_t live_slabs_ = 0;
  std::size_t peak_live_slabs_ = 0;
  std::size_t full_slabs_ = 0;
  std::size_t tail_waste_ = 0;
  std::size_t store_bytes_ = 0;
  std::size_t unpooled_bytes_ = 0;  // the sizes of the Buffers not pooled (stores_.size())
  std::size_t peak_external_ = 0;
  std::size_t release_hint_ = 0;  // the slab of the last pooled Buffer released
  std::vector<PoolObserver*> observers_;
};

}  // namespace heaplab
