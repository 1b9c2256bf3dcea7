#include <heaplab/traces/replayer.h>

#include "allocation_check.h"

namespace heaplab {

Replayer::Replayer(Mutator& mutator, std::string file) : mutator_(mutator), file_(std::move(file)) {
  mutator_.OpenScope();
}

void Replayer::Fail(const TraceEvent& e, int field, const std::string& message) const {
  throw TraceError(file_, e.line, e.column[static_cast<std::size_t>(field)], message);
}

Address Replayer::Live(const TraceEvent& e, int field, Id id) const {
  const IdTable& ids = mutator_.heap().ids();
  if (const Address a = ids.Get(id); a != 0) return a;
  switch (ids.StateOf(id)) {
    case IdTable::State::Unknown:
      Fail(e, field, "unknown id " + std::to_string(id) + ": no object was allocated with it");
    case IdTable::State::Freed:
      Fail(e, field,
           "id " + std::to_string(id) +
               " names an object the collector has already freed (it was unreachable)");
    case IdTable::State::Live:
      break;
  }
  return ids.Get(id);
}

void Replayer::Put(const TraceEvent& e) {
  ++events_;
  Heap& heap = mutator_.heap();
  switch (e.op) {
    case Op::Allocate:
    case Op::OldAllocate: {
      if (heap.ids().StateOf(e.id) != IdTable::State::Unknown) {
        Fail(e, 1, "id " + std::to_string(e.id) + " is already used: ids are unique in a trace");
      }
      if (const auto problem = CheckAllocation(e)) Fail(e, problem->field, problem->message);
      const std::size_t size = RoundUp(e.size, kWordSize);
      if (e.op == Op::OldAllocate) {
        mutator_.AllocateOld(e.id, size, e.slots);
      } else {
        Pretenuring& pretenuring = mutator_.controller().pretenuring();
        const std::uint32_t site = e.has_site ? pretenuring.SiteIndex(e.site) : kNoSite;
        mutator_.Allocate(e.id, size, e.slots, Kind::Plain, site);
      }
      allocated_bytes_ += size;
      ++objects_;
      break;
    }
    case Op::Write: {
      const Address host = Live(e, 1, e.id);
      const std::uint64_t slots = HeapObject(host).slot_count();
      if (e.size >= slots) {
        Fail(e, 2,
             "slot " + std::to_string(e.size) + " out of range: object " + std::to_string(e.id) +
                 " has " + std::to_string(slots) + " slots");
      }
      const Address value = e.null_target ? 0 : Live(e, 3, e.target);
      mutator_.Write(host, e.size, value);
      break;
    }
    case Op::Load:
      mutator_.AddLocal(Live(e, 1, e.id));
      break;
    case Op::Open:
      mutator_.OpenScope();
      break;
    case Op::Close:
      if (heap.scopes().Depth() <= 1) Fail(e, 0, "'}' without a matching '{'");
      mutator_.CloseScope();
      break;
    case Op::Root: {
      const Address a = Live(e, 1, e.id);
      if (globals_.count(e.id) != 0) {
        Fail(e, 1, "id " + std::to_string(e.id) + " is already a global root");
      }
      globals_[e.id] = mutator_.NewGlobal(a);
      break;
    }
    case Op::Drop: {
      auto it = globals_.find(e.id);
      if (it == globals_.end()) {
        Fail(e, 1,
             "id " + std::to_string(e.id) + " is not a global root ('r " + std::to_string(e.id) +
                 "' must come first)");
      }
      mutator_.DropGlobal(it->second);
      globals_.erase(it);
      break;
    }
    case Op::Compute:
      mutator_.Compute(static_cast<double>(e.size));
      break;
    case Op::Idle:
      mutator_.Idle(static_cast<double>(e.size));
      break;
    case Op::Gc:
      mutator_.RequestGc(e.major ? Generation::Old : Generation::Young);
      break;
    case Op::Tier: {
      Pretenuring& pretenuring = mutator_.controller().pretenuring();
      pretenuring.SetTierUp(pretenuring.SiteIndex(e.site), static_cast<std::uint32_t>(e.size));
      break;
    }
    case Op::Buffer: {
      if (buffers_ == nullptr) Fail(e, 0, "Buffer events ('b') need a Buffer pool");
      if (heap.ids().StateOf(e.id) != IdTable::State::Unknown) {
        Fail(e, 1, "id " + std::to_string(e.id) + " is already used: ids are unique in a trace");
      }
      if (e.size > kMaxBufferSize) {
        Fail(e, 2,
             "size " + std::to_string(e.size) + " is too large: a Buffer holds at most " +
                 std::to_string(kMaxBufferSize) + " bytes");
      }
      buffers_->Allocate(e.id, e.size, e.api);
      allocated_bytes_ += kBufferWrapperSize;
      ++objects_;
      break;
    }
    case Op::Malloc:
    case Op::Free:
    case Op::Realloc:
      Fail(e, 0, kManualModeUnsupported);
  }
}

}  // namespace heaplab
