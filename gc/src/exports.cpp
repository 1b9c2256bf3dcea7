#include <heaplab/gc/exports.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace heaplab {

namespace {

using json = nlohmann::ordered_json;

constexpr std::array<const char*, kPhaseCount> kPhaseNames = {
    "scavenge.roots",
    "scavenge.parallel",
    "scavenge.weak",
    "scavenge.update_refs",
    "scavenge.sweep_large",
    "scavenge.sweep_array_buffers",
    "mark.finish_incremental",
    "mark.roots",
    "mark.full_closure",
    "clear",
    "sweep.old",
    "evacuate.copy",
    "evacuate.update_pointers",
    "complete.sweep_array_buffers",
};

const char* CollectorText(Collector c) {
  return c == Collector::Scavenge ? "Scavenge" : "Mark-Compact";
}

const char* HeapKindText(HeapEventKind k) {
  switch (k) {
    case HeapEventKind::SemiSpaceGrow:
      return "semi_space_grow";
    case HeapEventKind::SemiSpaceShrink:
      return "semi_space_shrink";
    case HeapEventKind::LimitChange:
      return "limit_change";
  }
  return "?";
}

constexpr std::array<const char*, 7> kMarkingKinds = {
    "start", "scheduled_by_allocation", "scheduled_by_time",
    "step",  "delaying_finalization",   "not_delaying_finalization",
    "stop"};

const char* MarkingKindText(MarkingEventKind k) {
  return kMarkingKinds[static_cast<std::size_t>(k)];
}

const char* SweepingKindText(SweepingEventKind k) {
  return k == SweepingEventKind::Step ? "step" : "complete";
}

const char* PretenuringKindText(PretenuringEventKind k) {
  switch (k) {
    case PretenuringEventKind::Site:
      return "site";
    case PretenuringEventKind::Summary:
      return "summary";
    case PretenuringEventKind::Reset:
      return "reset";
  }
  return "?";
}

// PretenureDecision (pretenuring.h) by its number.
constexpr std::array<const char*, 4> kDecisions = {"undecided", "dont_tenure", "maybe_tenure",
                                                   "tenure"};

const char* DecisionText(std::uint8_t d) {
  return d < kDecisions.size() ? kDecisions[d] : "?";
}

json Spaces(const std::array<SpaceStats, kSpaceCount>& spaces) {
  json out = json::object();
  for (int i = 0; i < kSpaceCount; ++i) {
    const SpaceStats& s = spaces[static_cast<std::size_t>(i)];
    out[SpaceName(static_cast<SpaceId>(i))] = {
        {"size", s.size}, {"committed", s.committed}, {"available", s.available}};
  }
  return out;
}

// Reading: every field the writer writes is read back; a missing field, or one of the wrong
// type, is an error that names it.
class Fields {
 public:
  explicit Fields(const json& j) : j_(j) {}

  const json& At(const char* name) const {
    const auto it = j_.find(name);
    if (it == j_.end()) throw std::invalid_argument(fmt::format("missing field '{}'", name));
    return *it;
  }
  double Double(const char* name) const {
    const json& v = At(name);
    if (!v.is_number())
      throw std::invalid_argument(fmt::format("field '{}': expected a number", name));
    return v.get<double>();
  }
  std::size_t Size(const char* name) const { return SizeOf(At(name), name); }
  // A field added within a version: files written before it lack it.
  bool Has(const char* name) const { return j_.contains(name); }
  int Int(const char* name) const {
    const json& v = At(name);
    if (!v.is_number_integer() || v.get<std::int64_t>() < -(1LL << 31) ||
        v.get<std::int64_t>() >= (1LL << 31))
      throw std::invalid_argument(fmt::format("field '{}': expected an integer", name));
    return static_cast<int>(v.get<std::int64_t>());
  }
  bool Bool(const char* name) const {
    const json& v = At(name);
    if (!v.is_boolean())
      throw std::invalid_argument(fmt::format("field '{}': expected true or false", name));
    return v.get<bool>();
  }
  std::string String(const char* name) const {
    const json& v = At(name);
    if (!v.is_string())
      throw std::invalid_argument(fmt::format("field '{}': expected a string", name));
    return v.get<std::string>();
  }
  static std::size_t SizeOf(const json& v, const std::string& name) {
    if (!v.is_number_unsigned())
      throw std::invalid_argument(
          fmt::format("field '{}': expected an unsigned integer (bytes or a count)", name));
    return static_cast<std::size_t>(v.get<std::uint64_t>());
  }

