// The heap side of Buffers: wrappers, release after the collection that finds them dead (a
// Scavenge walks the young list only, a full GC both), pinned slabs, external memory and its
// GC triggers, and the verifier's external-list checks.
#include <gtest/gtest.h>

#include <sstream>

#include <heaplab/heap/verifier.h>
#include <heaplab/traces/session.h>

#include "test_heap.h"

namespace heaplab {
namespace {

struct ReasonCounter : GcObserver {
  int scavenges = 0;
  int full = 0;
  int pressure_scavenges = 0;
  int pressure_full = 0;
  void OnGc(const GcEvent& e) override {
    const bool pressure = e.reason == Reason::ExternalMemoryPressure;
    if (e.collector == Collector::Scavenge) {
      ++scavenges;
      pressure_scavenges += pressure ? 1 : 0;
    } else {
      ++full;
      pressure_full += pressure ? 1 : 0;
    }
  }
};

void Replay(Session& s, const std::string& text) {
  std::istringstream in("heaplab-trace 1\n" + text);
  s.ReplayStream(in, "test");
}

GcConfig Config() {
  GcConfig c = test::SmallConfig(1, 16);
  c.verify_heap = true;
  return c;
}

// Must-show: 1000 retained 16-byte pooled Buffers interleaved with 4000-byte garbage pin 500
// slabs (4,096,000 bytes), as real Node does (buffer_pool_demo.log); dropping them frees the
// slabs after the next collection that finds the wrappers dead.
TEST(Buffers, RetainedSmallSlicesPinSlabsUntilTheirWrappersDie) {
  Session s(Config());
  std::string t = "{\nb 0 1 unsafe\n}\n";  // Node's start-up use of the first slab
  for (int i = 0; i < 1000; ++i) {
    const int keep = 1 + 2 * i;
    t += "{\nb " + std::to_string(keep) + " 16 unsafe\nr " + std::to_string(keep) + "\nb " +
         std::to_string(keep + 1) + " 4000 unsafe\n}\n";
  }
  Replay(s, t);
  const BufferPool& pool = s.buffers().pool();
  EXPECT_EQ(pool.stats().slabs_created, 500u);
  Replay(s, "g minor\n");  // the garbage's wrappers die young: their views end
  EXPECT_EQ(pool.stats().live_slabs, 500u);
  EXPECT_EQ(pool.external_bytes(), 4096000u);
  EXPECT_EQ(pool.stats().full_slabs, 499u);                       // the 500th is the current slab
  EXPECT_EQ(pool.stats().pinned_view_bytes, 499u * 2 * 16 + 16);  // slab 0 holds 3 of them
  EXPECT_EQ(s.heap().external().external_memory(), 4096000u);

  Replay(s, "g major\n");  // the retained wrappers are old now
  std::string drops;
  for (int i = 0; i < 1000; ++i)
    drops += "d " + std::to_string(1 + 2 * i) + "\n";
  Replay(s, drops + "g minor\n");
  // A Scavenge walks the young list only: the old dead wrappers still pin their slabs.
  EXPECT_EQ(pool.stats().live_slabs, 500u);
  Replay(s, "g major\n");
  // The full GC finds them dead: 499 slabs released; the current one stays with the pool.
  EXPECT_EQ(pool.stats().live_slabs, 1u);
  EXPECT_EQ(pool.external_bytes(), 8192u);
  EXPECT_EQ(s.heap().external().external_memory(), 8192u);
  EXPECT_TRUE(VerifyHeap(s.heap()).ok()) << VerifyHeap(s.heap()).Summary();
}

// Control: the same slices, dropped at once, pin nothing after the next Scavenge.
TEST(Buffers, DroppedSlicesPinNothing) {
  Session s(Config());
  std::string t;
  for (int i = 0; i < 1000; ++i) {
    t += "{\nb " + std::to_string(2 * i) + " 16 unsafe\nb " + std::to_string(2 * i + 1) +
         " 4000 unsafe\n}\n";
  }
  Replay(s, t + "g minor\n");
  EXPECT_EQ(s.buffers().pool().stats().live_slabs, 1u);
}

TEST(Buffers, AScavengeReleasesDeadYoungStoresAndKeepsLiveOnes) {
  Session s(Config());
  Replay(s, "{\nb 1 100000 slow\n}\nb 2 5000 alloc\nb 3 0 unsafe\ng minor\n");
  const BufferPool& pool = s.buffers().pool();
  EXPECT_FALSE(pool.record(0).live);
  EXPECT_TRUE(pool.record(1).live);
  EXPECT_EQ(pool.external_bytes(), 5000u);
  EXPECT_EQ(s.heap().external().young().size(), 2u);  // copied once, still young
  Replay(s, "g minor\n");
  EXPECT_EQ(s.heap().external().old().size(), 2u);  // promoted with its wrapper
  EXPECT_EQ(s.heap().external().young().size(), 0u);
}

// A wrapper reachable through an object's slot keeps its Buffer, across every compaction mode.
TEST(Buffers, AWrapperHeldThroughASlotSurvivesFullGcsThatMoveIt) {
  for (Compaction mode : {Compaction::Evacuate, Compaction::Slide, Compaction::None}) {
    GcConfig c = Config();
    c.compaction = mode;
    Session s(c);
    Replay(s, "{\na 1 32 1\nr 1\nb 2 64 from\nw 1 0 2\n}\ng major\ng major\n");
    const Address wrapper = s.heap().ids().Get(2);
    ASSERT_NE(wrapper, 0u);
    EXPECT_EQ(Buffers::HandleOf(wrapper), 0u);
    EXPECT_TRUE(s.buffers().pool().record(0).live);
    Replay(s, "w 1 0 -\ng major\n");
    EXPECT_FALSE(s.buffers().pool().record(0).live);
  }
}

// A session whose collections are counted, without the verifier (these runs allocate tens of
// MiB of Buffers, and the verifier would walk them after every collection).
struct CountedSession {
  ReasonCounter count;  // declared first: it outlives the session that reports to it
  Session session;
  CountedSession() : session(WithoutVerifier()) { session.tracer().AddObserver(&count); }
  static GcConfig WithoutVerifier() {
    GcConfig c = Config();
    c.verify_heap = false;
    return c;
  }
};

// V8 (Heap::AllocateExternalBackingStore): young wrappers holding 32 MiB of stores make the
// next store allocation run a Scavenge with reason "external memory pressure".
TEST(Buffers, YoungStoresOf32MiBTriggerAScavenge) {
  CountedSession run;
  Session& s = run.session;
  const ReasonCounter& count = run.count;
  std::string t;
  for (int i = 0; i < 32; ++i)
    t += "{\nb " + std::to_string(i) + " 1048576 slow\n}\n";
  Replay(s, t);
  EXPECT_EQ(count.pressure_scavenges, 0);  // 31 MiB young before the 32nd store
  Replay(s, "{\nb 100 1048576 slow\n}\n");
  EXPECT_EQ(count.pressure_scavenges, 1);
  EXPECT_EQ(s.buffers().gc_counts().young_pressure_scavenges, 1u);
  // A Buffer that fits in the current slab needs no new memory: no check, no GC.
  Replay(s, "{\nb 101 10 unsafe\n}\n");
  EXPECT_EQ(count.pressure_scavenges, 1);
}

// V8 (Heap::ReportExternalMemoryPressure): retained external memory growing 64 MiB past the
// last full GC's level runs a full GC.
TEST(Buffers, RetainedExternalGrowthOf64MiBTriggersAFullGc) {
  CountedSession run;
  Session& s = run.session;
  const ReasonCounter& count = run.count;
  std::string t;
  for (int i = 0; i < 64; ++i)
    t += "b " + std::to_string(i) + " 1048576 alloc\n";  // top-level locals: retained
  Replay(s, t);
  EXPECT_EQ(count.pressure_full, 0);  // exactly 64 MiB is not past the limit
  Replay(s, "b 64 1 alloc\n");
  EXPECT_EQ(count.pressure_full, 1);
  EXPECT_EQ(s.heap().external().GrowthSinceFullGc(), 0u);
  EXPECT_GE(count.pressure_scavenges, 1);
}

// Negative tests: the heap verifier names the broken external invariant.
TEST(BuffersVerifier, EntryWhoseObjectHoldsAnotherToken) {
  Session s(Config());
  Replay(s, "b 1 10 alloc\nb 2 10 alloc\n");
  const Address w = s.heap().ids().Get(1);
  const std::uint64_t wrong = 1;
  std::memcpy(HeapObject(w).payload(), &wrong, sizeof wrong);
  const VerifyResult r = VerifyHeap(s.heap());
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.Summary().find("[external-list]"), std::string::npos) << r.Summary();
}

TEST(BuffersVerifier, StoreHeldWithoutAWrapper) {
  Session s(Config());
  Replay(s, "b 1 10 alloc\n");
  s.buffers().pool();
  // A store the pool holds but no listed wrapper names (a leak).
  const_cast<BufferPool&>(s.buffers().pool()).Allocate(100, BufferApi::Slow);
  const VerifyResult r = VerifyHeap(s.heap());
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.Summary().find("[external-store]"), std::string::npos) << r.Summary();
}

