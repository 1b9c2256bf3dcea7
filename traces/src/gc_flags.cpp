#include <heaplab/traces/gc_flags.h>

#include <sstream>

namespace heaplab {

const std::vector<GcFlagInfo>& GcFlagInfos() {
  static const std::vector<GcFlagInfo> infos = {
      {"--min-semi-space-size", "Semispace size at start, in MiB (V8 default 1)", 1, 1024},
      {"--max-semi-space-size", "Largest semispace size, in MiB (V8 default 16)", 1, 1024},
      {"--semi-space-growth-factor",
       "Factor by which new space grows when survivors demand it (V8 default 2)", 1, 16},
      {"--max-old-space-size", "Old generation limit, in MiB (Node 20 default here: 4096)", 1,
       1 << 17},
      {"--promotion",
       "Promotion rule: v8 (survived one Scavenge) or book (also when To-space is 25% full)", 0, 0},
      {"--compaction",
       "Full-GC compaction: evacuate (V8's candidate pages), slide (textbook Lisp-2 "
       "Mark-Compact) or none (sweep only)",
       0, 0},
      {"--gc-interval", "Force a collection every N allocations (stress; -1, the default, is off)",
       -1, static_cast<double>(1LL << 40)},
      {"--verify-heap", "Verify the heap after every collection", 0, 0},
      {"--incremental-marking", "Full GCs mark in steps while the program runs (on by default)", 0,
       0},
      {"--concurrent-marking",
       "While marking runs, background threads mark as the program runs (on by default)", 0, 0},
      {"--lazy-sweeping", "Full GCs leave old pages to be swept after the pause (on by default)", 0,
       0},
      {"--scavenge-task",
       "On `i` events, a Scavenge by task when new space is 80% full (on by default)", 0, 0},
      {"--memory-reducer",
       "On `i` events of 8 s or more, a memory-reducing full GC (on by default)", 0, 0},
      {"--allocation-site-pretenuring",
       "Sites whose objects survive Scavenges allocate in old space, as V8 does (on by default)", 0,
       0},
      {"--predictable", "Identical output on every run: model clock, fixed pid and isolate", 0, 0},
      {"--buffer-pool-size",
       "Bytes per Buffer pool slab, Node's Buffer.poolSize (Node 20: 8192; Node 26: 65536)", 8,
       static_cast<double>(kMaxBufferPoolSize)},
      {"--clock", "real (measured) or model (charged per unit of work, see docs/clock-model.md)", 0,
       0},
  };
  return infos;
}

const GcFlagInfo& GcFlagInfoOf(std::string_view name) {
  for (const GcFlagInfo& info : GcFlagInfos())
    if (name == info.name) return info;
  throw std::out_of_range("not a collector flag: " + std::string(name));
}

GcConfig GcFlags::ToConfig() const {
  if (min_semi_space_mb > max_semi_space_mb) {
    throw GcFlagError("--min-semi-space-size", "must not exceed --max-semi-space-size (" +
                                                   std::to_string(min_semi_space_mb) + " > " +
                                                   std::to_string(max_semi_space_mb) + ")");
  }
  GcConfig c;
  c.heap.min_semi_space_size = min_semi_space_mb * MB;
  c.heap.max_semi_space_size = max_semi_space_mb * MB;
  c.heap.max_old_space_size = max_old_space_mb * MB;
  c.semi_space_growth_factor = semi_space_growth_factor;
  c.promotion = promotion == "book" ? PromotionRule::Book : PromotionRule::V8;
  c.compaction = compaction == "slide"  ? Compaction::Slide
                 : compaction == "none" ? Compaction::None
                                        : Compaction::Evacuate;
  c.gc_interval = gc_interval;
  c.verify_heap = verify_heap;
  c.incremental_marking = incremental_marking;
  c.concurrent_marking = concurrent_marking;
  c.lazy_sweeping = lazy_sweeping;
  c.scavenge_task = scavenge_task;
  c.memory_reducer = memory_reducer;
  c.allocation_site_pretenuring = allocation_site_pretenuring;
  c.predictable = predictable;
  c.clock = (predictable || clock == "model") ? ClockKind::Model : ClockKind::Real;
  return c;
}

std::vector<std::string> GcFlags::ToArgs() const {
  const GcFlags d;
  std::vector<std::string> out;
  auto value = [&out](const char* name, auto v) {
    std::ostringstream s;
    s << name << '=' << v;
    out.push_back(s.str());
  };
  auto flag = [&out](const char* name, bool on, bool default_on) {
    if (on == default_on) return;
    out.push_back(on ? std::string("--") + name : std::string("--no-") + name);
  };
  if (min_semi_space_mb != d.min_semi_space_mb) value("--min-semi-space-size", min_semi_space_mb);
  if (max_semi_space_mb != d.max_semi_space_mb) value("--max-semi-space-size", max_semi_space_mb);
  if (semi_space_growth_factor != d.semi_space_growth_factor)
    value("--semi-space-growth-factor", semi_space_growth_factor);
  if (max_old_space_mb != d.max_old_space_mb) value("--max-old-space-size", max_old_space_mb);
  if (promotion != d.promotion) value("--promotion", promotion);
  if (compaction != d.compaction) value("--compaction", compaction);
  if (gc_interval != d.gc_interval) value("--gc-interval", gc_interval);
  if (verify_heap) out.push_back("--verify-heap");
  flag("incremental-marking", incremental_marking, true);
  flag("concurrent-marking", concurrent_marking, true);
  flag("lazy-sweeping", lazy_sweeping, true);
  flag("scavenge-task", scavenge_task, true);
  flag("memory-reducer", memory_reducer, true);
  flag("allocation-site-pretenuring", allocation_site_pretenuring, true);
  if (predictable) out.push_back("--predictable");
  if (buffer_pool_size != d.buffer_pool_size) value("--buffer-pool-size", buffer_pool_size);
  if (clock != d.clock) value("--clock", clock);
  return out;
}

}  // namespace heaplab
