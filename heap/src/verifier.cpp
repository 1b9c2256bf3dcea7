#include <heaplab/heap/verifier.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <unordered_map>

namespace heaplab {

namespace {

constexpr std::size_t kMaxFailures = 20;

std::string Hex(Address a) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "0x%lx", static_cast<unsigned long>(a));
  return buf;
}

class Verifier {
 public:
  Verifier(Heap& heap, bool marking) : heap_(heap), marking_(marking) {}

  VerifyResult Run() {
    if (!marking_) CheckMarks();
    CheckSweeping();
    WalkSpaces();
    CheckFreeList();
    CheckSlots();
    CheckRecordedSlots();
    CheckRoots();
    CheckIds();
    CheckExternal();
    return std::move(result_);
  }

 private:
  void Fail(const std::string& message) {
    if (result_.failures.size() < kMaxFailures) result_.failures.push_back(message);
  }

  // [iterable] and [accounting]: every chunk parses into well-formed objects that end exactly
  // at its end, and the byte counts add up.
  void WalkChunk(SpaceId space, const Chunk* chunk, Address from, Address to) {
    chunk_for_starts_ = chunk != nullptr ? chunk : heap_.ChunkOf(from);
    const bool unswept =
        chunk != nullptr && chunk->Is(kSweepingPending) && chunk->marks().allocated();
    std::size_t bytes = 0;
    Address a = from;
    while (a < to) {
      HeapObject obj(a);
      const Header h = obj.header();
      if (!h.is_header()) {
        Fail("[iterable] " + std::string(SpaceName(space)) + ": no header at " + Hex(a) +
             " (word " + Hex(obj.header_word()) + ")");
        return;
      }
      const std::size_t size = h.size();
      if (size < MinObjectSize(h.slots()) || size > static_cast<std::size_t>(to - a) ||
          (h.tracked() && (h.kind() == Kind::Filler || h.kind() == Kind::Memento))) {
        Fail("[iterable] " + std::string(SpaceName(space)) + ": malformed header at " + Hex(a) +
             ": size " + std::to_string(size) + ", " + std::to_string(h.slots()) + " slots");
        return;
      }
      // On a page the lazy sweeper has yet to reach, unmarked objects are dead garbage.
      const bool dead = unswept && !chunk->marks().Get(chunk->WordIndex(a));
      if (h.kind() == Kind::Memento && space != SpaceId::NewSpace) {
        Fail("[iterable] " + std::string(SpaceName(space)) + ": an allocation memento at " +
             Hex(a) + " outside new space");
      }
      // A memento is new-space bytes (as in V8) but no object: nothing may point to it.
      if (h.kind() == Kind::Memento) bytes += size;
      if (space == SpaceId::NewSpace) {
        // New space counts its fillers (page and buffer tails) as V8's Size does, but not the
        // bytes of a page that are no object area; no object crosses the end of one.
        const std::size_t in_areas = NewSpaceAreaBytes(from, a, size);
        if (h.kind() == Kind::Filler) bytes += in_areas;
        if (h.kind() != Kind::Filler && in_areas != size) {
          Fail("[iterable] new_space: the object at " + Hex(a) + " (" + std::to_string(size) +
               " bytes) crosses the end of a page's object area");
        }
      }
      if (h.kind() != Kind::Filler && h.kind() != Kind::Memento && !dead) {
        MarkStart(chunk_for_starts_, a);
        order_.push_back(a);
        bytes += size;
        ++result_.objects;
      }
      a += size;
    }
    if (chunk != nullptr && chunk->allocated_bytes() != bytes) {
      Fail("[accounting] " + std::string(SpaceName(space)) + " chunk " + Hex(chunk->start()) +
           " counts " + std::to_string(chunk->allocated_bytes()) + " bytes, holds " +
           std::to_string(bytes));
    }
    space_bytes_ += bytes;
  }

