#include <heaplab/heap/globals.h>

namespace heaplab {

const char* SpaceName(SpaceId id) {
  switch (id) {
    case SpaceId::NewSpace:
      return "new_space";
    case SpaceId::OldSpace:
      return "old_space";
    case SpaceId::LargeObjectSpace:
      return "large_object_space";
    case SpaceId::NewLargeObjectSpace:
      return "new_large_object_space";
  }
  return "?";
}

}  // namespace heaplab
