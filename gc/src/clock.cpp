#include <heaplab/gc/clock.h>

namespace heaplab {

std::array<double, kWorkKinds> ModelCosts() {
  std::array<double, kWorkKinds> c{};
  auto set = [&c](Work w, double ns) { c[static_cast<std::size_t>(w)] = ns; };
  // The mutator: V8's inline allocation plus initializing the object.
  set(Work::Allocation, 20);
  set(Work::AllocatedByte, 0.25);
  set(Work::Store, 2);
  // Collections. A Scavenge of a 1 MiB semispace with 150 KB of survivors costs about
  // 0.2 ms, as Node 20 reports for such a heap (tests/data/node20/short_lived.log).
  set(Work::GcSetup, 20000);
  set(Work::RootSlot, 5);
  set(Work::ScannedSlot, 2);
  set(Work::CopiedObject, 10);
  set(Work::CopiedByte, 0.8);
  set(Work::MarkedObject, 25);
  set(Work::SweptPage, 2000);
  set(Work::SweptObject, 3);
  set(Work::MovedObject, 12);
  set(Work::MovedByte, 1.0);
  set(Work::UpdatedSlot, 3);
  return c;
}

std::unique_ptr<Clock> MakeClock(ClockKind kind) {
  if (kind == ClockKind::Model) return std::make_unique<ModelClock>();
  return std::make_unique<RealClock>();
}

}  // namespace heaplab