  // Bytes of [a, a + size) inside the object areas of the new-space pages that start at base.
  static std::size_t NewSpaceAreaBytes(Address base, Address a, std::size_t size) {
    std::size_t n = 0;
    const Address end = a + size;
    while (a < end) {
      const Address page = a - (a - base) % kPageSize;
      const Address stop =
          std::min(end, a < page + kNewSpacePageArea ? page + kNewSpacePageArea : page + kPageSize);
      if (a < page + kNewSpacePageArea) n += stop - a;
      a = stop;
    }
    return n;
  }

  void WalkSpaces() {
    const NewSpace& ns = heap_.new_space();
    space_bytes_ = 0;
    WalkChunk(SpaceId::NewSpace, nullptr, ns.to_space().start(), ns.top());
    CheckSpaceTotal(SpaceId::NewSpace);
    for (const Page* page : heap_.old_space().pages())
      WalkChunk(SpaceId::OldSpace, page, page->start(), page->end());
    CheckSpaceTotal(SpaceId::OldSpace);
    for (SpaceId id : {SpaceId::LargeObjectSpace, SpaceId::NewLargeObjectSpace}) {
      const LargeObjectSpace& lo =
          id == SpaceId::LargeObjectSpace ? heap_.lo_space() : heap_.new_lo_space();
      for (const Chunk* c : lo.chunks()) {
        WalkChunk(id, c, c->start(), c->start() + HeapObject(c->start()).size());
        const bool young = c->Is(kYoung);
        if (young != (id == SpaceId::NewLargeObjectSpace))
          Fail("[accounting] large chunk " + Hex(c->start()) + " has the wrong young flag");
      }
      CheckSpaceTotal(id);
    }
  }

  // [marks]: between collections every object is white; a mark bit left set would make the
  // next marking skip an object.
  void CheckMark(const Chunk& c, const char* what) {
    if (c.marks().allocated() && !c.marks().Empty())
      Fail("[marks] " + std::string(what) + " " + Hex(c.start()) + " has mark bits set");
  }
  void CheckMarks() {
    heap_.ForEachChunk([this](const Chunk& c) {
      if (!c.Is(kSweepingPending)) CheckMark(c, SpaceName(c.owner()));
    });
  }

  // [sweeping]: only old pages wait for the lazy sweeper, they hold the LAB of no allocation,
  // they keep the mark bits of their live objects, and the sweeper counts exactly them;
  // marking never runs while a page waits (it would find last cycle's marks).
  void CheckSweeping() {
    std::size_t pending = 0;
    heap_.ForEachChunk([&](const Chunk& c) {
      if (!c.Is(kSweepingPending)) return;
      ++pending;
      if (c.owner() != SpaceId::OldSpace)
        Fail("[sweeping] " + std::string(SpaceName(c.owner())) + " chunk " + Hex(c.start()) +
             " waits for the sweeper");
      if (heap_.old_space().OwnsLab(&c))
        Fail("[sweeping] page " + Hex(c.start()) + " waits for the sweeper but holds the LAB");
      if (c.allocated_bytes() != 0 && (!c.marks().allocated() || c.marks().Empty()))
        Fail("[sweeping] page " + Hex(c.start()) + " waits for the sweeper without mark bits");
    });
    if (pending != heap_.sweeper().pending_pages())
      Fail("[sweeping] " + std::to_string(pending) + " pages are flagged, the sweeper lists " +
           std::to_string(heap_.sweeper().pending_pages()));
    if (pending != 0 && marking_)
      Fail("[sweeping] incremental marking runs while pages wait for the sweeper");
  }

