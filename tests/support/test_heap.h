// Test helpers: a small configuration builder and direct access to a session's parts.
#pragma once

#include <ostream>
#include <sstream>
#include <string>

#include <heaplab/traces/session.h>

namespace heaplab {

// Test parameters print by name (GoogleTest finds PrintTo by argument-dependent lookup), so that
// a failing parameterised test says "book" rather than a byte dump.
void PrintTo(PromotionRule rule, std::ostream* os);
void PrintTo(Compaction compaction, std::ostream* os);

}  // namespace heaplab

namespace heaplab::test {

// A GcConfig with semispaces of `min_mb`..`max_mb` MiB, the model clock and verify-heap on.
GcConfig SmallConfig(std::size_t min_mb = 1, std::size_t max_mb = 1);

// Replays trace text through a fresh session and returns the session for inspection.
std::unique_ptr<Session> ReplayText(const GcConfig& config, const std::string& text);

// The address of a live id, failing the test if it is not live.
Address AddressOf(Session& s, Id id);

}  // namespace heaplab::test
