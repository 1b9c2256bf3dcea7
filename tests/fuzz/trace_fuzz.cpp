// libFuzzer target: any bytes as a trace. Reading and replaying must end in success, a
// TraceError, or V8's out of memory, never in a crash, a sanitizer report or a hang.
// Build: make fuzz (clang, -fsanitize=fuzzer,address,undefined).
#include <cstdint>
#include <sstream>
#include <string>

#include <heaplab/gc/oom.h>
#include <heaplab/traces/session.h>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  heaplab::GcConfig config;
  config.clock = heaplab::ClockKind::Model;
  config.verify_heap = true;
  config.heap.max_semi_space_size = 1 * heaplab::MB;
  config.heap.max_old_space_size = 16 * heaplab::MB;
  heaplab::Session session(config);
  std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
  try {
    session.ReplayStream(in, "fuzz");
  } catch (const heaplab::TraceError&) {
  } catch (const heaplab::OutOfMemory&) {
  }
  return 0;
}
