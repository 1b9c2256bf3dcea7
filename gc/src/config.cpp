#include <heaplab/gc/config.h>

namespace heaplab {

std::size_t MaxReserved(const HeapConfig& heap) {
  const std::size_t max_new_large_object_space = heap.max_semi_space_size;
  return 2 * heap.max_semi_space_size + max_new_large_object_space + heap.max_old_space_size;
}

}  // namespace heaplab
