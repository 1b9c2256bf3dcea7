// The reachability oracle (docs/architecture.md, "Correctness").
//
// A RandomMutator writes a random but valid trace: every event it emits is replayed at once by
// a Session (the system under test) and mirrored in a ShadowGraph keyed by trace id. After
// every collection the oracle traces the shadow graph naively from its roots and checks the
// heap against it:
//   - every reachable object is alive, with its size, slot count, slot contents (as ids) and
//     payload checksum unchanged (copies are exact);
//   - after a full GC, every unreachable object has been freed;
//   - after a Scavenge, no old object has moved;
//   - after a full GC that finished an incremental marking, every object that was unreachable
//     when marking started has been freed (objects that died during marking may float).
// A failing trace is written out so that `heaplab run --verify-heap FILE` reproduces it.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include <heaplab/traces/session.h>

namespace heaplab::test {

struct ShadowObject {
  std::uint64_t size = 0;
  std::vector<Id> slots;  // 0 = null
  std::uint64_t checksum = 0;
  Address address = 0;  // where the heap had it after the last check
  bool old = false;     // in the old generation at the last check
};

struct OracleStats {
  std::uint64_t events = 0;
  std::uint64_t collections = 0;
  std::uint64_t scavenges = 0;
  std::uint64_t full_gcs = 0;
  std::uint64_t checks = 0;              // objects checked in all
  std::uint64_t promoted_seen = 0;       // objects that became old
  std::uint64_t incremental_cycles = 0;  // incremental markings started
  std::uint64_t incremental_gcs = 0;     // full GCs that finished an incremental marking
};

class Oracle : public GcObserver {
 public:
  explicit Oracle(Session& session);
  // A shadow graph only, with no heap to check: for RandomMutator::Generate.
  Oracle() { scopes_.emplace_back(); }
  ~Oracle() override;

  // Mirrors an event before or after the session replays it (see RandomMutator::Emit).
  void Apply(const TraceEvent& e);
  // Gives an allocated object's payload random bytes and records its checksum.
  void FillPayload(Id id, std::uint64_t seed);

  void OnGc(const GcEvent& e) override;
  void OnMarking(const MarkingEvent& e) override;

  std::unordered_set<Id> Reachable() const;
  const std::unordered_map<Id, ShadowObject>& objects() const { return objects_; }
  const std::vector<Id>& globals() const { return globals_; }
  const std::vector<std::vector<Id>>& scopes() const { return scopes_; }
  const OracleStats& stats() const { return stats_; }
  bool failed() const { return !failure_.empty(); }
  const std::string& failure() const { return failure_; }

 private:
  void Fail(const std::string& message);
  void Check(const GcEvent& e);

  Session* session_ = nullptr;
  std::unordered_map<Id, ShadowObject> objects_;
  std::vector<Id> globals_;
  std::vector<std::vector<Id>> scopes_;  // locals per open scope; [0] is the replayer's own
  OracleStats stats_;
  std::string failure_;
  bool marking_ = false;  // an incremental marking is under way
  std::unordered_set<Id> dead_at_marking_start_;
};

struct RandomMutatorOptions {
  std::uint64_t events = 3000;
  std::uint64_t max_size = 512;       // bytes of a regular object
  double large_chance = 0.002;        // chance that an allocation is a large object
  double medium_chance = 0.02;        // chance of a payload-only object of 4..64 KiB
  double explicit_gc_chance = 0.002;  // chance of `g minor` (or `g major`) per event
  bool major_gcs = false;             // whether explicit GCs may be major
  double buffer_chance = 0;           // chance that an allocation is a Buffer (`b`, any API)
  bool incremental = false;           // start and step incremental marking at random; `i` events
  double site_chance = 0;             // chance that an allocation names a site (`a ... @S`)
  double old_chance = 0;              // chance that an allocation is in old space (`o`)
};

class RandomMutator {
 public:
  RandomMutator(Session& session, Oracle& oracle, std::uint64_t seed, RandomMutatorOptions options)
      : RandomMutator(&session, oracle, seed, options) {}
  // Emits `options.events` events; stops early when the oracle fails.
  void Run();
  // The trace text emitted so far (header included), for reproduction.
  std::string TraceText() const;

  // The trace that Run() with this seed and these options emits on a sound heap, made without
  // replaying it (the events depend only on the seed and the shadow graph). Tests write it to a
  // file before they run it, so that a crash leaves the trace behind.
  static std::string Generate(std::uint64_t seed, RandomMutatorOptions options);

 private:
  RandomMutator(Session* session, Oracle& oracle, std::uint64_t seed, RandomMutatorOptions options);
  void Emit(TraceEvent e);
  Id PickReachable();  // a random object reachable right now, or 0
  void Step();

  Session* session_;  // null: generate only
  Oracle& oracle_;
  std::mt19937_64 rng_;
  RandomMutatorOptions options_;
  std::vector<TraceEvent> events_;
  Id next_id_ = 1;
};

// Writes a trace to a file under the system temp directory (TMPDIR); returns its path.
std::string SaveTrace(const std::string& text, const std::string& name);

}  // namespace heaplab::test
