// The cage: one reservation of virtual memory that holds the whole heap, cut into units of
// kPageSize. Semispaces, old-space pages and large-object chunks are carved out of it, and a
// flat table maps every unit to the Chunk that owns it, so ChunkOf(address) is one shift and
// one load. Memory is committed (made read-write) when a space takes it and decommitted (given
// back to the OS and made inaccessible) when the space lets it go, so a dangling address into
// released memory faults instead of reading stale objects.
#pragma once

#include <cstdint>
#include <vector>

#include <heaplab/heap/chunk.h>
#include <heaplab/heap/globals.h>

namespace heaplab {

class Cage {
 public:
  // Reserves `bytes` (rounded up to kPageSize) of address space; commits nothing.
  explicit Cage(std::size_t bytes);
  ~Cage();
  Cage(const Cage&) = delete;
  Cage& operator=(const Cage&) = delete;

  Address base() const { return base_; }
  std::size_t size() const { return size_; }
  bool Contains(Address a) const { return a - base_ < size_; }

  // Takes `units` contiguous free units, lowest address first. Returns 0 when none is left.
  // The memory is not committed.
  Address TakeUnits(std::size_t units);
  // Takes the units at a fixed offset (used for the semispaces at the bottom of the cage).
  Address TakeUnitsAt(std::size_t first_unit, std::size_t units);
  void GiveBackUnits(Address start, std::size_t units);
  std::size_t free_units() const { return free_units_; }

  // The OS page size: the granule of Commit and Decommit.
  static std::size_t CommitGranule();
  // Makes [start, start+bytes) read-write (bytes rounded up to the OS page).
  void Commit(Address start, std::size_t bytes);
  // Returns the memory to the OS and makes it inaccessible.
  void Decommit(Address start, std::size_t bytes);
  std::size_t committed() const { return committed_; }  // bytes committed now

  // The chunk table.
  void Register(Chunk* chunk, Address start, std::size_t bytes);
  void Unregister(Address start, std::size_t bytes);
  Chunk* ChunkOf(Address a) const {
    return Contains(a) ? table_[(a - base_) / kPageSize] : nullptr;
  }

 private:
  std::size_t UnitOf(Address a) const { return (a - base_) / kPageSize; }

  Address mapping_ = 0;  // start of the raw mapping (before alignment)
  std::size_t mapping_size_ = 0;
  Address base_ = 0;                // kPageSize-aligned start of the usable cage
  std::size_t size_ = 0;            // bytes
  std::vector<Chunk*> table_;       // unit -> owning chunk, or nullptr
  std::vector<std::uint8_t> used_;  // unit -> taken?
  std::size_t free_units_ = 0;
  std::size_t search_hint_ = 0;  // no free unit below this index
  std::size_t committed_ = 0;
};

}  // namespace heaplab
