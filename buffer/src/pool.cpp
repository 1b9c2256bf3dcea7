#include <heaplab/buffer/pool.h>

#include <algorithm>
#include <stdexcept>

namespace heaplab {

const char* SlabStateName(SlabState s) {
  switch (s) {
    case SlabState::Partial:
      return "partial";
    case SlabState::Full:
      return "full";
    case SlabState::Empty:
      return "empty";
  }
  return "?";
}

const char* SlabEventName(SlabEventKind k) {
  switch (k) {
    case SlabEventKind::Created:
      return "created";
    case SlabEventKind::BecameFull:
      return "full";
    case SlabEventKind::Emptied:
      return "emptied";
    case SlabEventKind::Released:
      return "released";
  }
  return "?";
}

BufferPool::BufferPool(std::size_t pool_size)
    : max_pooled_(pool_size >> 1 == 0 ? 0 : (pool_size >> 1) - 1), pool_size_(pool_size) {
  if (pool_size == 0 || pool_size > kMaxBufferPoolSize) {
    throw std::invalid_argument("Buffer pool size " + std::to_string(pool_size) +
                                " is out of range: 1 to " + std::to_string(kMaxBufferPoolSize));
  }
}

BufferPool::~BufferPool() {
  slabs_.ForEach([this](SlabRecord& s) {
    if (s.memory != nullptr) memory_.Free(s.memory, pool_size_);
  });
  stores_.ForEach([this](Store& s) {
    if (s.memory != nullptr) memory_.Free(s.memory, s.size);
  });
}

bool BufferPool::Fits(std::size_t size, BufferApi api) const {
  return current_slab_ != nullptr && static_cast<std::ptrdiff_t>(FitBytes(size, api)) <=
                                         static_cast<std::ptrdiff_t>(pool_size_) - offset_;
}

std::size_t BufferPool::BackingBytesFor(std::size_t size, BufferApi api) const {
  if (size == 0) return 0;
  if (!WouldPool(size, api)) return size;
  const bool fits = Fits(size, api);
  return fits ? 0 : pool_size_;
}

// The last slab whose first view is at or before h: slabs are made in handle order. `hint`
// (a slab number) and the slab after it are tried first.
std::size_t BufferPool::SlabOf(BufferHandle h, std::size_t hint) const {
  const std::size_t n = slabs_.size();
  if (hint < n && slabs_[hint].first <= h) {
    if (hint + 1 == n || h < slabs_[hint + 1].first) return hint;
    if (hint + 2 == n || h < slabs_[hint + 2].first) return hint + 1;
  }
  std::size_t lo = 0, hi = n;  // slabs_[lo].first <= h < slabs_[hi].first
  while (hi - lo > 1) {
    const std::size_t mid = lo + (hi - lo) / 2;
    if (slabs_[mid].first <= h) {
      lo = mid;
    } else {
      hi = mid;
    }
  }
  return lo;
}

std::uint32_t BufferPool::Views(const SlabRecord& s) const {
  if (Retired(s)) return s.views;
  return static_cast<std::uint32_t>(entries_.size() - s.first) - s.unpooled;
}

std::size_t BufferPool::Offset(const SlabRecord& s) const {
  if (Retired(s)) return s.offset;
  return std::min(pool_size_, static_cast<std::size_t>(offset_));
}

BufferPool::ViewBytesOf BufferPool::ViewBytes(std::size_t i) const {
  const std::size_t end = i + 1 < slabs_.size() ? slabs_[i + 1].first : entries_.size();
  ViewBytesOf bytes;
  for (std::size_t h = slabs_[i].first; h < end; ++h) {
    const Entry& e = entries_[h];
    if ((e.bits & kPooledBit) == 0) continue;
    bytes.all += e.bits & kSizeMask;
    if ((e.bits & kLiveBit) != 0) bytes.live += e.bits & kSizeMask;
  }
  return bytes;
}

BufferRecord BufferPool::RecordIn(BufferHandle h, std::size_t slab) const {
  const Entry& e = entries_[h];
  BufferRecord r;
  r.api = static_cast<BufferApi>((e.bits >> kApiShift) & 7);
  r.pooled = (e.bits & kPooledBit) != 0;
  r.live = (e.bits & kLiveBit) != 0;
  if (r.pooled) {
    r.size = e.bits & kSizeMask;
    r.offset = e.where;
    r.slab = static_cast<std::int32_t>(slab);
  } else {
    r.size = stores_[e.where].size;
    r.store = stores_[e.where].memory;
  }
  return r;
}

BufferRecord BufferPool::record(BufferHandle h) const {
  const bool pooled = (entries_[h].bits & kPooledBit) != 0;
  return RecordIn(h, pooled ? SlabOf(h) : 0);
}

Slab BufferPool::slab(std::size_t number) const {
  const SlabRecord& r = slabs_[number];
  Slab s;
  s.number = static_cast<std::uint32_t>(number);
  s.state = r.state;
  s.released = r.memory == nullptr;
  s.memory = r.memory;
  s.offset = Offset(r);
  s.live_views = LiveViews(r);
  const ViewBytesOf bytes = ViewBytes(number);
  s.live_view_bytes = bytes.live;
  s.dead_view_bytes = bytes.all - bytes.live;
  return s;
}

// Callers test observers_.empty() first: without observers (the bump path's case) a slab's
// life costs no call here.
void BufferPool::Emit(SlabEventKind kind, std::size_t i) {
  const SlabRecord& s = slabs_[i];
  const SlabEvent e{kind, static_cast<std::uint32_t>(i), LiveViews(s), Offset(s)};
  for (PoolObserver* o : observers_)
    o->OnSlabEvent(e);
}

// createPool: a fresh slab becomes the current one; the old one is retired. Its first view is
// the Buffer about to be carved, the next handle.
void BufferPool::NewSlab() {
  limit_ = 0;  // closed until AllocateSlow opens it: also when the allocation below throws
  if (current_slab_ != nullptr) Retire();
  auto* memory = static_cast<std::uint8_t*>(memory_.Allocate(pool_size_));
  SlabRecord& s = slabs_.push_back(SlabRecord{});
  s.memory = memory;
  s.first = static_cast<std::uint32_t>(entries_.size());
  current_slab_ = &s;
  offset_ = 0;
  external_bytes_ += pool_size_;
  peak_external_ = std::max(peak_external_, external_bytes_);
  peak_live_slabs_ = std::max(peak_live_slabs_, ++live_slabs_);
  if (!observers_.empty()) Emit(SlabEventKind::Created, slabs_.size() - 1);
}

// The current slab (the last) stops being current: its views and offset are fixed from here on.
void BufferPool::Retire() {
  SlabRecord& s = *current_slab_;
  const std::size_t i = slabs_.size() - 1;
  s.views = Views(s);
  s.offset = static_cast<std::uint32_t>(Offset(s));
  current_slab_ = nullptr;  // s is retired from here on (Retired, LiveViews)
  tail_waste_ += pool_size_ - s.offset;
  if (LiveViews(s) > 0) {
    s.state = SlabState::Full;
    ++full_slabs_;
    if (!observers_.empty()) Emit(SlabEventKind::BecameFull, i);
  } else {
    s.state = SlabState::Empty;
    if (!observers_.empty()) Emit(SlabEventKind::Emptied, i);
    ReleaseSlab(i);
  }
}

void BufferPool::ReleaseSlab(std::size_t i) {
  SlabRecord& s = slabs_[i];
  memory_.Free(s.memory, pool_size_);
  s.memory = nullptr;
  external_bytes_ -= pool_size_;
  --live_slabs_;
  if (!observers_.empty()) Emit(SlabEventKind::Released, i);
}

BufferHandle BufferPool::AllocateSlow(std::size_t size, BufferApi api) {
  const auto h = static_cast<BufferHandle>(entries_.size());
  if (WouldPool(size, api)) {
    // lib/buffer.js allocate(): if (size > (poolSize - poolOffset)) createPool();
    if (!Fits(size, api)) NewSlab();
    entries_.push_back(Carve(size, api));
  } else {
    Store store;
    store.size = size;
    if (size > 0) {
      store.memory = static_cast<std::uint8_t*>(memory_.Allocate(size));
      external_bytes_ += size;
      store_bytes_ += size;
      peak_external_ = std::max(peak_external_, external_bytes_);
    }
    unpooled_bytes_ += size;
    if (current_slab_ != nullptr) ++current_slab_->unpooled;  // its handle is in that range
    entries_.push_back(Entry{static_cast<std::uint32_t>(stores_.size()), Bits(0, api, false)});
    stores_.push_back(store);
  }
  OpenBump();
  if (!observers_.empty()) {
    // A pooled Buffer was just carved from the current slab: no search for it.
    const BufferRecord r = RecordIn(h, slabs_.empty() ? 0 : slabs_.size() - 1);
    for (PoolObserver* o : observers_)
      o->OnBufferAllocated(h, r);
  }
  return h;
}

void BufferPool::Release(BufferHandle h) {
  Entry& e = entries_[h];
  if ((e.bits & kLiveBit) == 0) return;
  e.bits &= ~kLiveBit;
  if ((e.bits & kPooledBit) != 0) {
    // The GC releases the dead of its lists in allocation order, mostly: the slab of the last
    // release, or the next one, is this one's. Searching from scratch each time was a fifth of
    // the instructions of a buffer-server run (50,000 requests: releases 81.8 M of 388.5 M,
    // with the hint 29.8 M of 336.6 M).
    const std::size_t i = release_hint_ = SlabOf(h, release_hint_);
    SlabRecord& s = slabs_[i];
    ++s.dead_views;
    if (s.state == SlabState::Full && LiveViews(s) == 0) {
      s.state = SlabState::Empty;
      --full_slabs_;
      if (!observers_.empty()) Emit(SlabEventKind::Emptied, i);
      ReleaseSlab(i);
    }
  } else if (Store& store = stores_[e.where]; store.memory != nullptr) {
    memory_.Free(store.memory, store.size);
    store.memory = nullptr;
    external_bytes_ -= store.size;
    store_bytes_ -= store.size;
  }
}

std::uint8_t* BufferPool::data(BufferHandle h) {
  const Entry& e = entries_[h];
  if ((e.bits & kLiveBit) == 0) return nullptr;
  if ((e.bits & kPooledBit) != 0) return slabs_[SlabOf(h)].memory + e.where;
  return stores_[e.where].memory;
}

// Derived, not counted on the bump path: O(Buffers) the first time (the run's summary).
PoolStats BufferPool::stats() const {
  PoolStats s;
  s.buffers = entries_.size();
  s.pooled = entries_.size() - stores_.size();
  s.bytes = unpooled_bytes_;
  s.slabs_created = slabs_.size();
  s.live_slabs = live_slabs_;
  s.peak_live_slabs = peak_live_slabs_;
  s.full_slabs = full_slabs_;
  s.pinned_bytes = full_slabs_ * pool_size_;
  for (std::size_t i = 0; i < slabs_.size(); ++i) {
    const ViewBytesOf bytes = ViewBytes(i);
    if (slabs_[i].state == SlabState::Full) s.pinned_view_bytes += bytes.live;
    s.bytes += bytes.all;  // every pooled Buffer's size
  }
  s.tail_waste_bytes = tail_waste_;
  s.store_bytes = store_bytes_;
  s.peak_external_bytes = peak_external_;
  return s;
}

std::vector<std::string> BufferPool::Verify() const {
  std::vector<std::string> out;
  auto fail = [&out](std::string m) {
    if (out.size() < 20) out.push_back(std::move(m));
  };
  std::vector<std::uint32_t> views(slabs_.size(), 0);
  std::size_t stores = 0;
  ForEachRecord([&](BufferHandle h, const BufferRecord& b) {
    const std::string name = "Buffer #" + std::to_string(h);
    if (b.pooled) {
      const auto n = static_cast<std::size_t>(b.slab);
      if (!b.live) return;
      ++views[n];
      if (slabs_[n].memory == nullptr) {
        fail("[view-slab-alive] " + name + " is a live view of slab " + std::to_string(n) +
             ", which was released");
      }
      return;
    }
    if (b.live && b.size > 0 && b.store == nullptr) {
      fail("[store-allocated] " + name + " is live but has no backing store");
    } else if (!b.live && b.store != nullptr) {
      fail("[store-released] " + name + " is dead but still holds its backing store");
    }
    if (b.store != nullptr) stores += b.size;
  });
  std::size_t live_slabs = 0;
  for (std::size_t i = 0; i < slabs_.size(); ++i) {
    const SlabRecord& s = slabs_[i];
    const std::string name = "slab " + std::to_string(i);
    const bool released = s.memory == nullptr;
    if (views[i] != LiveViews(s)) {
      fail("[slab-live-count] " + name + " counts " + std::to_string(LiveViews(s)) +
           " live views, " + std::to_string(views[i]) + " are live");
    }
    const bool current = !Retired(s);
    if (current && (s.state != SlabState::Partial || released)) {
      fail("[slab-state] " + name + " is the current slab but is " + SlabStateName(s.state));
    } else if (!current && LiveViews(s) > 0 && (s.state != SlabState::Full || released)) {
      fail("[slab-state] " + name + " is retired with live views but is " + SlabStateName(s.state) +
           (released ? " (released)" : ""));
    } else if (!current && LiveViews(s) == 0 && !released) {
      fail("[slab-state] " + name + " is retired with no live view but was not released");
    }
    if (!released) ++live_slabs;
  }
  const std::size_t expected = live_slabs * pool_size_ + stores;
  if (external_bytes_ != expected || memory_.allocated_bytes() != expected) {
    fail("[external-bytes] the pool counts " + std::to_string(external_bytes_) +
         " bytes and its allocator holds " + std::to_string(memory_.allocated_bytes()) +
         "; live slabs and stores make " + std::to_string(expected));
  }
  return out;
}

void BufferPool::CorruptForTesting(BufferHandle h, int how) {
  Entry& e = entries_[h];
  const bool pooled = (e.bits & kPooledBit) != 0;
  switch (how) {
    case 0:  // a view whose slab is freed under it (really freed: nothing leaks)
      if (pooled) ReleaseSlab(SlabOf(h));
      break;
    case 1:  // a slab that forgets a view
      if (pooled) ++slabs_[SlabOf(h)].dead_views;
      break;
    case 2:  // a dead Buffer that kept its store
      e.bits &= ~kLiveBit;
      break;
    default:
      break;
  }
}

}  // namespace heaplab
