#include <heaplab/buffer/pool.h>

#include <algorithm>

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

BufferPool::BufferPool(std::size_t pool_size) : pool_size_(pool_size) {}

BufferPool::~BufferPool() {
  slabs_.ForEach([this](Slab& s) {
    if (!s.released) memory_.Free(s.memory, pool_size_);
  });
  buffers_.ForEach([this](BufferRecord& b) {
    if (b.store != nullptr) memory_.Free(b.store, b.size);
  });
}

bool BufferPool::Fits(std::size_t size, BufferApi api) const {
  return current_ >= 0 && FitBytes(size, api) <= pool_size_ - slabs_[current_].offset;
}

std::size_t BufferPool::BackingBytesFor(std::size_t size, BufferApi api) const {
  if (size == 0) return 0;
  if (!WouldPool(size, api)) return size;
  const bool fits = Fits(size, api);
  return fits ? 0 : pool_size_;
}

void BufferPool::Emit(SlabEventKind kind, const Slab& s) {
  const SlabEvent e{kind, s.number, s.live_views, s.offset};
  for (PoolObserver* o : observers_)
    o->OnSlabEvent(e);
}

// createPool: a fresh slab becomes the current one; the old one is retired.
void BufferPool::NewSlab() {
  if (current_ >= 0) Retire(slabs_[current_]);
  Slab s;
  s.number = static_cast<std::uint32_t>(slabs_.size());
  s.memory = static_cast<std::uint8_t*>(memory_.Allocate(pool_size_));
  current_slab_ = &slabs_.push_back(s);
  current_ = static_cast<std::int64_t>(s.number);
  external_bytes_ += pool_size_;
  peak_live_slabs_ = std::max(peak_live_slabs_, ++live_slabs_);
  Emit(SlabEventKind::Created, slabs_.back());
}

void BufferPool::Retire(Slab& s) {
  tail_waste_ += pool_size_ - s.offset;
  if (s.live_views > 0) {
    s.state = SlabState::Full;
    ++full_slabs_;
    Emit(SlabEventKind::BecameFull, s);
  } else {
    s.state = SlabState::Empty;
    Emit(SlabEventKind::Emptied, s);
    ReleaseSlab(s);
  }
}

void BufferPool::ReleaseSlab(Slab& s) {
  memory_.Free(s.memory, pool_size_);
  s.memory = nullptr;
  s.released = true;
  external_bytes_ -= pool_size_;
  --live_slabs_;
  Emit(SlabEventKind::Released, s);
}

BufferHandle BufferPool::AllocateSlow(std::size_t size, BufferApi api) {
  BufferHandle h = 0;
  if (WouldPool(size, api)) {
    // lib/buffer.js allocate(): if (size > (poolSize - poolOffset)) createPool();
    if (!Fits(size, api)) NewSlab();
    h = Carve(size, api);
  } else {
    BufferRecord b;
    b.size = size;
    b.api = api;
    if (size > 0) {
      b.store = static_cast<std::uint8_t*>(memory_.Allocate(size));
      external_bytes_ += size;
      store_bytes_ += size;
    }
    buffer_bytes_ += size;
    h = static_cast<BufferHandle>(buffers_.size());
    buffers_.push_back(b);
  }
  peak_external_ = std::max(peak_external_, external_bytes_);
  for (PoolObserver* o : observers_)
    o->OnBufferAllocated(h, buffers_[h]);
  return h;
}

void BufferPool::Release(BufferHandle h) {
  BufferRecord& b = buffers_[h];
  if (!b.live) return;
  b.live = false;
  if (b.pooled) {
    Slab& s = slabs_[static_cast<std::size_t>(b.slab)];
    --s.live_views;
    s.live_view_bytes -= b.size;
    if (s.live_views == 0 && s.state == SlabState::Full) {
      s.state = SlabState::Empty;
      --full_slabs_;
      Emit(SlabEventKind::Emptied, s);
      ReleaseSlab(s);
    }
  } else if (b.store != nullptr) {
    memory_.Free(b.store, b.size);
    b.store = nullptr;
    external_bytes_ -= b.size;
    store_bytes_ -= b.size;
  }
}

std::uint8_t* BufferPool::data(BufferHandle h) {
  BufferRecord& b = buffers_[h];
  if (!b.live) return nullptr;
  if (b.pooled) return slabs_[static_cast<std::size_t>(b.slab)].memory + b.offset;
  return b.store;
}

PoolStats BufferPool::stats() const {
  PoolStats s;
  s.buffers = buffers_.size();
  s.pooled = pooled_;
  s.bytes = buffer_bytes_;
  s.slabs_created = slabs_.size();
  s.live_slabs = live_slabs_;
  s.peak_live_slabs = peak_live_slabs_;
  s.full_slabs = full_slabs_;
  s.pinned_bytes = full_slabs_ * pool_size_;
  slabs_.ForEach([&s](const Slab& slab) {
    if (slab.state == SlabState::Full) s.pinned_view_bytes += slab.live_view_bytes;
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
  for (std::size_t i = 0; i < buffers_.size(); ++i) {
    const BufferRecord& b = buffers_[i];
    const std::string name = "Buffer #" + std::to_string(i);
    if (b.pooled) {
      const auto n = static_cast<std::size_t>(b.slab);
      if (!b.live) continue;
      ++views[n];
      if (slabs_[n].released) {
        fail("[view-slab-alive] " + name + " is a live view of slab " + std::to_string(n) +
             ", which was released");
      }
    } else if (b.live && b.size > 0 && b.store == nullptr) {
      fail("[store-allocated] " + name + " is live but has no backing store");
    } else if (!b.live && b.store != nullptr) {
      fail("[store-released] " + name + " is dead but still holds its backing store");
    }
    if (b.store != nullptr) stores += b.size;
  }
  std::size_t live_slabs = 0;
  for (std::size_t i = 0; i < slabs_.size(); ++i) {
    const Slab& s = slabs_[i];
    const std::string name = "slab " + std::to_string(s.number);
    if (views[s.number] != s.live_views) {
      fail("[slab-live-count] " + name + " counts " + std::to_string(s.live_views) +
           " live views, " + std::to_string(views[s.number]) + " are live");
    }
    const bool current = static_cast<std::int64_t>(s.number) == current_;
    if (current && (s.state != SlabState::Partial || s.released)) {
      fail("[slab-state] " + name + " is the current slab but is " + SlabStateName(s.state));
    } else if (!current && s.live_views > 0 && (s.state != SlabState::Full || s.released)) {
      fail("[slab-state] " + name + " is retired with live views but is " + SlabStateName(s.state) +
           (s.released ? " (released)" : ""));
    } else if (!current && s.live_views == 0 && !s.released) {
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
  BufferRecord& b = buffers_[h];
  switch (how) {
    case 0:  // a view whose slab is freed under it (really freed: nothing leaks)
      if (b.pooled) ReleaseSlab(slabs_[static_cast<std::size_t>(b.slab)]);
      break;
    case 1:  // a slab that forgets a view
      if (b.pooled) --slabs_[static_cast<std::size_t>(b.slab)].live_views;
      break;
    case 2:  // a dead Buffer that kept its store
      b.live = false;
      break;
    default:
      break;
  }
}

}  // namespace heaplab
