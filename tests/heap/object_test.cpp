// The object model: header encoding, slots, payload, forwarding, fillers.
#include <gtest/gtest.h>

#include <vector>

#include <heaplab/heap/object.h>

namespace heaplab {
namespace {

TEST(Header, EncodesSizeSlotsAndKind) {
  const Header h = Header::Make(4096, 17, Kind::BufferWrapper);
  EXPECT_TRUE(h.is_header());
  EXPECT_EQ(h.size(), 4096u);
  EXPECT_EQ(h.slots(), 17u);
  EXPECT_EQ(h.kind(), Kind::BufferWrapper);
}

TEST(Header, HoldsTheLargestSizesAndSlotCounts) {
  const std::size_t big = std::size_t{3} << 30;  // 3 GiB
  const Header h = Header::Make(big, kMaxSlots, Kind::Plain);
  EXPECT_EQ(h.size(), big);
  EXPECT_EQ(h.slots(), kMaxSlots);
  EXPECT_EQ(h.kind(), Kind::Plain);
}

TEST(Header, TheTrackedBitLeavesSizeSlotsAndKindAlone) {
  const Header plain = Header::Make(4096, 17, Kind::BufferWrapper);
  const Header tracked = plain.Tracked();
  EXPECT_FALSE(plain.tracked());
  EXPECT_TRUE(tracked.tracked());
  EXPECT_TRUE(tracked.is_header());
  EXPECT_EQ(tracked.size(), 4096u);
  EXPECT_EQ(tracked.slots(), 17u);
  EXPECT_EQ(tracked.kind(), Kind::BufferWrapper);
  // Every kind survives the bit, the last one too (two bits of kind).
  EXPECT_EQ(Header::Make(16, 0, Kind::Memento).Tracked().kind(), Kind::Memento);
}

TEST(HeapObject, SlotsFollowTheHeaderAndPayloadFollowsTheSlots) {
  alignas(8) std::uint64_t memory[8] = {};
  const auto a = reinterpret_cast<Address>(memory);
  HeapObject obj = InitializeObject(a, 64, 3, Kind::Plain);
  EXPECT_EQ(reinterpret_cast<Address>(obj.slot(0)), a + 8);
  EXPECT_EQ(reinterpret_cast<Address>(obj.slot(2)), a + 24);
  EXPECT_EQ(reinterpret_cast<Address>(obj.payload()), a + 32);
  EXPECT_EQ(obj.payload_size(), 32u);
  EXPECT_EQ(*obj.slot(1), 0u);
}

TEST(HeapObject, ForwardingWordIsNeverAHeader) {
  alignas(8) std::uint64_t memory[4] = {};
  alignas(8) std::uint64_t target[4] = {};
  HeapObject obj = InitializeObject(reinterpret_cast<Address>(memory), 32, 1, Kind::Plain);
  EXPECT_FALSE(obj.is_forwarded());
  obj.set_forwarding_address(reinterpret_cast<Address>(target));
  EXPECT_TRUE(obj.is_forwarded());
  EXPECT_EQ(obj.forwarding_address(), reinterpret_cast<Address>(target));
}

TEST(Filler, CoversAHoleAsOneObject) {
  alignas(8) std::uint64_t memory[16] = {};
  WriteFiller(reinterpret_cast<Address>(memory), 128);
  HeapObject f(reinterpret_cast<Address>(memory));
  EXPECT_EQ(f.kind(), Kind::Filler);
  EXPECT_EQ(f.size(), 128u);
  EXPECT_EQ(f.slot_count(), 0u);
}

}  // namespace
}  // namespace heaplab
