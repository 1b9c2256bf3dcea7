#include <heaplab/viz/stepper.h>

#include <algorithm>
#include <atomic>
#include <iomanip>
#include <sstream>
#include <unordered_set>

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

std::string Bytes(std::size_t bytes) {  // "48 B", "12.0 KiB" from 10 KiB on
  return bytes < 10 * 1024 ? std::to_string(bytes) + " B" : Kib(bytes);
}

std::string Hex(Address a) {
  std::ostringstream s;
  s << "0x" << std::hex << a;
  return s.str();
}

}  // namespace

// Keeps the object steps of the current trace event in the stepper, with what each sentence
// needs that only the moment of the step knows (the age mark, the object being scanned or
// blackened, whether a page is an evacuation candidate).
class Stepper::StepListener : public ObjectStepObserver, public GcObserver {
 public:
  StepListener(Stepper& stepper, Heap& heap, IncrementalMarking& marking)
      : stepper_(stepper), heap_(heap), marking_(marking) {}

  // A trace event is about to be replayed: its steps replace the last event's.
  void BeginEvent() {
    stepper_.object_steps_.clear();
    stepper_.object_steps_dropped_ = 0;
    stepper_.object_cursor_ = 0;
    stepper_.resolved_ = false;
    stepper_.scan_copy_ = ScanCopyPointers{};
    in_collection_ = false;
    collections_ = 0;
    scanning_ = blackening_ = 0;
  }

  void OnCollectionStart(Collector collector) override {
    in_collection_ = true;
    collector_ = collector;
    ++collections_;
    age_mark_ = heap_.new_space().age_mark();
    scanning_ = blackening_ = 0;
    // A Scavenge while marking is on: its copies keep their originals' colours, grey ones
    // being those on the worklist now (at their original addresses).
    grey_.clear();
    colours_ = collector == Collector::Scavenge && marking_.IsMarking();
    if (colours_) {
      const std::vector<Address>& worklist = marking_.marker().worklist();
      grey_.insert(worklist.begin(), worklist.end());
    }
  }
  void OnGc(const GcEvent&) override { in_collection_ = false; }

  void OnObjectStep(const ObjectStep& step) override {
    std::vector<ObjectStepRecord>& steps = stepper_.object_steps_;
    ObjectStepRecord r;
    r.step = step;
    r.in_collection = in_collection_;
    r.collector = collector_;
    if (collections_ > 0) r.collection = static_cast<std::uint32_t>(collections_ - 1);
    switch (step.kind) {
      case ObjectStepKind::Scanned:
        scanning_ = step.to;
        break;
      case ObjectStepKind::Copied:
      case ObjectStepKind::Promoted:
        r.below_age_mark = step.from != step.to && step.from < age_mark_;
        r.referrer = scanning_;
        if (colours_ && in_collection_) {
          r.colour = !marking_.marker().IsMarked(step.from) ? MarkColour::White
                     : grey_.count(step.from) != 0          ? MarkColour::Grey
                                                            : MarkColour::Black;
        }
        break;
      case ObjectStepKind::Blackened:
        blackening_ = step.from;
        break;
      case ObjectStepKind::Greyed:
        r.referrer = blackening_;
        break;
      case ObjectStepKind::BarrierHit:
        // The barrier's greying was reported just before as a plain Greyed step: this one
        // says more.
        if (!steps.empty() && steps.back().step.kind == ObjectStepKind::Greyed &&
            steps.back().step.from == step.to) {
          steps.pop_back();
        }
        break;
      case ObjectStepKind::Moved: {
        const Chunk* c = heap_.ChunkOf(step.from);
        r.from_candidate = c != nullptr && c->Is(kEvacuationCandidate);
        break;
      }
      case ObjectStepKind::Freed:
        break;
    }
    if (steps.size() >= kMaxObjectSteps) {
      ++stepper_.object_steps_dropped_;
      return;
    }
    steps.push_back(r);
  }

 private:
  Stepper& stepper_;
  Heap& heap_;
  IncrementalMarking& marking_;
  bool colours_ = false;              // a Scavenge while marking: record the colours
  std::unordered_set<Address> grey_;  // the worklist when that Scavenge began
  bool in_collection_ = false;
  Collector collector_ = Collector::Scavenge;
  std::size_t collections_ = 0;  // collections begun in this event
  Address age_mark_ = 0;
  Address scanning_ = 0;    // the object whose slots a Scavenge is visiting
  Address blackening_ = 0;  // the object marking is blackening
};

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
  listener_ = std::make_unique<StepListener>(*this, session_->heap(),
                                             session_->controller().incremental_marking());
  session_->tracer().AddObserver(listener_.get());
  session_->tracer().SetStepObserver(listener_.get());
  data_.limits.push_back({0, session_->controller().growing().limit()});
  session_->replayer().set_file(doc.Title());
  explanation_ = size_ > 0 ? "Ready: " + std::to_string(size_) + " trace events to replay."
                           : "Ready to replay " + doc.Title() + ".";
}