 private:
  const json& j_;
};

void ReadSpaces(const Fields& f, const char* name, std::array<SpaceStats, kSpaceCount>& out) {
  const json& spaces = f.At(name);
  if (!spaces.is_object())
    throw std::invalid_argument(fmt::format("field '{}': expected an object of spaces", name));
  for (int i = 0; i < kSpaceCount; ++i) {
    const char* space = SpaceName(static_cast<SpaceId>(i));
    const Fields s(Fields(spaces).At(space));
    if (!Fields(spaces).At(space).is_object())
      throw std::invalid_argument(fmt::format("field '{}.{}': expected an object", name, space));
    SpaceStats& st = out[static_cast<std::size_t>(i)];
    st.size = s.Size("size");
    st.committed = s.Size("committed");
    st.available = s.Size("available");
  }
}

GcEvent ReadGc(const Fields& f) {
  GcEvent e;
  e.number = f.Int("number");
  const std::string collector = f.String("collector");
  if (collector == "Scavenge") {
    e.collector = Collector::Scavenge;
  } else if (collector == "Mark-Compact") {
    e.collector = Collector::MarkCompact;
  } else {
    throw std::invalid_argument(
        "field 'collector': expected \"Scavenge\" or \"Mark-Compact\", found \"" + collector +
        "\"");
  }
  e.reduce_memory = f.Bool("reduce_memory");
  const std::string reason = f.String("reason");
  if (!ParseReason(reason, e.reason))
    throw std::invalid_argument("field 'reason': unknown reason \"" + reason + "\"");
  e.collector_reason = f.String("collector_reason");
  e.start_ms = f.Double("start_ms");
  e.end_ms = f.Double("end_ms");
  e.pause_ms = f.Double("pause_ms");
  e.mutator_ms = f.Double("mutator_ms");
  const json& phases = f.At("phase_ms");
  if (!phases.is_object()) throw std::invalid_argument("field 'phase_ms': expected an object");
  for (std::size_t p = 0; p < kPhaseCount; ++p)
    e.phase_ms[p] = Fields(phases).Double(kPhaseNames[p]);
  e.start_object_size = f.Size("start_object_size");
  e.end_object_size = f.Size("end_object_size");
  e.start_memory_size = f.Size("start_memory_size");
  e.end_memory_size = f.Size("end_memory_size");
  ReadSpaces(f, "before", e.before);
  ReadSpaces(f, "after", e.after);
  e.holes_before = f.Size("holes_before");
  e.holes_after = f.Size("holes_after");
  e.allocated = f.Size("allocated");
  e.promoted = f.Size("promoted");
  e.semi_space_copied = f.Size("semi_space_copied");
  e.objects_promoted = f.Size("objects_promoted");
  e.objects_copied = f.Size("objects_copied");
  e.young_before = f.Size("young_before");
  e.compacted = f.Size("compacted");
  e.evacuated_pages = f.Size("evacuated_pages");
  e.new_space_capacity = f.Size("new_space_capacity");
  e.incremental_steps = f.Int("incremental_steps");
  e.incremental_ms = f.Double("incremental_ms");
  e.incremental_biggest_step_ms = f.Double("incremental_biggest_step_ms");
  e.incremental_walltime_ms = f.Double("incremental_walltime_ms");
  e.survival_ratio = f.Double("survival_ratio");
  e.average_survival_ratio = f.Double("average_survival_ratio");
  e.total_gc_ms = f.Double("total_gc_ms");
  e.external_memory = f.Size("external_memory");
  e.average_mu = f.Double("average_mu");
  e.current_mu = f.Double("current_mu");
  return e;
}

HeapEvent ReadHeap(const Fields& f) {
  HeapEvent e{};
  const std::string kind = f.String("kind");
  if (kind == "semi_space_grow") {
    e.kind = HeapEventKind::SemiSpaceGrow;
  } else if (kind == "semi_space_shrink") {
    e.kind = HeapEventKind::SemiSpaceShrink;
  } else if (kind == "limit_change") {
    e.kind = HeapEventKind::LimitChange;
  } else {
    throw std::invalid_argument("field 'kind': unknown heap event kind \"" + kind + "\"");
  }
  e.time_ms = f.Double("time_ms");
  e.value = f.Size("value");
  e.previous = f.Size("previous");
  e.factor = f.Double("factor");
  e.limit_factor = f.Double("limit_factor");
  e.gc_speed = f.Double("gc_speed");
  e.mutator_speed = f.Double("mutator_speed");
  e.old_size = f.Size("old_size");
  e.global_limit = f.Size("global_limit");
  return e;
}

MarkingEvent ReadMarking(const Fields& f) {
  MarkingEvent e;
  const std::string kind = f.String("kind");
  const auto it = std::find(kMarkingKinds.begin(), kMarkingKinds.end(), kind);
  if (it == kMarkingKinds.end())
    throw std::invalid_argument("field 'kind': unknown marking event kind \"" + kind + "\"");
  e.kind = static_cast<MarkingEventKind>(it - kMarkingKinds.begin());
  e.time_ms = f.Double("time_ms");
  const std::string reason = f.String("reason");
  if (!ParseReason(reason, e.reason))
    throw std::invalid_argument("field 'reason': unknown reason \"" + reason + "\"");
  e.by_task = f.Bool("by_task");
  e.value = f.Size("value");
  e.requested = f.Size("requested");
  e.progress = f.Size("progress");
  e.allocated = f.Size("allocated");
  e.objects = f.Size("objects");
  e.worklist = f.Size("worklist");
  e.barrier_hits = f.Size("barrier_hits");
  e.ms = f.Double("ms");
  e.overshoot_ms = f.Double("overshoot_ms");
  e.old_size = f.Size("old_size");
  e.limit = f.Size("limit");
  e.global_limit = f.Size("global_limit");
  // Added within version 2 with background marking: a step's schedule as it saw it.
  if (f.Has("speed")) {
    e.speed = f.Double("speed");
    e.scheduled = f.Size("scheduled");
    e.marked = f.Size("marked");
    e.concurrent = f.Bool("concurrent");
    e.marked_concurrently = f.Size("marked_concurrently");
  }
  if (f.Has("prepared")) e.prepared = f.Size("prepared");
  return e;
}

SweepingEvent ReadSweeping(const Fields& f) {
  SweepingEvent e;
  const std::string kind = f.String("kind");
  if (kind == "step") {
    e.kind = SweepingEventKind::Step;
  } else if (kind == "complete") {
    e.kind = SweepingEventKind::Complete;
  } else {
    throw std::invalid_argument("field 'kind': unknown sweeping event kind \"" + kind + "\"");
  }
  e.time_ms = f.Double("time_ms");
  e.ms = f.Double("ms");
  e.by_task = f.Bool("by_task");
  e.pages = f.Size("pages");
  e.freed = f.Size("freed");
  e.pages_left = f.Size("pages_left");
  return e;
}

std::uint8_t ReadDecision(const Fields& f, const char* name) {
  const std::string d = f.String(name);
  const auto it = std::find(kDecisions.begin(), kDecisions.end(), d);
  if (it == kDecisions.end())
    throw std::invalid_argument(fmt::format(
        "field '{}': expected undecided, dont_tenure, maybe_tenure or tenure, found \"{}\"", name,
        d));
  return static_cast<std::uint8_t>(it - kDecisions.begin());
}

PretenuringEvent ReadPretenuring(const Fields& f) {
  PretenuringEvent e;
  const std::string kind = f.String("kind");
  if (kind == "site") {
    e.kind = PretenuringEventKind::Site;
  } else if (kind == "summary") {
    e.kind = PretenuringEventKind::Summary;
  } else if (kind == "reset") {
    e.kind = PretenuringEventKind::Reset;
  } else {
    throw std::invalid_argument("field 'kind': unknown pretenuring event kind \"" + kind + "\"");
  }
  e.time_ms = f.Double("time_ms");
  e.site = f.Size("site");
  e.created = f.Int("created");
  e.found = f.Int("found");
  e.ratio = f.Double("ratio");
  e.before = ReadDecision(f, "before");
  e.after = ReadDecision(f, "after");
  e.deopt_maybe_tenured = f.Bool("deopt_maybe_tenured");
  e.visited = f.Int("visited");
  e.active = f.Int("active");
  e.mementos = f.Int("mementos");
  e.tenured = f.Int("tenured");
  e.not_tenured = f.Int("not_tenured");
  e.survival_rate = f.Double("survival_rate");
  return e;
}

json Parse(std::string_view line) {
  json j = json::parse(line.begin(), line.end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) throw std::invalid_argument("not a JSON object (malformed JSON)");
  if (!j.is_object()) throw std::invalid_argument("expected a JSON object");
  return j;
}

}  // namespace

