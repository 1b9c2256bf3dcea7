#include <heaplab/gc/evacuation.h>

#include <algorithm>

namespace heaplab {

EvacuationPolicy EvacuationPolicy::For(bool reduce_memory, double compaction_speed) {
  EvacuationPolicy p;
  if (reduce_memory) {
    p.target_fragmentation_percent = 20;
    p.max_evacuated_bytes = 12 * MB;
  } else if (compaction_speed > 0) {
    // Aim at evacuating a page in about half the time it would take to compact it.
    const double area = static_cast<double>(kPageSize);
    const auto pct = static_cast<int>(100 - 100 * 0.5 / (1 + area / compaction_speed));
    p.target_fragmentation_percent = std::max(pct, 20);
  }
  return p;
}

std::vector<Chunk*> SelectEvacuationCandidates(const std::vector<Chunk*>& pages,
                                               const EvacuationPolicy& policy) {
  const std::size_t area = kPageSize;
  const std::size_t threshold =
      static_cast<std::size_t>(policy.target_fragmentation_percent) * (area / 100);
  std::vector<Chunk*> fragmented;
  for (Chunk* page : pages) {
    if (area - page->live_bytes() >= threshold) fragmented.push_back(page);
  }
  std::stable_sort(fragmented.begin(), fragmented.end(), [](const Chunk* a, const Chunk* b) {
    return a->live_bytes() < b->live_bytes();
  });
  std::vector<Chunk*> chosen;
  std::size_t total_live = 0;
  for (Chunk* page : fragmented) {
    if (total_live + page->live_bytes() > policy.max_evacuated_bytes) continue;
    total_live += page->live_bytes();
    chosen.push_back(page);
  }
  const std::size_t new_pages = (total_live + area - 1) / area;
  if (chosen.size() <= new_pages) chosen.clear();  // nothing would be released
  return chosen;
}

}  // namespace heaplab
