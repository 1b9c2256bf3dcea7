// The Buffer pool against Node 20's rules (lib/buffer.js) and the placements of the real Node
// demo (buffer_pool_demo.log), the slab life cycle, and the pool verifier's negative cases.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <stdexcept>

#include <heaplab/buffer/pool.h>

namespace heaplab {
namespace {

struct Recorder : PoolObserver {
  std::vector<std::string> events;
  void OnSlabEvent(const SlabEvent& e) override {
    events.push_back(std::string(SlabEventName(e.kind)) + " " + std::to_string(e.slab));
  }
};

TEST(BufferPool, ThresholdIsHalfThePoolSize) {
  BufferPool pool;
  EXPECT_TRUE(pool.record(pool.Allocate(4095, BufferApi::Unsafe)).pooled);
  EXPECT_FALSE(pool.record(pool.Allocate(4096, BufferApi::Unsafe)).pooled);
  BufferPool big(65536);  // Node 26's pool size
  EXPECT_TRUE(big.record(big.Allocate(32767, BufferApi::Unsafe)).pooled);
  EXPECT_FALSE(big.record(big.Allocate(32768, BufferApi::Unsafe)).pooled);
  EXPECT_TRUE(pool.Verify().empty());
}

TEST(BufferPool, OnlyUnsafeFromAndConcatPool) {
  BufferPool pool;
  EXPECT_TRUE(pool.record(pool.Allocate(10, BufferApi::Unsafe)).pooled);
  EXPECT_TRUE(pool.record(pool.Allocate(10, BufferApi::From)).pooled);
  EXPECT_TRUE(pool.record(pool.Allocate(10, BufferApi::Concat)).pooled);
  const BufferRecord& a = pool.record(pool.Allocate(10, BufferApi::Alloc));
  EXPECT_FALSE(a.pooled);
  EXPECT_EQ(a.slab, -1);
  EXPECT_NE(a.store, nullptr);
  EXPECT_FALSE(pool.record(pool.Allocate(10, BufferApi::Slow)).pooled);
  // An empty Buffer holds no memory at all.
  const BufferRecord& empty = pool.record(pool.Allocate(0, BufferApi::Unsafe));
  EXPECT_FALSE(empty.pooled);
  EXPECT_EQ(empty.store, nullptr);
  EXPECT_EQ(pool.external_bytes(), 8192u + 20u);
  EXPECT_TRUE(pool.Verify().empty());
}

// buffer_pool_demo.log: Node takes 8 bytes at start-up (here a 1-byte Buffer), then these. The
// demo's Buffer.from(ArrayBuffer) makes a view without memory and is left out; its concat
// first makes two 2-byte Buffers with from.
TEST(BufferPool, PlacementsOfTheNodeDemo) {
  BufferPool pool;
  pool.Allocate(1, BufferApi::Unsafe);  // Node's own start-up use
  struct Step {
    std::size_t size;
    BufferApi api;
    bool pooled;
    std::int64_t slab;
    std::size_t offset;
  };
  const Step steps[] = {
      {1, BufferApi::Unsafe, true, 0, 8},      {3, BufferApi::Unsafe, true, 0, 16},
      {8, BufferApi::Unsafe, true, 0, 24},     {4095, BufferApi::Unsafe, true, 0, 32},
      {4096, BufferApi::Unsafe, false, -1, 0}, {4000, BufferApi::Unsafe, true, 0, 4128},
      {100, BufferApi::Unsafe, true, 1, 0},    {5, BufferApi::From, true, 1, 104},
      {1100, BufferApi::From, true, 1, 112},   {5000, BufferApi::From, false, -1, 0},
      {3, BufferApi::From, true, 1, 1216},     {16, BufferApi::From, true, 1, 1224},
      {2, BufferApi::From, true, 1, 1240},     {2, BufferApi::From, true, 1, 1248},
      {4, BufferApi::Concat, true, 1, 1256},   {10, BufferApi::Alloc, false, -1, 0},
      {10, BufferApi::Slow, false, -1, 0},
  };
  for (const Step& s : steps) {
    const BufferRecord& r = pool.record(pool.Allocate(s.size, s.api));
    EXPECT_EQ(r.pooled, s.pooled) << s.size;
    EXPECT_EQ(r.slab, s.slab) << s.size;
    EXPECT_EQ(r.offset, s.offset) << s.size;
  }
  EXPECT_EQ(pool.slab_count(), 2u);
}

TEST(BufferPool, ExactFitStaysInTheSlabOneByteMoreStartsANewOne) {
  BufferPool pool(64);                                                          // threshold 32
  pool.Allocate(24, BufferApi::Unsafe);                                         // offset 24
  pool.Allocate(24, BufferApi::Unsafe);                                         // 48
  const BufferRecord& fit = pool.record(pool.Allocate(16, BufferApi::Unsafe));  // 64 - 48
  EXPECT_EQ(fit.slab, 0);
  EXPECT_EQ(fit.offset, 48u);
  const BufferRecord& next = pool.record(pool.Allocate(1, BufferApi::Unsafe));
  EXPECT_EQ(next.slab, 1);
  EXPECT_EQ(next.offset, 0u);
  // Unaligned sizes round the next offset up to 8, and the rest is measured after rounding.
  BufferPool p2(64);
  p2.Allocate(25, BufferApi::Unsafe);                                // offset 32
  EXPECT_EQ(p2.record(p2.Allocate(31, BufferApi::Unsafe)).slab, 0);  // 32 <= 64 - 32
  EXPECT_EQ(p2.record(p2.Allocate(1, BufferApi::Unsafe)).slab, 1);   // 64 - 64 = 0 left
  EXPECT_EQ(p2.stats().tail_waste_bytes, 0u);
}

TEST(BufferPool, SlabLifeCycle) {
  BufferPool pool(64);
  Recorder rec;
  pool.AddObserver(&rec);
  const BufferHandle a = pool.Allocate(24, BufferApi::Unsafe);  // slab 0
  const BufferHandle b = pool.Allocate(24, BufferApi::Unsafe);  // slab 0, offset 24
  EXPECT_EQ(pool.slab(0).state, SlabState::Partial);
  pool.Allocate(24, BufferApi::Unsafe);  // does not fit in 16: slab 1, slab 0 full
  EXPECT_EQ(pool.slab(0).state, SlabState::Full);
  EXPECT_EQ(pool.stats().pinned_bytes, 64u);
  EXPECT_EQ(pool.stats().tail_waste_bytes, 16u);
  pool.Release(a);
  EXPECT_EQ(pool.slab(0).state, SlabState::Full);  // b still pins it
  pool.Release(b);
  EXPECT_EQ(pool.slab(0).state, SlabState::Empty);
  EXPECT_TRUE(pool.slab(0).released);
  // The current slab stays held by the pool with no view alive, as allocPool holds it.
  const BufferHandle c = pool.Allocate(24, BufferApi::Unsafe);  // slab 1, offset 24
  pool.Release(c);
  EXPECT_FALSE(pool.slab(1).released);
  // Retired with no live view: emptied and released at once.
  pool.Release(2);
  pool.Allocate(30, BufferApi::Unsafe);  // 48 + 30 > 64: slab 2
  EXPECT_TRUE(pool.slab(1).released);
  EXPECT_EQ(rec.events,
            (std::vector<std::string>{"created 0", "full 0", "created 1", "emptied 0", "released 0",
                                      "emptied 1", "released 1", "created 2"}));
  EXPECT_EQ(pool.stats().slabs_created, 3u);
  EXPECT_EQ(pool.stats().peak_live_slabs, 2u);
  EXPECT_EQ(pool.stats().live_slabs, 1u);
  EXPECT_EQ(pool.external_bytes(), 64u);
  EXPECT_TRUE(pool.Verify().empty());
}

// A slab's views are the pooled handles from its first to the next slab's first; Buffers not
// pooled made in between have handles in that range and are no views of it.
TEST(BufferPool, UnpooledBuffersBetweenViewsAreNotViews) {
  BufferPool pool(64);
  const BufferHandle a = pool.Allocate(8, BufferApi::Unsafe);  // slab 0, offset 0
  pool.Allocate(8, BufferApi::Alloc);                          // a store
  const BufferHandle b = pool.Allocate(8, BufferApi::Concat);  // slab 0, offset 8
  pool.Allocate(100, BufferApi::Unsafe);                       // too big to pool: a store
  pool.Allocate(0, BufferApi::Unsafe);                         // empty
  EXPECT_EQ(pool.slab(0).live_views, 2u);
  EXPECT_EQ(pool.slab(0).live_view_bytes, 16u);
  pool.Allocate(31, BufferApi::Unsafe);  // 16 + 31 <= 64: slab 0, offset 16
  pool.Allocate(31, BufferApi::Unsafe);  // 48 + 31 > 64: slab 1; slab 0 is retired full
  EXPECT_EQ(pool.slab(0).state, SlabState::Full);
  EXPECT_EQ(pool.slab(0).live_views, 3u);
  EXPECT_EQ(pool.slab(1).live_views, 1u);
  EXPECT_EQ(pool.record(b).slab, 0);
  EXPECT_EQ(pool.record(b).offset, 8u);
  EXPECT_EQ(pool.record(6).slab, 1);
  EXPECT_EQ(pool.record(6).offset, 0u);
  EXPECT_EQ(pool.record(3).slab, -1);
  EXPECT_EQ(pool.record(3).size, 100u);
  pool.Release(a);
  pool.Release(b);
  pool.Release(1);  // a store: slab 0 keeps its third view
  EXPECT_EQ(pool.slab(0).live_views, 1u);
  EXPECT_EQ(pool.slab(0).dead_view_bytes, 16u);
  EXPECT_FALSE(pool.slab(0).released);
  pool.Release(5);  // the last view of slab 0
  EXPECT_TRUE(pool.slab(0).released);
  EXPECT_TRUE(pool.Verify().empty());
}

// ForEachRecord walks the slabs beside the handles; record(h) searches: the same records.
TEST(BufferPool, ForEachRecordMatchesRecord) {
  BufferPool pool(256);
  std::size_t size = 1;
  for (int i = 0; i < 3000; ++i) {
    size = (size * 7919 + 13) % 300;
    pool.Allocate(size, static_cast<BufferApi>(i % 5));
    if (i % 3 == 0) pool.Release(static_cast<BufferHandle>(i));
  }
  ASSERT_GE(pool.slab_count(), 100u);
  std::size_t seen = 0;
  pool.ForEachRecord([&](BufferHandle h, const BufferRecord& r) {
    const BufferRecord s = pool.record(h);
    ASSERT_EQ(h, seen++);
    ASSERT_EQ(r.slab, s.slab) << h;
    ASSERT_EQ(r.offset, s.offset) << h;
    ASSERT_EQ(r.size, s.size) << h;
    ASSERT_EQ(r.api, s.api) << h;
    ASSERT_EQ(r.pooled, s.pooled) << h;
    ASSERT_EQ(r.live, s.live) << h;
    ASSERT_EQ(r.store, s.store) << h;
  });
  EXPECT_EQ(seen, 3000u);
}

// A pooled size keeps 27 bits: the largest pool's largest pooled Buffer keeps its size; one
// byte more of pool is refused.
TEST(BufferPool, LargestPoolSize) {
  EXPECT_THROW(BufferPool(kMaxBufferPoolSize + 1), std::invalid_argument);
  EXPECT_THROW(BufferPool(0), std::invalid_argument);
  BufferPool pool(kMaxBufferPoolSize);
  const BufferHandle h = pool.Allocate(kMaxBufferPoolSize / 2 - 1, BufferApi::Unsafe);
  EXPECT_TRUE(pool.record(h).pooled);
  EXPECT_EQ(pool.record(h).size, kMaxBufferPoolSize / 2 - 1);
  const BufferHandle g = pool.Allocate(kMaxBufferPoolSize / 2 - 1, BufferApi::From);
  EXPECT_EQ(pool.record(g).api, BufferApi::From);
  EXPECT_EQ(pool.record(g).offset, kMaxBufferPoolSize / 2);
  EXPECT_TRUE(pool.Verify().empty());
}

TEST(BufferPool, StoresAreFreedWhenReleased) {
  BufferPool pool;
  const BufferHandle h = pool.Allocate(1 << 20, BufferApi::Slow);
  EXPECT_EQ(pool.memory().allocated_bytes(), std::size_t{1} << 20);
  pool.data(h)[0] = 42;
  pool.Release(h);
  EXPECT_EQ(pool.memory().allocated_bytes(), 0u);
  EXPECT_EQ(pool.external_bytes(), 0u);
  EXPECT_TRUE(pool.Verify().empty());
}

TEST(BufferPool, BackingBytesForTellsWhatTheNextAllocationTakes) {
  BufferPool pool(64);
  EXPECT_EQ(pool.BackingBytesFor(10, BufferApi::Unsafe), 64u);  // no slab yet
  pool.Allocate(10, BufferApi::Unsafe);
  EXPECT_EQ(pool.BackingBytesFor(10, BufferApi::Unsafe), 0u);
  EXPECT_EQ(pool.BackingBytesFor(10, BufferApi::Alloc), 10u);
  EXPECT_EQ(pool.BackingBytesFor(60, BufferApi::Unsafe), 60u);  // not pooled
  EXPECT_EQ(pool.BackingBytesFor(0, BufferApi::Slow), 0u);
}

// Each corruption breaks one named invariant, and the verifier names it.
TEST(BufferPoolVerifier, ViewOfAReleasedSlab) {
  BufferPool pool;
  const BufferHandle h = pool.Allocate(16, BufferApi::Unsafe);
  pool.CorruptForTesting(h, 0);
  const auto f = pool.Verify();
  ASSERT_FALSE(f.empty());
  EXPECT_NE(f[0].find("[view-slab-alive]"), std::string::npos) << f[0];
}

TEST(BufferPoolVerifier, SlabCountsTheWrongNumberOfViews) {
  BufferPool pool;
  const BufferHandle h = pool.Allocate(16, BufferApi::Unsafe);
  pool.Allocate(16, BufferApi::Unsafe);
  pool.CorruptForTesting(h, 1);
  const auto f = pool.Verify();
  ASSERT_EQ(f.size(), 1u);
  EXPECT_NE(f[0].find("[slab-live-count] slab 0 counts 1 live views, 2 are live"),
            std::string::npos)
      << f[0];
}

TEST(BufferPoolVerifier, DeadBufferKeepsItsStore) {
  BufferPool pool;
  const BufferHandle h = pool.Allocate(5000, BufferApi::Alloc);
  pool.CorruptForTesting(h, 2);
  const auto f = pool.Verify();
  ASSERT_EQ(f.size(), 1u);
  EXPECT_NE(f[0].find("[store-released] Buffer #0"), std::string::npos) << f[0];
}

// fromStringFast checks the fit with 4 bytes per character while that is under the threshold
// (real Node: call 232 of the seed-1 placements starts a new slab at offset 5568 for 1007).
TEST(BufferPool, FromChecksTheFitWithFourBytesPerCharacter) {
  BufferPool pool;
  pool.Allocate(4000, BufferApi::Unsafe);
  pool.Allocate(1568, BufferApi::Unsafe);  // offset 5568: 2624 bytes left
  const BufferRecord& unsafe_fit = pool.record(pool.Allocate(1007, BufferApi::Unsafe));
  EXPECT_EQ(unsafe_fit.slab, 0);  // 1007 fits
  BufferPool p2;
  p2.Allocate(4000, BufferApi::Unsafe);
  p2.Allocate(1568, BufferApi::Unsafe);
  const BufferRecord& from = p2.record(p2.Allocate(1007, BufferApi::From));
  EXPECT_EQ(from.slab, 1);                                              // 4 x 1007 = 4028 does not
  EXPECT_EQ(p2.record(p2.Allocate(5, BufferApi::From)).offset, 1008u);  // advances by 1007
  // From 1024 characters on, 4 x length reaches the threshold and the real length is used.
  BufferPool p3;
  p3.Allocate(4000, BufferApi::Unsafe);
  p3.Allocate(1568, BufferApi::Unsafe);
  EXPECT_EQ(p3.record(p3.Allocate(1100, BufferApi::From)).slab, 0);
}

// The inline bump path and the slow path follow the same rules: the same requests placed with
// and without an observer (which sends every request down the slow path) land at the same slab
// and offset, and both pools count the same. Also for pool sizes that are not multiples of 8,
// where the offset rounded up to 8 passes the slab's end and the next request must start a new
// slab (Node's `size > poolSize - poolOffset` with a negative right side).
TEST(BufferPool, BumpPathAndSlowPathPlaceAlike) {
  for (const std::size_t pool_size : {std::size_t{8192}, std::size_t{100}, std::size_t{1002}}) {
    BufferPool fast(pool_size);
    BufferPool slow(pool_size);
    Recorder listening;
    slow.AddObserver(&listening);
    fast.Reserve(10);  // a hint only: more than 10 Buffers still work
    std::size_t size = 1;
    const std::size_t sizes = pool_size == 8192 ? 5000 : pool_size;
    for (int i = 0; i < 3000; ++i) {
      size = (size * 7919 + 13) % sizes;  // pooled and not, all APIs
      const auto api = static_cast<BufferApi>(i % 5);
      const BufferRecord a = fast.record(fast.Allocate(size, api));
      const BufferRecord b = slow.record(slow.Allocate(size, api));
      ASSERT_EQ(a.pooled, b.pooled) << pool_size << " " << i;
      ASSERT_EQ(a.slab, b.slab) << pool_size << " " << i;
      ASSERT_EQ(a.offset, b.offset) << pool_size << " " << i;
      ASSERT_LE(a.offset + a.size, pool_size) << pool_size << " " << i;
      if (i % 3 == 0) {  // some die, so that slabs empty and go
        fast.Release(static_cast<BufferHandle>(i));
        slow.Release(static_cast<BufferHandle>(i));
      }
    }
    EXPECT_EQ(fast.stats().slabs_created, slow.stats().slabs_created);
    EXPECT_EQ(fast.stats().pooled, slow.stats().pooled);
    EXPECT_EQ(fast.stats().bytes, slow.stats().bytes);
    EXPECT_EQ(fast.stats().tail_waste_bytes, slow.stats().tail_waste_bytes);
    EXPECT_EQ(fast.external_bytes(), slow.external_bytes());
    EXPECT_GT(fast.stats().slabs_created, 100u);
    EXPECT_TRUE(fast.Verify().empty());
    EXPECT_TRUE(slow.Verify().empty());
  }
}

// A pool size of 100: 49 bytes at 0 move the offset to 56; 44 bytes fit exactly (44 <= 100 -
// 56) and move it to 104, past the end; then even 1 byte starts a new slab, and the full slab
// reports 100 bytes carved, none wasted.
TEST(BufferPool, OffsetPastAnOddPoolSizeStartsANewSlab) {
  BufferPool pool(100);
  EXPECT_EQ(pool.record(pool.Allocate(49, BufferApi::Unsafe)).offset, 0u);
  EXPECT_EQ(pool.record(pool.Allocate(44, BufferApi::Unsafe)).offset, 56u);
  const BufferRecord r = pool.record(pool.Allocate(1, BufferApi::Unsafe));
  EXPECT_EQ(r.slab, 1);
  EXPECT_EQ(r.offset, 0u);
  EXPECT_EQ(pool.slab(0).offset, 100u);
  EXPECT_EQ(pool.stats().tail_waste_bytes, 0u);
}

// The bump path carves into the entry log's current block without a check per Buffer: its
// limit stops it where the block ends (8192 entries). After 100 Buffers not pooled, 20,000
// one-byte Buffers (1024 to a slab, 8 bytes each) cross two block ends in the middle of a slab,
// on the bump path; every one reads back where it went.
TEST(BufferPool, BumpPathStopsAtTheEndOfTheEntryBlock) {
  BufferPool pool;
  constexpr BufferHandle kLead = 100;
  for (BufferHandle h = 0; h < kLead; ++h)
    ASSERT_EQ(pool.Allocate(1, BufferApi::Alloc), h);
  for (BufferHandle h = kLead; h < kLead + 20000; ++h)
    ASSERT_EQ(pool.Allocate(1, BufferApi::Unsafe), h);
  for (BufferHandle h = kLead; h < kLead + 20000; ++h) {
    const BufferRecord r = pool.record(h);
    const BufferHandle view = h - kLead;
    ASSERT_TRUE(r.pooled) << h;
    ASSERT_EQ(r.slab, static_cast<std::int32_t>(view / 1024)) << h;
    ASSERT_EQ(r.offset, (view % 1024) * 8) << h;
    ASSERT_EQ(r.size, 1u) << h;
  }
  EXPECT_EQ(pool.slab_count(), 20u);
  EXPECT_EQ(pool.slab(0).live_views, 1024u);
  EXPECT_EQ(pool.slab(19).live_views, 20000u - 19 * 1024);
  EXPECT_TRUE(pool.Verify().empty());
}

// Release finds a pooled Buffer's slab from the slab of the last release when it can (the GC
// releases in allocation order, mostly), else by searching: in order, in reverse and shuffled,
// every release lands on its own slab (the verifier counts each slab's live views), and at the
// end only the current slab is left.
TEST(BufferPool, ReleasesInAnyOrderFindTheirSlabs) {
  for (int order = 0; order < 3; ++order) {
    BufferPool pool;
    std::vector<BufferHandle> handles;
    std::size_t size = 1;
    for (int i = 0; i < 3000; ++i) {
      size = (size * 7919 + 13) % 3000;
      handles.push_back(pool.Allocate(size, static_cast<BufferApi>(i % 5)));
    }
    if (order == 1) std::reverse(handles.begin(), handles.end());
    if (order == 2) std::shuffle(handles.begin(), handles.end(), std::mt19937(7));
    for (std::size_t i = 0; i < handles.size(); ++i) {
      pool.Release(handles[i]);
      if (i % 97 == 0) {
        ASSERT_TRUE(pool.Verify().empty()) << order << " " << i;
      }
    }
    EXPECT_TRUE(pool.Verify().empty()) << order;
    EXPECT_EQ(pool.stats().live_slabs, 1u) << order;
    EXPECT_EQ(pool.external_bytes(), 8192u) << order;
  }
}

// The bump path keeps no pool-wide counts; stats() derives them. They still count every Buffer
// made, live or dead, pooled or not: checked against the records themselves. Releasing a
// pooled view moves its bytes from the slab's live to its dead count, never out of the total.
TEST(BufferPool, StatsCountEveryBufferLiveOrDead) {
  BufferPool pool;
  std::size_t size = 1;
  for (int i = 0; i < 2000; ++i) {
    size = (size * 7919 + 13) % 5000;
    pool.Allocate(size, static_cast<BufferApi>(i % 5));
    if (i % 4 == 1) pool.Release(static_cast<BufferHandle>(i));
  }
  std::size_t bytes = 0, pooled = 0, dead_pooled = 0;
  for (BufferHandle h = 0; h < pool.buffer_count(); ++h) {
    bytes += pool.record(h).size;
    pooled += pool.record(h).pooled ? 1 : 0;
    dead_pooled += pool.record(h).pooled && !pool.record(h).live ? 1 : 0;
  }
  EXPECT_GT(dead_pooled, 100u);  // the control: dead views are part of what is counted
  EXPECT_EQ(pool.stats().buffers, 2000u);
  EXPECT_EQ(pool.stats().pooled, pooled);
  EXPECT_EQ(pool.stats().bytes, bytes);
}

// An observer is told of every allocation, also when it is added after the bump path opened
// (the first slab exists): adding it sends every later request down the slow path.
TEST(BufferPool, ObserverAddedLateSeesEveryBuffer) {
  struct Counter : PoolObserver {
    int buffers = 0;
    void OnBufferAllocated(BufferHandle, const BufferRecord&) override { ++buffers; }
  };
  BufferPool late, early;
  Counter late_counter, early_counter;
  early.AddObserver(&early_counter);  // the control: listening from the start
  for (BufferPool* pool : {&late, &early}) {
    pool->Allocate(16, BufferApi::Unsafe);  // the first slab: the bump path is open
    pool->Allocate(16, BufferApi::Unsafe);
    if (pool == &late) pool->AddObserver(&late_counter);
    for (int i = 0; i < 10; ++i)
      pool->Allocate(16, BufferApi::Unsafe);  // all fit in slab 0
    EXPECT_EQ(pool->record(11).slab, 0);
    EXPECT_EQ(pool->record(11).offset, 11u * 16);
  }
  EXPECT_EQ(early_counter.buffers, 12);
  EXPECT_EQ(late_counter.buffers, 10);
}

TEST(StableVector, ElementsNeverMove) {
  StableVector<std::uint64_t, 3> v;  // blocks of 8
  v.Reserve(20);                     // three blocks up front
  std::vector<const std::uint64_t*> where;
  for (std::uint64_t i = 0; i < 100; ++i)
    where.push_back(&v.push_back(i * 3));
  ASSERT_EQ(v.size(), 100u);
  for (std::uint64_t i = 0; i < 100; ++i) {
    EXPECT_EQ(v[i], i * 3);
    EXPECT_EQ(&v[i], where[i]) << "element " << i << " moved";
  }
  EXPECT_EQ(v.back(), 297u);
  std::uint64_t sum = 0, count = 0;
  v.ForEach([&](std::uint64_t x) {
    EXPECT_EQ(x, count * 3);
    sum += x;
    ++count;
  });
  EXPECT_EQ(count, 100u);
  EXPECT_EQ(sum, 3u * 99 * 100 / 2);
}

}  // namespace
}  // namespace heaplab