const char* PhaseName(Phase phase) {
  return kPhaseNames[static_cast<std::size_t>(phase)];
}

// --- events file -------------------------------------------------------------------------------

EventsWriter::EventsWriter(std::ostream& out, const EventsHeader& header) : out_(out) {
  const json j = {{"schema", "heaplab-events"},
                  {"version", header.version},
                  {"pid", header.prefix.pid},
                  {"isolate", header.prefix.isolate},
                  {"max_heap_size", header.max_heap_size},
                  {"source", header.source}};
  out_ << j.dump() << '\n';
}

void EventsWriter::OnGc(const GcEvent& e) {
  json phases = json::object();
  for (std::size_t p = 0; p < kPhaseCount; ++p)
    phases[kPhaseNames[p]] = e.phase_ms[p];
  const json j = {{"type", "gc"},
                  {"number", e.number},
                  {"collector", CollectorText(e.collector)},
                  {"reduce_memory", e.reduce_memory},
                  {"reason", ReasonString(e.reason)},
                  {"collector_reason", e.collector_reason},
                  {"start_ms", e.start_ms},
                  {"end_ms", e.end_ms},
                  {"pause_ms", e.pause_ms},
                  {"mutator_ms", e.mutator_ms},
                  {"phase_ms", phases},
                  {"start_object_size", e.start_object_size},
                  {"end_object_size", e.end_object_size},
                  {"start_memory_size", e.start_memory_size},
                  {"end_memory_size", e.end_memory_size},
                  {"before", Spaces(e.before)},
                  {"after", Spaces(e.after)},
                  {"holes_before", e.holes_before},
                  {"holes_after", e.holes_after},
                  {"allocated", e.allocated},
                  {"promoted", e.promoted},
                  {"semi_space_copied", e.semi_space_copied},
                  {"objects_promoted", e.objects_promoted},
                  {"objects_copied", e.objects_copied},
                  {"young_before", e.young_before},
                  {"compacted", e.compacted},
                  {"evacuated_pages", e.evacuated_pages},
                  {"new_space_capacity", e.new_space_capacity},
                  {"incremental_steps", e.incremental_steps},
                  {"incremental_ms", e.incremental_ms},
                  {"incremental_biggest_step_ms", e.incremental_biggest_step_ms},
                  {"incremental_walltime_ms", e.incremental_walltime_ms},
                  {"survival_ratio", e.survival_ratio},
                  {"average_survival_ratio", e.average_survival_ratio},
                  {"total_gc_ms", e.total_gc_ms},
                  {"external_memory", e.external_memory},
                  {"average_mu", e.average_mu},
                  {"current_mu", e.current_mu}};
  out_ << j.dump() << '\n';
}

