// Sessions in several threads at once (as heaplab sweep runs them) give the same events as the
// same sessions one after the other: nothing they share changes.
#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include <heaplab/gc/summary.h>
#include <heaplab/traces/gc_flags.h>
#include <heaplab/traces/session.h>

namespace heaplab::test {
namespace {

struct Outcome {
  std::string summary;
  int gcs = 0;
};

Outcome RunOne(const std::pair<const char*, std::size_t>& config) {
  GcFlags flags;
  flags.predictable = true;
  flags.max_semi_space_mb = config.second;
  Session session(flags.ToConfig(), flags.buffer_pool_size);
  RunSummary summary;
  session.tracer().AddObserver(&summary);
  ScenarioOptions options;
  options.params["requests"] = 20000;
  session.ReplayScenario(*FindScenario(config.first), options);
  return {summary.ToJson(session.controller().clock().NowMs(), session.heap().CommittedMemory(),
                         session.replayer().allocated_bytes(), "ok", 0),
          session.tracer().gc_count()};
}

TEST(SessionThreads, ParallelSessionsEqualSequentialOnes) {
  // churn with a fixed and a growing new space; buffer-server's Buffers allocate from a
  // mimalloc heap of the session's thread.
  const std::vector<std::pair<const char*, std::size_t>> configs = {
      {"churn", 1}, {"churn", 16}, {"buffer-server", 1}, {"churn", 1}, {"buffer-server", 16}};
  std::vector<Outcome> sequential, parallel(configs.size());
  for (const auto& c : configs)
    sequential.push_back(RunOne(c));
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < configs.size(); ++i)
    threads.emplace_back([&, i] { parallel[i] = RunOne(configs[i]); });
  for (std::thread& t : threads)
    t.join();
  for (std::size_t i = 0; i < configs.size(); ++i) {
    EXPECT_GT(sequential[i].gcs, 0);
    EXPECT_EQ(parallel[i].summary, sequential[i].summary) << "session " << i;
  }
  // Control: different configurations give different summaries, so equality means something.
  EXPECT_NE(sequential[0].summary, sequential[1].summary);
}

}  // namespace
}  // namespace heaplab::test
