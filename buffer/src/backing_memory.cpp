#include <heaplab/buffer/backing_memory.h>

#include <cstdlib>
#include <new>

#ifdef HEAPLAB_BACKING_MEMORY_MIMALLOC
#include <mimalloc.h>
#endif

namespace heaplab {

#ifdef HEAPLAB_BACKING_MEMORY_MIMALLOC

BackingMemory::BackingMemory() : heap_(mi_heap_new()) {
  if (heap_ == nullptr) throw std::bad_alloc();
}

// The pool has freed every block by now (Verify's [external-bytes] holds it to that), so the
// heap is empty. mi_heap_delete, not mi_heap_destroy, which would also free blocks still held:
// with Debian's mimalloc 2.0.9, destroying these empty heaps on heaplab-viz's loader threads
// (each heap made, used and destroyed on its own thread, no block left; the tour under
// AddressSanitizer, with malloc instead, finds no error) made a later free() of the run's data
// on the GUI thread crash. Not root-caused in mimalloc; mi_heap_delete leaves any block to the
// thread's default heap and has not crashed.
BackingMemory::~BackingMemory() {
  mi_heap_collect(static_cast<mi_heap_t*>(heap_), true);
  mi_heap_delete(static_cast<mi_heap_t*>(heap_));
}

const char* BackingMemory::Name() {
  return "mimalloc";
}

#else  // sanitizer builds: plain malloc, so that AddressSanitizer sees every block

BackingMemory::BackingMemory() = default;
BackingMemory::~BackingMemory() = default;  // the pool frees its blocks before this runs

const char* BackingMemory::Name() {
  return "malloc";
}

#endif

// The one place that differs between the two builds is the block allocator itself; the counts
// are kept the same way for both.
void* BackingMemory::Allocate(std::size_t bytes) {
  const std::size_t n = bytes == 0 ? 1 : bytes;
#ifdef HEAPLAB_BACKING_MEMORY_MIMALLOC
  void* p = mi_heap_malloc(static_cast<mi_heap_t*>(heap_), n);
#else
  void* p = std::malloc(n);
#endif
  if (p == nullptr) throw std::bad_alloc();
  allocated_bytes_ += bytes;
  ++allocations_;
  return p;
}

void BackingMemory::Free(void* p, std::size_t bytes) {
  if (p == nullptr) return;
#ifdef HEAPLAB_BACKING_MEMORY_MIMALLOC
  mi_free(p);
#else
  std::free(p);
#endif
  allocated_bytes_ -= bytes;
  --allocations_;
}

}  // namespace heaplab
