#include <heaplab/gc/event.h>

namespace heaplab {

const char* ReasonString(Reason r) {
  switch (r) {
    case Reason::AllocationFailure:
      return "allocation failure";
    case Reason::AllocationLimit:
      return "allocation limit";
    case Reason::Testing:
      return "testing";
    case Reason::Task:
      return "task";
    case Reason::FinalizeMarkingViaTask:
      return "finalize incremental marking via task";
    case Reason::FinalizeMarkingViaStackGuard:
      return "finalize incremental marking via stack guard";
    case Reason::ExternalMemoryPressure:
      return "external memory pressure";
    case Reason::MemoryReducer:
      return "memory reducer";
    case Reason::LastResort:
      return "last resort";
    case Reason::ContextDisposal:
      return "context disposal";
    case Reason::CountersExtension:
      return "counters extension";
    case Reason::Debugger:
      return "debugger";
    case Reason::Deserializer:
      return "deserialize";
    case Reason::FullHashtable:
      return "full hash-table";
    case Reason::HeapProfiler:
      return "heap profiler";
    case Reason::LowMemoryNotification:
      return "low memory notification";
    case Reason::MakeHeapIterable:
      return "make heap iterable";
    case Reason::MemoryPressure:
      return "memory pressure";
    case Reason::Runtime:
      return "runtime";
    case Reason::SamplingProfiler:
      return "sampling profiler";
    case Reason::SnapshotCreator:
      return "snapshot creator";
    case Reason::ExternalFinalize:
      return "external finalize";
    case Reason::GlobalAllocationLimit:
      return "global allocation limit";
    case Reason::MeasureMemory:
      return "measure memory";
    case Reason::Unknown:
      return "unknown";
    case Reason::BackgroundAllocationFailure:
      return "background allocation failure";
    case Reason::FinalizeMinorMC:
      return "finalize MinorMC";
    case Reason::CppHeapAllocationFailure:
      return "CppHeap allocation failure";
    case Reason::Count:
      break;
  }
  return "unknown";
}

bool ParseReason(std::string_view text, Reason& out) {
  for (int i = 0; i < static_cast<int>(Reason::Count); ++i) {
    if (text == ReasonString(static_cast<Reason>(i))) {
      out = static_cast<Reason>(i);
      return true;
    }
  }
  return false;
}

}  // namespace heaplab
