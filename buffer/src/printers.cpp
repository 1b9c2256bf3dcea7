#include <heaplab/buffer/printers.h>

#include <fmt/format.h>

namespace heaplab {

std::string FormatBufferLine(Id id, const BufferRecord& r) {
  return fmt::format("buffer {} size={} api={} pooled={} slab={} offset={}\n", id, r.size,
                     BufferApiName(r.api), r.pooled ? 1 : 0, r.slab, r.offset);
}

std::string FormatSlabEvent(const SlabEvent& e) {
  if (e.kind == SlabEventKind::BecameFull) {
    return fmt::format("slab {} full views={} used={}\n", e.slab, e.live_views, e.offset);
  }
  return fmt::format("slab {} {}\n", e.slab, SlabEventName(e.kind));
}

void BufferTracePrinter::OnBuffer(Id id, BufferHandle, const BufferRecord& record) {
  out_ << FormatBufferLine(id, record);
}

void BufferTracePrinter::OnSlabEvent(const SlabEvent& e) {
  out_ << FormatSlabEvent(e);
}

std::string FormatPoolSummary(const Buffers& buffers) {
  const BufferPool& pool = buffers.pool();
  const PoolStats s = pool.stats();
  constexpr double kMB = 1024.0 * 1024.0;
  std::string out;
  out += fmt::format(
      "  buffers: {} allocated ({} pooled) of {} bytes in all, pool size {}, backing memory from "
      "{}\n",
      s.buffers, s.pooled, s.bytes, pool.pool_size(), BackingMemory::Name());
  out += fmt::format(
      "  slabs: {} created, peak {} live, {} live now; {} full slabs pinned by small live "
      "slices hold {} bytes for {} bytes of views; {} bytes wasted at slab tails\n",
      s.slabs_created, s.peak_live_slabs, s.live_slabs, s.full_slabs, s.pinned_bytes,
      s.pinned_view_bytes, s.tail_waste_bytes);
  out += fmt::format(
      "  external memory: peak {:.1f} MB, now {:.1f} MB; GCs for external memory pressure: {} "
      "Scavenge, {} full\n",
      static_cast<double>(s.peak_external_bytes) / kMB,
      static_cast<double>(pool.external_bytes()) / kMB,
      buffers.gc_counts().young_pressure_scavenges, buffers.gc_counts().soft_limit_full_gcs);
  return out;
}

}  // namespace heaplab
