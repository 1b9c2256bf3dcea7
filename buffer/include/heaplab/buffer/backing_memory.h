// Backing memory: where every byte of a Buffer lives. One mimalloc heap (mi_heap_new) holds all
// slabs and backing stores, so that the bytes heaplab reports as external memory are bytes a
// real allocator holds, apart from the memory of the rest of the process.
//
// Linking mimalloc's shared library also replaces malloc for the whole process (the Debian
// build exports malloc and free). Sanitizer builds (HEAPLAB_SANITIZE) do not link mimalloc,
// because AddressSanitizer must own malloc: there this class falls back to std::malloc and
// name() says "malloc", and it has no heap handle. heaplab_buffer carries HEAPLAB_SANITIZE as
// a public compile definition, so every file that includes this header sees the same layout.
#pragma once

#include <cstddef>

#if !defined(HEAPLAB_SANITIZE) || !HEAPLAB_SANITIZE
#define HEAPLAB_BACKING_MEMORY_MIMALLOC 1
#endif

namespace heaplab {

class BackingMemory {
 public:
  BackingMemory();
  ~BackingMemory();
  BackingMemory(const BackingMemory&) = delete;
  BackingMemory& operator=(const BackingMemory&) = delete;

  // `bytes` bytes, 16-byte aligned; bytes == 0 gives a valid unique pointer. Throws
  // std::bad_alloc when the allocator refuses.
  void* Allocate(std::size_t bytes);
  void Free(void* p, std::size_t bytes);

  std::size_t allocated_bytes() const { return allocated_bytes_; }  // held now (requested)
  std::size_t allocations() const { return allocations_; }          // blocks held now
  static const char* Name();                                        // "mimalloc" or "malloc"

 private:
#ifdef HEAPLAB_BACKING_MEMORY_MIMALLOC
  void* heap_ = nullptr;  // mi_heap_t*
#endif
  std::size_t allocated_bytes_ = 0;
  std::size_t allocations_ = 0;
};

}  // namespace heaplab
