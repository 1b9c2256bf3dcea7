#include <heaplab/heap/new_space.h>

#include <algorithm>

#include <heaplab/heap/object.h>

namespace heaplab {

SemiSpace::SemiSpace(Cage& cage, Address start, std::size_t max_capacity)
    : cage_(cage), chunk_(start, max_capacity, SpaceId::NewSpace, kYoung) {
  cage_.Register(&chunk_, start, max_capacity);
}

SemiSpace::~SemiSpace() {
  SetCapacity(0);
  cage_.Unregister(chunk_.start(), chunk_.size());
}

void SemiSpace::SetCapacity(std::size_t bytes) {
  if (bytes > capacity_) {
    cage_.Commit(start() + capacity_, bytes - capacity_);
  } else if (bytes < capacity_) {
    cage_.Decommit(start() + bytes, capacity_ - bytes);
  }
  capacity_ = bytes;
}

NewSpace::NewSpace(Cage& cage, std::size_t initial_capacity, std::size_t max_capacity)
    : a_(cage, cage.TakeUnitsAt(0, max_capacity / kPageSize), max_capacity),
      b_(cage, cage.TakeUnitsAt(max_capacity / kPageSize, max_capacity / kPageSize), max_capacity),
      to_(&a_),
      from_(&b_),
      initial_capacity_(initial_capacity) {
  a_.SetCapacity(initial_capacity);
  StartPage(0);
  age_mark_ = top_;
}

void NewSpace::StartPage(std::size_t page) {
  page_ = page;
  top_ = PageStart(page);
  limit_ = top_ + kNewSpacePageArea;
}

Address NewSpace::AllocateOnFreshPage(std::size_t size) {
  if (size > kNewSpacePageArea || page_ + 1 >= Pages(to_->capacity())) return 0;
  // The rest of the page and the bytes V8 spends on the next page's header stay iterable.
  WriteFiller(top_, PageStart(page_ + 1) - top_);
  StartPage(page_ + 1);
  const Address result = top_;
  top_ += size;
  return result;
}

void NewSpace::Flip() {
  from_top_ = top_;
  // V8 (Heap::EnsureFromSpaceIsCommitted): from-space is committed when a GC first needs it.
  if (from_->capacity() < to_->capacity()) from_->SetCapacity(to_->capacity());
  std::swap(to_, from_);
  to_->chunk().Clear(kFromSpace);
  from_->chunk().Set(kFromSpace);
  StartPage(0);
}

void NewSpace::Reset() {
  StartPage(0);
  age_mark_ = top_;
}

std::size_t NewSpace::Resize(std::size_t total_capacity) {
  std::size_t capacity = RoundUp(total_capacity, kPageSize);
  capacity = std::clamp(capacity, initial_capacity_, MaximumCapacity());
  capacity = std::max(capacity, (page_ + 1) * kPageSize);
  if (capacity == TotalCapacity()) return capacity;
  const bool grow = capacity > TotalCapacity();
  to_->SetCapacity(capacity);
  // V8 (SemiSpaceNewSpace::Grow and Shrink): from-space follows to-space; growing commits it.
  if (grow || from_->capacity() != 0) from_->SetCapacity(capacity);
  return capacity;
}

}  // namespace heaplab
