#include <heaplab/gc/marker.h>

namespace heaplab {

void Marker::ClearMarks() {
  heap_.ForEachChunk([](Chunk& c) {
    if (c.Is(kSweepingPending)) return;  // the lazy sweeper reads them, then clears them
    if (c.marks().allocated()) c.marks().ClearAll();
    c.ResetLiveBytes();
  });
}

void Marker::ClearMarks(Chunk& c) {
  if (c.marks().allocated()) c.marks().ClearAll();
  c.ResetLiveBytes();
}

void Marker::Start(Roots roots) {
  ClearMarks();
  worklist_.clear();
  marked_objects_ = 0;
  marked_bytes_ = 0;
  ShadeRoots(roots);
}

void Marker::ShadeRoots(Roots roots) {
  std::size_t count = 0;
  const auto shade = [&](Address* slot) {
    ++count;
    Shade(*slot);
  };
  if (roots == Roots::All) {
    heap_.IterateRoots(shade);
  } else {
    heap_.IterateGlobalRoots(shade);
  }
  clock_.Charge(Work::RootSlot, static_cast<double>(count));
}

bool Marker::SetMark(Address object) {
  Chunk* chunk = heap_.ChunkOf(object);
  ChunkBitmap& marks = chunk->marks();
  if (!marks.allocated()) marks.Resize(chunk->size() / kWordSize);
  const std::size_t i = chunk->WordIndex(object);
  if (marks.Get(i)) return false;
  marks.Set(i);
  const std::size_t size = HeapObject(object).size();
  chunk->AddLiveBytes(size);
  return true;
}

void Marker::TransferMark(Address to) {
  SetMark(to);
}

bool Marker::IsMarked(Address object) const {
  const Chunk* chunk = heap_.ChunkOf(object);
  return chunk->marks().allocated() && chunk->marks().Get(chunk->WordIndex(object));
}

template <bool kSteps>
bool Marker::ShadeWith(Address object) {
  if (object == 0 || !SetMark(object)) return false;
  worklist_.push_back(object);
  if constexpr (kSteps) {
    step_observer_->OnObjectStep(
        {ObjectStepKind::Greyed, false, object, 0, HeapObject(object).size()});
  }
  return true;
}
template bool Marker::ShadeWith<false>(Address);
template bool Marker::ShadeWith<true>(Address);

void Marker::MarkBlack(Address object) {
  if (SetMark(object)) {
    ++marked_objects_;
    marked_bytes_ += HeapObject(object).size();
  }
}

template <bool kSteps>
bool Marker::StepWith(std::size_t budget) {
  std::size_t visited = 0;
  std::size_t objects = 0;
  std::size_t slots = 0;
  while (!worklist_.empty() && visited < budget) {
    const HeapObject obj(worklist_.back());
    worklist_.pop_back();
    if constexpr (kSteps) {
      step_observer_->OnObjectStep(
          {ObjectStepKind::Blackened, false, obj.address(), 0, obj.size()});
    }
    for (Address* slot = obj.slots_begin(); slot != obj.slots_end(); ++slot)
      ShadeWith<kSteps>(*slot);
    slots += obj.slot_count();
    visited += obj.size();
    ++objects;
  }
  marked_objects_ += objects;
  marked_bytes_ += visited;
  clock_.Charge(Work::MarkedObject, static_cast<double>(objects));
  clock_.Charge(Work::ScannedSlot, static_cast<double>(slots));
  return worklist_.empty();
}
template bool Marker::StepWith<false>(std::size_t);
template bool Marker::StepWith<true>(std::size_t);

}  // namespace heaplab
