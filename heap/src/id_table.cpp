#include <heaplab/heap/id_table.h>

#include <algorithm>
#include <bit>

namespace heaplab {

// ---------------------------------------------------------------------------------------------
// IdMap

std::size_t IdMap::CapacityFor(std::size_t n) {
  return std::max(kMinCapacity, std::bit_ceil(2 * std::max<std::size_t>(n, 1)));
}

// The id's entry gets the address; a new id takes the first tombstone on its probe path, or
// the empty slot that ends it (an id is looked for up to that empty slot first, so that it is
// never listed twice).
void IdMap::Place(Id id, Address address) {
  Entry* reuse = nullptr;
  for (std::size_t i = Home(id);; i = (i + 1) & mask_) {
    Entry& e = slots_[i];
    if (e.address == 0) {
      if (reuse != nullptr) {
        --tombstones_;
      } else {
        reuse = &e;
      }
      *reuse = {id, address};
      ++size_;
      return;
    }
    if (e.address == kTombstone) {
      if (reuse == nullptr) reuse = &e;
    } else if (e.id == id) {
      e.address = address;
      return;
    }
  }
}

void IdMap::Resize(std::size_t capacity) {
  std::vector<Entry> old(capacity, Entry{0, 0});
  old.swap(slots_);
  mask_ = capacity - 1;
  shift_ = 64u - static_cast<unsigned>(std::countr_zero(capacity));
  size_ = 0;
  tombstones_ = 0;
  for (const Entry& e : old) {
    if (e.address > kTombstone) Place(e.id, e.address);
  }
}

// Live entries and tombstones together use at most half of the slots (Insert keeps it so), so
// tombstones can fill a quarter of the map only when live entries fill less than a quarter:
// halving the capacity, which drops them, is the one test needed.
void IdMap::ShrinkIfSparse() {
  const std::size_t fit = CapacityFor(size_);
  if (2 * fit <= slots_.size()) Resize(fit);
}

void IdMap::Rebuild(std::size_t expected) {
  const std::size_t capacity = CapacityFor(expected);
  tombstones_ = 0;
  if (capacity == slots_.size()) {
    std::fill(slots_.begin(), slots_.end(), Entry{0, 0});
    size_ = 0;
  } else {
    slots_.clear();
    slots_.shrink_to_fit();
    Resize(capacity);
  }
}

// ---------------------------------------------------------------------------------------------
// IdRuns

namespace {

IdRuns::Run Single(Id id) {
  return {id, id, 0};
}

// A run of first, first + step, ..., last; one id is written with step 0.
IdRuns::Run Progression(Id first, Id last, Id step) {
  return {first, last, first == last ? 0 : step};
}

}  // namespace

IdRuns::Position IdRuns::Locate(Id id) const {
  const auto chunk =
      std::upper_bound(chunks_.begin(), chunks_.end(), id,
                       [](Id x, const std::vector<Run>& c) { return x < c.front().first; });
  if (chunk == chunks_.begin()) return {0, -1};
  const auto run = std::upper_bound(chunk[-1].begin(), chunk[-1].end(), id,
                                    [](Id x, const Run& r) { return x < r.first; });
  return {static_cast<std::size_t>(chunk - chunks_.begin() - 1), run - chunk[-1].begin() - 1};
}

bool IdRuns::Contains(Id id) const {
  if (ids_ == 0 || id > max_) return false;
  const Position p = Locate(id);
  return p.run >= 0 && chunks_[p.chunk][static_cast<std::size_t>(p.run)].Has(id);
}

IdRuns::Run* IdRuns::RunAfter(Position p) {
  const auto next = static_cast<std::size_t>(p.run + 1);
  if (next < chunks_[p.chunk].size()) return &chunks_[p.chunk][next];
  if (p.chunk + 1 < chunks_.size()) return &chunks_[p.chunk + 1].front();
  return nullptr;
}

void IdRuns::InsertAt(Position p, Run r) {
  std::size_t c = p.chunk;
  auto at = static_cast<std::size_t>(p.run + 1);
  if (chunks_[c].size() == kMaxChunk) {  // split the full chunk in halves first
    constexpr std::size_t kHalf = kMaxChunk / 2;
    std::vector<Run> upper(chunks_[c].begin() + kHalf, chunks_[c].end());
    chunks_[c].resize(kHalf);
    chunks_.insert(chunks_.begin() + static_cast<std::ptrdiff_t>(c + 1), std::move(upper));
    if (at > kHalf) {
      ++c;
      at -= kHalf;
    }
  }
  chunks_[c].insert(chunks_[c].begin() + static_cast<std::ptrdiff_t>(at), r);
}

void IdRuns::TryMerge(std::size_t chunk, std::size_t run) {
  std::vector<Run>& c = chunks_[chunk];
  if (run + 1 >= c.size()) return;
  Run& r = c[run];
  const Run& n = c[run + 1];
  if (r.step != 0 && n.first - r.last == r.step && (n.step == r.step || n.step == 0)) {
    r.last = n.last;
    c.erase(c.begin() + static_cast<std::ptrdiff_t>(run + 1));
  }
}

void IdRuns::Insert(Id id) {
  if (ids_ == 0) {
    chunks_.push_back({Single(id)});
    ids_ = 1;
    max_ = id;
    return;
  }
  if (id > max_) {  // the common case: ids handed out in increasing order
    Run& back = chunks_.back().back();
    if (back.step == 0 || id - back.last == back.step) {
      back = Progression(back.first, id, id - back.last);
    } else if (chunks_.back().size() < kMaxChunk) {
      chunks_.back().push_back(Single(id));
    } else {
      chunks_.push_back({Single(id)});
    }
    ++ids_;
    max_ = id;
    return;
  }
  const Position p = Locate(id);
  if (p.run >= 0) {
    Run& r = chunks_[p.chunk][static_cast<std::size_t>(p.run)];
    if (r.Has(id)) return;
    if (id < r.last) {
      // Inside r's range but off its step (so r.step != 0): split r around the id.
      const Id step = r.step;
      const Id low_last = r.first + (id - r.first) / step * step;
      const Run high = Progression(low_last + step, r.last, step);
      r = Progression(r.first, low_last, step);
      InsertAt(p, Single(id));
      InsertAt(Locate(id), high);
      ++ids_;
      return;
    }
  }
  // id lies in the gap after p's run (or before every run): extend a neighbour if the id
  // continues its progression, else add a run of one.
  Run* prev = p.run >= 0 ? &chunks_[p.chunk][static_cast<std::size_t>(p.run)] : nullptr;
  Run* next = RunAfter(p);
  if (prev != nullptr && (prev->step == 0 || id - prev->last == prev->step)) {
    *prev = Progression(prev->first, id, id - prev->last);
    TryMerge(p.chunk, static_cast<std::size_t>(p.run));
  } else if (next != nullptr && (next->step == 0 || next->first - id == next->step)) {
    *next = Progression(id, next->last, next->first - id);
  } else {
    InsertAt(p, Single(id));
  }
  ++ids_;
}

std::size_t IdRuns::RunCount() const {
  std::size_t n = 0;
  for (const std::vector<Run>& c : chunks_)
    n += c.size();
  return n;
}

std::size_t IdRuns::MemoryBytes() const {
  std::size_t bytes = chunks_.capacity() * sizeof(std::vector<Run>);
  for (const std::vector<Run>& c : chunks_)
    bytes += c.capacity() * sizeof(Run);
  return bytes;
}

// ---------------------------------------------------------------------------------------------
// IdWindow

void IdWindow::Clear() {
  if (slots_.capacity() > 2 * slots_.size() + 1024) {
    slots_ = std::vector<Address>();  // (`= {}` would keep the capacity)
  } else {
    slots_.clear();
  }
  size_ = 0;
}

// ---------------------------------------------------------------------------------------------
// IdTable

void IdTable::RefillYoung() {
  window_.Clear();
  young_.Rebuild(std::max(young_peak_, scratch_.size()));
  for (const IdMap::Entry& e : scratch_)
    young_.Insert(e.id, e.address);
  young_peak_ = scratch_.size();
  // Keep the scratch lists' room for the next collection unless a burst made them large.
  for (std::vector<IdMap::Entry>* list : {&scratch_, &promoted_}) {
    if (list->capacity() > 4 * list->size() + 1024) {
      *list = std::vector<IdMap::Entry>();
    } else {
      list->clear();
    }
  }
}

std::size_t IdTable::MemoryBytes() const {
  return window_.MemoryBytes() + young_.MemoryBytes() + old_.MemoryBytes() + used_.MemoryBytes() +
         (scratch_.capacity() + promoted_.capacity()) * sizeof(IdMap::Entry);
}

}  // namespace heaplab