TEST(BuffersVerifier, PoolInvariantsAreCheckedToo) {
  Session s(Config());
  Replay(s, "b 1 16 unsafe\nb 2 16 unsafe\n");
  s.buffers().pool().CorruptForTesting(0, 1);
  const VerifyResult r = VerifyHeap(s.heap());
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.Summary().find("[slab-live-count]"), std::string::npos) << r.Summary();
}

// V8 11.3 (Heap::OldGenerationSpaceAvailable) counts the external memory allocated since the
// last full GC against the old generation's allocation limit, and starts marking (heaplab: runs
// the full GC) once the room left is under new space's capacity, but never while the old
// generation's objects are 8 MiB or less (IncrementalMarking::IsBelowActivationThresholds).
// With --max-old-space-size=64 the limit is 32 MiB: 12 MiB of retained objects leave 20 MiB,
// more than new space's 16 MiB, until 40 MiB of retained `slow` Buffers are counted in.
std::string RetainedObjectsThenBuffers(int objects, int buffers) {
  std::string t;
  int id = 1;
  for (int i = 0; i < objects; ++i, ++id)
    t += "a " + std::to_string(id) + " 65536 0\nr " + std::to_string(id) + "\n";
  for (int i = 0; i < buffers; ++i, ++id)
    t += "b " + std::to_string(id) + " 1048576 slow\nr " + std::to_string(id) + "\n";
  return t;
}

