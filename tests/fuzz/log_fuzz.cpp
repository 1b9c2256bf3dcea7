// libFuzzer target: any bytes as a V8 GC log (traces/include/heaplab/traces/v8_log.h), fed to
// the reader in pieces whose size the first byte picks, so that lines cross pieces, then
// summarised and printed as `heaplab v8log` does. It must end without a crash, a sanitizer
// report or a hang, and the counts must agree: every event reaches exactly one isolate.
// Build: make fuzz (clang, -fsanitize=fuzzer,address,undefined).
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include <heaplab/traces/v8_log.h>
#include <heaplab/traces/v8_log_summary.h>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::size_t piece = std::size_t{1} + data[0] % 64 * 97;  // 1 to 6112 bytes
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  heaplab::V8LogSummary summary({.max_old_space_mb = 64});
  heaplab::V8LogReader reader(summary);
  reader.Begin("fuzz");
  for (std::size_t at = 0; at < text.size(); at += piece)
    reader.Feed(text.substr(at, piece));
  reader.Finish();
  std::uint64_t events = 0;
  for (const auto& iso : summary.isolates()) {
    events += iso->events;
    (void)summary.Format(*iso);
    (void)iso->MakeVerdict(summary.options());
  }
  if (events != reader.counts().events) std::abort();
  if (reader.counts().lines > text.size() + 1) std::abort();
  return 0;
}
