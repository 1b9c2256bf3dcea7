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
    : pool_size_(pool_size), max_pooled_(pool_size >> 1 == 0 ? 0 : (pool_size >> 1) - 1) {
  if (pool_size == 0 || pool_size > kMaxBufferPoolSize) {
    throw std::invalid_argument("Buffer pool size " + std::to_string(pool_size) +
                                " is out of range: 1 to " + std::to_string(kMaxBufferPoolSize));
  }
  closed_.offset = pool_size_;
}

BufferPool::~BufferPool() {
  slabs_.ForEach([this](SlabRecord& s) {
    if (!s.released) memory_.Free(s.memory, pool_size_);
  });
  stores_.ForEach([this](Store& s) {
    if (s.memory != nullptr) memory_.Free(s.memory, s.size);
  });
}

bool BufferPool::Fits(std::size_t size, BufferApi api) const {
  return current_slab_ != nullptr && FitBytes(size, api) <= pool_size_ - current_slab_->offset;
}

std::size_t BufferPool::BackingBytesFor(std::size_t size, BufferApi api) const {
  if (size == 0) return 0;
  if (!WouldPool(size, api)) return size;
  const bool fits = Fits(size, api);
  return fits ? 0 : pool_size_;
}

// The last slab whose first view is at or before h: slabs are made in handle order.
std::size_t BufferPool::SlabOf(BufferHandle h) const {
  std::size_t lo = 0, hi = slabs_.size();  // slabs_[lo].first <= h < slabs_[hi].first
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

BufferRecord BufferPool::RecordIn(BufferHandle h, std::size_t slab) const {
  const Entry& e = entries_[h];
  BufferRecord r;
  r.api = static_cast<BufferApi>((e.bits >> kApiShift) & 7);
  r.pooled = (e.bits & kPooledBit) != 0;
  r.live = (e.bits & kLiveBit) != 0;
  if (r.pooled) {
    r.size = e.bits & kSizeMask;
    r.offset = e.where;
    r.slab = static_cast<std::int32_t>(slabs_[slab].number);
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
  s.number = r.number;
  s.state = r.state;
  s.released = r.released;
  s.memory = r.memory;
  s.offset = r.offset;
  s.live_views = LiveViews(r);
  s.live_view_bytes = LiveViewBytes(r);
  s.dead_view_bytes = r.dead_view_bytes;
  return s;
}

// Callers test observers_.empty() first: without observers (the bump path's case) a slab's
// life costs no call here.
void BufferPool::Emit(SlabEventKind kind, const SlabRecord& s) {
  const SlabEvent e{kind, s.number, LiveViews(s), s.offset};
  for (PoolObserver* o : observers_)
    o->OnSlabEvent(e);
}

// createPool: a fresh slab becomes the current one; the old one is retired. Its first view is
// the Buffer about to be carved, the next handle.
void BufferPool::NewSlab() {
  if (current_slab_ != nullptr) Retire(*current_slab_);
  SlabRecord s;
  s.number = static_cast<std::uint32_t>(slabs_.size());
  s.first = static_cast<std::uint32_t>(entries_.size());
  s.memory = static_cast<std::uint8_t*>(memory_.Allocate(pool_size_));
  current_slab_ = &slabs_.push_back(s);
  bump_ = observers_.empty() ? current_slab_ : &closed_;
  current_ = static_cast<std::int64_t>(s.number);
  external_bytes_ += pool_size_;
  peak_live_slabs_ = std::max(peak_live_slabs_, ++live_slabs_);
  if (!observers_.empty()) Emit(SlabEventKind::Created, *current_slab_);
}

// The slab stops being current: how many views it has is fixed from here on.
void BufferPool::Retire(SlabRecord& s) {
  s.views = Views(s);
  current_ = -1;  // s is retired from here on (Retired, LiveViews)
  tail_waste_ += pool_size_ - s.offset;
  if (LiveViews(s) > 0) {
    s.state = SlabState::Full;
    ++full_slabs_;
    if (!observers_.empty()) Emit(SlabEventKind::BecameFull, s);
  } else {
    s.state = SlabState::Empty;
    if (!observers_.empty()) Emit(SlabEventKind::Emptied, s);
    ReleaseSlab(s);
  }
}

void BufferPool::ReleaseSlab(SlabRecord& s) {
  memory_.Free(s.memory, pool_size_);
  s.memory = nullptr;
  s.released = true;
  external_bytes_ -= pool_size_;
  --live_slabs_;
  if (!observers_.empty()) Emit(SlabEventKind::Released, s);
}

BufferHandle BufferPool::AllocateSlow(std::size_t size, BufferApi api) {
  BufferHandle h = 0;
  if (WouldPool(size, api)) {
    // lib/buffer.js allocate(): if (size > (poolSize - poolOffset)) createPool();
    if (!Fits(size, api)) NewSlab();
    h = Carve(*current_slab_, size, api);
  } else {
    Store store;
    store.size = size;
    if (size > 0) {
      store.memory = static_cast<std::uint8_t*>(memory_.Allocate(size));
      external_bytes_ += size;
      store_bytes_ += size;
    }
    unpooled_bytes_ += size;
    if (current_slab_ != nullptr) ++current_slab_->unpooled;  // its handle is in that range
    h = static_cast<BufferHandle>(entries_.size());
    entries_.push_back(Entry{static_cast<std::uint32_t>(stores_.size()), Bits(0, api, false)});
    stores_.push_back(store);
  }
  peak_external_ = std::max(peak_external_, external_bytes_);
  if (!observers_.empty()) {
    // A pooled Buffer was just carved from the current slab: no search for it.
    const BufferRecord r = RecordIn(h, current_ < 0 ? 0 : static_cast<std::size_t>(current_));
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
    SlabRecord& s = slabs_[SlabOf(h)];
    ++s.dead_views;
    s.dead_view_bytes += e.bits & kSizeMask;
    if (s.state == SlabState::Full && LiveViews(s) == 0) {
      s.state = SlabState::Empty;
      --full_slabs_;
      if (!observers_.empty()) Emit(SlabEventKind::Emptied, s);
      ReleaseSlab(s);
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
  slabs_.ForEach([&s](const SlabRecord& slab) {
    if (slab.state == SlabState::Full) s.pinned_view_bytes += LiveViewBytes(slab);
    s.bytes += slab.carved_bytes;  // every pooled Buffer's size
  });
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
      if (slabs_[n].released) {
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
    const std::string name = "slab " + std::to_string(s.number);
    if (views[s.number] != LiveViews(s)) {
      fail("[slab-live-count] " + name + " counts " + std::to_string(LiveViews(s)) +
           " live views, " + std::to_string(views[s.number]) + " are live");
    }
    const bool current = !Retired(s);
    if (current && (s.state != SlabState::Partial || s.released)) {
      fail("[slab-state] " + name + " is the current slab but is " + SlabStateName(s.state));
    } else if (!current && LiveViews(s) > 0 && (s.state != SlabState::Full || s.released)) {
      fail("[slab-state] " + name + " is retired with live views but is " + SlabStateName(s.state) +
           (s.released ? " (released)" : ""));
    } else if (!current && LiveViews(s) == 0 && !s.released) {
      fail("[slab-state] " + name + " is retired with no live view but was not released");
    }
    if (!s.released) ++live_slabs;
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
      if (pooled) ReleaseSlab(slabs_[SlabOf(h)]);
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
