#include <heaplab/viz/document.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include <heaplab/gc/oom.h>
#include <heaplab/traces/reader.h>
#include <heaplab/traces/session.h>

namespace heaplab::viz {

RunData Document::Load(const GcFlags& flags, LoadControl& control) const {
  return ReplayDocument(*this, flags, control);
}

RunData ReplayDocument(const Document& doc, const GcFlags& flags, LoadControl& control) {
  const auto start = std::chrono::steady_clock::now();
  RunData data;
  data.title = doc.Title();
  data.args = flags.ToArgs();
  auto session = std::make_unique<Session>(flags.ToConfig(), flags.buffer_pool_size);
  Recorder recorder(data);
  session->tracer().AddObserver(&recorder);
  data.limits.push_back({0, session->controller().growing().limit()});
  session->replayer().set_file(doc.Title());
  ControlledSink sink(session->replayer(), control);
  bool heap_parses = true;
  try {
    doc.Feed(sink, control);
  } catch (const OutOfMemory& oom) {
    data.ending = std::string("FATAL ERROR: ") + oom.what();
    heap_parses = false;  // the failed allocation may have left a collection unfinished
  } catch (const TraceError& e) {
    data.ending = e.what();
  } catch (const VerifyError& e) {
    data.ending = e.what();
    heap_parses = false;
  }
  data.trace_events = session->replayer().events();
  data.end_ms = session->controller().clock().NowMs();
  if (heap_parses) {
    data.final_heap =
        TakeHeapSnapshot(session->heap(), session->controller().incremental_marking().IsMarking(),
                         &session->buffers().pool(),
                         &session->controller().incremental_marking().marker().worklist());
  }
  data.load_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return data;
}

std::string TraceDocument::Title() const {
  return std::filesystem::path(path_).filename().string();
}

void TraceDocument::Feed(TraceSink& sink, LoadControl& control) const {
  std::error_code ec;
  if (std::filesystem::is_directory(path_, ec))
    throw std::runtime_error("cannot read trace '" + path_ + "': it is a directory");
  const auto total = std::filesystem::file_size(path_, ec);
  std::ifstream in(path_, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open trace '" + path_ + "': " + std::strerror(errno));
  TraceReader reader(in, path_);
  TraceEvent e;
  std::uint64_t n = 0;
  while (reader.Next(e)) {
    sink.Put(e);
    if ((++n & 0xffffu) == 0 && control.progress && !ec && total > 0) {
      const auto pos = in.tellg();
      if (pos >= 0) control.progress(static_cast<double>(pos) / static_cast<double>(total));
    }
  }
  if (control.progress) control.progress(1.0);
}

ScenarioDocument::ScenarioDocument(const std::string& name, ScenarioOptions options)
    : scenario_(FindScenario(name)), options_(std::move(options)) {
  if (scenario_ == nullptr) throw std::invalid_argument("unknown scenario '" + name + "'");
  for (const auto& [param, value] : options_.params) {
    bool known = false;
    for (const ScenarioParam& p : scenario_->params)
      known = known || p.name == param;
    if (!known)
      throw std::invalid_argument("scenario " + name + " has no parameter '" + param + "'");
    (void)value;
  }
}

std::string ScenarioDocument::Title() const {
  return "scenario " + scenario_->name;
}

void ScenarioDocument::Feed(TraceSink& sink, LoadControl& control) const {
  if (control.progress) control.progress(-1);
  GenerateScenario(*scenario_, options_, sink);
  if (control.progress) control.progress(1.0);
}

}  // namespace heaplab::viz
