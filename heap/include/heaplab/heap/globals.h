// Vocabulary shared by every room of heaplab: addresses, sizes and the constants of the heap
// layout. Sizes are in bytes unless a name says otherwise. The numbers follow V8 11.3 on x64
// without pointer compression (8-byte slots), the configuration Node.js 20 ships.
#pragma once

#include <cstddef>
#include <cstdint>

namespace heaplab {

using Address = std::uintptr_t;  // a real address in this process; 0 is null
using Id = std::uint64_t;        // a trace object id

inline constexpr std::size_t KB = 1024;
inline constexpr std::size_t MB = 1024 * KB;

inline constexpr std::size_t kWordSize = 8;                     // bytes per slot and header
inline constexpr std::size_t kPageSize = 256 * KB;              // old-space page, cage unit
inline constexpr std::size_t kMaxRegularObjectSize = 128 * KB;  // larger goes to a LO space
// V8's largest object: FixedArrayBase::kMaxSize = 128 * kTaggedSize * MB - kTaggedSize, which
// with 8-byte tagged slots is 1 GiB - 8 (a FixedArray of FixedArray::kMaxLength elements, a
// FixedDoubleArray or ByteArray of the same byte size). Every other heap object is smaller: a
// two-byte string of String::kMaxLength (2^29 - 24) characters is 1 GiB - 32 with its header,
// and a large object is one such object on its own pages. Larger sizes are refused.
inline constexpr std::size_t kMaxObjectSize = 128 * kWordSize * MB - kWordSize;

// Semispace sizes (V8 11.3, x64, no pointer compression): 1 MiB at start, 16 MiB at most.
inline constexpr std::size_t kDefaultMinSemiSpaceSize = 1 * MB;
inline constexpr std::size_t kDefaultMaxSemiSpaceSize = 16 * MB;
// Node 20 on a machine with 16 GiB or more sets --max-old-space-size to 4096 MiB.
inline constexpr std::size_t kDefaultMaxOldSpaceSize = 4096 * MB;

constexpr std::size_t RoundUp(std::size_t n, std::size_t to) {
  return (n + to - 1) / to * to;
}
constexpr bool IsAligned(Address a, std::size_t to) {
  return a % to == 0;
}

// The spaces, named as V8 names them.
enum class SpaceId : std::uint8_t {
  NewSpace,
  OldSpace,
  LargeObjectSpace,
  NewLargeObjectSpace,
};
inline constexpr int kSpaceCount = 4;

const char* SpaceName(SpaceId id);  // "new_space", "old_space", ...

}  // namespace heaplab
