// The collector flags of `heaplab run` (and the Buffer pool's size) as plain values (V8's names and
// units: MiB for sizes), shared by every front end: the command line registers them on its parser,
// the visualizer's settings panel edits them field by field, and both turn them into a GcConfig
// through ToConfig(), so the two agree on defaults, ranges, help texts and how values combine.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <heaplab/buffer/pool.h>
#include <heaplab/gc/config.h>

namespace heaplab {

// A value that does not fit: `flag` names it ("--min-semi-space-size"), `message` says why.
struct GcFlagError : std::invalid_argument {
  GcFlagError(std::string flag_name, const std::string& why)
      : std::invalid_argument(flag_name + ": " + why), flag(std::move(flag_name)), message(why) {}
  std::string flag;
  std::string message;
};

struct GcFlags {
  std::uint64_t min_semi_space_mb = kDefaultMinSemiSpaceSize / MB;
  std::uint64_t max_semi_space_mb = kDefaultMaxSemiSpaceSize / MB;
  std::uint64_t max_old_space_mb = kDefaultMaxOldSpaceSize / MB;
  double semi_space_growth_factor = 2.0;
  std::string promotion = "v8";         // v8 | book
  std::string compaction = "evacuate";  // evacuate | slide | none
  std::int64_t gc_interval = -1;
  bool verify_heap = false;
  bool predictable = false;
  bool incremental_marking = true;
  bool concurrent_marking = true;
  bool lazy_sweeping = true;
  bool scavenge_task = true;
  bool memory_reducer = true;
  bool allocation_site_pretenuring = true;
  std::string clock = "real";                               // real | model
  std::uint64_t buffer_pool_size = kDefaultBufferPoolSize;  // bytes, Node's Buffer.poolSize

  // Throws GcFlagError naming the flag when the values do not fit together.
  GcConfig ToConfig() const;
  // The flags that differ from the defaults, as they are written on the command line
  // ("--max-semi-space-size=4", "--no-incremental-marking").
  std::vector<std::string> ToArgs() const;
};

// One flag's range and help text, as `heaplab run --help` shows them.
struct GcFlagInfo {
  const char* name;  // "--max-semi-space-size"
  const char* help;
  double min;  // numeric flags: the accepted range; 0, 0 for switches and choices
  double max;
};
const std::vector<GcFlagInfo>& GcFlagInfos();
// The entry of `name`; throws std::out_of_range for a name that is not a collector flag.
const GcFlagInfo& GcFlagInfoOf(std::string_view name);

}  // namespace heaplab
