// The marker in bounded steps: the worklist survives between steps, and shading a stored
// value (the insertion barrier) keeps the tri-colour invariant across them.
#include <gtest/gtest.h>

#include <heaplab/gc/clock.h>
#include <heaplab/gc/marker.h>
#include "test_heap.h"

namespace heaplab::test {
namespace {

// A rooted list of `n` old objects, 64 bytes each, and as many unreachable ones.
std::vector<Address> BuildList(Heap& heap, int n, std::vector<Address>& garbage) {
  std::vector<Address> list;
  Address prev = 0;
  for (int i = 0; i < n; ++i) {
    const Address a = heap.Allocate(64, 1, Kind::Plain, Generation::Old);
    garbage.push_back(heap.Allocate(64, 1, Kind::Plain, Generation::Old));
    if (prev != 0) *HeapObject(prev).slot(0) = a;
    list.push_back(a);
    prev = a;
  }
  heap.globals().Create(list.front());
  return list;
}

TEST(Marker, BoundedStepsMarkExactlyWhatOneDrainMarks) {
  Heap heap(SmallConfig().heap);
  ModelClock clock;
  std::vector<Address> garbage;
  const std::vector<Address> list = BuildList(heap, 1000, garbage);
  Marker marker(heap, clock);
  marker.Start();
  int steps = 0;
  while (!marker.Step(640))
    ++steps;  // ten objects per step
  EXPECT_GE(steps, 90);
  for (Address a : list)
    EXPECT_TRUE(marker.IsMarked(a));
  for (Address a : garbage)
    EXPECT_FALSE(marker.IsMarked(a));
  EXPECT_EQ(marker.marked_objects(), 1000u);
  EXPECT_EQ(marker.marked_bytes(), 64000u);
  marker.ClearMarks();
  for (Address a : list)
    EXPECT_FALSE(marker.IsMarked(a));
}

TEST(Marker, ShadingAStoredValueBetweenStepsKeepsItAlive) {
  Heap heap(SmallConfig().heap);
  ModelClock clock;
  std::vector<Address> garbage;
  const std::vector<Address> list = BuildList(heap, 100, garbage);
  Marker marker(heap, clock);
  marker.Start();
  marker.Step(64 * 10);  // the head is black now
  ASSERT_TRUE(marker.IsMarked(list.front()));
  // The mutator stores a white object into a black one; the barrier shades it.
  const Address white = garbage.front();
  ASSERT_FALSE(marker.IsMarked(white));
  *HeapObject(list.front()).slot(0) = white;
  EXPECT_TRUE(marker.Shade(white));
  EXPECT_FALSE(marker.Shade(white)) << "already grey";
  marker.Drain();
  EXPECT_TRUE(marker.IsMarked(white));
  EXPECT_TRUE(marker.worklist_empty());
}

}  // namespace
}  // namespace heaplab::test
