#include <heaplab/gc/printers.h>

#include <fmt/format.h>
#include <unistd.h>

#include <cstring>

#include <heaplab/gc/oom.h>

namespace heaplab {

namespace {

constexpr double kMB = 1024.0 * 1024.0;

double Mb(std::size_t bytes) {
  return static_cast<double>(bytes) / kMB;
}

const char* CollectorName(Collector c) {
  return c == Collector::Scavenge ? "Scavenge" : "Mark-Compact";
}

double Percent(double part, double whole) {
  return whole > 0 ? part / whole * 100.0 : 0.0;
}

}  // namespace

LogPrefix LogPrefix::ForThisProcess(const void* isolate) {
  return {static_cast<int>(getpid()), reinterpret_cast<Address>(isolate)};
}

std::string LogPrefix::Text() const {
  return fmt::format("[{}:{:#x}] ", pid, isolate);
}

// V8 (GCTracer::Print): "%8.0f ms: %s%s %.1f (%.1f) -> %.1f (%.1f) MB, %.2f / %.2f ms %s
// (average mu = %.3f, current mu = %.3f) %s; %s\n". The second time is time spent in embedder
// callbacks, always 0 here. The incremental part starts with a space and is empty for a
// Scavenge, so there are two spaces before "(+" or, without it, before "(average mu".
std::string FormatTraceGcLine(const GcEvent& e, const LogPrefix& prefix) {
  std::string incremental;
  if (e.collector == Collector::MarkCompact && e.incremental_steps > 0) {
    incremental = fmt::format(
        " (+ {:.1f} ms in {} steps since start of marking, biggest step {:.1f} ms, walltime "
        "since start of marking {:.0f} ms)",
        e.incremental_ms, e.incremental_steps, e.incremental_biggest_step_ms,
        e.incremental_walltime_ms);
  }
  return fmt::format(
      "{}{:8.0f} ms: {}{} {:.1f} ({:.1f}) -> {:.1f} ({:.1f}) MB, {:.2f} / {:.2f} ms {} (average "
      "mu = {:.3f}, current mu = {:.3f}) {}; {}\n",
      prefix.Text(), e.end_ms, CollectorName(e.collector), e.reduce_memory ? " (reduce)" : "",
      Mb(e.start_object_size), Mb(e.start_memory_size), Mb(e.end_object_size),
      Mb(e.end_memory_size), e.pause_ms, 0.0, incremental, e.average_mu, e.current_mu,
      ReasonString(e.reason), e.collector_reason);
}

void TraceGcPrinter::OnGc(const GcEvent& e) {
  if (options_.ignore_scavenger && e.collector == Collector::Scavenge) return;
  if (options_.line) out_ << FormatTraceGcLine(e, prefix_);
  if (options_.verbose) PrintVerbose(e);
}

// V8 (MemoryController::GrowingFactor and CalculateAllocationLimit under --trace-gc-verbose):
// printed while the full GC runs, so before its line. The global memory controller computes
// the same limit against twice the maximum.
void TraceGcPrinter::OnHeapEvent(const HeapEvent& e) {
  if (!options_.verbose || e.kind != HeapEventKind::LimitChange) return;
  const std::string p = fmt::format("{}{:8.0f} ms: ", prefix_.Text(), e.time_ms);
  const double ratio = e.mutator_speed > 0 ? e.gc_speed / e.mutator_speed : 0.0;
  out_ << fmt::format(
      "{}[HeapController] factor {:.1f} based on mu={:.3f}, speed_ratio={:.0f} "
      "(gc={:.0f}, mutator={:.0f})\n",
      p, e.factor, 0.97, ratio, e.gc_speed, e.mutator_speed);
  out_ << fmt::format("{}[HeapController] Limit: old size: {} KB, new limit: {} KB ({:.1f})\n", p,
                      e.old_size / 1024, e.value / 1024, e.limit_factor);
  out_ << fmt::format(
      "{}[GlobalMemoryController] Limit: old size: {} KB, new limit: {} KB ({:.1f})\n", p,
      e.old_size / 1024, e.global_limit / 1024, e.limit_factor);
}

// V8 (Heap::PrintShortHeapStatistics), sizes in KB. heaplab models neither the read-only nor
// the code space: by default they show Node 20's start-up sizes as its logs print them (code
// space: 239 KB used until the first full GC, 16 KB after it, its freed part available after
// the Scavenges that follow), and count in the totals; with --no-startup-heap they print zeros.
void TraceGcPrinter::PrintVerbose(const GcEvent& e) {
  const std::string p = prefix_.Text();
  auto kb = [](std::size_t bytes) { return bytes / 1024; };
  const auto& a = e.after;
  auto space = [&](const char* name, const SpaceStats& s) {
    out_ << fmt::format("{}{}used: {:6} KB, available: {:6} KB, committed: {:6} KB\n", p, name,
                        kb(s.size), kb(s.available), kb(s.committed));
  };
  if (e.collector == Collector::MarkCompact) ++mark_compacts_;
  SpaceStats read_only;
  SpaceStats code;
  if (options_.startup_heap) {
    read_only.size = 48 * KB;
    code.committed = 256 * KB;
    code.size = mark_compacts_ == 0 ? 239 * KB : 16 * KB;
    code.available = mark_compacts_ == 0 || e.collector == Collector::MarkCompact ? 0 : 223 * KB;
  }
  const SpaceStats& ns = a[static_cast<int>(SpaceId::NewSpace)];
  const SpaceStats& nlo = a[static_cast<int>(SpaceId::NewLargeObjectSpace)];
  const SpaceStats& os = a[static_cast<int>(SpaceId::OldSpace)];
  const SpaceStats& lo = a[static_cast<int>(SpaceId::LargeObjectSpace)];
  const std::size_t used = read_only.size + ns.size + nlo.size + os.size + code.size + lo.size;
  const std::size_t available =
      ns.available + nlo.available + os.available + code.available + lo.available;
  const std::size_t committed = e.end_memory_size + code.committed;
  const std::size_t max = options_.max_heap_size > committed ? options_.max_heap_size : committed;
  out_ << fmt::format("{}Memory allocator,       used: {:6} KB, available: {:6} KB\n", p,
                      kb(committed), kb(max - committed));
  space("Read-only space,        ", read_only);
  space("New space,              ", ns);
  space("New large object space, ", nlo);
  space("Old space,              ", os);
  space("Code space,             ", code);
  space("Large object space,     ", lo);
  space("Code large object space,     ", SpaceStats{});
  out_ << fmt::format(
      "{}All spaces,             used: {:6} KB, available: {:6} KB, committed: {:6} KB\n", p,
      kb(used), kb(available + (max - committed)), kb(committed));
  out_ << fmt::format("{}Unmapper buffering 0 chunks of committed: {:6} KB\n", p, 0);
  out_ << fmt::format("{}External memory reported: {:6} KB\n", p, kb(e.external_memory));
  out_ << fmt::format("{}Backing store memory: {:6} KB\n", p, kb(e.external_memory));
  out_ << fmt::format("{}External memory global {} KB\n", p, 0);
  out_ << fmt::format("{}Total time spent in GC  : {:.1f} ms\n", p, e.total_gc_ms);
}

void NvpPrinter::OnGc(const GcEvent& e) {
  const double young = static_cast<double>(e.young_before);
  const double promotion_ratio = Percent(static_cast<double>(e.promoted), young);
  const double copied_rate = Percent(static_cast<double>(e.semi_space_copied), young);
  const double promotion_rate =
      Percent(static_cast<double>(e.promoted), static_cast<double>(previous_copied_));
  previous_copied_ = e.semi_space_copied;
  allocated_bytes_ += static_cast<double>(e.allocated);
  mutator_ms_ += e.mutator_ms;
  const std::string body = e.collector == Collector::Scavenge
                               ? Scavenge(e, promotion_ratio, copied_rate, promotion_rate)
                               : MarkCompact(e, promotion_ratio, copied_rate, promotion_rate);
  out_ << fmt::format("{}{:8.0f} ms: {}\n", prefix_.Text(), e.end_ms, body);
}

namespace {
double PhaseMs(const GcEvent& e, Phase p) {
  return e.phase_ms[static_cast<std::size_t>(p)];
}
}  // namespace

// V8 (GCTracer::PrintNVP, case SCAVENGER): field names and order as V8 11.3 prints them.
// Fields heaplab has no counterpart for print 0.
std::string NvpPrinter::Scavenge(const GcEvent& e, double promotion_ratio, double copied_rate,
                                 double promotion_rate) {
  const double scavenge_ms =
      PhaseMs(e, Phase::ScavengeRoots) + PhaseMs(e, Phase::ScavengeParallel) +
      PhaseMs(e, Phase::ScavengeWeak) + PhaseMs(e, Phase::ScavengeUpdateRefs) +
      PhaseMs(e, Phase::ScavengeSweepLarge) + PhaseMs(e, Phase::ScavengeSweepArrayBuffers);
  scavenge_bytes_ += static_cast<double>(e.promoted + e.semi_space_copied);
  scavenge_ms_ += scavenge_ms;
  const double throughput = scavenge_ms_ > 0 ? scavenge_bytes_ / scavenge_ms_ : 0.0;
  const double allocation_throughput = mutator_ms_ > 0 ? allocated_bytes_ / mutator_ms_ : 0.0;
  return fmt::format(
      "pause={:.1f} mutator={:.1f} gc=s reduce_memory={} time_to_safepoint=0.00 "
      "heap.prologue=0.00 heap.epilogue=0.00 heap.epilogue.reduce_new_space=0.00 "
      "heap.external.prologue=0.00 heap.external.epilogue=0.00 "
      "heap.external_weak_global_handles=0.00 fast_promote=0.00 "
      "complete.sweep_array_buffers=0.00 scavenge={:.2f} scavenge.free_remembered_set=0.00 "
      "scavenge.roots={:.2f} scavenge.weak={:.2f} scavenge.weak_global_handles.identify=0.00 "
      "scavenge.weak_global_handles.process=0.00 scavenge.parallel={:.2f} "
      "scavenge.update_refs={:.2f} scavenge.sweep_array_buffers={:.2f} "
      "background.scavenge.parallel=0.00 background.unmapper=0.00 unmapper=0.00 "
      "incremental.steps_count=0 incremental.steps_took=0.0 scavenge_throughput={:.0f} "
      "total_size_before={} total_size_after={} holes_size_before={} holes_size_after={} "
      "allocated={} promoted={} new_space_survived={} nodes_died_in_new=0 "
      "nodes_copied_in_new=0 nodes_promoted=0 promotion_ratio={:.1f}% "
      "average_survival_ratio={:.1f}% promotion_rate={:.1f}% new_space_survive_rate_={:.1f}% "
      "new_space_allocation_throughput={:.1f} unmapper_chunks=0",
      e.pause_ms, e.mutator_ms, e.reduce_memory ? 1 : 0, scavenge_ms,
      PhaseMs(e, Phase::ScavengeRoots), PhaseMs(e, Phase::ScavengeWeak),
      PhaseMs(e, Phase::ScavengeParallel), PhaseMs(e, Phase::ScavengeUpdateRefs),
      PhaseMs(e, Phase::ScavengeSweepArrayBuffers), throughput, e.start_object_size,
      e.end_object_size, e.holes_before, e.holes_after, e.allocated, e.promoted,
      e.semi_space_copied, promotion_ratio, e.average_survival_ratio, promotion_rate, copied_rate,
      allocation_throughput);
}

// V8 (GCTracer::PrintNVP, case MARK_COMPACTOR): the field names, order and formats of V8
// 11.3, quirks included (clear=%1.f, new_space_survive_rate without the underscore).
std::string NvpPrinter::MarkCompact(const GcEvent& e, double promotion_ratio, double copied_rate,
                                    double promotion_rate) {
  const double mark = PhaseMs(e, Phase::MarkFinishIncremental) + PhaseMs(e, Phase::MarkRoots) +
                      PhaseMs(e, Phase::MarkClosure);
  const double evacuate = PhaseMs(e, Phase::Evacuate) + PhaseMs(e, Phase::UpdatePointers);
  const double allocation_throughput = mutator_ms_ > 0 ? allocated_bytes_ / mutator_ms_ : 0.0;
  const double compaction_speed = evacuate > 0 ? static_cast<double>(e.compacted) / evacuate : 0.0;
  const double incremental_speed =
      e.incremental_ms > 0 ? static_cast<double>(e.end_object_size) / e.incremental_ms : 0.0;
  return fmt::format(
      "pause={:.1f} mutator={:.1f} gc=mc reduce_memory={} time_to_safepoint=0.00 "
      "heap.prologue=0.00 heap.embedder_tracing_epilogue=0.00 heap.epilogue=0.00 "
      "heap.epilogue.reduce_new_space=0.00 heap.external.prologue=0.0 "
      "heap.external.epilogue=0.0 heap.external.weak_global_handles=0.0 clear={:1.0f} "
      "clear.external_string_table=0.0 clear.string_forwarding_table=0.0 "
      "clear.weak_global_handles=0.0 clear.dependent_code=0.0 clear.maps=0.0 "
      "clear.slots_buffer=0.0 clear.weak_collections=0.0 clear.weak_lists=0.0 "
      "clear.weak_references={:.1f} clear.join_job=0.0 complete.sweep_array_buffers={:.1f} "
      "complete.sweeping=0.0 epilogue=0.0 evacuate={:.1f} evacuate.candidates=0.0 "
      "evacuate.clean_up=0.0 evacuate.copy={:.1f} evacuate.prologue=0.0 evacuate.epilogue=0.0 "
      "evacuate.rebalance=0.0 evacuate.update_pointers={:.1f} "
      "evacuate.update_pointers.to_new_roots=0.0 evacuate.update_pointers.slots.main={:.1f} "
      "evacuate.update_pointers.weak=0.0 finish=0.0 finish.sweep_array_buffers=0.0 "
      "mark={:.1f} mark.finish_incremental={:.1f} mark.roots={:.1f} "
      "mark.full_closure_parallel=0.0 mark.full_closure={:.1f} mark.ephemeron.marking=0.0 "
      "mark.ephemeron.linear=0.0 mark.embedder_prologue=0.0 mark.embedder_tracing=0.0 "
      "prologue=0.0 sweep={:.1f} sweep.code=0.0 sweep.map=0.0 sweep.new=0.0 sweep.new_lo=0.0 "
      "sweep.old={:.1f} incremental={:.1f} incremental.finalize=0.0 "
      "incremental.finalize.external.prologue=0.0 incremental.finalize.external.epilogue=0.0 "
      "incremental.layout_change=0.0 incremental.sweep_array_buffers=0.0 "
      "incremental.sweeping=0.0 incremental.embedder_prologue=0.0 "
      "incremental.embedder_tracing=0.0 incremental_wrapper_tracing_longest_step=0.0 "
      "incremental_longest_step={:.1f} incremental_steps_count={} "
      "incremental_marking_throughput={:.0f} incremental_walltime_duration={:.0f} "
      "background.mark=0.0 background.sweep=0.0 background.evacuate.copy=0.0 "
      "background.evacuate.update_pointers=0.0 background.unmapper=0.0 unmapper=0.0 "
      "total_size_before={} total_size_after={} holes_size_before={} holes_size_after={} "
      "allocated={} promoted={} new_space_survived={} nodes_died_in_new=0 "
      "nodes_copied_in_new=0 nodes_promoted=0 promotion_ratio={:.1f}% "
      "average_survival_ratio={:.1f}% promotion_rate={:.1f}% new_space_survive_rate={:.1f}% "
      "new_space_allocation_throughput={:.1f} unmapper_chunks=0 compaction_speed={:.0f}",
      e.pause_ms, e.mutator_ms, e.reduce_memory ? 1 : 0, PhaseMs(e, Phase::Clear),
      PhaseMs(e, Phase::Clear), PhaseMs(e, Phase::CompleteSweepArrayBuffers), evacuate,
      PhaseMs(e, Phase::Evacuate), PhaseMs(e, Phase::UpdatePointers),
      PhaseMs(e, Phase::UpdatePointers), mark, PhaseMs(e, Phase::MarkFinishIncremental),
      PhaseMs(e, Phase::MarkRoots), PhaseMs(e, Phase::MarkClosure), PhaseMs(e, Phase::Sweep),
      PhaseMs(e, Phase::Sweep), e.incremental_ms, e.incremental_biggest_step_ms,
      e.incremental_steps, incremental_speed, e.incremental_walltime_ms, e.start_object_size,
      e.end_object_size, e.holes_before, e.holes_after, e.allocated, e.promoted,
      e.semi_space_copied, promotion_ratio, e.average_survival_ratio, promotion_rate, copied_rate,
      allocation_throughput, compaction_speed);
}

// V8 (IncrementalMarking::Start, Step, ScheduleBytesToMarkBasedOn*, ShouldWaitForTask, Stop
// under --trace-incremental-marking). Sizes in whole MB or KB, as V8 divides them.
void PretenuringPrinter::OnPretenuring(const PretenuringEvent& e) {
  static const char* const kDecision[] = {"undecided", "don't tenure", "maybe tenure", "tenure"};
  auto name = [](std::uint8_t d) { return d < 4 ? kDecision[d] : "?"; };
  switch (e.kind) {
    case PretenuringEventKind::Site:
      if (!statistics_) return;
      // V8 prints the site's address; heaplab's sites are numbered, so the number shows
      // through a made-up address (0x5173 followed by the number in hex).
      out_ << prefix_.Text()
           << fmt::format(
                  "pretenuring: AllocationSite(0x5173{:08x}): (created, found, ratio) ({}, {}, "
                  "{:.6f}) {} => {}\n",
                  e.site, e.created, e.found, e.ratio, name(e.before), name(e.after));
      break;
    case PretenuringEventKind::Summary:
      if (!statistics_) return;
      out_ << prefix_.Text()
           << fmt::format(
                  "pretenuring: deopt_maybe_tenured={} visited_sites={} active_sites={} "
                  "mementos={} tenured={} not_tenured={}\n",
                  e.deopt_maybe_tenured ? 1 : 0, e.visited, e.active, e.mementos, e.tenured,
                  e.not_tenured);
      break;
    case PretenuringEventKind::Reset:
      if (!resets_) return;
      // V8 prints this one without the isolate prefix (PrintF).
      out_ << fmt::format(
          "Deopt all allocation sites dependent code due to low survival rate in the old "
          "generation {:.6f}\n",
          e.survival_rate);
      break;
  }
}

void IncrementalMarkingPrinter::OnMarking(const MarkingEvent& e) {
  const std::string p =
      fmt::format("{}{:8.0f} ms: [IncrementalMarking] ", prefix_.Text(), e.time_ms);
  auto mb = [](std::size_t bytes) { return bytes / MB; };
  auto kb = [](std::size_t bytes) { return bytes / KB; };
  switch (e.kind) {
    case MarkingEventKind::Start: {
      const std::size_t slack = e.limit > e.old_size ? e.limit - e.old_size : 0;
      const std::size_t global_slack =
          e.global_limit > e.old_size ? e.global_limit - e.old_size : 0;
      out_ << fmt::format(
          "{}Start ({}): (size/limit/slack) v8: {}MB / {}MB / {}MB global: {}MB / {}MB / {}MB\n", p,
          ReasonString(e.reason), mb(e.old_size), mb(e.limit), mb(slack), mb(e.old_size),
          mb(e.global_limit), mb(global_slack));
      out_ << p << "Start marking\n";
      out_ << p << "Black allocation started\n";
      out_ << p << "Running\n";
      break;
    }
    case MarkingEventKind::ScheduledByAllocation:
      out_ << fmt::format(
          "{}Scheduled {}KB to mark based on allocation (progress={}KB, allocation={}KB)\n", p,
          kb(e.value), kb(e.progress), kb(e.allocated));
      break;
    case MarkingEventKind::ScheduledByTime:
      out_ << fmt::format("{}Scheduled {}KB to mark based on time delta {:.1f}ms\n", p, kb(e.value),
                          e.ms);
      break;
    case MarkingEventKind::Step:
      // V8 (IncrementalMarking::Step, ComputeStepSizeInBytes): the speed (bytes per ms, under
      // V8's "KB/ms" label), the background's bytes, the schedule, then the step.
      out_ << fmt::format("{}Marking speed {:.0f}KB/ms\n", p, e.speed);
      if (e.concurrent)
        out_ << fmt::format("{}Marked {}KB on background threads\n", p, kb(e.marked_concurrently));
      if (e.scheduled > e.marked) {
        out_ << fmt::format("{}Marker is {}KB behind schedule\n", p, kb(e.scheduled - e.marked));
      } else {
        out_ << fmt::format("{}Marker is {}KB ahead of schedule\n", p, kb(e.marked - e.scheduled));
      }
      out_ << fmt::format("{}Step in {} V8: {}KB ({}KB), embedder: {:f}ms ({:f}ms) in {:.1f}\n", p,
                          e.by_task ? "task" : "v8", kb(e.value), kb(e.requested), 0.0, 0.0, e.ms);
      break;
    case MarkingEventKind::DelayingFinalization:
      out_ << fmt::format(
          "{}Delaying GC via stack guard. time to task: {:f}ms allowed overshoot: {:f}ms\n", p,
          e.ms, e.overshoot_ms);
      break;
    case MarkingEventKind::NotDelayingFinalization:
      out_ << fmt::format(
          "{}Not delaying marking completion. time to task: {:f}ms allowed overshoot: {:f}ms\n", p,
          e.ms, e.overshoot_ms);
      break;
    case MarkingEventKind::Stop: {
      const std::size_t overshoot = e.old_size > e.limit ? e.old_size - e.limit : 0;
      out_ << fmt::format("{}Stopping: old generation {}MB, limit {}MB, overshoot {}MB\n", p,
                          mb(e.old_size), mb(e.limit), mb(overshoot));
      out_ << p << "Black allocation finished\n";
      break;
    }
  }
}

void GcRingBuffer::OnGc(const GcEvent& e) {
  Add(FormatTraceGcLine(e, prefix_));
}

void GcRingBuffer::Add(const std::string& line) {
  const std::string s = line.substr(0, kLineMax);
  const std::size_t first = std::min(s.size(), kSize - end_);
  std::memcpy(buffer_.data() + end_, s.data(), first);
  end_ += first;
  if (first < s.size()) {
    full_ = true;
    const std::size_t second = s.size() - first;
    std::memcpy(buffer_.data(), s.data() + first, second);
    end_ = second;
  }
}

std::string GcRingBuffer::Contents() const {
  std::string out;
  if (full_) out.append(buffer_.data() + end_, kSize - end_);
  out.append(buffer_.data(), end_);
  return out;
}

// V8 prints the ring buffer from its first newline on (older lines were cut in the middle),
// unless there is none or it is the last character.
std::string FormatOomReport(const GcRingBuffer& ring, const OutOfMemory& oom) {
  const std::string last = ring.Contents();
  const std::size_t nl = last.find('\n');
  const std::string shown =
      (nl == std::string::npos || nl + 1 == last.size()) ? last : last.substr(nl);
  std::string out = "\n<--- Last few GCs --->\n" + shown + "\n";
  out += "\n<--- JS stacktrace --->\n\n";
  out += std::string("FATAL ERROR: ") + oom.what() + "\n";
  // Node's section follows; its frames would be Node's and V8's own C++ functions, which a
  // simulation does not have, so only the header and a note.
  out += "----- Native stack trace -----\n\n";
  out += " (none: heaplab simulates V8's heap; it has no V8 frames to show)\n";
  return out;
}

}  // namespace heaplab
