// A session wires what a replay needs: a heap, its GC controller, a mutator and a replayer.
// The command line, the visualizer, the tests and the benchmarks all start from here and add
// their own observers to the controller's tracer.
#pragma once

#include <istream>
#include <memory>
#include <string>

#include <heaplab/buffer/buffers.h>
#include <heaplab/gc/controller.h>
#include <heaplab/gc/mutator.h>
#include <heaplab/traces/reader.h>
#include <heaplab/traces/replayer.h>
#include <heaplab/traces/scenarios.h>

namespace heaplab {

class Session {
 public:
  explicit Session(const GcConfig& config, std::size_t buffer_pool_size = kDefaultBufferPoolSize);

  Heap& heap() { return heap_; }
  GcController& controller() { return controller_; }
  Mutator& mutator() { return mutator_; }
  Replayer& replayer() { return replayer_; }
  Buffers& buffers() { return buffers_; }
  Tracer& tracer() { return controller_.tracer(); }

  // Replays a text trace to its end; `name` names it in errors. Throws TraceError on a
  // malformed or meaningless event.
  void ReplayStream(std::istream& in, const std::string& name);
  // Replays a trace file (recognised by its content), or standard input for "-". Throws
  // std::runtime_error if it cannot be opened.
  void ReplayFile(const std::string& path);
  // Replays a generated scenario without writing it out.
  void ReplayScenario(const Scenario& scenario, const ScenarioOptions& options);

 private:
  Heap heap_;
  GcController controller_;
  Mutator mutator_;
  Buffers buffers_;
  Replayer replayer_;
};

}  // namespace heaplab
