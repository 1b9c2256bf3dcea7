#include <heaplab/buffer/api.h>

#include <initializer_list>

namespace heaplab {

const char* BufferApiName(BufferApi api) {
  switch (api) {
    case BufferApi::Unsafe:
      return "unsafe";
    case BufferApi::Alloc:
      return "alloc";
    case BufferApi::Slow:
      return "slow";
    case BufferApi::From:
      return "from";
    case BufferApi::Concat:
      return "concat";
  }
  return "?";
}

bool ParseBufferApi(std::string_view text, BufferApi& out) {
  for (BufferApi api :
       {BufferApi::Unsafe, BufferApi::Alloc, BufferApi::Slow, BufferApi::From, BufferApi::Concat}) {
    if (text == BufferApiName(api)) {
      out = api;
      return true;
    }
  }
  return false;
}

}  // namespace heaplab
