// The heap side of Buffers: each Buffer is an on-heap wrapper object (Kind::BufferWrapper, the
// size of V8's JSArrayBuffer plus its Uint8Array view) that owns a backing store or a view of
// a pool slab off the heap. Buffers allocates the wrapper through the Mutator, the bytes
// through the BufferPool, lists the wrapper in the heap's ExternalObjectList (so the
// collectors find it dead without walking old space) and releases the bytes when they do.
//
// External memory and its GC triggers, as V8 11.3 has them:
//   - Heap::AllocateExternalBackingStore: before new backing memory is taken, a Scavenge with
//     reason "external memory pressure" when the young wrappers already hold 2 x the default
//     maximum semispace (2 x 16 MiB = 32 MiB) of backing stores, and at least the request
//   - Isolate::AdjustAmountOfExternalAllocatedMemory / Heap::ReportExternalMemoryPressure:
//     when external memory has grown more than kExternalAllocationSoftLimit (64 MiB) since the
//     last full GC, V8 starts incremental marking (or collects at once past
//     external_memory_hard_limit); heaplab marks atomically, so it runs the full GC there,
//     with reason "external memory pressure"
// The bytes never count against --max-old-space-size (GcController::CanExpandOldGeneration
// reads only the heap). As in V8 11.3 they are not added to the old generation's allocation
// limit either: their budget is the 64 MiB soft limit above.
#pragma once

#include <memory>
#include <vector>

#include <heaplab/buffer/pool.h>
#include <heaplab/gc/mutator.h>
#include <heaplab/heap/external.h>

namespace heaplab {

// V8 11.3, x64 without pointer compression: JSArrayBuffer with two embedder fields (80 bytes)
// and the JSTypedArray view (88 bytes).
inline constexpr std::size_t kBufferWrapperSize = 168;
// Node 20's buffer.constants.MAX_LENGTH on 64-bit: 2^32 bytes.
inline constexpr std::size_t kMaxBufferSize = std::size_t{1} << 32;
inline constexpr std::size_t kExternalYoungPressureBytes = 2 * kDefaultMaxSemiSpaceSize;  // 32 MiB
inline constexpr std::size_t kExternalAllocationSoftLimit = 64 * MB;

class BufferObserver {
 public:
  virtual ~BufferObserver() = default;
  virtual void OnBuffer(Id id, BufferHandle handle, const BufferRecord& record) = 0;
};

struct BufferGcCounts {
  std::size_t young_pressure_scavenges = 0;  // AllocateExternalBackingStore
  std::size_t soft_limit_full_gcs = 0;       // ReportExternalMemoryPressure
};

class Buffers : public ExternalStoreOwner {
 public:
  Buffers(Mutator& mutator, std::size_t pool_size = kDefaultBufferPoolSize);
  ~Buffers() override;
  Buffers(const Buffers&) = delete;
  Buffers& operator=(const Buffers&) = delete;

  // A Buffer of `size` bytes made by `api`, under trace id `id`: a young wrapper (a local of
  // the innermost handle scope, as Mutator::Allocate makes it) and its bytes. May collect.
  // Returns the wrapper's address.
  Address Allocate(Id id, std::size_t size, BufferApi api);

  BufferPool& pool() { return pool_; }
  const BufferPool& pool() const { return pool_; }
  const BufferGcCounts& gc_counts() const { return counts_; }
  Id IdOf(BufferHandle h) const { return ids_[h]; }
  // The handle a wrapper object holds (the first word of its payload).
  static BufferHandle HandleOf(Address wrapper);

  void AddObserver(BufferObserver* o) { observers_.push_back(o); }

  // ExternalStoreOwner
  void ReleaseStore(std::uint64_t token) override;
  void VerifyStores(const ExternalObjectList& list,
                    std::vector<std::string>& failures) const override;

 private:
  Mutator& mutator_;
  BufferPool pool_;
  std::vector<Id> ids_;  // by handle
  BufferGcCounts counts_;
  std::vector<BufferObserver*> observers_;
};

}  // namespace heaplab
