#include <heaplab/traces/writer.h>

#include <fmt/format.h>

namespace heaplab {

std::string FormatEvent(const TraceEvent& e) {
  switch (e.op) {
    case Op::Allocate:
      return e.has_site ? fmt::format("a {} {} {} @{}", e.id, e.size, e.slots, e.site)
                        : fmt::format("a {} {} {}", e.id, e.size, e.slots);
    case Op::OldAllocate:
      return fmt::format("o {} {} {}", e.id, e.size, e.slots);
    case Op::Write:
      return e.null_target ? fmt::format("w {} {} -", e.id, e.size)
                           : fmt::format("w {} {} {}", e.id, e.size, e.target);
    case Op::Load:
      return fmt::format("l {}", e.id);
    case Op::Open:
      return "{";
    case Op::Close:
      return "}";
    case Op::Root:
      return fmt::format("r {}", e.id);
    case Op::Drop:
      return fmt::format("d {}", e.id);
    case Op::Buffer:
      return fmt::format("b {} {} {}", e.id, e.size, BufferApiName(e.api));
    case Op::Compute:
      return fmt::format("t {}", e.size);
    case Op::Idle:
      return fmt::format("i {}", e.size);
    case Op::Gc:
      return e.major ? "g major" : "g minor";
    case Op::Tier:
      return fmt::format("j {} {}", e.site, e.size);
    case Op::Malloc:
      return fmt::format("m {} {}", e.id, e.size);
    case Op::Free:
      return fmt::format("f {}", e.id);
    case Op::Realloc:
      return fmt::format("x {} {}", e.id, e.size);
  }
  return "";
}

TraceWriter::TraceWriter(std::ostream& out, const std::map<std::string, std::string>& metadata)
    : out_(out) {
  std::string header = "heaplab-trace 1";
  for (const auto& [k, v] : metadata)
    header += " " + k + "=" + v;
  out_ << header << '\n';
}

void TraceWriter::Put(const TraceEvent& e) {
  buffer_ = FormatEvent(e);
  buffer_ += '\n';
  out_.write(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
  ++events_;
}

}  // namespace heaplab
