#include <heaplab/heap/cage.h>

#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <new>
#include <stdexcept>
#include <string>

namespace heaplab {

std::size_t Cage::CommitGranule() {
  static const std::size_t size = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
  return size;
}

Cage::Cage(std::size_t bytes) {
  size_ = RoundUp(bytes, kPageSize);
  mapping_size_ = size_ + kPageSize;
  void* p =
      mmap(nullptr, mapping_size_, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED) {
    throw std::runtime_error("cannot reserve " + std::to_string(size_ / MB) +
                             " MiB of address space for the heap: " + std::strerror(errno));
  }
  mapping_ = reinterpret_cast<Address>(p);
  base_ = RoundUp(mapping_, kPageSize);
  const std::size_t units = size_ / kPageSize;
  table_.assign(units, nullptr);
  used_.assign(units, 0);
  free_units_ = units;
}

Cage::~Cage() {
  munmap(reinterpret_cast<void*>(mapping_), mapping_size_);
}

Address Cage::TakeUnits(std::size_t units) {
  if (units == 0 || units > free_units_) return 0;
  const std::size_t n = used_.size();
  std::size_t run = 0;
  for (std::size_t i = search_hint_; i < n; ++i) {
    if (used_[i]) {
      run = 0;
      continue;
    }
    if (++run == units) return TakeUnitsAt(i + 1 - units, units);
  }
  return 0;
}

Address Cage::TakeUnitsAt(std::size_t first_unit, std::size_t units) {
  for (std::size_t i = first_unit; i < first_unit + units; ++i) {
    if (i >= used_.size() || used_[i]) throw std::logic_error("cage units already taken");
    used_[i] = 1;
  }
  free_units_ -= units;
  while (search_hint_ < used_.size() && used_[search_hint_])
    ++search_hint_;
  return base_ + first_unit * kPageSize;
}

void Cage::GiveBackUnits(Address start, std::size_t units) {
  const std::size_t first = UnitOf(start);
  for (std::size_t i = first; i < first + units; ++i)
    used_[i] = 0;
  free_units_ += units;
  if (first < search_hint_) search_hint_ = first;
}

void Cage::Commit(Address start, std::size_t bytes) {
  bytes = RoundUp(bytes, CommitGranule());
  if (bytes == 0) return;
  if (mprotect(reinterpret_cast<void*>(start), bytes, PROT_READ | PROT_WRITE) != 0) {
    throw std::runtime_error("cannot commit " + std::to_string(bytes / KB) +
                             " KiB of heap memory (mprotect: " + std::strerror(errno) + ")");
  }
  committed_ += bytes;
}

void Cage::Decommit(Address start, std::size_t bytes) {
  bytes = RoundUp(bytes, CommitGranule());
  if (bytes == 0) return;
  madvise(reinterpret_cast<void*>(start), bytes, MADV_DONTNEED);
  mprotect(reinterpret_cast<void*>(start), bytes, PROT_NONE);
  committed_ -= bytes;
}

void Cage::Register(Chunk* chunk, Address start, std::size_t bytes) {
  const std::size_t first = UnitOf(start);
  const std::size_t last = UnitOf(start + bytes - 1);
  for (std::size_t i = first; i <= last; ++i)
    table_[i] = chunk;
}

void Cage::Unregister(Address start, std::size_t bytes) {
  Register(nullptr, start, bytes);
}

}  // namespace heaplab