ReasonCounter RunWithLimit(const std::string& trace, int* limit_full_gcs) {
  GcConfig c;
  c.clock = ClockKind::Model;
  c.incremental_marking = false;  // the full GC at once, where V8 would start marking
  c.heap.max_old_space_size = 64 * MB;
  Session s(c);
  ReasonCounter counter;
  struct LimitCounter : GcObserver {
    int full = 0;
    void OnGc(const GcEvent& e) override {
      full += (e.collector != Collector::Scavenge && e.reason == Reason::AllocationLimit) ? 1 : 0;
    }
  } limit;
  s.tracer().AddObserver(&counter);
  s.tracer().AddObserver(&limit);
  Replay(s, trace);
  *limit_full_gcs = limit.full;
  return counter;
}

TEST(Buffers, ExternalMemoryCountsAgainstTheOldGenerationAllocationLimit) {
  int limit_full = 0;
  // 12 MiB of objects and 40 MiB of Buffers: the limit is reached, a full GC runs.
  const ReasonCounter with = RunWithLimit(RetainedObjectsThenBuffers(192, 40), &limit_full);
  EXPECT_EQ(limit_full, 1);
  EXPECT_EQ(with.full, 1);
  EXPECT_EQ(with.pressure_full, 0) << "under the 64 MiB soft limit: not for external pressure";
  // A Scavenge for allocation failure falls among the Buffers (new space holds three 64 KiB
  // objects per 257720-byte page), so 32 MiB of young external memory is reached once after it.
  EXPECT_EQ(with.pressure_scavenges, 1);

  // Control: the same objects without the Buffers stay under the limit.
  const ReasonCounter objects_only = RunWithLimit(RetainedObjectsThenBuffers(192, 0), &limit_full);
  EXPECT_EQ(limit_full, 0);
  EXPECT_EQ(objects_only.full, 0);

  // Control: the same Buffers over 4 MiB of objects, below the 8 MiB activation threshold (as
  // in real Node's external_pressure.log, which shows no full GC): none either.
  const ReasonCounter small_old = RunWithLimit(RetainedObjectsThenBuffers(64, 40), &limit_full);
  EXPECT_EQ(limit_full, 0);
  EXPECT_EQ(small_old.full, 0);
  EXPECT_EQ(small_old.pressure_scavenges, 2);
}

}  // namespace
}  // namespace heaplab
