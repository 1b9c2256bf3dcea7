// The collector's switches: V8's flags (names and units as V8 has them) and heaplab's own.
#pragma once

#include <cstdint>
#include <optional>

#include <heaplab/heap/heap.h>

namespace heaplab {

enum class PromotionRule {
  V8,    // promote objects that survived one Scavenge already (below the age mark)
  Book,  // also promote every survivor while to-space is 25% full or more
};
enum class Compaction { Evacuate, Slide, None };
enum class ClockKind { Real, Model };

struct GcConfig {
  HeapConfig heap;
  double semi_space_growth_factor = 2.0;  // --semi-space-growth-factor
  PromotionRule promotion = PromotionRule::V8;
  Compaction compaction = Compaction::Evacuate;
  std::int64_t gc_interval = -1;  // --gc-interval: a GC every N allocations; -1 is off
  bool verify_heap = false;       // --verify-heap: run the verifier after every collection
  ClockKind clock = ClockKind::Real;
  // --incremental-marking: full GCs mark in steps while the program runs (on by default);
  // off, every full GC marks in its pause, as before incremental marking existed.
  bool incremental_marking = true;
  // --concurrent-marking: while incremental marking runs, background marking (V8's
  // ConcurrentMarking job) marks for as long as the program runs, on `concurrent_marking_tasks`
  // threads at the main thread's marking speed (on by default as in V8); off, only the
  // main thread's steps mark.
  bool concurrent_marking = true;
  int concurrent_marking_tasks = 2;  // --concurrent-marking-tasks
  // --lazy-sweeping: a full GC accounts old pages at their live bytes in its pause and sweeps
  // them afterwards, on demand and in steps (on by default); off, it sweeps them in the pause.
  bool lazy_sweeping = true;
  // Incremental marking's steps prepare the old-space pages the finishing pause promotes into,
  // and the pause waits for them (IncrementalMarking::PagesReady). Unset: on under the real
  // clock, where a page's first touch costs the pause real time, and off under the model
  // clock, which charges no such cost. Tests set it to run the path under the model clock.
  std::optional<bool> prepare_pages;
  bool scavenge_task = true;   // --scavenge-task: a Scavenge by task on `t` events
  bool memory_reducer = true;  // --memory-reducer: a memory-reducing GC after a long wait
  // --allocation-site-pretenuring: sites whose objects survive are allocated in old space
  // (pretenuring.h; on by default as in V8).
  bool allocation_site_pretenuring = true;
  // Tests only: false turns off the insertion barrier, so that a test can show that marking
  // then loses objects.
  bool marking_barrier = true;
  bool predictable = false;  // --predictable: model clock, fixed pid, no randomness
};

// The most memory the heap may reserve, in bytes: V8's Heap::MaxReserved(), that is two
// semispaces and a new large-object space of one semispace each, plus the old generation's
// limit. The "Memory allocator" line of --trace-gc-verbose shows what is left of it.
std::size_t MaxReserved(const HeapConfig& heap);

// The textbook rule's threshold: promote while to-space is this full (Appel 1989; Jones,
// Hosking and Moss, The Garbage Collection Handbook, 9.2).
inline constexpr double kBookPromotionFill = 0.25;

}  // namespace heaplab
