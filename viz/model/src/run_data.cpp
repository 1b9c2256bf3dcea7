#include <heaplab/viz/run_data.h>

#include <algorithm>

#include <heaplab/gc/printers.h>

namespace heaplab::viz {

std::string RunData::TraceGcLine(std::size_t i) const {
  if (i < lines.size() && !lines[i].text.empty()) return lines[i].text;
  std::string line = FormatTraceGcLine(gcs.at(i), LogPrefix::Predictable());
  while (!line.empty() && line.back() == '\n')
    line.pop_back();
  return line;
}

std::string RunData::GcCollectorName(std::size_t i) const {
  if (i < lines.size() && !lines[i].collector.empty()) return lines[i].collector;
  const GcEvent& e = gcs.at(i);
  if (e.collector == Collector::MarkCompact && e.reduce_memory) return "Mark-Compact (reduce)";
  return CollectorName(e.collector);
}

std::size_t RunData::FirstGcAtOrAfter(double time_ms) const {
  return static_cast<std::size_t>(
      std::lower_bound(gcs.begin(), gcs.end(), time_ms,
                       [](const GcEvent& e, double t) { return e.start_ms < t; }) -
      gcs.begin());
}

std::size_t RunData::LimitAt(double time_ms) const {
  auto it = std::upper_bound(limits.begin(), limits.end(), time_ms,
                             [](double t, const LimitPoint& p) { return t < p.time_ms; });
  if (it == limits.begin()) return limits.empty() ? 0 : limits.front().limit;
  return std::prev(it)->limit;
}

void Recorder::OnHeapEvent(const HeapEvent& e) {
  data_.heap_events.push_back(e);
  if (e.kind == HeapEventKind::LimitChange) data_.limits.push_back({e.time_ms, e.value});
}

std::string RunLabel(const RunData& run) {
  switch (run.source) {
    case RunSource::NodeLog:
      return "Node: " + run.title;
    case RunSource::EventsFile:
      return "events file: " + run.title;
    case RunSource::Replay:
      break;
  }
  return "heaplab: " + run.title;
}

std::string ClockName(const RunData& run) {
  switch (run.source) {
    case RunSource::NodeLog:
      return "Node's clock";
    case RunSource::EventsFile:
      return "the events file's clock";
    case RunSource::Replay:
      break;
  }
  for (const std::string& arg : run.args)
    if (arg == "--predictable" || arg == "--clock=model") return "heaplab's model clock";
  return "heaplab's wall clock";
}

bool SameClock(const RunData& a, const RunData& b) {
  if (a.source == RunSource::EventsFile || b.source == RunSource::EventsFile)
    return a.source == b.source && a.file == b.file;
  return ClockName(a) == ClockName(b);
}

const char* CollectorName(Collector c) {
  return c == Collector::Scavenge ? "Scavenge" : "Mark-Compact";
}

}  // namespace heaplab::viz
