// The old generation after each full GC: a bounded cache settles, a leaking one keeps growing.
#include <gtest/gtest.h>

#include "test_heap.h"

namespace heaplab::test {
namespace {

class OldAfterFullGc : public GcObserver {
 public:
  void OnGc(const GcEvent& e) override {
    if (e.collector != Collector::MarkCompact) return;
    sizes.push_back(e.after[static_cast<int>(SpaceId::OldSpace)].size +
                    e.after[static_cast<int>(SpaceId::LargeObjectSpace)].size);
  }
  std::vector<std::size_t> sizes;
};

std::vector<std::size_t> Trajectory(const std::string& scenario,
                                    std::map<std::string, std::uint64_t> params) {
  GcConfig config;
  config.clock = ClockKind::Model;
  config.heap.max_old_space_size = 256 * MB;  // initial limit 128 MiB, growing factor 1.3
  // The full GCs of the stop-the-world path, one at each point where V8 starts marking; with
  // incremental marking they come later (marking starts at the hard limit) and fewer.
  config.incremental_marking = false;
  Session s(config);
  OldAfterFullGc observer;
  s.tracer().AddObserver(&observer);
  ScenarioOptions o;
  o.params = std::move(params);
  s.ReplayScenario(*FindScenario(scenario), o);
  return observer.sizes;
}

TEST(Trajectory, LruCacheSettlesAtASteadyOldGeneration) {
  const auto sizes = Trajectory("lru-cache", {{"capacity", 30000}, {"ops", 900000}});
  ASSERT_GE(sizes.size(), 4u);
  // After the first few, every full GC finds the same live set: the cache and its table.
  const std::size_t last = sizes.back();
  for (std::size_t i = sizes.size() - 3; i < sizes.size(); ++i) {
    EXPECT_NEAR(static_cast<double>(sizes[i]), static_cast<double>(last),
                0.02 * static_cast<double>(last));
  }
  EXPECT_LT(last, 10 * MB);
}

TEST(Trajectory, LeakCacheGrowsAtEveryFullGc) {
  const auto sizes = Trajectory("leak-cache", {{"entries", 400000}});
  ASSERT_GE(sizes.size(), 3u);
  for (std::size_t i = 1; i < sizes.size(); ++i)
    EXPECT_GT(sizes[i], sizes[i - 1]);
  EXPECT_GT(sizes.back(), 2 * sizes.front());
}

}  // namespace
}  // namespace heaplab::test
