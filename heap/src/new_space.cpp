#include <heaplab/heap/new_space.h>

#include <algorithm>

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
    : cage_(cage),
      a_(cage, cage.TakeUnitsAt(0, max_capacity / kPageSize), max_capacity),
      b_(cage, cage.TakeUnitsAt(max_capacity / kPageSize, max_capacity / kPageSize), max_capacity),
      to_(&a_),
      from_(&b_),
      initial_capacity_(initial_capacity) {
  a_.SetCapacity(initial_capacity);
  b_.SetCapacity(initial_capacity);
  top_ = age_mark_ = to_->start();
  limit_ = to_->start() + to_->capacity();
}

void NewSpace::Flip() {
  from_top_ = top_;
  std::swap(to_, from_);
  to_->chunk().Clear(kFromSpace);
  from_->chunk().Set(kFromSpace);
  top_ = to_->start();
  limit_ = to_->start() + to_->capacity();
}

std::size_t NewSpace::Resize(std::size_t capacity) {
  capacity = RoundUp(capacity, Cage::CommitGranule());
  capacity = std::clamp(capacity, initial_capacity_, MaximumCapacity());
  capacity = std::max(capacity, RoundUp(Size(), Cage::CommitGranule()));
  if (capacity == Capacity()) return capacity;
  a_.SetCapacity(capacity);
  b_.SetCapacity(capacity);
  limit_ = to_->start() + to_->capacity();
  return capacity;
}

}  // namespace heaplab
