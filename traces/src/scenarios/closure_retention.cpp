// closure-retention: a kept closure retains the scope it was created in. Each iteration makes
// a context holding a large object and a small value, and a closure over that context that
// only needs the small value; the closure is kept in a global list of handlers, so every large
// object stays alive. With `fixed` set, the context drops the large object before the closure
// is made (the fix: do not capture what you do not use), and memory stays flat.
#include "scenarios/registry.h"

namespace heaplab {

void GenerateClosureRetention(const ScenarioOptions& o, TraceSink& sink) {
  TraceBuilder b(sink, o.seed);
  const std::uint64_t iterations = o.params.at("iterations");
  const std::uint64_t big = o.params.at("big");
  const bool fixed = o.params.at("fixed") != 0;
  TraceTable handlers(b, iterations);
  for (std::uint64_t i = 0; i < iterations; ++i) {
    b.Open();
    const Id context = b.Allocate(40, 4);  // the scope's variables
    const Id large = b.Allocate(big, 0);
    b.Write(context, 0, large);
    const Id small = b.Allocate(32, 0);
    b.Write(context, 1, small);
    for (int k = 0; k < 20; ++k)
      b.Allocate(b.Uniform(32, 512), 0);  // work on the large data
    if (fixed) b.WriteNull(context, 0);
    const Id closure = b.Allocate(32, 2);  // the function object: context, code
    b.Write(closure, 0, context);
    handlers.Set(i, closure);
    b.Compute(50);
    b.Close();
  }
}

}  // namespace heaplab
