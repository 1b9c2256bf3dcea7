// Writes events as a text trace, format version 1. The output reads back into the same events.
#pragma once

#include <map>
#include <ostream>
#include <string>

#include <heaplab/traces/event.h>

namespace heaplab {

class TraceWriter : public TraceSink {
 public:
  // Writes the header line with `metadata` as key=value pairs.
  TraceWriter(std::ostream& out, const std::map<std::string, std::string>& metadata);
  void Put(const TraceEvent& e) override;
  std::uint64_t events() const { return events_; }

 private:
  std::ostream& out_;
  std::string buffer_;
  std::uint64_t events_ = 0;
};

// One event as its text line, without the newline.
std::string FormatEvent(const TraceEvent& e);

}  // namespace heaplab
