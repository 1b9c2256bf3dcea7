// The peer comparison: the random graph of mark_sweep_bench.cpp (random_graph.h: same seed,
// same sizes, same edges) built with Boehm GC (libgc, GC_MALLOC) and collected with
// GC_gcollect, beside heaplab's marker and full GC on the same graph, in the same iterations.
//
//   BM_BoehmGcollect/MIB   each iteration runs, one after the other:
//                            1. heaplab::Marker Start() + Drain() over the graph in old space
//                               (as BM_Mark; the mark bits are cleared again untimed);
//                            2. one heaplab full GC with --compaction=none (its pause, from the
//                               tracer: mark, clear ids, sweep, pointer update);
//                            3. GC_gcollect() over the Boehm graph: the timed region.
//                          MB_per_s and objects_per_s are Boehm's (graph bytes and objects per
//                          second of GC_gcollect); mark_ratio is heaplab's marking time over
//                          GC_gcollect's time, full_gc_ratio heaplab's full-GC pause over it,
//                          both over all iterations (below 1: heaplab is faster). The label
//                          repeats both ratios.
//
// What each side measures, so that the ratios are read honestly:
// - Nothing in either graph is garbage, so both collectors' work is essentially marking.
//   GC_gcollect stops the world (one thread here), finishes any lazy sweeping left from the
//   previous collection (none: its blocks are full), clears the mark bits, marks from its roots
//   (the data segments of the program and its libraries, the stack and registers, scanned
//   conservatively) and then only queues blocks for lazy sweeping; full blocks are not even
//   queued, so it sweeps nothing. heaplab's marker clears its mark bitmaps, greys 16 global
//   handles and drains the worklist: so mark_ratio compares marking with marking. heaplab's full
//   GC also walks every old page to sweep it and again to update pointers, work GC_gcollect
//   leaves out or defers: full_gc_ratio compares the two whole calls.
// - Boehm is conservative: GC_MALLOC memory is scanned word by word (here the slots are the
//   first words and the rest is zeros, which it still reads and tests), and each candidate word
//   is checked against its block map. heaplab is precise: it reads the header's slot count and
//   visits only the slots.
// - Boehm has no object header: each GC_MALLOC asks for the same number of bytes as the heaplab
//   object, header word included. Boehm rounds sizes up to 16-byte granules (one byte more is
//   added for interior pointers, its default), so its heap is larger: boehm_heap_MiB.
// - Boehm runs with one marker thread (GC_set_markers_count(1)), as heaplab marks on one
//   thread; boehm_markers reports how many it used.
//
// Built only when CMake finds Boehm GC (Debian: libgc-dev, pkg-config module bdw-gc), which
// defines HEAPLAB_HAVE_BDWGC; otherwise the benchmark reports that it was skipped.
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdio>
#include <vector>

#include <heaplab/gc/marker.h>
#include "random_graph.h"

#ifdef HEAPLAB_HAVE_BDWGC
// GC_THREADS declares GC_set_markers_count and GC_get_parallel; no pthread call of this file
// needs redirecting.
#define GC_THREADS
#define GC_NO_THREAD_REDIRECTS
#include <gc.h>
#endif

