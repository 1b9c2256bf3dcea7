// TraceStats (heaplab stats) on small hand-built traces whose births, deaths, peaks and
// survival fractions are worked out by hand in the comments.
#include <gtest/gtest.h>

#include <sstream>

#include <heaplab/traces/reader.h>
#include <heaplab/traces/stats.h>

namespace heaplab::test {
namespace {

constexpr std::uint64_t K = 1024;

std::unique_ptr<TraceStats> StatsOf(const std::string& text) {
  std::istringstream in(text);
  TraceReader reader(in, "t.hlt");
  auto stats = std::make_unique<TraceStats>("t.hlt");
  TraceEvent e;
  while (reader.Next(e))
    stats->Put(e);
  stats->Finish();
  return stats;
}

// X dies when its scope closes; Y lives to the end; Z and W die together later.
const char* kFour =
    "heaplab-trace 1\n"
    "{\n"
    "a 1 65536 0\n"  // X: born at 0, allocated to 64K
    "}\n"            // X dies at 64K: lifetime 0
    "a 2 65536 0\n"  // Y (outermost scope): 64K..128K, alive at the end
    "{\n"
    "a 3 65536 0\n"  // Z: 128K..192K
    "a 4 65536 0\n"  // W: 192K..256K
    "}\n"            // Z and W die at 256K: lifetimes 64K and 0
    "t 10\n";

TEST(TraceStats, CountsSizesLifetimesAndPeak) {
  const auto s = StatsOf(kFour);
  EXPECT_EQ(s->events(), 9u);
  EXPECT_EQ(s->count(Op::Allocate), 4u);
  EXPECT_EQ(s->count(Op::Open), 2u);
  EXPECT_EQ(s->count(Op::Compute), 1u);
  EXPECT_EQ(s->allocated_bytes(), 256 * K);
  EXPECT_EQ(s->sizes().count[TraceStats::BucketOf(64 * K)], 4u);
  EXPECT_EQ(TraceStats::BucketLow(TraceStats::BucketOf(64 * K)), 64 * K);
  EXPECT_EQ(s->dead_objects(), 3u);
  EXPECT_EQ(s->alive_at_end(), 1u);
  EXPECT_EQ(s->alive_at_end_bytes(), 64 * K);
  EXPECT_EQ(s->lifetimes().count[0], 2u);  // X and W: no allocation between birth and death
  EXPECT_EQ(s->lifetimes().count[TraceStats::BucketOf(64 * K)], 1u);  // Z
  // Live: X (64K), then Y (64K), Y+Z (128K), Y+Z+W (192K) until Z and W die.
  EXPECT_EQ(s->peak_live_bytes(), 192 * K);
  EXPECT_EQ(s->peak_live_at(), 256 * K);
}

TEST(TraceStats, SurvivalCurve) {
  const auto curve = StatsOf(kFour)->SurvivalCurve();
  ASSERT_EQ(curve.size(), 3u);  // 64K, 128K, 256K
  // After 64K: X, Y, Z can be watched that long (W ends at the end); only Y outlives it (Z's
  // lifetime is exactly 64K, not more).
  EXPECT_EQ(curve[0].after, 64 * K);
  EXPECT_EQ(curve[0].watched, 192 * K);
  EXPECT_DOUBLE_EQ(curve[0].fraction, 1.0 / 3.0);
  // After 128K: X and Y are watched; Y survives.
  EXPECT_EQ(curve[1].watched, 128 * K);
  EXPECT_DOUBLE_EQ(curve[1].fraction, 0.5);
  EXPECT_EQ(curve[2].watched, 0u);
}

// Merlin: B's own last loss of a reference is early (its scope closed), but A, a global root,
// holds it until `d 1`; B dies then, not when its scope closed.
TEST(TraceStats, DeathIsWhenTheLastPathIsCut) {
  const char* trace =
      "heaplab-trace 1\n"
      "{\n"
      "a 1 24 1\n"  // A: 0..24
      "r 1\n"
      "a 2 16 0\n"    // B: 24..40
      "w 1 0 2\n"     // A -> B
      "}\n"           // clock 40: A and B lose their locals; A is still a root
      "a 3 1000 0\n"  // C: 40..1040 (outermost, alive at the end)
      "d 1\n";        // clock 1040: A loses its root; A and B die
  const auto s = StatsOf(trace);
  EXPECT_EQ(s->dead_objects(), 2u);
  // A: 1040 - 24 = 1016, B: 1040 - 40 = 1000, both in [512, 1024).
  EXPECT_EQ(s->lifetimes().count[TraceStats::BucketOf(1000)], 2u);
  EXPECT_EQ(TraceStats::BucketOf(1000), TraceStats::BucketOf(1016));
  // Control: without A's reference to B, B dies when its scope closes (lifetime 0).
  const std::string control =
      std::string(trace).replace(std::string(trace).find("w 1 0 2\n"), 8, "");
  const auto c = StatsOf(control);
  EXPECT_EQ(c->lifetimes().count[0], 1u);
  EXPECT_EQ(c->lifetimes().count[TraceStats::BucketOf(1000)], 1u);
}

TEST(TraceStats, OverwrittenSlotKillsItsOldTarget) {
  const auto s = StatsOf(
      "heaplab-trace 1\n"
      "a 1 24 1\n"  // H (outermost): 0..24
      "{\n"
      "a 2 16 0\n"  // T: 24..40
      "w 1 0 2\n"
      "}\n"           // T is still held by H
      "a 3 2048 0\n"  // 40..2088
      "w 1 0 -\n");   // T dies at 2088: lifetime 2048
  EXPECT_EQ(s->dead_objects(), 1u);
  EXPECT_EQ(s->lifetimes().count[TraceStats::BucketOf(2048)], 1u);
  EXPECT_EQ(s->peak_live_bytes(), 2088u);
}

TEST(TraceStats, OldSpaceAllocationsCountAsAllocations) {
  const auto s = StatsOf("heaplab-trace 1\n{\no 1 64 0\n}\na 2 32 0\n");
  EXPECT_EQ(s->count(Op::OldAllocate), 1u);
  EXPECT_EQ(s->objects(), 2u);
  EXPECT_EQ(s->allocated_bytes(), 96u);
  EXPECT_EQ(s->dead_objects(), 1u);  // the `o` object, when its scope closes
}

void ExpectError(const std::string& text, const std::string& where, const std::string& what) {
  try {
    StatsOf(text);
    ADD_FAILURE() << "no error for:\n" << text;
  } catch (const TraceError& e) {
    EXPECT_NE(std::string(e.what()).find(where), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find(what), std::string::npos) << e.what();
  }
}

TEST(TraceStats, RefusesWhatCheckRefuses) {
  ExpectError("heaplab-trace 1\nw 5 0 -\n", "t.hlt:2:3", "unknown id 5");
  ExpectError("heaplab-trace 1\na 1 16 0\na 1 16 0\n", "t.hlt:3:3", "already used");
  ExpectError("heaplab-trace 1\na 1 16 1\nw 1 1 -\n", "t.hlt:3:5", "slot 1 out of range");
  ExpectError("heaplab-trace 1\n}\n", "t.hlt:2:1", "without a matching");
  ExpectError("heaplab-trace 1\nd 1\n", "t.hlt:2", "not a global root");
  ExpectError("heaplab-trace 1\nm 1 16\n", "t.hlt:2", "manual-mode");
  // An object found unreachable (the 4 MiB allocation runs a trace from the roots) is dead.
  const std::string dead = "heaplab-trace 1\n{\na 1 16 0\n}\na 2 4194304 0\n";
  ExpectError(dead + "l 1\n", "t.hlt:6:3", "already unreachable");
  EXPECT_NO_THROW(StatsOf(dead + "l 2\n"));  // control: a live one may be used
}

}  // namespace
}  // namespace heaplab::test
