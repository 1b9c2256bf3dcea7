#include <heaplab/traces/event.h>

#include <utility>

#include "escape.h"

namespace heaplab {

TraceError::TraceError(std::string f, std::uint64_t l, std::uint32_t c, std::string m)
    : file(std::move(f)), line(l), column(c), message(std::move(m)) {
  text = EscapeControlBytes(file) + ":" + std::to_string(line) + ":" + std::to_string(column) +
         ": " + message;
}

}  // namespace heaplab
