#include <heaplab/buffer/backing_memory.h>

#include <cstdlib>
#include <new>

#if !defined(HEAPLAB_SANITIZE) || !HEAPLAB_SANITIZE
#define HEAPLAB_USE_MIMALLOC 1
#include <mimalloc.h>
#endif

namespace heaplab {

#ifdef HEAPLAB_USE_MIMALLOC

BackingMemory::BackingMemory() : heap_(mi_heap_new()) {
  if (heap_ == nullptr) throw std::bad_alloc();
}

// mi_heap_destroy frees whatever blocks are still held at once.
BackingMemory::~BackingMemory() {
  mi_heap_destroy(static_cast<mi_heap_t*>(heap_));
}

void* BackingMemory::Allocate(std::size_t bytes) {
  void* p = mi_heap_malloc(static_cast<mi_heap_t*>(heap_), bytes == 0 ? 1 : bytes);
  if (p == nullptr) throw std::bad_alloc();
  allocated_bytes_ += bytes;
  ++allocations_;
  return p;
}

void BackingMemory::Free(void* p, std::size_t bytes) {
  if (p == nullptr) return;
  mi_free(p);
  allocated_bytes_ -= bytes;
  --allocations_;
}

const char* BackingMemory::Name() {
  return "mimalloc";
}

#else  // sanitizer builds: plain malloc, so that AddressSanitizer sees every block

BackingMemory::BackingMemory() = default;
BackingMemory::~BackingMemory() = default;  // the pool frees its blocks before this runs

void* BackingMemory::Allocate(std::size_t bytes) {
  void* p = std::malloc(bytes == 0 ? 1 : bytes);
  if (p == nullptr) throw std::bad_alloc();
  allocated_bytes_ += bytes;
  ++allocations_;
  return p;
}

void BackingMemory::Free(void* p, std::size_t bytes) {
  if (p == nullptr) return;
  std::free(p);
  allocated_bytes_ -= bytes;
  --allocations_;
}

const char* BackingMemory::Name() {
  return "malloc";
}

#endif

}  // namespace heaplab
