// The replay's bookkeeping (docs/clock-model.md): the upkeep of the trace's id table in a
// collection is no part of any pause. Under the real clock each collector measures it and
// takes it off the clock (BookkeepingScope); under the model clock it is never charged.
#include <gtest/gtest.h>

#include <sstream>
#include <string>

#include <heaplab/gc/clock.h>
#include <heaplab/gc/summary.h>

#include "test_heap.h"

namespace heaplab::test {
namespace {

// A clock the test moves by hand.
class HandClock final : public Clock {
 public:
  double NowMs() const override { return now_ms + idle_ms_; }
  double now_ms = 0;
};

TEST(Bookkeeping, AScopeTakesItsTimeOffTheClockAndKeepsTheTotal) {
  HandClock clock;
  {
    const BookkeepingScope scope(clock);
    clock.now_ms += 5;
  }
  EXPECT_DOUBLE_EQ(clock.NowMs(), 0.0);
  EXPECT_DOUBLE_EQ(clock.bookkeeping_ms(), 5.0);
  // Control: the same 5 ms outside a scope stay on the clock and are no bookkeeping.
  clock.now_ms += 5;
  EXPECT_DOUBLE_EQ(clock.NowMs(), 5.0);
  EXPECT_DOUBLE_EQ(clock.bookkeeping_ms(), 5.0);
}

// `n` young objects in a list hanging off one global root, so that all of them survive.
std::string LiveList(int n, const char* gc) {
  std::ostringstream t;
  t << "heaplab-trace 1\na 1 32 1\nr 1\n";
  for (int i = 2; i <= n; ++i)
    t << "a " << i << " 32 1\nw " << (i - 1) << " 0 " << i << "\n";
  t << "g " << gc << "\n";
  return t.str();
}

double BookkeepingAfter(ClockKind kind, const char* gc) {
  GcConfig config = SmallConfig(4, 4);
  config.clock = kind;
  auto s = ReplayText(config, LiveList(20000, gc));
  return s->controller().clock().bookkeeping_ms();
}

TEST(Bookkeeping, AScavengeTakesItsIdUpkeepOffTheRealClock) {
  EXPECT_GT(BookkeepingAfter(ClockKind::Real, "minor"), 0.0);
}

TEST(Bookkeeping, AFullGcTakesItsIdUpkeepOffTheRealClock) {
  // The Scavenge's scope alone must not pass this test: a full GC without a Scavenge.
  GcConfig config = SmallConfig(4, 4);
  config.clock = ClockKind::Real;
  auto s = ReplayText(config, LiveList(20000, "major"));
  EXPECT_EQ(s->controller().tracer().gc_count(), 1) << "the full GC alone";
  EXPECT_GT(s->controller().clock().bookkeeping_ms(), 0.0);
}

TEST(Bookkeeping, TheModelClockHasNoneToTakeOff) {
  EXPECT_DOUBLE_EQ(BookkeepingAfter(ClockKind::Model, "minor"), 0.0);
  EXPECT_DOUBLE_EQ(BookkeepingAfter(ClockKind::Model, "major"), 0.0);
}

TEST(Bookkeeping, TheSummaryShowsItWhenThereIsAny) {
  RunSummary summary;
  summary.set_bookkeeping_ms(12.5);
  EXPECT_NE(summary.Format(100, 0, 0).find("replay bookkeeping: 12.50 ms"), std::string::npos);
  EXPECT_NE(summary.ToJson(100, 0, 0, "ok", 0).find("\"bookkeeping_ms\":12.5"), std::string::npos);
  // Control: none, no line (the model clock's summaries are unchanged).
  summary.set_bookkeeping_ms(0);
  EXPECT_EQ(summary.Format(100, 0, 0).find("bookkeeping"), std::string::npos);
}

}  // namespace
}  // namespace heaplab::test
