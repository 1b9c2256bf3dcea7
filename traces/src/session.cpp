#include <heaplab/traces/session.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <stdexcept>

namespace heaplab {

Session::Session(const GcConfig& config, std::size_t buffer_pool_size)
    : heap_(config.heap),
      controller_(heap_, config),
      mutator_(heap_, controller_),
      buffers_(mutator_, buffer_pool_size),
      replayer_(mutator_, "<trace>") {
  replayer_.set_buffers(&buffers_);
}

void Session::ReplayStream(std::istream& in, const std::string& name) {
  replayer_.set_file(name);
  TraceReader reader(in, name);
  TraceEvent e;
  while (reader.Next(e))
    replayer_.Put(e);
}

void Session::ReplayFile(const std::string& path) {
  if (path == "-") {
    ReplayStream(std::cin, "<stdin>");
    return;
  }
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    throw std::runtime_error("cannot read trace '" + path + "': it is a directory");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw std::runtime_error("cannot open trace '" + path + "': " + std::strerror(errno));
  }
  ReplayStream(in, path);
}

void Session::ReplayScenario(const Scenario& scenario, const ScenarioOptions& options) {
  replayer_.set_file("scenario " + scenario.name);
  GenerateScenario(scenario, options, replayer_);
}

}  // namespace heaplab
