// Views of the Buffer pool: the --trace-buffers lines and the pool part of the end-of-run
// summary.
//
//   buffer ID size=N api=API pooled=0|1 slab=K offset=O    one per Buffer allocation (slab -1
//                                                           and offset 0 when not pooled)
//   slab K created | full views=V used=U | emptied | released    slab life-cycle events
#pragma once

#include <ostream>
#include <string>

#include <heaplab/buffer/buffers.h>

namespace heaplab {

std::string FormatBufferLine(Id id, const BufferRecord& r);
std::string FormatSlabEvent(const SlabEvent& e);

class BufferTracePrinter : public BufferObserver, public PoolObserver {
 public:
  explicit BufferTracePrinter(std::ostream& out) : out_(out) {}
  void OnBuffer(Id id, BufferHandle handle, const BufferRecord& record) override;
  void OnSlabEvent(const SlabEvent& e) override;

 private:
  std::ostream& out_;
};

// "  buffers: ..." lines for the end-of-run summary.
std::string FormatPoolSummary(const Buffers& buffers);

}  // namespace heaplab
