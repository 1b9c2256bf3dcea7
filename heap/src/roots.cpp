#include <heaplab/heap/roots.h>

namespace heaplab {

GlobalHandle GlobalHandles::Create(Address object) {
  if (!free_.empty()) {
    const GlobalHandle h = free_.back();
    free_.pop_back();
    slots_[h] = object;
    return h;
  }
  slots_.push_back(object);
  return static_cast<GlobalHandle>(slots_.size() - 1);
}

void GlobalHandles::Destroy(GlobalHandle handle) {
  slots_[handle] = 0;
  free_.push_back(handle);
}

bool HandleScopes::Close() {
  if (marks_.empty()) return false;
  locals_.resize(marks_.back());
  marks_.pop_back();
  return true;
}

}  // namespace heaplab
