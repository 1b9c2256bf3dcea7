// The full collector, printed "Mark-Compact" as V8 prints every full GC.
//
//   prepare   give up the old-space LAB
//   mark      trace the whole heap, young and old together, from the roots (Marker); after
//             incremental marking, only re-grey the roots and drain the worklist
//   clear     free the ids of dead objects
//   sweep     old pages: dead objects and holes become free-list blocks, empty pages are
//             released, dead large objects freed (not in slide mode, which rebuilds instead);
//             with lazy sweeping the pages are only accounted at their live bytes and the
//             sweeper (heap/include/heaplab/heap/sweeper.h) makes their free blocks after the
//             pause. A full GC starts by completing the sweeping the last one left.
//   evacuate  promote every live young object (new space ends empty); with
//             --compaction=evacuate, move the live objects of the candidate pages too
//   update    forward every slot, root and id that points at a moved object (only the young
//             part of the id table when only young objects moved)
//   slide     with --compaction=slide, Lisp-2 instead: compute forwarding addresses in address
//             order, update every reference, move every object down (Knuth; Jones, Hosking,
//             Moss, The Garbage Collection Handbook, 3.2)
//   finish    release evacuated pages, reset new space, clear the mark bits
//
// With an object-step observer on the tracer (object_step.h), the marker reports every object
// greyed and blackened, and this collector every object promoted or moved and every range
// freed (pages released whole, dead large objects; the sweeper reports its free blocks).
//
// Work grows with live objects (mark) plus heap size (sweep).
#pragma once

#include <vector>

#include <heaplab/gc/clock.h>
#include <heaplab/gc/config.h>
#include <heaplab/gc/evacuation.h>
#include <heaplab/gc/marker.h>
#include <heaplab/gc/pretenuring.h>
#include <heaplab/gc/tracer.h>
#include <heaplab/heap/heap.h>

namespace heaplab {

class MarkCompact {
 public:
  // `incremental`: the marker of an incremental marking under way, whose marks this full GC
  // finishes (the atomic finishing pause); null for a stop-the-world full GC.
  MarkCompact(Heap& heap, Clock& clock, Tracer& tracer, Compaction compaction, bool zap,
              Marker* incremental = nullptr, bool lazy_sweeping = false)
      : heap_(heap),
        clock_(clock),
        tracer_(tracer),
        compaction_(compaction),
        zap_(zap),
        own_marker_(heap, clock),
        marker_(incremental != nullptr ? *incremental : own_marker_),
        incremental_(incremental != nullptr),
        lazy_sweeping_(lazy_sweeping && compaction != Compaction::Slide) {}

  // One full GC. `policy` chooses evacuation candidates (ignored unless compaction is
  // Evacuate).
  void Run(const EvacuationPolicy& policy);
  // Pretenuring feedback from the young objects this GC promotes one by one. V8 promotes a
  // new-space page whose live bytes exceed kPagePromotionPercent of its area whole, and does
  // not look for mementos on it (MarkCompactCollector::EvacuatePagesInParallel, ShouldMovePage;
  // EvacuateNewSpacePageVisitor<NEW_TO_OLD>::Visit counts none without --minor-mc): not when the
  // GC reduces memory, and not when the old generation could not take the page's live bytes
  // (`old_room`: bytes the old generation may still grow by; each page promoted takes its area).
  // heaplab copies every object either way; only the feedback follows V8's page decision.
  void set_pretenuring(Pretenuring* pretenuring, bool reduce_memory = false,
                       std::size_t old_room = ~std::size_t{0}) {
    pretenuring_ = pretenuring;
    page_promotion_ = !reduce_memory;
    old_room_ = old_room;
  }
  static constexpr std::size_t kPagePromotionPercent = 70;  // v8_flags.page_promotion_threshold
  // Where this GC lists the objects it moved (cleared first). A buffer kept from one GC to
  // the next keeps its memory: grown afresh in every GC, the list's new memory is first
  // touched inside the pause, and on a virtual machine a first touch costs more than the copy
  // it records (a full GC promoting 167,000 young objects spent most of its copy time there).
  void set_moved_buffer(std::vector<Address>* buffer) { moved_ = buffer; }

  std::size_t evacuated_pages() const { return evacuated_pages_; }
  std::size_t moved_bytes() const { return moved_bytes_; }  // compaction only, not promotion

 private:
  void Mark();
  void ClearDeadIds();
  void SweepArrayBuffers();
  void SweepOldSpace();
  void CompleteSweeping();
  void ChargeSweeping();  // the sweeper's work since the last charge, on the clock
  void SweepLargeObjects();
  Address MoveToOldSpace(HeapObject obj);  // copy, forward, mark black
  void EvacuateYoung();
  void EvacuateCandidates(const std::vector<Chunk*>& candidates);
  // `candidates`: whether evacuation candidates moved (else only young objects did).
  void UpdatePointers(bool candidates);
  void Slide();
  void Finish(const std::vector<Chunk*>& candidates);
  bool IsMarked(Address a) const { return marker_.IsMarked(a); }
  void ReportFreed(Address start, std::size_t size) {
    ReportStep(steps_, {ObjectStepKind::Freed, false, start, 0, size});
  }
  Address Forward(Address target) const;  // where a reference must point after the GC

  Heap& heap_;
  Clock& clock_;
  Tracer& tracer_;
  Compaction compaction_;
  bool zap_;
  Pretenuring* pretenuring_ = nullptr;
  bool page_promotion_ = true;
  std::size_t old_room_ = ~std::size_t{0};
  ObjectStepObserver* steps_ = nullptr;  // the tracer's, read once per full GC
  Marker own_marker_;
  Marker& marker_;
  bool incremental_;
  bool lazy_sweeping_;
  std::size_t evacuated_pages_ = 0;
  std::size_t moved_bytes_ = 0;
  // Objects moved to old space this GC, at their new addresses: in own_moved_, or in a
  // caller's buffer that outlives this GC (set_moved_buffer).
  std::vector<Address> own_moved_;
  std::vector<Address>* moved_ = &own_moved_;
  std::size_t young_used_ = 0;  // bytes new space held before it was emptied
  // Slide mode: live old objects in address order and where each goes.
  std::vector<Address> slide_from_;
  std::vector<Address> slide_to_;
};

}  // namespace heaplab
