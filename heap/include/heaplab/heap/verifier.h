// The heap verifier behind --verify-heap: walks every space and checks the invariants that
// heap.h lists, by name. It reads the heap only; it never fixes anything.
#pragma once

#include <string>
#include <vector>

#include <heaplab/heap/heap.h>

namespace heaplab {

struct VerifyResult {
  std::vector<std::string> failures;  // "[invariant] what is wrong", at most kMaxFailures
  std::size_t objects = 0;            // objects walked (fillers excluded)
  std::size_t slots = 0;              // non-null slots checked
  bool ok() const { return failures.empty(); }
  std::string Summary() const;  // the failures, one per line
};

// Checks the heap as it must be between collections. `marking`: an incremental marking is under
// way, so mark bits may be set ([marks] applies only between marking cycles).
VerifyResult VerifyHeap(Heap& heap, bool marking = false);

}  // namespace heaplab
