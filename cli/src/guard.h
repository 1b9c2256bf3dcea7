// How a command ends: heaplab's exceptions turned into a message on stderr and an exit status,
// and standard output flushed so that a lost result is never a success.
#pragma once

#include <functional>
#include <string>

namespace heaplab::cli {

// Exit statuses.
inline constexpr int kExitOk = 0;
inline constexpr int kExitTraceError = 1;     // the trace is malformed or meaningless
inline constexpr int kExitUsage = 2;          // a wrong flag or value
inline constexpr int kExitVerify = 70;        // --verify-heap found a broken invariant
inline constexpr int kExitOutOfMemory = 134;  // as Node's abort() on a fatal OOM

// Runs `body`, turning heaplab's exceptions into a message on stderr and an exit status.
int Guard(const std::function<int()>& body);

// Flushes standard output; throws std::runtime_error saying why when it cannot be written
// (a full disk, a closed pipe), so that a lost result is never a success.
void FlushStandardOutput();

// "what: reason" with the reason of `error` (an errno value), or just "what" when it is 0.
std::string WithReason(const std::string& what, int error);

}  // namespace heaplab::cli