  // [free-list]: every listed block is a filler of its class's size range inside a swept old
  // page, the walk ends, and the blocks add up to what the free list reports.
  void CheckFreeList() {
    const FreeList& list = heap_.old_space().free_list();
    std::size_t total = 0;
    std::size_t blocks = 0;
    const std::size_t most = heap_.old_space().Committed() / kMinFreeBlock + 1;
    list.ForEach([&](Address block, int k) {
      if (++blocks > most) {
        Fail("[free-list] more blocks than old space could hold: the list loops");
        return false;
      }
      const Chunk* c = heap_.ChunkOf(block);
      if (c == nullptr || c->owner() != SpaceId::OldSpace || block % kWordSize != 0) {
        Fail("[free-list] block " + Hex(block) + " is not in an old page");
        return false;
      }
      if (c->Is(kSweepingPending))
        Fail("[free-list] block " + Hex(block) + " lies on a page the sweeper has yet to sweep");
      const Header h = HeapObject(block).header();
      if (!h.is_header() || h.kind() != Kind::Filler) {
        Fail("[free-list] block " + Hex(block) + " is not a filler (word " +
             Hex(HeapObject(block).header_word()) + ")");
        return false;
      }
      if (FreeList::ClassOf(h.size()) != k || block + h.size() > c->end())
        Fail("[free-list] block " + Hex(block) + " of " + std::to_string(h.size()) +
             " bytes is listed in class " + std::to_string(k));
      total += h.size();
      return true;
    });
    if (total != list.available())
      Fail("[free-list] blocks add up to " + std::to_string(total) + " bytes, the list reports " +
           std::to_string(list.available()));
  }

  void CheckSpaceTotal(SpaceId id) {
    if (space_bytes_ != heap_.Usage(id).size) {
      Fail("[accounting] " + std::string(SpaceName(id)) + " reports " +
           std::to_string(heap_.Usage(id).size) + " bytes of objects, holds " +
           std::to_string(space_bytes_));
    }
    space_bytes_ = 0;
  }

  // [slot-target], [no-from-space]. `where` names the reference; it is called only to
  // describe a failure, so the walk builds no strings while the heap is sound.
  template <typename Where>
  bool CheckTarget(Address target, Where&& where) {
    if (heap_.InFromSpace(target)) {
      Fail("[no-from-space] " + where() + " points into from-space: " + Hex(target));
      return false;
    }
    if (!IsStart(target)) {
      Fail("[slot-target] " + where() + " holds " + Hex(target) +
           ", which is not the start of a live object");
      return false;
    }
    return true;
  }

  void CheckSlots() {
    RememberedSet& rs = heap_.remembered_set();
    for (Address a : order_) {
      HeapObject obj(a);
      const bool host_young = heap_.InYoung(a);
      if (!host_young) MarkSlots(obj);
      for (Address* slot = obj.slots_begin(); slot != obj.slots_end(); ++slot) {
        const Address target = *slot;
        if (target == 0) continue;
        ++result_.slots;
        auto where = [&] {
          return "slot " + Hex(reinterpret_cast<Address>(slot)) + " of " + Hex(a);
        };
        if (!CheckTarget(target, where)) continue;
        if (!host_young && heap_.InYoung(target) && !rs.Contains(reinterpret_cast<Address>(slot))) {
          Fail("[remembered] old-to-new slot " + Hex(reinterpret_cast<Address>(slot)) + " of " +
               Hex(a) + " is not in the remembered set");
        }
      }
    }
  }

  // [remembered-live]: after CheckSlots has marked the slots of every live old object.
  void CheckRecordedSlots() {
    heap_.remembered_set().ForEach([&](Address slot) {
      if (IsOldSlot(slot)) return;
      const Chunk* chunk = heap_.ChunkOf(slot);
      Fail("[remembered-live] recorded slot " + Hex(slot) + " in " +
           (chunk != nullptr ? SpaceName(chunk->owner()) : "no chunk") +
           " is not a slot of a live old object");
    });
  }

  void CheckRoots() {
    heap_.IterateRoots(
        [&](Address* slot) { CheckTarget(*slot, [] { return std::string("root"); }); });
  }

  void CheckIds() {
    const IdTable& ids = heap_.ids();
    ids.ForEachYoung([&](Id id, Address a) {
      if (ids.IsListedOld(id))
        Fail("[id-table] id " + std::to_string(id) + " is listed both young and old");
      if (CheckTarget(a, [id] { return "id " + std::to_string(id); }) && !heap_.InYoung(a))
        Fail("[id-table] id " + std::to_string(id) + " is listed young but is old");
    });
    ids.ForEachOld([&](Id id, Address a) {
      if (CheckTarget(a, [id] { return "id " + std::to_string(id); }) && heap_.InYoung(a))
        Fail("[id-table] id " + std::to_string(id) + " is listed old but is young");
    });
  }

