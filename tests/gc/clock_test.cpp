// The two clocks: the model clock turns charged work into time at the documented costs, the
// real clock measures time and ignores charged work.
#include <gtest/gtest.h>

#include <heaplab/gc/clock.h>

namespace heaplab {
namespace {

TEST(Clock, TheModelClockAdvancesByTheCostOfTheChargedWork) {
  ModelClock clock;
  const auto costs = ModelCosts();
  clock.Charge(Work::CopiedObject, 3);
  clock.Charge(Work::CopiedByte, 1000);
  const double ns = 3 * costs[static_cast<std::size_t>(Work::CopiedObject)] +
                    1000 * costs[static_cast<std::size_t>(Work::CopiedByte)];
  EXPECT_GT(ns, 0);
  EXPECT_DOUBLE_EQ(clock.NowMs(), ns / 1e6);
  clock.Idle(2);  // idle time adds to charged work
  EXPECT_DOUBLE_EQ(clock.NowMs(), ns / 1e6 + 2);
}

TEST(Clock, TheRealClockIgnoresChargedWork) {
  RealClock clock;
  // A million fixed GC costs would be 20 s of model time; the real clock does not move by it.
  clock.Charge(Work::GcSetup, 1e6);
  EXPECT_LT(clock.NowMs(), 1000);
  // Control: idle time, which both clocks add, does move it.
  clock.Idle(5000);
  EXPECT_GE(clock.NowMs(), 5000);
}

TEST(Clock, MakeClockGivesTheKindAsked) {
  auto model = MakeClock(ClockKind::Model);
  model->Charge(Work::GcSetup, 1);
  EXPECT_DOUBLE_EQ(model->NowMs(), ModelCosts()[static_cast<std::size_t>(Work::GcSetup)] / 1e6);
  auto real = MakeClock(ClockKind::Real);
  real->Charge(Work::GcSetup, 1e6);
  EXPECT_LT(real->NowMs(), 1000);
}

}  // namespace
}  // namespace heaplab
