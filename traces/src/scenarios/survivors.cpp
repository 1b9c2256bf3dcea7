// survivors: objects whose lifetimes are counted in Scavenges. Every round builds four cohorts
// (linked lists held by a global root) that live across exactly 0, 1, 2 and `long` young
// collections, then asks for a Scavenge (`g minor`). Under the V8 rule the first cohort dies in
// the nursery, the second is copied once, the third is promoted on its second survival and the
// fourth ages in old space.
#include <deque>

#include "scenarios/registry.h"

namespace heaplab {

void GenerateSurvivors(const ScenarioOptions& o, TraceSink& sink) {
  TraceBuilder b(sink, o.seed);
  const std::uint64_t rounds = o.params.at("rounds");
  const std::uint64_t cohort = o.params.at("cohort");
  const std::uint64_t size = o.params.at("size");
  const std::uint64_t long_lived = o.params.at("long");
  const std::uint64_t lifetimes[] = {0, 1, 2, long_lived};

  struct Live {
    Id head;
    std::uint64_t remaining;  // Scavenges still to survive
  };
  std::deque<Live> live;
  for (std::uint64_t r = 0; r < rounds; ++r) {
    for (std::uint64_t lifetime : lifetimes) {
      b.Open();
      const Id head = b.Allocate(16, 1);
      b.Root(head);
      Id prev = head;
      for (std::uint64_t k = 0; k < cohort; ++k) {
        const Id obj = b.Allocate(size, 1);
        b.Write(prev, 0, obj);
        prev = obj;
      }
      b.Close();
      if (lifetime == 0) {
        b.Drop(head);
      } else {
        live.push_back({head, lifetime});
      }
    }
    b.Gc(false);
    for (auto it = live.begin(); it != live.end();) {
      if (--it->remaining == 0) {
        b.Drop(it->head);
        it = live.erase(it);
      } else {
        ++it;
      }
    }
  }
}

}  // namespace heaplab
