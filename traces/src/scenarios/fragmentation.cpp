// fragmentation: long-lived survivors scattered among garbage. A list of nodes of mixed sizes
// is built and promoted in list order; then every node but one in `keep_every` is unlinked, so
// each old page keeps a few 64-byte survivors among dead neighbours, and a full GC is asked
// for. Sweeping alone leaves those pages committed and mostly free; evacuation empties them;
// sliding packs the survivors at the bottom of old space. Survivors and the list head are all
// 64 bytes, a size that divides a page, so a slide leaves no hole below the top.
#include "scenarios/registry.h"

namespace heaplab {

void GenerateFragmentation(const ScenarioOptions& o, TraceSink& sink) {
  TraceBuilder b(sink, o.seed);
  const std::uint64_t nodes = o.params.at("nodes");
  const std::uint64_t keep_every = std::max<std::uint64_t>(1, o.params.at("keep_every"));
  const std::uint64_t rounds = o.params.at("rounds");
  constexpr std::uint64_t kSurvivorSize = 64;
  for (std::uint64_t r = 0; r < rounds; ++r) {
    const Id head = b.Allocate(kSurvivorSize, 1);
    b.Root(head);
    std::vector<Id> kept;
    Id prev = head;
    b.Open();
    for (std::uint64_t i = 0; i < nodes; ++i) {
      const bool survivor = i % keep_every == 0;
      const Id node = b.Allocate(survivor ? kSurvivorSize : b.Uniform(32, 256), 1);
      b.Write(prev, 0, node);
      if (survivor) kept.push_back(node);
      prev = node;
      if (i % 1000 == 999) {  // keep the scope small; the list holds the nodes
        b.Close();
        b.Open();
        b.Load(prev);
      }
    }
    b.Close();
    b.Gc(false);  // every node survives twice: promoted in list order
    b.Gc(false);
    prev = head;
    for (Id node : kept) {  // unlink everything between survivors
      b.Write(prev, 0, node);
      prev = node;
    }
    b.WriteNull(prev, 0);
    b.Gc(true);
  }
}

}  // namespace heaplab