void EventsWriter::OnHeapEvent(const HeapEvent& e) {
  const json j = {{"type", "heap"},
                  {"kind", HeapKindText(e.kind)},
                  {"time_ms", e.time_ms},
                  {"value", e.value},
                  {"previous", e.previous},
                  {"factor", e.factor},
                  {"limit_factor", e.limit_factor},
                  {"gc_speed", e.gc_speed},
                  {"mutator_speed", e.mutator_speed},
                  {"old_size", e.old_size},
                  {"global_limit", e.global_limit}};
  out_ << j.dump() << '\n';
}

void EventsWriter::OnMarking(const MarkingEvent& e) {
  const json j = {{"type", "marking"},
                  {"kind", MarkingKindText(e.kind)},
                  {"time_ms", e.time_ms},
                  {"reason", ReasonString(e.reason)},
                  {"by_task", e.by_task},
                  {"value", e.value},
                  {"requested", e.requested},
                  {"progress", e.progress},
                  {"allocated", e.allocated},
                  {"objects", e.objects},
                  {"worklist", e.worklist},
                  {"barrier_hits", e.barrier_hits},
                  {"ms", e.ms},
                  {"overshoot_ms", e.overshoot_ms},
                  {"old_size", e.old_size},
                  {"limit", e.limit},
                  {"global_limit", e.global_limit},
                  {"speed", e.speed},
                  {"scheduled", e.scheduled},
                  {"marked", e.marked},
                  {"concurrent", e.concurrent},
                  {"marked_concurrently", e.marked_concurrently},
                  {"prepared", e.prepared}};
  out_ << j.dump() << '\n';
}