namespace heaplab::bench {

#ifdef HEAPLAB_HAVE_BDWGC
// The Boehm graph's roots: a GC_MALLOC'd array of pointers to the root objects. A global in the
// program's data segment, which Boehm scans as a root.
void** boehm_roots = nullptr;
#endif

namespace {

#ifdef HEAPLAB_HAVE_BDWGC

// Enough collections for the mark stack to grow from 4096 entries to a million (it doubles
// after each collection that overflowed it).
constexpr int kBoehmWarmUpCollections = 8;

void InitBoehm() {
  static const bool initialized = [] {
    GC_set_markers_count(1);
    GC_INIT();
    return true;
  }();
  (void)initialized;
}

// Builds `g` with GC_MALLOC: object i gets g.size[i] bytes, zeroed, with its slots in words
// 0 to slots - 1; boehm_roots holds the roots. Collection is off meanwhile, so objects need no
// root until the graph is complete. The table of addresses lives in malloc'd memory, which
// Boehm does not scan, and is freed on return. Returns false if an allocation failed.
[[gnu::noinline]] bool BuildWithBoehm(const RandomGraph& g) {
  GC_disable();
  std::vector<void**> address(g.count());
  bool ok = true;
  for (std::size_t i = 0; i < g.count() && ok; ++i) {
    address[i] = static_cast<void**>(GC_MALLOC(g.size[i]));
    ok = address[i] != nullptr;
  }
  if (ok) {
    for (std::size_t i = 0; i < g.count(); ++i) {
      for (std::uint8_t s = 0; s < g.slots[i]; ++s)
        address[i][s] = address[g.edges[i][s]];
    }
    boehm_roots = static_cast<void**>(GC_MALLOC(g.roots.size() * sizeof(void*)));
    ok = boehm_roots != nullptr;
  }
  if (ok) {
    for (std::size_t r = 0; r < g.roots.size(); ++r)
      boehm_roots[r] = address[g.roots[r]];
  }
  GC_enable();
  return ok;
}

// Bytes of Boehm's heap in use (neither free nor unmapped).
std::size_t BoehmUsedBytes() {
  GC_word heap = 0;
  GC_word free_bytes = 0;
  GC_word unmapped = 0;
  GC_get_heap_usage_safe(&heap, &free_bytes, &unmapped, nullptr, nullptr);
  return static_cast<std::size_t>(heap - free_bytes);
}

void BM_BoehmGcollect(benchmark::State& state) {
  InitBoehm();
  const RandomGraph& g = SharedRandomGraph(static_cast<std::size_t>(state.range(0)) * MB);
  const auto h = MakeGraphHeap(state, g, 0);
  if (!h) return;
  if (!BuildWithBoehm(g)) {
    state.SkipWithError("GC_MALLOC failed");
    return;
  }
  // Untimed collections. Boehm's mark stack starts small (4096 entries in Debian's build);
  // a collection that overflows it rescans the heap for marked objects with unmarked children,
  // and the next one starts with the stack doubled. On this graph the first five collections
  // overflow and take about 1.5 times as long as the later ones, so the first run warms it up
  // (the stack is never shrunk), as a long-running program's collector is. Then everything in
  // use must be the graph (all of it: the roots were seen), plus Boehm's rounding, and nothing
  // left over from an earlier run.
  static bool mark_stack_grown = false;
  for (int i = 0; i < (mark_stack_grown ? 1 : kBoehmWarmUpCollections); ++i)
    GC_gcollect();
  mark_stack_grown = true;
  const std::size_t boehm_used = BoehmUsedBytes();
  if (boehm_used < g.bytes || boehm_used > 2 * g.bytes) {
    state.SkipWithError("Boehm's heap in use after GC_gcollect is not the graph");
    boehm_roots = nullptr;
    GC_gcollect();
    return;
  }

  Marker marker(h->heap(), h->controller().clock());
  GcController& controller = h->controller();
  double mark_seconds = 0;
  double full_gc_seconds = 0;
  double boehm_seconds = 0;
  for (auto _ : state) {
    const auto mark_start = std::chrono::steady_clock::now();
    marker.Start();
    marker.Drain();
    mark_seconds += SecondsSince(mark_start);
    const bool all = marker.marked_objects() == g.count() && marker.marked_bytes() == g.bytes;
    marker.ClearMarks();

    controller.Collect(Collector::MarkCompact, Reason::Testing, "GC in old space requested");
    full_gc_seconds += controller.tracer().current().pause_ms / 1000;

    const auto start = std::chrono::steady_clock::now();
    GC_gcollect();
    const double t = SecondsSince(start);
    state.SetIterationTime(t);
    boehm_seconds += t;
    if (!all || h->heap().OldGenerationSize() != g.bytes) {
      state.SkipWithError("heaplab did not mark or keep exactly the graph");
      break;
    }
  }
  ReportRates(state, g.bytes, g.count(), boehm_seconds);
  const auto n = static_cast<double>(state.iterations());
  const double mark_ratio = boehm_seconds > 0 ? mark_seconds / boehm_seconds : 0;
  const double full_gc_ratio = boehm_seconds > 0 ? full_gc_seconds / boehm_seconds : 0;
  state.counters["mark_ratio"] = mark_ratio;
  state.counters["full_gc_ratio"] = full_gc_ratio;
  state.counters["heaplab_mark_ms"] = n > 0 ? mark_seconds * 1000 / n : 0;
  state.counters["heaplab_full_gc_ms"] = n > 0 ? full_gc_seconds * 1000 / n : 0;
  state.counters["boehm_ms"] = n > 0 ? boehm_seconds * 1000 / n : 0;
  state.counters["boehm_heap_MiB"] = static_cast<double>(boehm_used) / MB;
  state.counters["boehm_markers"] = GC_get_parallel() + 1;
  char label[128];
  std::snprintf(label, sizeof label,
                "heaplab mark / GC_gcollect = %.2f, full GC / GC_gcollect = %.2f", mark_ratio,
                full_gc_ratio);
  state.SetLabel(label);

  // Drop the graph, so that the next run of this benchmark starts from an empty Boehm heap.
  boehm_roots = nullptr;
  GC_gcollect();
}

#else

void BM_BoehmGcollect(benchmark::State& state) {
  state.SkipWithError("built without Boehm GC (install libgc-dev: pkg-config module bdw-gc)");
}

#endif

BENCHMARK(BM_BoehmGcollect)->Arg(64)->UseManualTime()->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace heaplab::bench
