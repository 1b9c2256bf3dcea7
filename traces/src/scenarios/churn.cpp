// churn: a server handling requests. Each request allocates a handful of short-lived objects
// (request, headers, header strings, body, response) that die when it ends; the last `keep`
// responses stay in a global ring, the little state a server keeps. Most bytes die young: the
// young generation's best case, and the shape of tests/data/node20/short_lived.log.
#include "scenarios/registry.h"

namespace heaplab {

void GenerateChurn(const ScenarioOptions& o, TraceSink& sink) {
  TraceBuilder b(sink, o.seed);
  const std::uint64_t requests = o.params.at("requests");
  const std::uint64_t keep = o.params.at("keep");
  const std::uint64_t compute = o.params.at("compute");

  const Id ring = b.Allocate(8 * (keep + 1), keep);
  b.Root(ring);
  for (std::uint64_t i = 0; i < requests; ++i) {
    b.Open();
    const Id request = b.Allocate(56, 4);
    const Id headers = b.Allocate(80, 8);
    b.Write(request, 0, headers);
    const std::uint64_t header_count = b.Uniform(2, 8);
    for (std::uint64_t h = 0; h < header_count; ++h) {
      b.Write(headers, h, b.Allocate(b.Uniform(24, 72), 0));
    }
    b.Write(request, 1, b.Allocate(b.Uniform(64, 1024), 0));  // body
    const Id response = b.Allocate(48, 2);
    b.Write(request, 3, response);
    b.Write(response, 0, b.Allocate(b.Uniform(32, 256), 0));  // payload
    if (keep > 0) b.Write(ring, i % keep, response);
    if (compute > 0) b.Compute(compute);
    b.Close();
  }
}

}  // namespace heaplab
