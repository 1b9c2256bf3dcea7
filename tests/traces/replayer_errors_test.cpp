// The replayer's semantic checks (docs/trace-format.md, "Errors"): a trace that parses but
// means nothing (an unknown or reused id, a slot out of range, an unbalanced scope, a dropped
// non-root, a reference to an object the collector has freed) is a TraceError at the event's
// line and column, through the whole Session path the command line uses.
#include <gtest/gtest.h>

#include <optional>
#include <sstream>
#include <string>

#include <heaplab/traces/session.h>
#include "test_heap.h"

namespace heaplab {
namespace {

constexpr const char* kName = "replay.hlt";

GcConfig Config() {
  GcConfig c = test::SmallConfig();  // 1 MiB semispaces, model clock, verify-heap on
  EXPECT_TRUE(c.verify_heap);
  return c;
}

std::string Trace(const std::string& body) {
  return "heaplab-trace 1\n" + body;
}

// Replays `text` in `session`; returns the TraceError it stopped with, if any.
std::optional<TraceError> Replay(Session& session, const std::string& text) {
  std::istringstream in(text);
  try {
    session.ReplayStream(in, kName);
  } catch (const TraceError& e) {
    return e;
  }
  return std::nullopt;
}

// Success when replaying `body` (after the header) stops with "replay.hlt:LINE:COL: ..." whose
// message contains `message`.
::testing::AssertionResult FailsAt(Session& session, const std::string& body, std::uint32_t line,
                                   std::uint32_t column, const std::string& message) {
  const std::optional<TraceError> e = Replay(session, Trace(body));
  if (!e) return ::testing::AssertionFailure() << "expected an error, but the replay succeeded";
  const std::string prefix =
      std::string(kName) + ":" + std::to_string(line) + ":" + std::to_string(column) + ": ";
  const std::string text = e->what();
  if (text.rfind(prefix, 0) != 0 || e->message.find(message) == std::string::npos ||
      e->line != line || e->column != column) {
    return ::testing::AssertionFailure()
           << "expected '" << prefix << "..." << message << "...', got '" << text << "'";
  }
  return ::testing::AssertionSuccess();
}

::testing::AssertionResult FailsAt(const std::string& body, std::uint32_t line,
                                   std::uint32_t column, const std::string& message) {
  Session session(Config());
  return FailsAt(session, body, line, column, message);
}

// --- Ids ----------------------------------------------------------------------------------------

TEST(ReplayerErrors, UnknownIdInWrite) {
  EXPECT_TRUE(
      FailsAt("a 1 16 1\nw 9 0 1\n", 3, 3, "unknown id 9: no object was allocated with it"));
}

TEST(ReplayerErrors, UnknownIdAsTheTargetOfWrite) {
  EXPECT_TRUE(
      FailsAt("a 1 16 1\nw 1 0 9\n", 3, 7, "unknown id 9: no object was allocated with it"));
}

TEST(ReplayerErrors, UnknownIdInLoad) {
  EXPECT_TRUE(FailsAt("a 1 8 0\nl 2\n", 3, 3, "unknown id 2: no object was allocated with it"));
}

TEST(ReplayerErrors, UnknownIdInRoot) {
  EXPECT_TRUE(FailsAt("r 42\n", 2, 3, "unknown id 42: no object was allocated with it"));
}

TEST(ReplayerErrors, ColumnsFollowTheTokensOfTheLine) {
  EXPECT_TRUE(FailsAt("a 1 16 1\n   w   1  0    77   # comment\n", 3, 16, "unknown id 77"));
}

TEST(ReplayerErrors, ReusedIdOfALiveObject) {
  EXPECT_TRUE(FailsAt("a 1 16 1\na 2 8 0\na 1 8 0\n", 4, 3,
                      "id 1 is already used: ids are unique in a trace"));
}

TEST(ReplayerErrors, ReusedIdOfAFreedObject) {
  // Ids are unique over the whole trace: dying does not make an id free again.
  EXPECT_TRUE(FailsAt("{\na 1 8 0\n}\ng minor\na 1 8 0\n", 6, 3, "id 1 is already used"));
}

TEST(ReplayerErrors, ReusedIdOfAnObjectFreedLongAgo) {
  // 20,000 objects live and die in scopes; the first id is still known as used at the end,
  // and an id in a gap between used ids (they step by 3) is still unknown. Control: the next
  // id in the progression is accepted.
  std::string body;
  for (Id id = 1000; id < 1000 + 3 * 20000; id += 3) {
    body += "{\na " + std::to_string(id) + " 64 0\n}\n";
  }
  const std::uint32_t line = 2 + 3 * 20000 + 1;  // after the body and `g minor`
  EXPECT_TRUE(FailsAt(body + "g minor\na 1000 8 0\n", line, 3, "id 1000 is already used"));
  EXPECT_TRUE(FailsAt(body + "g minor\nl 1001\n", line, 3,
                      "unknown id 1001: no object was allocated with it"));
  EXPECT_TRUE(FailsAt(body + "g minor\nl 1003\n", line, 3, "already freed"));
  Session session(Config());
  EXPECT_FALSE(Replay(session, Trace(body + "g minor\na 61000 8 0\nl 61000\n")));
}

TEST(ReplayerErrors, ReusedIdOutOfOrder) {
  // Ids need not increase: a reused id is found below, between and above earlier ones.
  EXPECT_TRUE(FailsAt("a 50 8 0\na 10 8 0\na 30 8 0\na 10 8 0\n", 5, 3, "id 10 is already used"));
  EXPECT_TRUE(FailsAt("a 50 8 0\na 10 8 0\na 30 8 0\nl 20\n", 5, 3, "unknown id 20"));
}

// --- Slots and sizes ----------------------------------------------------------------------------

TEST(ReplayerErrors, SlotOutOfRange) {
  EXPECT_TRUE(FailsAt("a 1 24 2\nw 1 2 -\n", 3, 5, "slot 2 out of range: object 1 has 2 slots"));
  EXPECT_TRUE(
      FailsAt("a 1 8 0\na 2 8 0\nw 1 0 2\n", 4, 5, "slot 0 out of range: object 1 has 0 slots"));
  EXPECT_TRUE(FailsAt("a 1 16 1\nw 1 18446744073709551615 1\n", 3, 5,
                      "slot 18446744073709551615 out of range"));
}

TEST(ReplayerErrors, SizeTooSmallForTheSlots) {
  EXPECT_TRUE(FailsAt("a 1 16 2\n", 2, 5,
                      "size 16 cannot hold the header and 2 slots: expected at least 24 bytes"));
  EXPECT_TRUE(FailsAt("a 1 0 0\n", 2, 5,
                      "size 0 cannot hold the header and 0 slots: expected at least 8 bytes"));
}

TEST(ReplayerErrors, SizeIsRoundedUpToEightBeforeTheCheck) {
  // 17 bytes round up to 24: room for the header and two slots.
  Session session(Config());
  EXPECT_FALSE(Replay(session, Trace("a 1 17 2\na 2 1 0\nw 1 1 2\n")));
  EXPECT_EQ(session.replayer().objects(), 2u);
  EXPECT_EQ(session.replayer().allocated_bytes(), 24u + 8u);
  EXPECT_EQ(HeapObject(test::AddressOf(session, 1)).size(), 24u);
  EXPECT_EQ(HeapObject(test::AddressOf(session, 2)).size(), 8u);
}

TEST(ReplayerErrors, TooManySlots) {
  EXPECT_TRUE(FailsAt("a 1 8 268435456\n", 2, 7, "too many slots: at most 268435455"));
}

TEST(ReplayerErrors, FailedAllocationLeavesTheIdUnused) {
  Session session(Config());
  EXPECT_TRUE(FailsAt(session, "a 1 8 1\n", 2, 5, "cannot hold the header and 1 slots"));
  EXPECT_EQ(session.heap().ids().StateOf(1), IdTable::State::Unknown);
  EXPECT_EQ(session.replayer().objects(), 0u);
  EXPECT_EQ(session.replayer().allocated_bytes(), 0u);
}

// --- Scopes and roots ---------------------------------------------------------------------------

TEST(ReplayerErrors, CloseWithoutOpen) {
  EXPECT_TRUE(FailsAt("}\n", 2, 1, "'}' without a matching '{'"));
  EXPECT_TRUE(FailsAt("{\n{\n}\n}\n}\n", 6, 1, "'}' without a matching '{'"));
}

TEST(ReplayerErrors, CloseWithoutOpenKeepsTheOutermostScope) {
  // The replayer's own outermost scope cannot be closed by the trace.
  Session session(Config());
  EXPECT_TRUE(FailsAt(session, "a 1 8 0\n}\n", 3, 1, "without a matching '{'"));
  EXPECT_EQ(session.heap().scopes().Depth(), 1u);
  EXPECT_EQ(session.heap().scopes().LocalCount(), 1u);
}

TEST(ReplayerErrors, DropOfANonRoot) {
  EXPECT_TRUE(FailsAt("a 1 8 0\nd 1\n", 3, 3, "id 1 is not a global root ('r 1' must come first)"));
  EXPECT_TRUE(FailsAt("a 1 8 0\nr 1\nd 1\nd 1\n", 5, 3, "id 1 is not a global root"));
  EXPECT_TRUE(FailsAt("d 5\n", 2, 3, "id 5 is not a global root"));
}

TEST(ReplayerErrors, DoubleRoot) {
  EXPECT_TRUE(FailsAt("a 1 8 0\nr 1\nr 1\n", 4, 3, "id 1 is already a global root"));
}

TEST(ReplayerErrors, RootAgainAfterDropIsFine) {
  Session session(Config());
  EXPECT_FALSE(Replay(session, Trace("a 1 8 0\nr 1\nd 1\nr 1\n")));
  EXPECT_EQ(session.heap().globals().Count(), 1u);
}

// --- Objects the collector has freed ------------------------------------------------------------

// Object 1 lives in a closed scope, so nothing reaches it; the Scavenge frees it.
constexpr const char* kFreedPrelude =
    "a 2 16 1\n"  // line 2: a live object in the outermost scope
    "{\n"
    "a 1 16 1\n"  // line 4
    "}\n"
    "g minor\n";  // line 6

TEST(ReplayerErrors, LoadOfAFreedObject) {
  Session session(Config());
  EXPECT_TRUE(FailsAt(session, std::string(kFreedPrelude) + "l 1\n", 7, 3,
                      "id 1 names an object the collector has already freed (it was "
                      "unreachable)"));
  EXPECT_EQ(session.heap().ids().StateOf(1), IdTable::State::Freed);
  EXPECT_EQ(session.heap().ids().StateOf(2), IdTable::State::Live);
  EXPECT_EQ(session.tracer().gc_count(), 1);
}

TEST(ReplayerErrors, WriteIntoAFreedObject) {
  EXPECT_TRUE(FailsAt(std::string(kFreedPrelude) + "w 1 0 2\n", 7, 3,
                      "id 1 names an object the collector has already freed"));
}

TEST(ReplayerErrors, WriteOfAFreedObject) {
  EXPECT_TRUE(FailsAt(std::string(kFreedPrelude) + "w 2 0 1\n", 7, 7,
                      "id 1 names an object the collector has already freed"));
}

TEST(ReplayerErrors, RootOfAFreedObject) {
  EXPECT_TRUE(FailsAt(std::string(kFreedPrelude) + "r 1\n", 7, 3,
                      "id 1 names an object the collector has already freed"));
}

TEST(ReplayerErrors, ObjectReachableOnlyFromADeadObjectIsFreedToo) {
  EXPECT_TRUE(FailsAt("{\na 1 16 1\na 2 8 0\nw 1 0 2\n}\ng minor\nl 2\n", 8, 3,
                      "id 2 names an object the collector has already freed"));
}

// --- Buffers, and events that are parsed but not replayed yet
// ------------------------------------------------

TEST(ReplayerErrors, BufferWithAUsedIdOrTooLarge) {
  EXPECT_TRUE(FailsAt("a 1 8 0\nb 1 100 unsafe\n", 3, 3, "id 1 is already used"));
  EXPECT_TRUE(FailsAt("b 1 4294967297 slow\n", 2, 5, "of at most 4294967296"));  // the reader
  EXPECT_TRUE(FailsAt("b 1 16 unsafe\nb 2 16 alloc\nl 3\n", 4, 3, "unknown id 3"));
}

TEST(ReplayerErrors, ManualModeEventsAreNotSupportedYet) {
  EXPECT_TRUE(
      FailsAt("m 1 100\n", 2, 1, "manual-mode events ('m', 'f', 'x') are not supported yet"));
  EXPECT_TRUE(FailsAt("f 1\n", 2, 1, "not supported yet"));
  EXPECT_TRUE(FailsAt("x 1 64\n", 2, 1, "not supported yet"));
}

// --- Syntax errors carry the session's name too -------------------------------------------------

TEST(ReplayerErrors, SyntaxErrorsNameTheStream) {
  EXPECT_TRUE(FailsAt("a 1 8 0\na 2 big 0\n", 3, 5, "expected SIZE in bytes"));
}

TEST(ReplayerErrors, TheReplayStopsAtTheError) {
  Session session(Config());
  EXPECT_TRUE(FailsAt(session, "a 1 8 0\nl 9\na 2 8 0\n", 3, 3, "unknown id 9"));
  EXPECT_EQ(session.heap().ids().StateOf(1), IdTable::State::Live);
  EXPECT_EQ(session.heap().ids().StateOf(2), IdTable::State::Unknown);
  EXPECT_EQ(session.replayer().objects(), 1u);
}

// --- Valid traces -------------------------------------------------------------------------------

TEST(Replayer, ValidTraceReplaysWithoutError) {
  Session session(Config());
  const std::string text = Trace(
      "# a list of three, rooted at 1; 4 and 5 die in their scope\n"
      "a 1 24 2\n"
      "r 1\n"
      "{\n"
      "  a 2 16 1\n"
      "  a 3 8 0\n"
      "  w 1 0 2\n"
      "  w 2 0 3\n"
      "  a 4 64 0\n"
      "  { \n"
      "    a 5 20 1\n"
      "    w 5 0 4\n"
      "  }\n"
      "  l 5\n"
      "  w 1 1 -\n"
      "}\n"
      "t 100\n"
      "g minor\n");
  const std::optional<TraceError> e = Replay(session, text);
  EXPECT_FALSE(e) << e->what();
  EXPECT_EQ(session.replayer().events(), 17u);
  EXPECT_EQ(session.replayer().objects(), 5u);
  EXPECT_EQ(session.replayer().allocated_bytes(), 24u + 16u + 8u + 64u + 24u);
  EXPECT_EQ(session.tracer().gc_count(), 1);
  EXPECT_EQ(session.heap().ids().StateOf(1), IdTable::State::Live);
  EXPECT_EQ(session.heap().ids().StateOf(2), IdTable::State::Live);
  EXPECT_EQ(session.heap().ids().StateOf(3), IdTable::State::Live);
  EXPECT_EQ(session.heap().ids().StateOf(4), IdTable::State::Freed);
  EXPECT_EQ(session.heap().ids().StateOf(5), IdTable::State::Freed);
  EXPECT_EQ(session.heap().scopes().Depth(), 1u);  // the replayer's outermost scope
}

TEST(Replayer, OutermostScopeKeepsTopLevelObjectsAlive) {
  Session session(Config());
  EXPECT_FALSE(Replay(session, Trace("a 1 8 0\ng minor\ng minor\nl 1\n")));
  EXPECT_EQ(session.heap().ids().StateOf(1), IdTable::State::Live);
  EXPECT_EQ(session.tracer().gc_count(), 2);
}

TEST(Replayer, RootedIdsStayValidAcrossCollections) {
  Session session(Config());
  ASSERT_FALSE(Replay(session, Trace("{\na 1 16 1\nr 1\na 2 40 0\nw 1 0 2\n}\n")));
  const Address before1 = test::AddressOf(session, 1);
  const Address before2 = test::AddressOf(session, 2);
  EXPECT_TRUE(session.heap().InYoung(before1));

  // The first Scavenge copies both within new space; the second promotes them.
  ASSERT_FALSE(Replay(session, Trace("g minor\n")));
  const Address copied1 = test::AddressOf(session, 1);
  EXPECT_NE(copied1, before1);
  EXPECT_NE(test::AddressOf(session, 2), before2);
  EXPECT_TRUE(session.heap().InYoung(copied1));
  EXPECT_EQ(*HeapObject(copied1).slot(0), test::AddressOf(session, 2));

  ASSERT_FALSE(Replay(session, Trace("g minor\ng minor\n")));
  const Address after1 = test::AddressOf(session, 1);
  const Address after2 = test::AddressOf(session, 2);
  EXPECT_FALSE(session.heap().InYoung(after1));
  EXPECT_FALSE(session.heap().InYoung(after2));
  EXPECT_EQ(*HeapObject(after1).slot(0), after2);
  EXPECT_EQ(HeapObject(after2).size(), 40u);
  EXPECT_EQ(session.tracer().gc_count(), 3);

  // The ids still work in events: load, write, drop, root again.
  const std::optional<TraceError> e =
      Replay(session, Trace("l 2\nw 1 0 -\nw 1 0 2\nd 1\nr 1\nr 2\n"));
  EXPECT_FALSE(e) << e->what();
  EXPECT_EQ(*HeapObject(test::AddressOf(session, 1)).slot(0), test::AddressOf(session, 2));
  EXPECT_EQ(session.heap().globals().Count(), 2u);
}

}  // namespace
}  // namespace heaplab
