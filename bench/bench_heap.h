// Shared set-up for heaplab's benchmarks: a heap whose new space has a fixed size (so that no
// resizing happens between iterations), a way to fill new space with objects of which a chosen
// share survives, and a way to empty it again between iterations.
//
// Units: sizes in bytes; a "MB" in a counter name is 2^20 bytes, as in V8's --trace-gc output
// and heaplab's globals.h.
#pragma once

#include <chrono>
#include <cstddef>
#include <vector>

#include <heaplab/gc/config.h>
#include <heaplab/gc/controller.h>
#include <heaplab/gc/mutator.h>
#include <heaplab/heap/heap.h>
#include <heaplab/traces/session.h>

namespace heaplab::bench {

inline constexpr std::size_t kSemiSpace = 16 * MB;  // bytes per semispace (V8's maximum)

// A V8-rule configuration with both semispaces fixed at `semi_space` bytes and the real clock.
inline GcConfig FixedNewSpaceConfig(std::size_t semi_space = kSemiSpace,
                                    std::size_t max_old_space = kDefaultMaxOldSpaceSize) {
  GcConfig config;
  config.heap.min_semi_space_size = semi_space;
  config.heap.max_semi_space_size = semi_space;
  config.heap.max_old_space_size = max_old_space;
  config.promotion = PromotionRule::V8;
  config.clock = ClockKind::Real;
  return config;
}

// A session (heap, controller, mutator) with both semispaces paged in.
class BenchHeap {
 public:
  explicit BenchHeap(const GcConfig& config) : session_(config) { PageInNewSpace(); }

  Heap& heap() { return session_.heap(); }
  GcController& controller() { return session_.controller(); }
  Mutator& mutator() { return session_.mutator(); }

  // One Scavenge through the controller, as gc() of the young generation. Returns false when
  // the controller followed it with a full GC (the old generation reached its limit), which a
  // benchmark of the Scavenge alone must not time.
  bool Scavenge() {
    const int before = controller().tracer().gc_count();
    controller().Collect(Collector::Scavenge, Reason::Testing);
    return controller().tracer().gc_count() == before + 1;
  }

  // Empties new space: with no root into it, a Scavenge copies nothing and leaves top and the
  // age mark at the start of to-space, so that the next objects count as never having survived.
  // It also alternates the semispaces, which keeps both of them paged in.
  void EmptyNewSpace() { controller().Collect(Collector::Scavenge, Reason::Testing); }

 private:
  // Writes both semispaces once, so that no timed region pays for first-touch page faults.
  void PageInNewSpace() {
    for (int i = 0; i < 2; ++i) {
      while (heap().Allocate(64 * KB, 0, Kind::Plain, Generation::Young) != 0) {
      }
      EmptyNewSpace();
    }
  }

  Session session_;
};

// How FillNewSpace holds its survivors. List: a singly linked list through slot 0, so a
// Scavenge finds each survivor only after copying the one before. Wide: 8 KiB index arrays,
// so the scan of one array finds many survivors side by side.
enum class Shape { List, Wide };

struct Survivors {
  std::vector<Address> roots;  // what the caller must root: the list head, or the arrays
  std::size_t count = 0;       // survivors, index arrays not included
  std::size_t bytes = 0;       // bytes a Scavenge copies: survivors and index arrays
};

// Allocates objects of `size` bytes with one slot each until new space is full; object 0 and
// every `stride`-th object after it survive (stride 100, 10, 2: 1%, 10%, 50% of the objects and
// of the bytes), held as `shape` says. The stores are young-to-young, which need no write
// barrier.
inline Survivors FillNewSpace(Heap& heap, std::size_t size, std::size_t stride,
                              Shape shape = Shape::List) {
  constexpr std::uint64_t kSlots = 1023;
  constexpr std::size_t kArraySize = 8 * (kSlots + 1);
  Survivors s;
  if (shape == Shape::Wide) {
    const std::size_t expected = kSemiSpace / size / stride + 1;
    for (std::size_t i = 0; i < (expected + kSlots - 1) / kSlots; ++i) {
      s.roots.push_back(heap.Allocate(kArraySize, kSlots, Kind::Plain, Generation::Young));
      s.bytes += kArraySize;
    }
  }
  Address last = 0;
  std::size_t until_next = 0;
  for (;;) {
    const Address a = heap.Allocate(size, 1, Kind::Plain, Generation::Young);
    if (a == 0) break;
    if (until_next-- != 0) continue;
    until_next = stride - 1;
    if (shape == Shape::Wide) {
      *HeapObject(s.roots[s.count / kSlots]).slot(s.count % kSlots) = a;
    } else if (last == 0) {
      s.roots.push_back(a);
    } else {
      *HeapObject(last).slot(0) = a;
    }
    last = a;
    ++s.count;
    s.bytes += size;
  }
  return s;
}

// Global handles for the survivors' roots, and their release.
inline std::vector<GlobalHandle> RootSurvivors(Heap& heap, const Survivors& s) {
  std::vector<GlobalHandle> handles;
  for (Address a : s.roots)
    handles.push_back(heap.globals().Create(a));
  return handles;
}
inline void DropRoots(Heap& heap, const std::vector<GlobalHandle>& handles) {
  for (GlobalHandle h : handles)
    heap.globals().Destroy(h);
}

// Seconds since `start`, for benchmark::State::SetIterationTime.
inline double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace heaplab::bench
