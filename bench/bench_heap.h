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

#include "gc/config.h"
#include "gc/controller.h"
#include "gc/mutator.h"
#include "heap/heap.h"

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

// A heap with its controller and mutator, built and torn down together.
class BenchHeap {
 public:
  explicit BenchHeap(const GcConfig& config)
      : heap_(config.heap), controller_(heap_, config), mutator_(heap_, controller_) {
    PageInNewSpace();
  }

  Heap& heap() { return heap_; }
  GcController& controller() { return controller_; }
  Mutator& mutator() { return mutator_; }

  // One Scavenge through the controller, as gc() of the young generation. Returns false when
  // the controller followed it with a full GC (the old generation reached its limit), which a
  // benchmark of the Scavenge alone must not time.
  bool Scavenge() {
    const int before = controller_.tracer().gc_count();
    controller_.Collect(Collector::Scavenge, Reason::Testing);
    return controller_.tracer().gc_count() == before + 1;
  }

  // Empties new space: with no root into it, a Scavenge copies nothing and leaves top and the
  // age mark at the start of to-space, so that the next objects count as never having survived.
  // It also alternates the semispaces, which keeps both of them paged in.
  void EmptyNewSpace() { controller_.Collect(Collector::Scavenge, Reason::Testing); }

 private:
  // Writes both semispaces once, so that no timed region pays for first-touch page faults.
  void PageInNewSpace() {
    for (int i = 0; i < 2; ++i) {
      while (heap_.Allocate(64 * KB, 0, Kind::Plain, Generation::Young) != 0) {
      }
      EmptyNewSpace();
    }
  }

  Heap heap_;
  GcController controller_;
  Mutator mutator_;
};

// The survivors FillNewSpace made: a singly linked list through slot 0.
struct Survivors {
  Address head = 0;       // first survivor
  std::size_t count = 0;  // objects
  std::size_t bytes = 0;  // bytes, headers included
};

// Allocates objects of `size` bytes with one slot each until new space is full; object 0 and
// every `stride`-th object after it survive (stride 100, 10, 2: 1%, 10%, 50% of the objects and
// of the bytes). Each survivor is linked from the previous one's slot 0; the caller roots the
// head. The stores are young-to-young, which need no write barrier.
inline Survivors FillNewSpace(Heap& heap, std::size_t size, std::size_t stride) {
  Survivors s;
  Address last = 0;
  std::size_t until_next = 0;
  for (;;) {
    const Address a = heap.Allocate(size, 1, Kind::Plain, Generation::Young);
    if (a == 0) break;
    if (until_next-- != 0) continue;
    until_next = stride - 1;
    if (last == 0) {
      s.head = a;
    } else {
      *HeapObject(last).slot(0) = a;
    }
    last = a;
    ++s.count;
  }
  s.bytes = s.count * size;
  return s;
}

// The survivors FillNewSpaceWide made: held by index arrays rather than a list.
struct WideSurvivors {
  std::vector<Address> arrays;  // 8 KiB objects of 1023 slots, each to be rooted
  std::size_t count = 0;        // survivors, arrays not included
  std::size_t bytes = 0;        // bytes of survivors and arrays
};

// As FillNewSpace, but each survivor is stored in an index array, so that a Scavenge finds
// them side by side when it scans the array instead of one after the other along a list.
inline WideSurvivors FillNewSpaceWide(Heap& heap, std::size_t size, std::size_t stride) {
  constexpr std::uint64_t kSlots = 1023;
  constexpr std::size_t kArraySize = 8 * (kSlots + 1);
  WideSurvivors s;
  const std::size_t expected = kSemiSpace / size / stride + 1;
  for (std::size_t i = 0; i < (expected + kSlots - 1) / kSlots; ++i) {
    s.arrays.push_back(heap.Allocate(kArraySize, kSlots, Kind::Plain, Generation::Young));
    s.bytes += kArraySize;
  }
  std::size_t until_next = 0;
  for (;;) {
    const Address a = heap.Allocate(size, 1, Kind::Plain, Generation::Young);
    if (a == 0) break;
    if (until_next-- != 0) continue;
    until_next = stride - 1;
    *HeapObject(s.arrays[s.count / kSlots]).slot(s.count % kSlots) = a;
    ++s.count;
    s.bytes += size;
  }
  return s;
}

// Seconds since `start`, for benchmark::State::SetIterationTime.
inline double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace heaplab::bench