void EventsWriter::OnSweeping(const SweepingEvent& e) {
  const json j = {{"type", "sweeping"},   {"kind", SweepingKindText(e.kind)},
                  {"time_ms", e.time_ms}, {"ms", e.ms},
                  {"by_task", e.by_task}, {"pages", e.pages},
                  {"freed", e.freed},     {"pages_left", e.pages_left}};
  out_ << j.dump() << '\n';
}

void EventsWriter::OnPretenuring(const PretenuringEvent& e) {
  const json j = {{"type", "pretenuring"},
                  {"kind", PretenuringKindText(e.kind)},
                  {"time_ms", e.time_ms},
                  {"site", e.site},
                  {"created", e.created},
                  {"found", e.found},
                  {"ratio", e.ratio},
                  {"before", DecisionText(e.before)},
                  {"after", DecisionText(e.after)},
                  {"deopt_maybe_tenured", e.deopt_maybe_tenured},
                  {"visited", e.visited},
                  {"active", e.active},
                  {"mementos", e.mementos},
                  {"tenured", e.tenured},
                  {"not_tenured", e.not_tenured},
                  {"survival_rate", e.survival_rate}};
  out_ << j.dump() << '\n';
}

void EventsWriter::Finish(const EventsEnd& end) {
  const json j = {{"type", "end"},
                  {"end_ms", end.end_ms},
                  {"committed", end.committed},
                  {"allocated", end.allocated},
                  {"end_state", end.end_state},
                  {"exit_status", end.exit_status}};
  out_ << j.dump() << '\n';
}

EventsHeader ParseEventsHeader(std::string_view line) {
  const json j = json::parse(line.begin(), line.end(), nullptr, /*allow_exceptions=*/false);
  if (!j.is_object() || !j.contains("schema") || !j["schema"].is_string() ||
      j["schema"] != "heaplab-events")
    throw std::invalid_argument(
        "not an events file: expected a header line with \"schema\":\"heaplab-events\"");
  const Fields f(j);
  EventsHeader h;
  h.version = f.Int("version");
  if (h.version < kOldestEventsVersion || h.version > kEventsVersion)
    throw std::invalid_argument(
        fmt::format("events file version {}; this heaplab reads versions {} to {}", h.version,
                    kOldestEventsVersion, kEventsVersion));
  h.prefix.pid = f.Int("pid");
  h.prefix.isolate = static_cast<Address>(f.Size("isolate"));
  h.max_heap_size = f.Size("max_heap_size");
  h.source = f.String("source");
  return h;
}

EventRecord ParseEventLine(std::string_view line) {
  const json j = Parse(line);
  const Fields f(j);
  const std::string type = f.String("type");
  EventRecord r;
  if (type == "gc") {
    r.type = EventRecord::Type::Gc;
    r.gc = ReadGc(f);
  } else if (type == "heap") {
    r.type = EventRecord::Type::Heap;
    r.heap = ReadHeap(f);
  } else if (type == "marking") {
    r.type = EventRecord::Type::Marking;
    r.marking = ReadMarking(f);
  } else if (type == "sweeping") {
    r.type = EventRecord::Type::Sweeping;
    r.sweeping = ReadSweeping(f);
  } else if (type == "pretenuring") {
    r.type = EventRecord::Type::Pretenuring;
    r.pretenuring = ReadPretenuring(f);
  } else if (type == "end") {
    r.type = EventRecord::Type::End;
    r.end.end_ms = f.Double("end_ms");
    r.end.committed = f.Size("committed");
    r.end.allocated = f.Size("allocated");
    r.end.end_state = f.String("end_state");
    r.end.exit_status = f.Int("exit_status");
  } else {
    throw std::invalid_argument(
        "field 'type': expected gc, heap, marking, sweeping, pretenuring or end, found \"" + type +
        "\"");
  }
  return r;
}

