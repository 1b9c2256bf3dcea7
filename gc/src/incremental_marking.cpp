#include <heaplab/gc/incremental_marking.h>

#include <algorithm>

namespace heaplab {

namespace {
constexpr std::size_t kTargetStepCount = 256;      // V8: StepSizeToMakeProgress
constexpr std::size_t kTargetStepCountAtOom = 32;  // V8: StepSizeToMakeProgress
constexpr std::size_t kMaxStepSizeInBytes = 256 * KB;
constexpr double kTargetMarkingWallTimeMs = 500;  // V8: ScheduleBytesToMarkBasedOnTime
constexpr double kMinTimeBetweenScheduleMs = 10;
constexpr std::size_t kAllocationMargin = 1 * MB;  // V8: ComputeStepSizeInBytes, kV8 origin
constexpr double kDefaultSpeed = 100.0 * KB;       // bytes per ms, V8's estimate with no data
constexpr double kMaxStepSizeFromSpeed = 700.0 * MB;
}  // namespace

void IncrementalMarking::ReportBarrierHit(Address host, Address value) {
  marker_.step_observer()->OnObjectStep(
      {ObjectStepKind::BarrierHit, marker_.IsMarked(host), host, value, HeapObject(value).size()});
}

// V8 11.3 (IncrementalMarking::StartMarkingMajor, then MarkRoots): marking starts from the
// roots without the stack and the main thread's handles (SkipRoot::kStack,
// SkipRoot::kMainThreadHandles); those are visited in the finishing pause only. An object that
// only the stack (a handle scope's local) keeps alive is marked in that pause, unless a store
// into a black object greys it first.
void IncrementalMarking::Start(double now_ms) {
  marker_.Start(Marker::Roots::GlobalOnly);
  marking_ = true;
  start_ms_ = now_ms;
  last_time_schedule_ms_ = now_ms;
  steps_ = 0;
  steps_ms_ = 0;
  longest_step_ms_ = 0;
  initial_old_generation_size_ = heap_.OldGenerationSize();
  old_allocation_counter_ = initial_old_generation_size_;
  scheduled_bytes_ = 0;
  bytes_marked_by_steps_ = 0;
  bytes_marked_concurrently_ = 0;
  // The background starts once the roots are grey.
  concurrent_from_ms_ = clock_.NowMs();
  barrier_hits_ = 0;
  cannot_prepare_ = false;
}

std::size_t IncrementalMarking::StepSizeToMakeProgress(bool near_oom) const {
  if (near_oom) return heap_.OldGenerationSize() / kTargetStepCountAtOom;
  return std::min(std::max(initial_old_generation_size_ / kTargetStepCount, kMinStepSizeInBytes),
                  kMaxStepSizeInBytes);
}

MarkingEvent IncrementalMarking::ScheduleBytesToMarkBasedOnAllocation(bool near_oom) {
  const std::size_t old_size = heap_.OldGenerationSize();
  const std::size_t allocated =
      old_size > old_allocation_counter_ ? old_size - old_allocation_counter_ : 0;
  old_allocation_counter_ = old_size;
  const std::size_t progress = StepSizeToMakeProgress(near_oom);
  scheduled_bytes_ += progress + allocated;
  MarkingEvent e;
  e.kind = MarkingEventKind::ScheduledByAllocation;
  e.time_ms = clock_.NowMs();
  e.value = progress + allocated;
  e.progress = progress;
  e.allocated = allocated;
  return e;
}

bool IncrementalMarking::ScheduleBytesToMarkBasedOnTime(double now_ms, MarkingEvent& out) {
  const double since = now_ms - last_time_schedule_ms_;
  if (since < kMinTimeBetweenScheduleMs) return false;
  last_time_schedule_ms_ = now_ms;
  const double delta = std::min(since, kTargetMarkingWallTimeMs);
  const auto bytes = static_cast<std::size_t>(delta / kTargetMarkingWallTimeMs *
                                              static_cast<double>(initial_old_generation_size_));
  scheduled_bytes_ += bytes;
  out = MarkingEvent{};
  out.kind = MarkingEventKind::ScheduledByTime;
  out.time_ms = now_ms;
  out.value = bytes;
  out.ms = delta;
  return true;
}

std::size_t IncrementalMarking::ComputeStepSize(bool by_task, double max_ms) const {
  // V8's fast-forward: past three quarters of the initial size, the schedule catches up.
  std::size_t scheduled = scheduled_bytes_;
  const std::size_t marked = bytes_marked();
  if (marked > initial_old_generation_size_ / 4 * 3) scheduled = std::max(scheduled, marked);
  const std::size_t margin = by_task ? 0 : kAllocationMargin;
  const std::size_t owed = marked + margin > scheduled ? 0 : scheduled - marked - margin;
  const double speed = speed_ > 0 ? speed_ : kDefaultSpeed;
  const auto by_speed =
      static_cast<std::size_t>(std::min(speed * max_ms * 0.9, kMaxStepSizeFromSpeed));
  return std::max(std::min(owed, by_speed), kMinStepSizeInBytes);
}

void IncrementalMarking::AdvanceConcurrently() {
  const double now = clock_.NowMs();
  double owed_ms = (now - concurrent_from_ms_) * concurrent_tasks_;
  concurrent_from_ms_ = now;
  // Chunks as small as the smallest step, so that the background stops close to its time.
  while (owed_ms > 0 && !marker_.worklist_empty()) {
    const double t = clock_.NowMs();
    const std::size_t before = marker_.marked_bytes();
    marker_.Step(kMinStepSizeInBytes);
    const double ms = clock_.NowMs() - t;
    clock_.Exclude(ms);
    const std::size_t marked = marker_.marked_bytes() - before;
    bytes_marked_concurrently_ += marked;
    if (ms <= 0) break;  // a clock that does not see the work (cannot happen under either)
    owed_ms -= ms;
  }
}

std::size_t IncrementalMarking::PagesWanted() const {
  return heap_.new_space().Size();
}

std::size_t IncrementalMarking::MovedEntriesWanted() const {
  return heap_.new_space().Capacity() / kMovedEntryBytes;
}

bool IncrementalMarking::PagesReady() const {
  if (!prepare_pages_) return true;
  return (cannot_prepare_ || heap_.old_space().prepared_bytes() >= PagesWanted()) &&
         moved_buffer_.size() >= MovedEntriesWanted();
}

// heaplab's own: V8 11.3 takes the pages in the pause and copies on parallel threads, or moves
// whole new-space pages (page promotion), which heaplab's contiguous semispaces cannot.
std::size_t IncrementalMarking::PreparePages() {
  if (!prepare_pages_) return 0;
  const std::size_t want = PagesWanted();
  const std::size_t prepared = heap_.old_space().Prepare(want, kMaxPreparedPerStep);
  if (prepared == 0 && heap_.old_space().prepared_bytes() < want) cannot_prepare_ = true;
  // The list's entries are written here (zeros) and cleared by the full GC that uses them.
  const std::size_t entries = MovedEntriesWanted();
  if (moved_buffer_.capacity() < entries) moved_buffer_.reserve(entries);
  if (moved_buffer_.size() < entries)
    moved_buffer_.resize(std::min(entries, moved_buffer_.size() + kMaxMovedEntriesPerStep));
  return prepared;
}

MarkingEvent IncrementalMarking::Step(std::size_t bytes, bool by_task) {
  MarkingEvent e;
  e.scheduled = scheduled_bytes_;
  e.marked = bytes_marked();
  e.concurrent = concurrent_tasks_ > 0;
  e.marked_concurrently = bytes_marked_concurrently_;
  const double start = clock_.NowMs();
  const std::size_t bytes_before = marker_.marked_bytes();
  const std::size_t objects_before = marker_.marked_objects();
  marker_.Step(bytes);
  e.prepared = PreparePages();
  const double ms = clock_.NowMs() - start;
  const std::size_t marked = marker_.marked_bytes() - bytes_before;
  bytes_marked_by_steps_ += marked;
  ++steps_;
  steps_ms_ += ms;
  longest_step_ms_ = std::max(longest_step_ms_, ms);
  if (ms > 0 && marked > 0) {
    const double speed = static_cast<double>(marked) / ms;
    speed_ = speed_ > 0 ? (speed_ + speed) / 2 : speed;
  }
  e.kind = MarkingEventKind::Step;
  e.time_ms = clock_.NowMs();
  e.by_task = by_task;
  e.value = marked;
  e.requested = bytes;
  e.objects = marker_.marked_objects() - objects_before;
  e.worklist = marker_.worklist_size();
  e.barrier_hits = barrier_hits_;
  e.ms = ms;
  barrier_hits_ = 0;
  return e;
}

}  // namespace heaplab
