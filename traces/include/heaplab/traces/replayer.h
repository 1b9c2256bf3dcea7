// The replayer drives a Mutator from trace events and checks their meaning: ids must exist,
// be new when allocated, name live objects; slots must be in range; scopes must balance.
// A violation is a TraceError at the event's line and column; the heap is left as it was
// before the event.
//
// The replay starts inside an outermost handle scope of its own, as a script's top level runs
// inside one: objects allocated outside any `{ }` stay alive until the end.
#pragma once

#include <string>
#include <unordered_map>

#include <heaplab/buffer/buffers.h>
#include <heaplab/gc/mutator.h>
#include <heaplab/traces/event.h>

namespace heaplab {

class Replayer : public TraceSink {
 public:
  Replayer(Mutator& mutator, std::string file);
  void Put(const TraceEvent& e) override;

  void set_file(std::string file) { file_ = std::move(file); }
  // Where `b` events go; without it they are refused.
  void set_buffers(Buffers* buffers) { buffers_ = buffers; }
  std::uint64_t events() const { return events_; }
  std::uint64_t allocated_bytes() const { return allocated_bytes_; }
  std::uint64_t objects() const { return objects_; }

 private:
  [[noreturn]] void Fail(const TraceEvent& e, int field, const std::string& message) const;
  Address Live(const TraceEvent& e, int field, Id id) const;  // the address of a live id

  Mutator& mutator_;
  Buffers* buffers_ = nullptr;
  std::string file_;
  std::unordered_map<Id, GlobalHandle> globals_;
  std::uint64_t events_ = 0;
  std::uint64_t allocated_bytes_ = 0;
  std::uint64_t objects_ = 0;
};

}  // namespace heaplab
