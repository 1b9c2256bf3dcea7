// leak-cache: a cache that never evicts (tests/data/node20/leaky_cache.js). Every request
// stores an entry (key, value with a payload) in a global table and leaves a little garbage;
// nothing is ever removed, so the old generation grows until the heap limit:
// `--max-old-space-size=64` ends in V8's out-of-memory report.
#include "scenarios/registry.h"

namespace heaplab {

void GenerateLeakCache(const ScenarioOptions& o, TraceSink& sink) {
  TraceBuilder b(sink, o.seed);
  const std::uint64_t entries = o.params.at("entries");
  const std::uint64_t value_size = o.params.at("value");
  TraceTable cache(b, entries);
  for (std::uint64_t i = 0; i < entries; ++i) {
    b.Open();
    const Id entry = b.AllocateCacheEntry(value_size);
    cache.Set(i, entry);
    b.Allocate(b.Uniform(48, 96), 0);  // a temporary string, garbage at once
    b.Compute(1);
    b.Close();
  }
}

}  // namespace heaplab