void Dispatch(const EventRecord& record, GcObserver& observer) {
  switch (record.type) {
    case EventRecord::Type::Gc:
      observer.OnGc(record.gc);
      break;
    case EventRecord::Type::Heap:
      observer.OnHeapEvent(record.heap);
      break;
    case EventRecord::Type::Marking:
      observer.OnMarking(record.marking);
      break;
    case EventRecord::Type::Sweeping:
      observer.OnSweeping(record.sweeping);
      break;
    case EventRecord::Type::Pretenuring:
      observer.OnPretenuring(record.pretenuring);
      break;
    case EventRecord::Type::End:
      break;
  }
}

// --- CSV ---------------------------------------------------------------------------------------

namespace {

// RFC 4180: a field with a comma, quote or line end is quoted, its quotes doubled.
std::string CsvField(std::string_view s) {
  if (s.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(s);
  std::string out = "\"";
  for (const char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + '"';
}

}  // namespace

CsvWriter::CsvWriter(std::ostream& out) : out_(out) {
  std::string h =
      "number,collector,reduce_memory,reason,collector_reason,start_ms,end_ms,pause_ms,mutator_ms";
  for (std::size_t p = 0; p < kPhaseCount; ++p)
    h += fmt::format(",{}_ms", kPhaseNames[p]);
  h += ",start_object_size,end_object_size,start_memory_size,end_memory_size";
  for (const char* when : {"before", "after"}) {
    for (int i = 0; i < kSpaceCount; ++i) {
      const char* space = SpaceName(static_cast<SpaceId>(i));
      h += fmt::format(",{0}_size_{1},{0}_committed_{1}", space, when);
    }
  }
  h += ",allocated,promoted,semi_space_copied,new_space_capacity,compacted,incremental_steps,"
       "incremental_ms,survival_ratio,external_memory,average_mu,current_mu\n";
  out_ << h;
}

void CsvWriter::OnGc(const GcEvent& e) {
  std::string row =
      fmt::format("{},{},{},{},{},{},{},{},{}", e.number, CollectorText(e.collector),
                  e.reduce_memory ? 1 : 0, CsvField(ReasonString(e.reason)),
                  CsvField(e.collector_reason), e.start_ms, e.end_ms, e.pause_ms, e.mutator_ms);
  for (std::size_t p = 0; p < kPhaseCount; ++p)
    row += fmt::format(",{}", e.phase_ms[p]);
  row += fmt::format(",{},{},{},{}", e.start_object_size, e.end_object_size, e.start_memory_size,
                     e.end_memory_size);
  for (const auto* spaces : {&e.before, &e.after}) {
    for (const SpaceStats& s : *spaces)
      row += fmt::format(",{},{}", s.size, s.committed);
  }
  row += fmt::format(",{},{},{},{},{},{},{},{},{},{},{}\n", e.allocated, e.promoted,
                     e.semi_space_copied, e.new_space_capacity, e.compacted, e.incremental_steps,
                     e.incremental_ms, e.survival_ratio, e.external_memory, e.average_mu,
                     e.current_mu);
  out_ << row;
}

// --- Chrome trace ------------------------------------------------------------------------------

namespace {

double Micros(double ms) {
  return ms * 1000.0;
}

}  // namespace

ChromeTraceWriter::ChromeTraceWriter(std::ostream& out, int pid, std::string_view process)
    : out_(out), pid_(pid) {
  out_ << "{\"displayTimeUnit\":\"ms\",\"traceEvents\":[\n";
  auto meta = [&](const char* name, int tid, std::string_view value) {
    Write(json{{"name", name},
               {"ph", "M"},
               {"ts", 0},
               {"pid", pid_},
               {"tid", tid},
               {"args", {{"name", value}}}}
              .dump());
  };
  meta("process_name", 0, process);
  meta("thread_name", kPauseTrack, "GC pauses (main thread)");
  meta("thread_name", kStepTrack, "Incremental marking and lazy sweeping steps");
}

ChromeTraceWriter::~ChromeTraceWriter() {
  Finish();
}

void ChromeTraceWriter::Write(const std::string& event_json) {
  out_ << (first_ ? "" : ",\n") << event_json;
  first_ = false;
}

void ChromeTraceWriter::Finish() {
  if (finished_) return;
  finished_ = true;
  out_ << "\n]}\n";
  out_.flush();
}

void ChromeTraceWriter::OnGc(const GcEvent& e) {
  const double start = Micros(e.start_ms);
  const double pause = std::max(0.0, Micros(e.pause_ms));
  std::string name = CollectorText(e.collector);
  if (e.reduce_memory) name += " (reduce)";
  Write(json{{"name", name},
             {"cat", "gc"},
             {"ph", "X"},
             {"ts", start},
             {"dur", pause},
             {"pid", pid_},
             {"tid", kPauseTrack},
             {"args",
              {{"number", e.number},
               {"reason", ReasonString(e.reason)},
               {"collector_reason", e.collector_reason},
               {"before_MB", static_cast<double>(e.start_object_size) / (1024.0 * 1024.0)},
               {"after_MB", static_cast<double>(e.end_object_size) / (1024.0 * 1024.0)},
               {"promoted", e.promoted},
               {"average_mu", e.average_mu}}}}
            .dump());
  // Phases one after the other inside the pause, in the order they run; a phase that would
  // pass the pause's end (time outside every phase scope rounds that way) is cut at it, so
  // the slices always nest.
  double t = start;
  const double end = start + pause;
  for (std::size_t p = 0; p < kPhaseCount; ++p) {
    const double ms = e.phase_ms[p];
    if (ms <= 0) continue;
    const double dur = std::min(Micros(ms), end - t);
    if (dur <= 0) break;
    Write(json{{"name", kPhaseNames[p]},
               {"cat", "gc.phase"},
               {"ph", "X"},
               {"ts", t},
               {"dur", dur},
               {"pid", pid_},
               {"tid", kPauseTrack}}
              .dump());
    t += dur;
  }
  // A counter per space: objects and committed memory, before and after.
  for (const auto& [when, spaces] : {std::pair{start, &e.before}, {end, &e.after}}) {
    for (int i = 0; i < kSpaceCount; ++i) {
      const SpaceStats& s = (*spaces)[static_cast<std::size_t>(i)];
      Write(json{{"name", SpaceName(static_cast<SpaceId>(i))},
                 {"cat", "gc.space"},
                 {"ph", "C"},
                 {"ts", when},
                 {"pid", pid_},
                 {"tid", kPauseTrack},
                 {"args", {{"size", s.size}, {"committed", s.committed}}}}
                .dump());
    }
  }
  Write(json{{"name", "external_memory"},
             {"cat", "gc.space"},
             {"ph", "C"},
             {"ts", end},
             {"pid", pid_},
             {"tid", kPauseTrack},
             {"args", {{"bytes", e.external_memory}}}}
            .dump());
}

void ChromeTraceWriter::OnHeapEvent(const HeapEvent& e) {
  // An instant event is spelled "I", as Chrome itself writes it: the DevTools Performance
  // panel's trace engine reads only that spelling (it drops "i"), Perfetto and chrome://tracing
  // read both.
  Write(json{{"name", HeapKindText(e.kind)},
             {"cat", "gc.heap"},
             {"ph", "I"},
             {"s", "t"},
             {"ts", Micros(e.time_ms)},
             {"pid", pid_},
             {"tid", kPauseTrack},
             {"args", {{"value", e.value}, {"previous", e.previous}}}}
            .dump());
}

void ChromeTraceWriter::OnMarking(const MarkingEvent& e) {
  if (e.kind != MarkingEventKind::Step) return;
  // A step's time is when it ended.
  const double dur = std::max(0.0, Micros(e.ms));
  Write(json{{"name", e.by_task ? "marking step (task)" : "marking step"},
             {"cat", "gc.marking"},
             {"ph", "X"},
             {"ts", Micros(e.time_ms) - dur},
             {"dur", dur},
             {"pid", pid_},
             {"tid", kStepTrack},
             {"args", {{"marked", e.value}, {"objects", e.objects}, {"worklist", e.worklist}}}}
            .dump());
}

void ChromeTraceWriter::OnSweeping(const SweepingEvent& e) {
  Write(json{{"name", e.kind == SweepingEventKind::Complete ? "sweeping complete"
                      : e.by_task                           ? "sweeping step (task)"
                                                            : "sweeping step"},
             {"cat", "gc.sweeping"},
             {"ph", "X"},
             {"ts", Micros(e.time_ms)},
             {"dur", std::max(0.0, Micros(e.ms))},
             {"pid", pid_},
             {"tid", kStepTrack},
             {"args", {{"pages", e.pages}, {"freed", e.freed}}}}
            .dump());
}

}  // namespace heaplab
