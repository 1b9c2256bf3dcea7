// slow-queue: a producer faster than its consumer (tests/data/node20/slow_queue.js). Each tick
// enqueues `produce` messages and dequeues `consume`; the backlog grows by the difference and
// queued messages live long enough to be promoted.
#include <deque>

#include "scenarios/registry.h"

namespace heaplab {

void GenerateSlowQueue(const ScenarioOptions& o, TraceSink& sink) {
  TraceBuilder b(sink, o.seed);
  const std::uint64_t ticks = o.params.at("ticks");
  const std::uint64_t produce = o.params.at("produce");
  const std::uint64_t consume = o.params.at("consume");
  // The queue object holds the head (slot 0) and the tail (slot 1) of a linked list.
  const Id queue = b.Allocate(24, 2);
  b.Root(queue);
  std::deque<Id> backlog;
  for (std::uint64_t t = 0; t < ticks; ++t) {
    b.Open();
    for (std::uint64_t p = 0; p < produce; ++p) {
      const Id body = b.Allocate(b.Uniform(32, 64), 0);
      // An array literal and an object literal: each statement its own allocation site.
      const Id data = b.AllocateAt(40, 0, 1);
      const Id msg = b.AllocateAt(40, 3, 2);  // next, body, data
      b.Write(msg, 1, body);
      b.Write(msg, 2, data);
      if (backlog.empty()) {
        b.Write(queue, 0, msg);
      } else {
        b.Write(backlog.back(), 0, msg);
      }
      b.Write(queue, 1, msg);
      backlog.push_back(msg);
    }
    for (std::uint64_t c = 0; c < consume && !backlog.empty(); ++c) {
      const Id msg = backlog.front();
      backlog.pop_front();
      b.Load(msg);  // the consumer reads it
      if (backlog.empty()) {
        b.WriteNull(queue, 0);
        b.WriteNull(queue, 1);
      } else {
        b.Write(queue, 0, backlog.front());
      }
    }
    b.Compute(2);
    b.Close();
  }
}

}  // namespace heaplab
