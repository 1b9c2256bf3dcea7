#include <heaplab/heap/old_space.h>

#include <algorithm>

#include <heaplab/heap/sweeper.h>

namespace heaplab {

OldSpace::~OldSpace() {
  for (Page* page : pages_) {
    cage_.Unregister(page->start(), page->size());
    cage_.Decommit(page->start(), page->size());
    cage_.GiveBackUnits(page->start(), 1);
    delete page;
  }
  ReleasePrepared();
}

Page* OldSpace::AddPage() {
  Address start = 0;
  if (!prepared_.empty()) {
    start = prepared_.back();
    prepared_.pop_back();
    ++prepared_used_;
  } else {
    start = cage_.TakeUnits(1);
    if (start == 0) return nullptr;
    cage_.Commit(start, kPageSize);
  }
  auto* page = new Page(start, kPageSize, SpaceId::OldSpace, 0);
  cage_.Register(page, start, kPageSize);
  WriteFiller(start, kPageSize);
  pages_.push_back(page);
  return page;
}

std::size_t OldSpace::Prepare(std::size_t want, std::size_t budget) {
  std::size_t done = 0;
  while (prepared_bytes() < want && (done == 0 || done + kPageSize <= budget)) {
    const Address start = cage_.TakeUnits(1);
    if (start == 0) break;  // the cage is full: AddPage will say so when it matters
    cage_.Commit(start, kPageSize);
    // One write per OS page: the first touch of a page is what costs (a fault, and on a
    // virtual machine a slow one); a page the program has written once costs no more.
    const std::size_t step = Cage::CommitGranule();
    for (Address a = start; a < start + kPageSize; a += step)
      *reinterpret_cast<volatile Address*>(a) = 0;
    prepared_.push_back(start);
    ++pages_prepared_;
    done += kPageSize;
  }
  return done;
}

std::size_t OldSpace::ReleasePrepared() {
  const std::size_t n = prepared_.size();
  for (const Address start : prepared_) {
    cage_.Decommit(start, kPageSize);
    cage_.GiveBackUnits(start, 1);
  }
  prepared_.clear();
  return n;
}

void OldSpace::SetLab(Page* page, Address start, Address end) {
  lab_page_ = page;
  lab_top_ = start;
  lab_limit_ = end;
}

void OldSpace::FreeLab() {
  if (lab_page_ != nullptr && lab_limit_ > lab_top_)
    free_list_.Add(lab_top_, lab_limit_ - lab_top_);
  SetLab(nullptr, 0, 0);
}

Address OldSpace::AllocateSlow(std::size_t size) {
  FreeLab();
  // V8 (PagedSpace::RefillLabMain): sweep pending pages for a block before growing; a
  // prepared page, touched already, is taken before either (heaplab's own: see Prepare).
  if (sweeper_ != nullptr && sweeper_->sweeping() && !free_list_.CanServe(size) &&
      prepared_.empty())
    sweeper_->SweepForAllocation(size);
  FreeList::Block block = free_list_.Take(size);
  if (block.start != 0) {
    SetLab(cage_.ChunkOf(block.start), block.start, block.start + block.size);
  } else {
    Page* page = AddPage();
    if (page == nullptr) return 0;
    SetLab(page, page->start(), page->end());
  }
  return Allocate(size);
}

void OldSpace::ReleasePages(const std::vector<Page*>& pages) {
  if (pages.empty()) return;
  for (Page* page : pages) {
    if (page == lab_page_) SetLab(nullptr, 0, 0);
    page->Set(kReleased);
  }
  pages_.erase(
      std::remove_if(pages_.begin(), pages_.end(), [](const Page* p) { return p->Is(kReleased); }),
      pages_.end());
  for (Page* page : pages) {
    size_ -= page->allocated_bytes_;
    cage_.Unregister(page->start(), page->size());
    cage_.Decommit(page->start(), page->size());
    cage_.GiveBackUnits(page->start(), 1);
    delete page;
  }
}

}  // namespace heaplab
