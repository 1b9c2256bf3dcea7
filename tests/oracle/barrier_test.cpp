// The insertion barrier has teeth. A crafted trace hands a black object the only reference to
// a white object and then removes that object from its grey holder: without the barrier the
// finishing pause never sees the white object and frees it while it is reachable (the oracle
// reports it); with the barrier the same trace keeps it.
#include <gtest/gtest.h>

#include <sstream>

#include <heaplab/traces/reader.h>

#include "oracle.h"
#include "test_heap.h"

namespace heaplab::test {
namespace {

// Replays `body` event by event through the session and the oracle's shadow graph.
void Replay(Session& session, Oracle& oracle, const std::string& body) {
  std::istringstream in("heaplab-trace 1\n" + body);
  TraceReader reader(in, "barrier.hlt");
  TraceEvent e;
  while (reader.Next(e)) {
    session.replayer().Put(e);
    oracle.Apply(e);
  }
}

struct Outcome {
  std::string failure;  // the oracle's, empty if it found nothing
  bool verify_failed = false;
};

Outcome RunCraftedTrace(bool barrier) {
  GcConfig config = SmallConfig();
  config.marking_barrier = barrier;
  Session session(config);
  Oracle oracle(session);
  // B (1), G (2) and W (3); G holds the only reference to W. G is made a global root before B,
  // so the worklist holds G under B and the first step blackens B alone.
  Replay(session, oracle,
         "{\n"
         "a 1 64 2\n"
         "a 2 64 2\n"
         "a 3 64 0\n"
         "w 2 0 3\n"
         "r 2\n"
         "r 1\n"
         "}\n");
  IncrementalMarking& marking = session.controller().incremental_marking();
  session.controller().StartIncrementalMarking(Reason::Testing);
  marking.Step(1, false);  // one object: B
  const Address b = session.heap().ids().Get(1);
  const Address g = session.heap().ids().Get(2);
  const Address w = session.heap().ids().Get(3);
  EXPECT_TRUE(marking.marker().IsMarked(b));
  EXPECT_TRUE(marking.marker().IsMarked(g));
  EXPECT_FALSE(marking.marker().IsMarked(w)) << "W must still be white";
  EXPECT_EQ(marking.marker().worklist_size(), 1u) << "only G is grey";
  Outcome out;
  try {
    // B (black) receives the only reference to W (white); G (grey) lets go of it; the
    // finishing pause runs.
    Replay(session, oracle,
           "w 1 0 3\n"
           "w 2 0 -\n"
           "g major\n");
  } catch (const VerifyError&) {
    out.verify_failed = true;  // B's slot points at freed memory: the verifier sees it too
  }
  out.failure = oracle.failure();
  return out;
}

TEST(InsertionBarrier, WithoutItMarkingLosesAReachableObject) {
  const Outcome out = RunCraftedTrace(false);
  EXPECT_NE(out.failure.find("reachable object 3 was freed"), std::string::npos)
      << "oracle said: '" << out.failure << "'";
}

TEST(InsertionBarrier, WithItTheSameTraceKeepsTheObject) {
  const Outcome out = RunCraftedTrace(true);
  EXPECT_EQ(out.failure, "");
  EXPECT_FALSE(out.verify_failed);
}

}  // namespace
}  // namespace heaplab::test
