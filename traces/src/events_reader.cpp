#include <heaplab/traces/events_reader.h>

#include <stdexcept>

#include <heaplab/traces/event.h>

namespace heaplab {

EventsReader::EventsReader(std::istream& in, std::string file) : in_(in), file_(std::move(file)) {
  if (!ReadLine())
    Fail("empty events file: expected a header line {\"schema\":\"heaplab-events\",...}");
  try {
    header_ = ParseEventsHeader(line_text_);
  } catch (const std::invalid_argument& e) {
    Fail(e.what());
  }
}

bool EventsReader::ReadLine() {
  for (;;) {
    line_text_.clear();
    std::streambuf* buf = in_.rdbuf();
    bool any = false;
    for (;;) {
      const int c = buf->sbumpc();
      if (c == std::char_traits<char>::eof()) break;
      any = true;
      if (c == '\n') break;
      line_text_.push_back(static_cast<char>(c));
      if (line_text_.size() > kMaxLineLength) {
        ++line_;
        Fail("line longer than " + std::to_string(kMaxLineLength) + " bytes");
      }
    }
    if (!any) return false;
    ++line_;
    if (!line_text_.empty() && line_text_.back() == '\r') line_text_.pop_back();
    if (line_text_.find_first_not_of(" \t") != std::string::npos) return true;
  }
}

bool EventsReader::Next(EventRecord& record) {
  if (!ReadLine()) return false;
  if (ended_) Fail("an event after the end line");
  try {
    record = ParseEventLine(line_text_);
  } catch (const std::invalid_argument& e) {
    Fail(e.what());
  }
  if (record.type == EventRecord::Type::End) ended_ = true;
  return true;
}

void EventsReader::Fail(const std::string& message) const {
  throw TraceError(file_, line_, 1, message);
}

}  // namespace heaplab
