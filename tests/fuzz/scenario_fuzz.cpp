// libFuzzer target: any bytes as a choice of scenario, seed and parameters. The scenario is
// generated (at most kEvents events), written as a text trace, read back and replayed. Every
// parameter within its range must give a valid trace (scenarios.h promises it), so the replay
// must end in success or V8's out of memory: a TraceError here is a finding, as is a crash, a
// sanitizer report or a hang.
// Build: make fuzz (clang, -fsanitize=fuzzer,address,undefined).
#include <algorithm>
#include <cstdint>
#include <sstream>
#include <string>

#include <heaplab/gc/oom.h>
#include <heaplab/traces/session.h>
#include <heaplab/traces/writer.h>

namespace {

// Events generated per input: enough for several collections, few enough for speed.
constexpr std::size_t kEvents = 5000;

struct Exhausted {};

// Passes events on until the budget is spent, then stops the generator.
class Budget : public heaplab::TraceSink {
 public:
  Budget(heaplab::TraceSink& next, std::size_t events) : next_(next), left_(events) {}
  void Put(const heaplab::TraceEvent& e) override {
    if (left_ == 0) throw Exhausted{};
    --left_;
    next_.Put(e);
  }

 private:
  heaplab::TraceSink& next_;
  std::size_t left_;
};

// Reads the input front to back; zeros once it is used up.
class Bytes {
 public:
  Bytes(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}
  std::uint64_t Take(int bytes) {
    std::uint64_t v = 0;
    for (int i = 0; i < bytes; ++i)
      v = v << 8 | (pos_ < size_ ? data_[pos_++] : 0);
    return v;
  }

 private:
  const std::uint8_t* data_;
  std::size_t size_;
  std::size_t pos_ = 0;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace heaplab;
  Bytes in(data, size);
  const std::vector<Scenario>& all = Scenarios();
  const Scenario& scenario = all[in.Take(1) % all.size()];
  ScenarioOptions options;
  options.seed = in.Take(8);
  for (const ScenarioParam& p : scenario.params) {
    // Within the parameter's range and at most about twice its default: the event budget
    // bounds the length, this bounds what one event may ask (an object's size).
    const std::uint64_t hi = std::min(p.max, std::max(p.min, 2 * p.default_value + 16));
    options.params[p.name] = p.min + in.Take(4) % (hi - p.min + 1);
  }

  std::ostringstream text;
  {
    TraceWriter writer(text, ScenarioMetadata(scenario, options));
    Budget budget(writer, kEvents);
    try {
      GenerateScenario(scenario, options, budget);
    } catch (const Exhausted&) {
    }
  }

  GcConfig config;
  config.clock = ClockKind::Model;
  config.verify_heap = true;
  config.heap.max_semi_space_size = 1 * MB;
  config.heap.max_old_space_size = 16 * MB;
  Session session(config);
  std::istringstream trace(text.str());
  try {
    session.ReplayStream(trace, "scenario " + scenario.name);
  } catch (const OutOfMemory&) {
  }
  return 0;
}
