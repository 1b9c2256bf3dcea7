#include <heaplab/gc/tracer.h>

#include <algorithm>

namespace heaplab {

void Tracer::RemoveObserver(GcObserver* observer) {
  observers_.erase(std::remove(observers_.begin(), observers_.end(), observer), observers_.end());
}

void Tracer::SetStepObserver(ObjectStepObserver* observer) {
  step_observer_ = observer;
  heap_.sweeper().set_free_block_listener(observer != nullptr ? &free_blocks_ : nullptr);
}

void Tracer::FreeBlocks::OnFreeBlock(Address start, std::size_t size) {
  ReportStep(tracer_.step_observer_, {ObjectStepKind::Freed, false, start, 0, size});
}

const char* ObjectStepKindName(ObjectStepKind kind) {
  switch (kind) {
    case ObjectStepKind::Copied:
      return "copied";
    case ObjectStepKind::Promoted:
      return "promoted";
    case ObjectStepKind::Scanned:
      return "scanned";
    case ObjectStepKind::Greyed:
      return "greyed";
    case ObjectStepKind::Blackened:
      return "blackened";
    case ObjectStepKind::BarrierHit:
      return "barrier hit";
    case ObjectStepKind::Freed:
      return "freed";
    case ObjectStepKind::Moved:
      return "moved";
  }
  return "?";
}

void Tracer::SnapshotSpaces(std::array<SpaceStats, kSpaceCount>& out) const {
  for (int i = 0; i < kSpaceCount; ++i) {
    const auto id = static_cast<SpaceId>(i);
    out[i] = heap_.Usage(id);
  }
}

void Tracer::Begin(Collector collector, Reason reason, const char* collector_reason) {
  current_ = GcEvent{};
  current_.number = count_ + 1;
  current_.collector = collector;
  current_.reason = reason;
  current_.collector_reason = collector_reason != nullptr ? collector_reason : "";
  current_.start_ms = clock_.NowMs();
  current_.mutator_ms = current_.start_ms - last_end_ms_;
  current_.start_object_size = heap_.SizeOfObjects();
  current_.start_memory_size = heap_.CommittedMemory();
  current_.young_before = heap_.YoungGenerationSize();
  current_.holes_before = heap_.old_space().Available() + heap_.old_space().Wasted();
  current_.allocated = allocated_since_gc_;
  SnapshotSpaces(current_.before);
  clock_.Charge(Work::GcSetup, 1);
  if (step_observer_ != nullptr) step_observer_->OnCollectionStart(collector);
}

void Tracer::End() {
  current_.end_ms = clock_.NowMs();
  current_.pause_ms = current_.end_ms - current_.start_ms;
  current_.end_object_size = heap_.SizeOfObjects();
  current_.external_memory = heap_.external().external_memory();
  current_.end_memory_size = heap_.CommittedMemory();
  current_.holes_after = heap_.old_space().Available() + heap_.old_space().Wasted();
  current_.new_space_capacity = heap_.new_space().Capacity();
  SnapshotSpaces(current_.after);
  if (incremental_start_ms_ >= 0) {
    current_.incremental_walltime_ms = current_.end_ms - incremental_start_ms_;
    incremental_start_ms_ = -1;
  }
  if (current_.collector == Collector::MarkCompact) {
    RecordMutatorUtilization(current_.end_ms, current_.pause_ms + current_.incremental_ms);
  }
  current_.average_mu = average_mu();
  current_.current_mu = current_mu_;
  ++count_;
  allocated_since_gc_ = 0;
  last_end_ms_ = current_.end_ms;
  total_pause_ms_ += current_.pause_ms;
  current_.total_gc_ms = total_pause_ms_;
  for (GcObserver* o : observers_)
    o->OnGc(current_);
}

void Tracer::Publish(const HeapEvent& event) {
  for (GcObserver* o : observers_)
    o->OnHeapEvent(event);
}

void Tracer::Publish(const MarkingEvent& event) {
  for (GcObserver* o : observers_)
    o->OnMarking(event);
}

void Tracer::Publish(const SweepingEvent& event) {
  for (GcObserver* o : observers_)
    o->OnSweeping(event);
}

void Tracer::Publish(const PretenuringEvent& event) {
  for (GcObserver* o : observers_)
    o->OnPretenuring(event);
}

// V8 (GCTracer::RecordMutatorUtilization): the first full GC only sets the start; later ones
// average mutator and collector durations with weight 1/2 and compute the current ratio.
void Tracer::RecordMutatorUtilization(double end_ms, double mark_compact_ms) {
  if (previous_mark_compact_end_ms_ == 0) {
    previous_mark_compact_end_ms_ = end_ms;
    return;
  }
  const double total = end_ms - previous_mark_compact_end_ms_;
  const double mutator = total - mark_compact_ms;
  if (average_mark_compact_ms_ == 0 && average_mutator_ms_ == 0) {
    average_mark_compact_ms_ = mark_compact_ms;
    average_mutator_ms_ = mutator;
  } else {
    average_mark_compact_ms_ = (average_mark_compact_ms_ + mark_compact_ms) / 2;
    average_mutator_ms_ = (average_mutator_ms_ + mutator) / 2;
  }
  current_mu_ = total != 0 ? mutator / total : 0;
  previous_mark_compact_end_ms_ = end_ms;
}

double Tracer::average_mu() const {
  const double total = average_mark_compact_ms_ + average_mutator_ms_;
  return total == 0 ? 1.0 : average_mutator_ms_ / total;
}

}  // namespace heaplab
