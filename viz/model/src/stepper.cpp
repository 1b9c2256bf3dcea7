#include <heaplab/viz/stepper.h>

#include <atomic>
#include <iomanip>
#include <sstream>

#include <unistd.h>

#include <heaplab/gc/oom.h>
#include <heaplab/traces/writer.h>

namespace heaplab::viz {

namespace {

std::string Kib(std::size_t bytes) {  // KiB, or MiB from 10 MiB on
  std::ostringstream s;
  s.precision(1);
  const double kib = static_cast<double>(bytes) / 1024.0;
  if (kib >= 10 * 1024.0) {
    s << std::fixed << kib / 1024.0 << " MiB";
  } else {
    s << std::fixed << kib << " KiB";
  }
  return s.str();
}

}  // namespace

Stepper::Stepper(const Document& doc, const GcFlags& flags) : flags_(flags) {
  file_ = doc.TraceFile();
  if (file_.empty()) {
    static std::atomic<int> counter{0};
    file_ = std::filesystem::temp_directory_path() /
            ("heaplab-viz-step-" + std::to_string(::getpid()) + "-" +
             std::to_string(counter.fetch_add(1)) + ".hlt");
    temporary_ = true;
    std::ofstream out(file_, std::ios::binary | std::ios::trunc);
    if (!out) throw std::runtime_error("cannot write " + file_.string());
    TraceWriter writer(out, {});
    LoadControl control;
    doc.Feed(writer, control);
    size_ = writer.events();
  }
  in_.open(file_, std::ios::binary);
  if (!in_) throw std::runtime_error("cannot open trace '" + file_.string() + "'");
  reader_ = std::make_unique<TraceReader>(in_, doc.Title());
  data_.title = doc.Title();
  data_.args = flags.ToArgs();
  session_ = std::make_unique<Session>(flags.ToConfig(), flags.buffer_pool_size);
  recorder_ = std::make_unique<Recorder>(data_);
  session_->tracer().AddObserver(recorder_.get());
  data_.limits.push_back({0, session_->controller().growing().limit()});
  session_->replayer().set_file(doc.Title());
  explanation_ = size_ > 0 ? "Ready: " + std::to_string(size_) + " trace events to replay."
                           : "Ready to replay " + doc.Title() + ".";
}

Stepper::~Stepper() {
  reader_.reset();
  in_.close();
  std::error_code ec;
  if (temporary_) std::filesystem::remove(file_, ec);
}

double Stepper::now_ms() {
  return session_->controller().clock().NowMs();
}

std::size_t Stepper::Advance(StepUntil until, std::size_t max_events) {
  std::size_t n = 0;
  reached_ = false;
  const std::size_t gcs_before = data_.gcs.size();
  const std::size_t marking_before = data_.marking.size();
  while (!done() && n < max_events) {
    const std::size_t gcs = data_.gcs.size();
    const std::size_t marks = data_.marking.size();
    try {
      if (!reader_->Next(last_)) {
        size_ = position_;
        at_end_ = true;
        break;
      }
      session_->replayer().Put(last_);
    } catch (const OutOfMemory& oom) {
      data_.ending = std::string("FATAL ERROR: ") + oom.what();
    } catch (const std::exception& e) {
      data_.ending = e.what();
    }
    ++position_;
    ++n;
    if (size_ > 0 && position_ >= size_) at_end_ = true;
    data_.trace_events = position_;
    data_.end_ms = now_ms();
    bool hit = until == StepUntil::Event;
    for (std::size_t i = gcs; i < data_.gcs.size() && !hit; ++i) {
      const Collector c = data_.gcs[i].collector;
      hit = until == StepUntil::Gc || (until == StepUntil::Scavenge && c == Collector::Scavenge) ||
            (until == StepUntil::MarkCompact && c == Collector::MarkCompact);
    }
    if (until == StepUntil::MarkingStep && data_.marking.size() > marks) hit = true;
    if (hit) {
      reached_ = true;
      break;
    }
  }
  Explain(gcs_before, marking_before);
  return n;
}

void Stepper::Explain(std::size_t gcs_before, std::size_t marking_before) {
  std::ostringstream s;
  s << std::fixed << std::setprecision(2);  // milliseconds
  if (!data_.ending.empty()) {
    s << "The replay stopped: " << data_.ending;
  } else if (data_.gcs.size() > gcs_before) {
    const GcEvent& e = data_.gcs.back();
    if (e.collector == Collector::Scavenge) {
      s << "Scavenge #" << e.number << " (" << ReasonString(e.reason)
        << "): live young objects were copied from from-space into to-space ("
        << Kib(e.semi_space_copied) << ", " << e.objects_copied << " objects) and those below "
        << "the age mark, which had survived once already, were promoted to old space ("
        << Kib(e.promoted) << ", " << e.objects_promoted << " objects); the rest of from-space "
        << "is garbage. Pause " << e.pause_ms << " ms.";
    } else {
      s << "Mark-Compact #" << e.number << " (" << ReasonString(e.reason) << "): ";
      if (e.incremental_steps > 0) {
        s << "marking ran incrementally in " << e.incremental_steps << " steps ("
          << e.incremental_ms << " ms) while the program ran, so the final pause only "
          << "re-scanned the roots and finished the grey worklist; ";
      } else {
        s << "every object reachable from the roots was marked in one pause; ";
      }
      s << "unmarked objects were swept into free lists"
        << (e.evacuated_pages > 0 ? ", and sparse pages were evacuated (" : "")
        << (e.evacuated_pages > 0 ? Kib(e.compacted) + " moved)" : "") << ". Heap "
        << Kib(e.start_object_size) << " -> " << Kib(e.end_object_size) << ", pause " << e.pause_ms
        << " ms.";
    }
  } else if (data_.marking.size() > marking_before) {
    const MarkingEvent& m = data_.marking.back();
    switch (m.kind) {
      case MarkingEventKind::Start:
        s << "Incremental marking started (" << ReasonString(m.reason)
          << "): the old generation neared its limit, so marking begins while the program runs.";
        break;
      case MarkingEventKind::Step:
        s << "A marking step " << (m.by_task ? "run by a task" : "paid for by allocation")
          << " blackened " << m.objects << " objects (" << Kib(m.value) << "); " << m.worklist
          << " grey objects wait, and the write barrier shaded " << m.barrier_hits
          << " objects since the last step.";
        break;
      case MarkingEventKind::Stop:
        s << "Marking is complete: the finishing pause begins.";
        break;
      default:
        s << "Incremental marking scheduled more work.";
        break;
    }
  } else if (position_ > 0) {
    s << "Replayed '" << FormatEvent(last_) << "': no collection was needed.";
  }
  explanation_ = s.str();
}

HeapSnapshot Stepper::Snapshot() {
  return TakeHeapSnapshot(session_->heap(),
                          session_->controller().incremental_marking().IsMarking(),
                          &session_->buffers().pool());
}

std::string Stepper::LastEventText() const {
  return position_ == 0 ? std::string() : FormatEvent(last_);
}

}  // namespace heaplab::viz
