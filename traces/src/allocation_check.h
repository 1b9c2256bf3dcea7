// What an `a` or `o` event may ask for, checked the same way by every consumer of trace events
// (the replayer, `heaplab stats`): a slot count and size within V8's limits, and a size that holds
// the header and the slots.
#pragma once

#include <optional>
#include <string>

#include <heaplab/heap/object.h>
#include <heaplab/traces/event.h>

namespace heaplab {

struct AllocationProblem {
  int field;  // the event's field the message is about (2 = SIZE, 3 = SLOTS)
  std::string message;
};

// What replaying or counting an `m`, `f` or `x` event says.
inline constexpr const char* kManualModeUnsupported =
    "manual-mode events ('m', 'f', 'x') are not supported yet: they come with the allocator "
    "traces";

// Nothing when the event's size and slots are fine.
inline std::optional<AllocationProblem> CheckAllocation(const TraceEvent& e) {
  if (e.slots > kMaxSlots)
    return AllocationProblem{3, "too many slots: at most " + std::to_string(kMaxSlots)};
  if (e.size > kMaxObjectSize) {
    return AllocationProblem{2, "size " + std::to_string(e.size) + " is too large: at most " +
                                    std::to_string(kMaxObjectSize) +
                                    " bytes (1 GiB - 8, V8's largest object)"};
  }
  if (RoundUp(e.size, kWordSize) < MinObjectSize(e.slots)) {
    return AllocationProblem{2, "size " + std::to_string(e.size) + " cannot hold the header and " +
                                    std::to_string(e.slots) + " slots: expected at least " +
                                    std::to_string(MinObjectSize(e.slots)) + " bytes"};
  }
  return std::nullopt;
}

}  // namespace heaplab
