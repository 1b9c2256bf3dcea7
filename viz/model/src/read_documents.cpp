#include <heaplab/viz/read_documents.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <stdexcept>

#include <heaplab/gc/exports.h>
#include <heaplab/gc/printers.h>
#include <heaplab/traces/events_reader.h>
#include <heaplab/traces/v8_log.h>

namespace heaplab::viz {

namespace {

std::string FileName(const std::string& path) {
  return std::filesystem::path(path).filename().string();
}

// At most this many problems are kept as warnings; all are counted.
constexpr std::size_t kMaxWarnings = 20;

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

void CheckReadable(const std::string& path, const char* what) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    throw std::runtime_error(std::string("cannot read ") + what + " '" + path +
                             "': it is a directory");
}

// Sorts gcs (and lines beside them) by start time: the views look collections up by it. A
// log is in that order already, but for a young GC ending just after a long full GC.
void SortByStart(RunData& data) {
  const auto earlier = [&](std::size_t a, std::size_t b) {
    return data.gcs[a].start_ms < data.gcs[b].start_ms;
  };
  std::vector<std::size_t> order(data.gcs.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  if (std::is_sorted(order.begin(), order.end(), earlier)) return;
  std::stable_sort(order.begin(), order.end(), earlier);
  std::vector<GcEvent> gcs;
  std::vector<SourceLine> lines;
  gcs.reserve(order.size());
  lines.reserve(order.size());
  for (std::size_t i : order) {
    gcs.push_back(std::move(data.gcs[i]));
    lines.push_back(std::move(data.lines[i]));
  }
  data.gcs = std::move(gcs);
  data.lines = std::move(lines);
}

// Collects one isolate of a log into a RunData.
class LogCollector : public V8LogObserver {
 public:
  LogCollector(RunData& data, std::size_t want) : data_(data), want_(want) {}

  void OnIsolate(IsolateId id) override {
    ids_.push_back(id);
    data_.isolates.push_back(IsolateName(id));
  }

  void OnGcRecord(const V8GcRecord& r) override {
    if (!Wanted(r.isolate)) return;
    GcEvent e = r.event;
    if (e.number == 0) e.number = static_cast<int>(data_.gcs.size() + 1);
    SourceLine line;
    line.line = r.line;
    line.text.assign(r.text);
    line.collector = V8CollectorName(r.collector);
    if (IsFullGc(r.collector) && e.reduce_memory) line.collector += " (reduce)";
    if (r.old_generation_limit > 0) data_.limits.push_back({e.end_ms, r.old_generation_limit});
    data_.gcs.push_back(std::move(e));
    data_.lines.push_back(std::move(line));
  }

  void OnMarking(IsolateId id, const MarkingEvent& m) override {
    if (Wanted(id)) data_.marking.push_back(m);
  }

  void OnOutOfMemory(IsolateId id, std::string_view message, double /*time_ms*/) override {
    if (Wanted(id)) data_.ending = "FATAL ERROR: " + std::string(message);
  }

  void OnProblem(const V8LogProblem& p) override {
    ++problems_;
    if (data_.warnings.size() < kMaxWarnings) data_.warnings.push_back(p.Format());
    if (first_problem_.empty()) first_problem_ = p.Format();
  }

  std::uint64_t problems() const { return problems_; }
  const std::string& first_problem() const { return first_problem_; }

  // After `done` of the file's `total` bytes: room for the collections the whole file holds
  // if the rest is like what was read (GcEvent is large; growing by doubling moved every
  // event read so far and touched fresh memory each time). Room is made only when that
  // projection passes what there is (and then by a quarter at least), so a file whose GC lines
  // thin out holds no more than its density so far projects, and one whose lines thicken
  // grows geometrically, as before.
  void ReserveFor(std::uint64_t done, std::uint64_t total) {
    if (done == 0 || done >= total || data_.gcs.empty()) return;
    const double projected = static_cast<double>(data_.gcs.size()) * static_cast<double>(total) /
                             static_cast<double>(done);
    const std::size_t have = data_.gcs.capacity();
    if (projected <= static_cast<double>(have)) return;
    // 5% over the projection; a projection creeping past that grows by a quarter at least.
    const std::size_t want =
        std::max(static_cast<std::size_t>(projected * 1.05) + 16, have + have / 4);
    data_.gcs.reserve(want);
    data_.lines.reserve(want);
  }

 private:
  bool Wanted(IsolateId id) const { return want_ < ids_.size() && ids_[want_] == id; }

  RunData& data_;
  std::size_t want_;
  std::vector<IsolateId> ids_;
  std::uint64_t problems_ = 0;
  std::string first_problem_;
};

bool HasV8Prefix(std::string_view line) {
  // [pid:0xaddress]
  if (line.size() < 6 || line[0] != '[') return false;
  std::size_t i = 1;
  while (i < line.size() && std::isdigit(static_cast<unsigned char>(line[i])))
    ++i;
  if (i == 1 || line.substr(i, 3) != ":0x") return false;
  i += 3;
  const std::size_t hex = i;
  while (i < line.size() && std::isxdigit(static_cast<unsigned char>(line[i])))
    ++i;
  return i > hex && i < line.size() && line[i] == ']';
}

}  // namespace

// ReadDocument

std::string ReadDocument::Title() const {
  return FileName(path_);
}

void ReadDocument::Feed(TraceSink&, LoadControl&) const {
  throw std::runtime_error(FileName(path_) + " is " + kind_ +
                           ": it holds collections, not trace events to replay or step through "
                           "(open a trace or a scenario for that)");
}

// LogDocument

RunData LogDocument::Load(const GcFlags&, LoadControl& control) const {
  const auto start = std::chrono::steady_clock::now();
  CheckReadable(path(), "log");
  RunData data;
  data.source = RunSource::NodeLog;
  data.file = path();
  data.whole_heap = true;
  LogCollector collector(data, isolate_);
  V8LogReader reader(collector);
  reader.set_keep_text(true);
  errno = 0;
  std::FILE* f = std::fopen(path().c_str(), "rb");
  if (f == nullptr) {
    const int error = errno;
    throw std::runtime_error("cannot open log '" + path() + "'" +
                             (error != 0 ? std::string(": ") + std::strerror(error) : ""));
  }
  std::error_code ec;
  const auto total = std::filesystem::file_size(path(), ec);
  std::vector<char> buffer(1 << 20);
  std::uint64_t done = 0;
  try {
    reader.Begin(path());
    for (;;) {
      const std::size_t n = std::fread(buffer.data(), 1, buffer.size(), f);
      if (n > 0) reader.Feed(std::string_view(buffer.data(), n));
      done += n;
      if (!ec) collector.ReserveFor(done, total);
      if (control.cancel.load(std::memory_order_relaxed)) throw Cancelled();
      if (control.progress && !ec && total > 0)
        control.progress(static_cast<double>(done) / static_cast<double>(total));
      if (n < buffer.size()) {
        if (std::ferror(f)) throw std::runtime_error("cannot read log '" + path() + "'");
        break;
      }
    }
    reader.Finish();
  } catch (...) {
    std::fclose(f);
    throw;
  }
  std::fclose(f);
  const V8LogCounts& counts = reader.counts();
  if (data.isolates.empty()) {
    if (collector.problems() > 0)
      throw std::runtime_error("not a node GC log that can be read: " + collector.first_problem());
    throw std::runtime_error(path() +
                             ":1: not a node GC log: no line starts with V8's [pid:0xisolate] "
                             "prefix (what node --trace-gc prints)");
  }
  if (isolate_ >= data.isolates.size()) {
    throw std::runtime_error(path() + ": the log has " + std::to_string(data.isolates.size()) +
                             " isolate(s), not " + std::to_string(isolate_ + 1));
  }
  if (collector.problems() > data.warnings.size()) {
    data.warnings.push_back(std::to_string(collector.problems() - data.warnings.size()) +
                            " more lines that do not parse");
  }
  data.isolate = isolate_;
  data.title = FileName(path());
  if (data.isolates.size() > 1) data.title += " (isolate " + data.isolates[isolate_] + ")";
  SortByStart(data);
  // A --trace-gc-verbose log: every collection got its per-space block. A log where some
  // collection has none (not verbose, or cut) stays drawn as a whole.
  const auto printed_spaces = [](const GcEvent& e) {
    return std::any_of(e.after.begin(), e.after.end(),
                       [](const SpaceStats& s) { return s.size > 0 || s.committed > 0; });
  };
  if (!data.gcs.empty() && std::all_of(data.gcs.begin(), data.gcs.end(), printed_spaces)) {
    data.whole_heap = false;
    data.spaces_after_only = true;
  }
  for (const GcEvent& e : data.gcs)
    data.end_ms = std::max(data.end_ms, e.end_ms);
  for (const MarkingEvent& m : data.marking)
    data.end_ms = std::max(data.end_ms, m.time_ms);
  std::sort(data.limits.begin(), data.limits.end(),
            [](const LimitPoint& a, const LimitPoint& b) { return a.time_ms < b.time_ms; });
  data.trace_events = counts.lines;
  if (control.progress) control.progress(1.0);
  data.load_seconds = Seconds(start);
  return data;
}

// EventsDocument

RunData EventsDocument::Load(const GcFlags&, LoadControl& control) const {
  const auto start = std::chrono::steady_clock::now();
  CheckReadable(path(), "events file");
  std::ifstream in(path(), std::ios::binary);
  if (!in)
    throw std::runtime_error("cannot open events file '" + path() + "': " + std::strerror(errno));
  std::error_code ec;
  const auto total = std::filesystem::file_size(path(), ec);
  RunData data;
  data.source = RunSource::EventsFile;
  data.file = path();
  EventsReader reader(in, path());
  data.title = FileName(path());
  if (!reader.header().source.empty()) data.title += " (" + reader.header().source + ")";
  Recorder recorder(data);
  EventRecord record;
  bool ended = false;
  std::uint64_t n = 0;
  while (reader.Next(record)) {
    if ((++n & 0x3fffu) == 0) {
      if (control.cancel.load(std::memory_order_relaxed)) throw Cancelled();
      const auto pos = in.tellg();
      if (control.progress && !ec && total > 0 && pos >= 0)
        control.progress(static_cast<double>(pos) / static_cast<double>(total));
    }
    switch (record.type) {
      case EventRecord::Type::End:
        data.end_ms = record.end.end_ms;
        if (record.end.end_state == "oom") data.ending = "out of memory (the run's end line)";
        ended = true;
        break;
      case EventRecord::Type::Gc: {
        SourceLine line;
        line.line = reader.line();
        line.text = FormatTraceGcLine(record.gc, reader.header().prefix);
        while (!line.text.empty() && line.text.back() == '\n')
          line.text.pop_back();
        data.lines.push_back(std::move(line));
        Dispatch(record, recorder);
        break;
      }
      default:
        Dispatch(record, recorder);
        break;
    }
  }
  if (!ended) {
    data.warnings.push_back(path() + ":" + std::to_string(reader.line()) +
                            ": no end line after it: the run did not finish (or the file "
                            "was cut)");
  }
  SortByStart(data);
  for (const GcEvent& e : data.gcs)
    data.end_ms = std::max(data.end_ms, e.end_ms);
  data.trace_events = reader.line();
  if (control.progress) control.progress(1.0);
  data.load_seconds = Seconds(start);
  return data;
}

// Recognising files

FileKind SniffFile(const std::string& path) {
  CheckReadable(path, "file");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open '" + path + "': " + std::strerror(errno));
  // The first MiB at most, whatever its lines: a file without line ends (a binary) costs no
  // more.
  std::string head(1u << 20, '\0');
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<std::size_t>(in.gcount()));
  std::string_view rest(head);
  bool first = true;
  while (!rest.empty()) {
    const std::size_t end = rest.find('\n');
    std::string_view view = rest.substr(0, end);
    rest.remove_prefix(end == std::string_view::npos ? rest.size() : end + 1);
    if (!view.empty() && view.back() == '\r') view.remove_suffix(1);
    while (!view.empty() && (view.front() == ' ' || view.front() == '\t'))
      view.remove_prefix(1);
    if (first) {
      if (view.empty() || view.front() == '#') continue;
      first = false;
      if (view.substr(0, 13) == "heaplab-trace") return FileKind::Trace;
      if (view.front() == '{') return FileKind::Events;
    }
    if (HasV8Prefix(view)) return FileKind::NodeLog;
  }
  const std::string ext = std::filesystem::path(path).extension().string();
  if (ext == ".log") return FileKind::NodeLog;  // its reader says what is wrong with it
  if (ext == ".hlt" || ext == ".hlb") return FileKind::Trace;
  if (ext == ".jsonl") return FileKind::Events;
  return FileKind::Unknown;
}

std::shared_ptr<const Document> OpenDocumentFile(const std::string& path) {
  switch (SniffFile(path)) {
    case FileKind::Trace:
      return std::make_shared<TraceDocument>(path);
    case FileKind::NodeLog:
      return std::make_shared<LogDocument>(path);
    case FileKind::Events:
      return std::make_shared<EventsDocument>(path);
    case FileKind::Unknown:
      break;
  }
  throw std::runtime_error(
      path +
      ":1: not a file heaplab-viz reads: expected a heaplab trace (first line "
      "'heaplab-trace 1'), a node GC log (lines starting with V8's [pid:0xisolate] prefix) or "
      "a heaplab events file (first line {\"schema\":\"heaplab-events\",...})");
}

}  // namespace heaplab::viz
