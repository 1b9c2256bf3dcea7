// The object model: what an object is in memory, and the only way collectors read it.
//
// An object is a header word, then its reference slots, then raw payload bytes:
//
//   +--------+--------+--------+-----+--------+----------------------+
//   | header | slot 0 | slot 1 | ... | slot n | raw payload          |
//   +--------+--------+--------+-----+--------+----------------------+
//   ^ object start (8-byte aligned)           size includes the header
//
// Header word (64 bits):
//   bit  0      1: this word is a header. A forwarding word has bit 0 clear (it is an aligned
//               address), so the two can never be confused.
//   bits 1..2   kind (Kind)
//   bit  3      tracked: allocated in new space at a tracked allocation site, so a memento
//               may follow it (V8 decides this from the map, AllocationSite::CanTrack)
//   bits 4..31  slot count (at most 2^28 - 1)
//   bits 32..63 size in words, header included
//
// During a copying collection the header of the old copy is replaced by a forwarding word: the
// address of the new copy. A slot holds either 0 (null) or the start address of an object.
#pragma once

#include <cstdint>
#include <cstring>

#include <heaplab/heap/globals.h>

namespace heaplab {

// Two header bits: at most four kinds.
enum class Kind : std::uint8_t {
  Plain = 0,          // an ordinary JS object: slots and payload
  BufferWrapper = 1,  // the on-heap wrapper of an off-heap Buffer backing store
  Filler = 2,         // a hole made iterable; never reachable
  Memento = 3,        // an allocation memento: the word after an object in new space that
                      // names the object's allocation site; never reachable (see below)
};

inline constexpr std::uint64_t kMaxSlots = (std::uint64_t{1} << 28) - 1;

// Header encoding, a value type.
class Header {
 public:
  static Header Make(std::size_t size, std::uint64_t slots, Kind kind) {
    return Header{1u | (static_cast<std::uint64_t>(kind) << 1) | (slots << 4) |
                  (static_cast<std::uint64_t>(size / kWordSize) << 32)};
  }
  static Header FromWord(std::uint64_t word) { return Header{word}; }
  static constexpr std::uint64_t kTrackedBit = std::uint64_t{1} << 3;

  // The same header with the tracked bit set.
  Header Tracked() const { return Header{word_ | kTrackedBit}; }

  std::uint64_t word() const { return word_; }
  bool is_header() const { return (word_ & 1u) != 0; }
  Kind kind() const { return static_cast<Kind>((word_ >> 1) & 3u); }
  bool tracked() const { return (word_ & kTrackedBit) != 0; }
  std::uint64_t slots() const { return (word_ >> 4) & kMaxSlots; }
  std::size_t size() const { return static_cast<std::size_t>(word_ >> 32) * kWordSize; }

 private:
  explicit Header(std::uint64_t word) : word_(word) {}
  std::uint64_t word_;
};

// A view of the object at an address. Cheap to copy; holds no state of its own.
class HeapObject {
 public:
  explicit HeapObject(Address address) : address_(address) {}

  Address address() const { return address_; }

  std::uint64_t header_word() const { return *reinterpret_cast<const std::uint64_t*>(address_); }
  Header header() const { return Header::FromWord(header_word()); }
  void set_header(Header h) { *reinterpret_cast<std::uint64_t*>(address_) = h.word(); }

  bool is_forwarded() const { return !header().is_header(); }
  Address forwarding_address() const { return static_cast<Address>(header_word()); }
  void set_forwarding_address(Address target) {
    *reinterpret_cast<std::uint64_t*>(address_) = static_cast<std::uint64_t>(target);
  }

  std::size_t size() const { return header().size(); }
  std::uint64_t slot_count() const { return header().slots(); }
  Kind kind() const { return header().kind(); }
  bool tracked() const { return header().tracked(); }

  // The address of slot i, a word that holds an object address or 0.
  Address* slot(std::uint64_t i) const {
    return reinterpret_cast<Address*>(address_ + kWordSize * (1 + i));
  }
  Address* slots_begin() const { return slot(0); }
  Address* slots_end() const { return slot(slot_count()); }

  std::uint8_t* payload() const { return reinterpret_cast<std::uint8_t*>(slots_end()); }
  std::size_t payload_size() const { return size() - kWordSize * (1 + slot_count()); }

 private:
  Address address_;
};

// Smallest object size that can hold `slots` slots.
constexpr std::size_t MinObjectSize(std::uint64_t slots) {
  return kWordSize * (1 + slots);
}

// Writes a fresh object at `address`: header, null slots, zeroed payload.
inline HeapObject InitializeObject(Address address, std::size_t size, std::uint64_t slots,
                                   Kind kind) {
  HeapObject obj(address);
  obj.set_header(Header::Make(size, slots, kind));
  std::memset(reinterpret_cast<void*>(address + kWordSize), 0, size - kWordSize);
  return obj;
}

// fn(HeapObject) for every object and filler in [from, to), which must parse end to end.
template <typename Fn>
void ForEachObject(Address from, Address to, Fn&& fn) {
  while (from < to) {
    const HeapObject obj(from);
    const std::size_t size = obj.size();
    fn(obj);
    from += size;
  }
}

// An allocation memento (V8's AllocationMemento): two words written right behind an object
// that the mutator allocated in new space at a tracked allocation site, a header of kind
// Memento and the site's index; the object's header has its tracked bit set. The Scavenger
// looks behind every tracked object it copies out of from-space, and only behind those (V8
// looks only behind objects whose map AllocationSite::CanTrack); a memento found there counts
// one survivor for that site (pretenuring feedback).
// Mementos are never copied, never referenced, and count as new-space bytes as V8's do.
inline constexpr std::size_t kMementoSize = 2 * kWordSize;

inline void WriteMemento(Address address, std::uint32_t site) {
  HeapObject(address).set_header(Header::Make(kMementoSize, 0, Kind::Memento));
  *reinterpret_cast<std::uint64_t*>(address + kWordSize) = site;
}

// Whether `address` holds a memento, and its site. Reads one word: a forwarding word (bit 0
// clear) or any other header never matches.
inline bool IsMemento(Address address) {
  const std::uint64_t word = *reinterpret_cast<const std::uint64_t*>(address);
  return (word & 0xFu) == (1u | (static_cast<std::uint64_t>(Kind::Memento) << 1));
}
inline std::uint32_t MementoSite(Address address) {
  return static_cast<std::uint32_t>(*reinterpret_cast<const std::uint64_t*>(address + kWordSize));
}

// Covers [address, address + size) with a filler so the memory stays iterable.
inline void WriteFiller(Address address, std::size_t size) {
  if (size == 0) return;
  HeapObject(address).set_header(Header::Make(size, 0, Kind::Filler));
}

}  // namespace heaplab