  // [external-list]: each entry names a walked object that holds the entry's token, in the list
  // of its generation; [external-store]: the owner's stores match the entries.
  void CheckExternal() {
    const ExternalObjectList& list = heap_.external();
    auto check = [&](const ExternalObjectList::Entry& e, bool young) {
      const std::string what = "external entry " + std::to_string(e.token);
      if (!CheckTarget(e.object, [&] { return what; })) return;
      const HeapObject obj(e.object);
      std::uint64_t token = ~e.token;
      if (obj.payload_size() >= sizeof token) std::memcpy(&token, obj.payload(), sizeof token);
      if (token != e.token) {
        Fail("[external-list] " + what + " names " + Hex(e.object) +
             ", whose payload holds another token");
      }
      if (heap_.InYoung(e.object) != young) {
        Fail("[external-list] " + what + " is listed " + (young ? "young" : "old") +
             " but its object is " + (young ? "old" : "young"));
      }
    };
    for (const auto& e : list.young())
      check(e, true);
    for (const auto& e : list.old())
      check(e, false);
    if (list.owner() != nullptr) {
      std::vector<std::string> failures;
      list.owner()->VerifyStores(list, failures);
      for (const std::string& f : failures)
        Fail(f);
    }
  }

  Heap& heap_;
  bool marking_;
  VerifyResult result_;
  // Object starts, one bit per word of each chunk walked.
  void MarkStart(const Chunk* chunk, Address a) {
    std::vector<bool>& bits = starts_[chunk];
    const std::size_t i = chunk->WordIndex(a);
    if (bits.size() <= i) bits.resize(chunk->size() / kWordSize);
    bits[i] = true;
  }
  bool IsStart(Address a) const {
    const Chunk* chunk = heap_.ChunkOf(a);
    if (chunk == nullptr || a % kWordSize != 0) return false;
    auto it = starts_.find(chunk);
    if (it == starts_.end()) return false;
    const std::size_t i = chunk->WordIndex(a);
    return i < it->second.size() && it->second[i];
  }
  std::unordered_map<const Chunk*, std::vector<bool>> starts_;
  // Slots of live objects outside the young generation, one bit per word of each chunk.
  void MarkSlots(HeapObject obj) {
    if (obj.slots_begin() == obj.slots_end()) return;
    const Chunk* chunk = heap_.ChunkOf(obj.address());
    std::vector<bool>& bits = old_slots_[chunk];
    const std::size_t end = chunk->WordIndex(reinterpret_cast<Address>(obj.slots_end()));
    if (bits.size() < end) bits.resize(end);
    for (Address* slot = obj.slots_begin(); slot != obj.slots_end(); ++slot)
      bits[chunk->WordIndex(reinterpret_cast<Address>(slot))] = true;
  }
  bool IsOldSlot(Address slot) const {
    const Chunk* chunk = heap_.ChunkOf(slot);
    if (chunk == nullptr || slot % kWordSize != 0) return false;
    auto it = old_slots_.find(chunk);
    if (it == old_slots_.end()) return false;
    const std::size_t i = chunk->WordIndex(slot);
    return i < it->second.size() && it->second[i];
  }
  std::unordered_map<const Chunk*, std::vector<bool>> old_slots_;
  const Chunk* chunk_for_starts_ = nullptr;
  std::vector<Address> order_;
  std::size_t space_bytes_ = 0;
};

}  // namespace

std::string VerifyResult::Summary() const {
  std::string out;
  for (const std::string& f : failures)
    out += f + "\n";
  return out;
}

VerifyResult VerifyHeap(Heap& heap, bool marking) {
  return Verifier(heap, marking).Run();
}

}  // namespace heaplab
