// Scavenge time against the size of old space: the same young survivors and the same
// old-to-new references, with 1 MiB or 512 MiB of old space.
//
//   BM_ScavengeOldSpace/MIB     old space holds MIB MiB of 64 KiB objects plus 16 holder
//                               objects whose 1024 slots point at young objects (recorded in
//                               the remembered set by the write barrier); new space (16 MiB
//                               semispaces) is full of 32-byte objects of which 10% survive
//                               from one global handle. The timed region is the Scavenge alone.
//
// Read the Time column of /512 over /1 (medians with --benchmark_repetitions): it should be
// near 1 (docs/architecture.md, the object model; the issue: within 1.2), since a Scavenge visits
// roots, remembered slots and survivors and never walks old space.
//
// The old objects are reachable (one directory object holds them) and one full GC runs during
// set-up, so that the old-generation limit sits above the live size and the controller follows
// no timed Scavenge with a full GC (the benchmark checks that). The two heaps are measured one
// after the other, not interleaved: with two 16 MiB new spaces alive at once, the two heaps'
// Scavenges differed by up to 25% in either direction, regardless of which held the big old
// space: an artefact of two heaps sharing the caches, not an effect of old space.
#include <benchmark/benchmark.h>

#include <array>
#include <chrono>
#include <exception>
#include <memory>
#include <stdexcept>

#include "bench_heap.h"

namespace heaplab::bench {
namespace {

constexpr std::size_t kOldObjectSize = 64 * KB;  // payload-only filler of old space
constexpr std::size_t kHolders = 16;
constexpr std::uint64_t kHolderSlots = 64;  // kHolders x kHolderSlots old-to-new slots
constexpr std::size_t kRememberedSlots = kHolders * kHolderSlots;
constexpr std::size_t kYoungObjectSize = 32;
constexpr std::size_t kYoungStride = 10;  // 10% of the young objects survive

// One heap with `old_mib` MiB of old space, and the young set-up repeated before each
// Scavenge.
class OldSpaceScenario {
 public:
  explicit OldSpaceScenario(std::size_t old_mib) : h_(FixedNewSpaceConfig(kSemiSpace, 2048 * MB)) {
    Heap& heap = h_.heap();
    Mutator& mutator = h_.mutator();
    for (GlobalHandle& holder : holders_) {
      holder = mutator.NewGlobal(AllocateOld(MinObjectSize(kHolderSlots), kHolderSlots));
    }
    // The filler objects hang from one directory object (old-to-old references, which the
    // remembered set does not record), so that both heaps have the same roots.
    const std::size_t fillers = old_mib * MB / kOldObjectSize;
    const Address directory = AllocateOld(MinObjectSize(fillers), fillers);
    mutator.NewGlobal(directory);
    for (std::size_t i = 0; i < fillers; ++i) {
      mutator.Write(directory, i, AllocateOld(kOldObjectSize, 0));
    }
    // One full GC, as a program has had by the time its old space is this big: it sets the
    // old-generation limit from the live size, so that no Scavenge below is followed by one.
    // It may move the holders; they are read from their global handles.
    h_.controller().Collect(Collector::MarkCompact, Reason::Testing, "GC in old space requested");
    if (heap.OldGenerationSize() < old_mib * MB) throw std::runtime_error("old objects died");
  }

  // Sets up new space, runs one Scavenge, empties new space again; returns the Scavenge's
  // time in seconds, or a negative number if it did not copy exactly the survivors within new
  // space or was followed by a full GC.
  double ScavengeOnce() {
    Heap& heap = h_.heap();
    Mutator& mutator = h_.mutator();
    // Young targets of the old-to-new slots, then the listed survivors.
    for (const GlobalHandle holder : holders_) {
      for (std::uint64_t i = 0; i < kHolderSlots; ++i) {
        mutator.Write(heap.globals().Get(holder), i,
                      heap.Allocate(kYoungObjectSize, 1, Kind::Plain, Generation::Young));
      }
    }
    const Survivors s = FillNewSpace(heap, kYoungObjectSize, kYoungStride);
    const std::vector<GlobalHandle> roots = RootSurvivors(heap, s);
    survivor_bytes_ = s.bytes + kRememberedSlots * kYoungObjectSize;

    const auto start = std::chrono::steady_clock::now();
    const bool scavenge_only = h_.Scavenge();
    const double seconds = SecondsSince(start);

    const GcEvent& e = h_.controller().tracer().current();
    const bool exact = scavenge_only && e.semi_space_copied == survivor_bytes_ && e.promoted == 0;
    // Drop every reference into new space (the remembered slots now hold null and the next
    // Scavenge forgets them), then empty it.
    DropRoots(heap, roots);
    for (const GlobalHandle holder : holders_) {
      for (std::uint64_t i = 0; i < kHolderSlots; ++i) {
        mutator.Write(heap.globals().Get(holder), i, 0);
      }
    }
    h_.EmptyNewSpace();
    return exact ? seconds : -1;
  }

  std::size_t survivor_bytes() const { return survivor_bytes_; }
  std::size_t old_bytes() { return h_.heap().OldGenerationSize(); }

 private:
  Address AllocateOld(std::size_t size, std::uint64_t slots) {
    const Address a = h_.heap().Allocate(size, slots, Kind::Plain, Generation::Old);
    if (a == 0) throw std::runtime_error("old space is full");
    return a;
  }

  BenchHeap h_;
  std::array<GlobalHandle, kHolders> holders_{};
  std::size_t survivor_bytes_ = 0;
};

// The scenario, or null after reporting why it could not be built.
std::unique_ptr<OldSpaceScenario> MakeScenario(benchmark::State& state, std::size_t old_mib) {
  try {
    return std::make_unique<OldSpaceScenario>(old_mib);
  } catch (const std::exception& e) {
    state.SkipWithError(e.what());
    return nullptr;
  }
}

constexpr const char* kNotExact =
    "the Scavenge did not copy exactly the survivors within new space, or a full GC followed";

void BM_ScavengeOldSpace(benchmark::State& state) {
  const auto scenario = MakeScenario(state, static_cast<std::size_t>(state.range(0)));
  if (!scenario) return;
  double seconds = 0;
  for (auto _ : state) {
    const double t = scenario->ScavengeOnce();
    if (t < 0) {
      state.SkipWithError(kNotExact);
      break;
    }
    state.SetIterationTime(t);
    seconds += t;
  }
  const double total =
      static_cast<double>(scenario->survivor_bytes()) * static_cast<double>(state.iterations());
  state.SetBytesProcessed(static_cast<std::int64_t>(total));
  state.counters["survivor_MBps"] = seconds > 0 ? total / static_cast<double>(MB) / seconds : 0;
  state.counters["old_MiB"] = static_cast<double>(scenario->old_bytes()) / MB;
  state.counters["remembered_slots"] = static_cast<double>(kRememberedSlots);
}
BENCHMARK(BM_ScavengeOldSpace)->Arg(1)->Arg(512)->UseManualTime()->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace heaplab::bench
