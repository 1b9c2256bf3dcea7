// lru-cache: a bounded cache (tests/data/node20/lru_churn.js). Entries go into a ring of
// `capacity` slots; each insert evicts the oldest, which by then has been promoted, so old
// space fills with garbage that full GCs reclaim: the old generation settles at a steady size.
#include "scenarios/registry.h"

namespace heaplab {

void GenerateLruCache(const ScenarioOptions& o, TraceSink& sink) {
  TraceBuilder b(sink, o.seed);
  const std::uint64_t capacity = o.params.at("capacity");
  const std::uint64_t ops = o.params.at("ops");
  const std::uint64_t value_size = o.params.at("value");
  const std::uint64_t garbage = o.params.at("garbage");
  TraceTable ring(b, capacity);
  for (std::uint64_t i = 0; i < ops; ++i) {
    b.Open();
    const Id entry = b.AllocateCacheEntry(value_size);
    ring.Set(i % capacity, entry);  // the entry it replaces becomes garbage
    for (std::uint64_t g = 0; g < garbage; ++g)
      b.Allocate(b.Uniform(32, 128), 0);  // lookups
    b.Compute(1);
    b.Close();
  }
}

}  // namespace heaplab
