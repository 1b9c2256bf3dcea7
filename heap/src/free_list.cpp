#include <heaplab/heap/free_list.h>

#include <heaplab/heap/object.h>

namespace heaplab {

namespace {
Address& NextOf(Address block) {
  return *reinterpret_cast<Address*>(block + kWordSize);
}
}  // namespace

std::size_t FreeList::Add(Address start, std::size_t size) {
  if (size == 0) return 0;
  WriteFiller(start, size);
  if (size < kMinFreeBlock) {
    wasted_ += size;
    return 0;
  }
  const int k = ClassOf(size);
  NextOf(start) = heads_[k];
  heads_[k] = start;
  available_ += size;
  return size;
}

FreeList::Block FreeList::Take(std::size_t size) {
  for (int k = FitClassOf(size); k < kClasses; ++k) {
    const Address block = heads_[k];
    if (block == 0) continue;
    heads_[k] = NextOf(block);
    const std::size_t block_size = HeapObject(block).size();
    available_ -= block_size;
    return {block, block_size};
  }
  return {0, 0};
}

void FreeList::Reset() {
  heads_.fill(0);
  available_ = 0;
  wasted_ = 0;
}

}  // namespace heaplab
