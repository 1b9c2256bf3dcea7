// Evacuation candidates: which old-space pages a full GC empties by moving their live objects
// elsewhere, chosen as V8 does (MarkCompactCollector::CollectEvacuationCandidates, see
// docs/v8-reference.md section 9): pages whose free bytes are at least 70% of the page (20%
// when reducing memory), least live first, up to 4 MiB of live bytes (12 MiB when reducing),
// and none at all unless at least one page would be released.
//
// heaplab's full GC is atomic, so it chooses from the live bytes this marking found; V8 chooses
// when marking starts, from the bytes the previous sweep left.
#pragma once

#include <vector>

#include <heaplab/heap/chunk.h>

namespace heaplab {

struct EvacuationPolicy {
  int target_fragmentation_percent = 70;
  std::size_t max_evacuated_bytes = 4 * MB;

  // V8's heuristics: reduce memory, or normal with or without a measured compaction speed
  // (bytes per ms; 0 when unknown).
  static EvacuationPolicy For(bool reduce_memory, double compaction_speed);
};

// Pages (each with live_bytes from marking) -> the candidates, least live first.
std::vector<Chunk*> SelectEvacuationCandidates(const std::vector<Chunk*>& pages,
                                               const EvacuationPolicy& policy);

}  // namespace heaplab
