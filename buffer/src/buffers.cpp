#include <heaplab/buffer/buffers.h>

#include <unordered_set>

namespace heaplab {

Buffers::Buffers(Mutator& mutator, std::size_t pool_size) : mutator_(mutator), pool_(pool_size) {
  mutator_.heap().external().set_owner(this);
}

Buffers::~Buffers() {
  ExternalObjectList& list = mutator_.heap().external();
  if (list.owner() == this) list.set_owner(nullptr);
}

BufferHandle Buffers::HandleOf(Address wrapper) {
  std::uint64_t token = 0;
  std::memcpy(&token, HeapObject(wrapper).payload(), sizeof token);
  return static_cast<BufferHandle>(token);
}

Address Buffers::Allocate(Id id, std::size_t size, BufferApi api) {
  Heap& heap = mutator_.heap();
  GcController& controller = mutator_.controller();
  ExternalObjectList& external = heap.external();
  // The wrapper first (V8 allocates the JSArrayBuffer, then attaches its backing store).
  mutator_.Allocate(id, kBufferWrapperSize, 0, Kind::BufferWrapper);

  // V8 (Heap::AllocateExternalBackingStore): a Scavenge may free enough young stores first.
  const std::size_t backing = pool_.BackingBytesFor(size, api);
  if (backing > 0 && external.young_bytes() >= kExternalYoungPressureBytes &&
      external.young_bytes() >= backing) {
    ++counts_.young_pressure_scavenges;
    controller.Collect(Collector::Scavenge, Reason::ExternalMemoryPressure);
  }

  const std::size_t before = pool_.external_bytes();
  const BufferHandle h = pool_.Allocate(size, api);
  ids_.push_back(id);
  const Address wrapper = heap.ids().Get(id);  // it may have moved in a collection
  const std::uint64_t token = h;
  std::memcpy(HeapObject(wrapper).payload(), &token, sizeof token);
  external.Add(wrapper, token, size, heap.InYoung(wrapper));
  const std::size_t grown = pool_.external_bytes() - before;
  external.ReportAllocated(grown);
  if (!observers_.empty()) {
    const BufferRecord record = pool_.record(h);
    for (BufferObserver* o : observers_)
      o->OnBuffer(id, h, record);
  }

  // V8 (Isolate::AdjustAmountOfExternalAllocatedMemory): past the soft limit since the last
  // full GC, Heap::ReportExternalMemoryPressure, which starts marking; heaplab runs the full
  // GC of that marking here, at once (it reduces memory as that marking would,
  // GcController::FullGcReducesMemory).
  if (grown > 0 && external.GrowthSinceFullGc() > kExternalAllocationSoftLimit) {
    ++counts_.soft_limit_full_gcs;
    controller.Collect(Collector::MarkCompact, Reason::ExternalMemoryPressure,
                       "GC in old space requested");
  }
  return heap.ids().Get(id);
}

void Buffers::ReleaseStore(std::uint64_t token) {
  const std::size_t before = pool_.external_bytes();
  pool_.Release(static_cast<BufferHandle>(token));
  mutator_.heap().external().ReportFreed(before - pool_.external_bytes());
}

void Buffers::VerifyStores(const ExternalObjectList& list,
                           std::vector<std::string>& failures) const {
  auto fail = [&failures](std::string m) {
    if (failures.size() < 20) failures.push_back(std::move(m));
  };
  for (std::string& f : pool_.Verify())
    fail(std::move(f));
  std::vector<bool> listed(pool_.buffer_count(), false);
  // The trace id of a Buffer; a store no `b` event made (the pool used directly) has none.
  auto name = [this](std::size_t h) {
    return h < ids_.size() ? std::to_string(ids_[h]) : "#" + std::to_string(h) + " (no id)";
  };
  auto check = [&](const ExternalObjectList::Entry& e) {
    if (e.token >= listed.size()) {
      fail("[external-store] a wrapper holds token " + std::to_string(e.token) +
           ", which is no Buffer");
      return;
    }
    listed[e.token] = true;
    if (!pool_.record(static_cast<BufferHandle>(e.token)).live) {
      fail("[external-store] the wrapper of Buffer " + name(e.token) +
           " is listed alive but its store was released");
    }
  };
  for (const auto& e : list.young())
    check(e);
  for (const auto& e : list.old())
    check(e);
  for (std::size_t h = 0; h < listed.size(); ++h) {
    if (!listed[h] && pool_.record(static_cast<BufferHandle>(h)).live) {
      fail("[external-store] Buffer " + name(h) +
           " is held in the pool but its wrapper is dead or unlisted (not released)");
    }
  }
  if (list.external_memory() != pool_.external_bytes()) {
    fail("[external-store] the heap counts " + std::to_string(list.external_memory()) +
         " bytes of external memory, the pool holds " + std::to_string(pool_.external_bytes()));
  }
}

}  // namespace heaplab
