// async-bursts: bursts of allocation separated by turns of the event loop
// (fixtures/node20/async_idle.js). Each burst builds a temporary array of `burst` small
// objects, each holding a short string; a slice of the first `keep` of them is kept in a global
// window of the last `window` slices, the rest dies at once. Between bursts the program
// returns to its event loop (`i` events): for no time after most bursts (setImmediate), for
// `timeout` microseconds after every `timeout_every`-th (setTimeout). V8's tasks run in those
// turns, so Scavenges come by task and incremental marking is finalized by task. Before the
// first burst, start-up garbage stands for what Node's bootstrap allocates.
#include <algorithm>
#include <vector>

#include "scenarios/registry.h"

namespace heaplab {

void GenerateAsyncBursts(const ScenarioOptions& o, TraceSink& sink) {
  TraceBuilder b(sink, o.seed);
  const std::uint64_t rounds = o.params.at("rounds");
  const std::uint64_t burst = o.params.at("burst");
  const std::uint64_t keep = std::min(o.params.at("keep"), burst);
  const std::uint64_t window = o.params.at("window");
  const std::uint64_t timeout_every = o.params.at("timeout_every");
  const std::uint64_t timeout = o.params.at("timeout");
  // Start-up garbage, as Node's bootstrap leaves before the script runs: the first Scavenge
  // then sees a low survival ratio, so V8 lowers its initial old-generation limit
  // (Heap::ConfigureInitialOldGenerationSize) as it does for the real script. It dies in small
  // scopes: one scope around all of it would keep it alive through that first Scavenge.
  constexpr std::uint64_t kStartupObjects = 24 * 1024;
  constexpr std::uint64_t kStartupScope = 256;
  for (std::uint64_t k = 0; k < kStartupObjects; ++k) {
    if (k % kStartupScope == 0) b.Open();
    b.Allocate(b.Uniform(32, 64), 0);
    if (k % kStartupScope == kStartupScope - 1) b.Close();
  }
  TraceTable retained(b, window);
  constexpr std::uint64_t kSegment = TraceTable::kSegmentSlots;
  for (std::uint64_t round = 0; round < rounds; ++round) {
    b.Open();
    // tmp: a directory of 8 KiB segments, as a growing JS array's backing store.
    const std::uint64_t segments = (burst + kSegment - 1) / kSegment;
    const Id tmp = b.Allocate(8 * (segments + 1), segments);
    std::vector<Id> items;
    items.reserve(keep);
    Id segment = 0;
    for (std::uint64_t i = 0; i < burst; ++i) {
      if (i % kSegment == 0) {
        segment = b.Allocate(TraceTable::kSegmentSize, kSegment);
        b.Write(tmp, i / kSegment, segment);
      }
      const Id item = b.Allocate(32, 1);                   // { round, i, s }
      b.Write(item, 0, b.Allocate(b.Uniform(24, 32), 0));  // s = 'x' + i
      b.Write(segment, i % kSegment, item);
      if (i < keep) items.push_back(item);
    }
    // retained.push(tmp.slice(0, keep)); the window drops the oldest slice.
    const Id slice = b.Allocate(8 * (keep + 1), keep);
    for (std::uint64_t k = 0; k < keep; ++k)
      b.Write(slice, k, items[k]);
    if (window > 0) retained.Set(round % window, slice);
    b.Close();
    b.Idle(timeout_every > 0 && (round + 1) % timeout_every == 0 ? timeout : 0);
  }
}

}  // namespace heaplab
