// GcFlags, the collector flags shared by the command line and the visualizer: defaults,
// conversion to a GcConfig, the arguments that reproduce them, and the help table.
#include <gtest/gtest.h>

#include <heaplab/traces/gc_flags.h>

namespace heaplab {
namespace {

TEST(GcFlagsTest, DefaultsGiveTheDefaultConfigAndNoArguments) {
  const GcFlags flags;
  const GcConfig config = flags.ToConfig();
  EXPECT_EQ(config.heap.min_semi_space_size, kDefaultMinSemiSpaceSize);
  EXPECT_EQ(config.heap.max_semi_space_size, kDefaultMaxSemiSpaceSize);
  EXPECT_EQ(config.heap.max_old_space_size, kDefaultMaxOldSpaceSize);
  EXPECT_TRUE(config.incremental_marking);
  EXPECT_EQ(config.clock, ClockKind::Real);
  EXPECT_TRUE(flags.ToArgs().empty());
}

TEST(GcFlagsTest, SizesAreMebibytes) {
  GcFlags flags;
  flags.max_semi_space_mb = 4;
  flags.max_old_space_mb = 64;
  const GcConfig config = flags.ToConfig();
  EXPECT_EQ(config.heap.max_semi_space_size, 4 * MB);
  EXPECT_EQ(config.heap.max_old_space_size, 64 * MB);
}

TEST(GcFlagsTest, PredictableImpliesTheModelClock) {
  GcFlags flags;
  flags.predictable = true;
  EXPECT_EQ(flags.ToConfig().clock, ClockKind::Model);
  GcFlags control;  // without --predictable the clock stays real
  EXPECT_EQ(control.ToConfig().clock, ClockKind::Real);
}

TEST(GcFlagsTest, MinAboveMaxSemiSpaceNamesTheFlag) {
  GcFlags flags;
  flags.min_semi_space_mb = 8;
  flags.max_semi_space_mb = 4;
  try {
    flags.ToConfig();
    FAIL() << "expected GcFlagError";
  } catch (const GcFlagError& e) {
    EXPECT_EQ(e.flag, "--min-semi-space-size");
    EXPECT_EQ(e.message, "must not exceed --max-semi-space-size (8 > 4)");
  }
  flags.max_semi_space_mb = 8;  // equal is fine
  EXPECT_NO_THROW(flags.ToConfig());
}

TEST(GcFlagsTest, ArgumentsNameOnlyWhatDiffersFromTheDefaults) {
  GcFlags flags;
  flags.max_semi_space_mb = 1;
  flags.incremental_marking = false;
  flags.promotion = "book";
  flags.buffer_pool_size = 65536;
  const std::vector<std::string> expected = {"--max-semi-space-size=1", "--promotion=book",
                                             "--no-incremental-marking",
                                             "--buffer-pool-size=65536"};
  EXPECT_EQ(flags.ToArgs(), expected);
}

TEST(GcFlagsTest, EveryFlagHasHelpAndUnknownNamesThrow) {
  for (const GcFlagInfo& info : GcFlagInfos()) {
    EXPECT_NE(std::string(info.help), "") << info.name;
    EXPECT_EQ(&GcFlagInfoOf(info.name), &info);
  }
  EXPECT_EQ(GcFlagInfoOf("--max-semi-space-size").max, 1024);
  EXPECT_THROW(GcFlagInfoOf("--trace-gc"), std::out_of_range);
}

}  // namespace
}  // namespace heaplab