Stepper::~Stepper() {
  session_->tracer().SetStepObserver(nullptr);
  session_->tracer().RemoveObserver(listener_.get());
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
      listener_->BeginEvent();
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

bool Stepper::NextObjectStep() {
  if (object_cursor_ >= object_steps_.size()) return false;
  ++object_cursor_;
  return true;
}

void Stepper::ResolveIds() {
  if (resolved_) return;
  resolved_ = true;
  moves_.clear();
  ids_.clear();
  for (const ObjectStepRecord& r : object_steps_) {
    const ObjectStep& st = r.step;
    if ((st.kind == ObjectStepKind::Copied || st.kind == ObjectStepKind::Promoted ||
         st.kind == ObjectStepKind::Moved) &&
        st.from != st.to) {
      moves_[st.from] = st.to;
    }
  }
  session_->heap().ids().ForEachLive([this](Id id, Address a) { ids_[a] = id; });
}

Address Stepper::After(Address a) const {
  // A Scavenge may copy an object that a full GC in the same event then promotes or moves.
  for (int hops = 0; hops < 4; ++hops) {
    auto it = moves_.find(a);
    if (it == moves_.end()) break;
    a = it->second;
  }
  return a;
}

namespace {
// The address a step's object has at the end of its step (its host's for a barrier hit: the
// object stored, see ObjectStep).
Address StepObject(const ObjectStep& st) {
  switch (st.kind) {
    case ObjectStepKind::Copied:
    case ObjectStepKind::Promoted:
    case ObjectStepKind::Moved:
    case ObjectStepKind::Scanned:
    case ObjectStepKind::BarrierHit:
      return st.to;
    case ObjectStepKind::Greyed:
    case ObjectStepKind::Blackened:
      return st.from;
    case ObjectStepKind::Freed:
      break;
  }
  return 0;
}
}  // namespace

Address Stepper::CurrentObjectAddress() {
  const ObjectStepRecord* r = CurrentObjectStep();
  if (r == nullptr) return 0;
  ResolveIds();
  const Address a = StepObject(r->step);
  if (a == 0) return 0;
  const Address now = After(a);
  return ids_.count(now) != 0 || session_->heap().ChunkOf(now) != nullptr ? now : 0;
}

ScanCopyPointers Stepper::CurrentScanCopy() {
  // The Scavenge of the current step. Before the first step there is none: the map shows
  // the heap after the event, not faded to an empty to-space.
  const ObjectStepRecord* scavenge = CurrentObjectStep();
  if (scavenge == nullptr || !scavenge->in_collection || scavenge->collector != Collector::Scavenge)
    return {};
  // Go on from the last answer when the cursor has only moved on within the same Scavenge
  // (Advance resets the cursor: a smaller cursor starts over).
  if (!scan_copy_.valid || scan_copy_collection_ != scavenge->collection ||
      scan_copy_cursor_ > object_cursor_) {
    scan_copy_ = ScanCopyPointers{};
    scan_copy_.valid = true;
    scan_copy_collection_ = scavenge->collection;
    scan_copy_cursor_ = 0;
  }
  // The Scavenge copied into the to-space the heap has now (a second Scavenge in the same
  // event would have flipped the semispaces: the first one's steps then fall outside).
  const Chunk& to = session_->heap().new_space().to_space().chunk();
  for (; scan_copy_cursor_ < object_cursor_; ++scan_copy_cursor_) {
    const ObjectStepRecord& r = object_steps_[scan_copy_cursor_];
    if (!r.in_collection || r.collection != scan_copy_collection_) continue;
    const ObjectStep& st = r.step;
    // Promoted objects, and their scanning from the worklist, are not in to-space.
    if (st.to < to.start() || st.to >= to.end()) continue;
    const std::size_t end = st.to - to.start() + st.size;
    if (st.kind == ObjectStepKind::Copied) {
      scan_copy_.copy = std::max(scan_copy_.copy, end);
    } else if (st.kind == ObjectStepKind::Scanned) {
      // The last scanned, not the furthest: a large copy allocated outside the copy buffers
      // is scanned from a worklist, and the scan pointer then goes on where it was.
      scan_copy_.scan = end;
    }
  }
  return scan_copy_;
}

Id Stepper::ObjectStepId(std::size_t i) {
  if (i >= object_steps_.size()) return 0;
  ResolveIds();
  const Address a = StepObject(object_steps_[i].step);
  if (a == 0) return 0;
  auto it = ids_.find(After(a));
  return it != ids_.end() ? it->second : 0;
}

std::size_t Stepper::SizeNow(Address a) const {
  if (a == 0) return 0;
  const Address now = After(a);
  // Only a live id's object is read: a dead one's memory may be released.
  return ids_.count(now) != 0 ? HeapObject(now).size() : 0;
}

std::string Stepper::Name(Address a, std::size_t size) {
  auto it = ids_.find(After(a));
  const std::string bytes = size > 0 ? " (" + Bytes(size) + ")" : "";
  return it != ids_.end() ? "object " + std::to_string(it->second) + bytes : "an object" + bytes;
}

std::string Stepper::ObjectStepText(std::size_t i) {
  if (i >= object_steps_.size()) return {};
  ResolveIds();
  const ObjectStepRecord& r = object_steps_[i];
  const ObjectStep& st = r.step;
  const std::size_t host_size = SizeNow(r.referrer);
  std::string s;
  switch (st.kind) {
    case ObjectStepKind::Copied:
      s = Name(st.to, st.size) + " copied from from-space to to-space: " +
          (r.referrer != 0 ? "reachable from " + Name(r.referrer, host_size) +
                                 ", whose slots the scan pointer is visiting"
                           : "a root or a remembered old-to-new slot references it") +
          "; it had not survived a Scavenge yet (above the age mark), so it stays young.";
      break;
    case ObjectStepKind::Promoted:
      if (st.from == st.to) {
        s = "Large " + Name(st.to, st.size) +
            " promoted whole: it survived, and its chunk moves to the large object space "
            "without being copied.";
      } else if (r.in_collection && r.collector == Collector::MarkCompact) {
        s = Name(st.to, st.size) +
            " promoted to old space: it is marked live, and a full GC empties new space by "
            "promoting every live young object.";
      } else {
        s = Name(st.to, st.size) + " promoted to old space: " +
            (r.below_age_mark ? "it survived one Scavenge already (below the age mark)"
                              : "to-space has no room left for it") +
            (r.referrer != 0 ? "; reachable from " + Name(r.referrer, host_size) + "."
                             : "; a root or a remembered old-to-new slot references it.");
      }
      break;
    case ObjectStepKind::Scanned:
      s = (session_->heap().InYoung(After(st.to)) ? "The scan pointer reaches "
                                                  : "The worklist of promoted objects gives ") +
          Name(st.to, st.size) +
          ": its slots are visited, and the young objects they reference are evacuated next.";
      break;
    case ObjectStepKind::Greyed:
      s = Name(st.from, st.size) + " turns grey: " +
          (r.referrer != 0 ? "black " + Name(r.referrer, host_size) + " references it"
                           : "a root references it") +
          "; it waits on the worklist for its slots to be visited.";
      break;
    case ObjectStepKind::Blackened:
      s = Name(st.from, st.size) +
          " turns black: taken from the worklist, its slots are visited and the white "
          "objects they reference turn grey.";
      break;
    case ObjectStepKind::BarrierHit: {
      const std::string host = Name(st.from, SizeNow(st.from));
      s = "The write barrier greys " + Name(st.to, st.size) + ": the program stored it into " +
          host +
          (st.host_marked ? ", which marking has already reached, and no black object may "
                            "point to a white one."
                          : ", still white; the insertion barrier greys every white object "
                            "stored while marking runs.");
      break;
    }
    case ObjectStepKind::Freed:
      s = Bytes(st.size) + " at " + Hex(st.from) +
          " became free: no live object lies there, so the sweeper turns it into a free-list "
          "block (a page or a large object with nothing live is released whole).";
      break;
    case ObjectStepKind::Moved:
      s = Name(st.to, st.size) +
          (r.from_candidate
               ? " moved off an evacuation candidate: its page is mostly free, so the page's "
                 "live objects move elsewhere and the page is released."
               : " slid down toward the start of old space (sliding compaction), closing the "
                 "gaps the dead objects left.");
      break;
  }
  switch (r.colour) {
    case MarkColour::None:
      break;
    case MarkColour::White:
      s += " Marking is under way: the copy keeps the original's colour, white (marking has not "
           "reached it yet).";
      break;
    case MarkColour::Grey:
      s += " Marking is under way: the copy keeps the original's colour, grey (its worklist "
           "entry follows it to the new address).";
      break;
    case MarkColour::Black:
      s += " Marking is under way: the copy keeps the original's colour, black (its slots "
           "were visited already).";
      break;
  }
  if (!s.empty() && s[0] >= 'a' && s[0] <= 'z') s[0] = static_cast<char>(s[0] - 'a' + 'A');
  return s;
}

HeapSnapshot Stepper::Snapshot() {
  IncrementalMarking& marking = session_->controller().incremental_marking();
  return TakeHeapSnapshot(session_->heap(), marking.IsMarking(), &session_->buffers().pool(),
                          &marking.marker().worklist());
}

std::string Stepper::LastEventText() const {
  return position_ == 0 ? std::string() : FormatEvent(last_);
}

}  // namespace heaplab::viz
