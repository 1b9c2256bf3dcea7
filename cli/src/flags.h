// The flags of `heaplab run` and `heaplab check`: V8's names and units (both '-' and '_' are
// accepted, as V8 accepts them) and heaplab's own switches, registered on a CLI11 command.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include <heaplab/gc/config.h>
#include <heaplab/traces/gc_flags.h>

namespace heaplab::cli {

struct OutputFlags {
  bool trace_gc = false;
  bool trace_gc_nvp = false;
  bool trace_gc_verbose = false;
  bool trace_gc_ignore_scavenger = false;
  bool trace_incremental_marking = false;
  bool trace_pretenuring = false;
  bool trace_pretenuring_statistics = false;
  bool summary = true;
  bool startup_heap = true;
  bool json = false;  // the summary as one line of JSON (RunSummary::ToJson)
  bool trace_buffers = false;
  std::string events_out;    // --events-out FILE: JSON lines
  std::string csv;           // --csv FILE: a row per collection
  std::string chrome_trace;  // --chrome-trace FILE: Chrome's trace event format
};

// The collector flags live in traces/ (GcFlags, shared with the visualizer); this registers
// them on a CLI11 command with their help texts and ranges from GcFlagInfos().
using heaplab::GcFlags;

// GcFlags::ToConfig(), with a GcFlagError turned into CLI11's error naming the flag.
GcConfig ToConfig(const GcFlags& flags);

void AddGcFlags(CLI::App& app, GcFlags& flags);
// `buffers`: also --trace-buffers, which only a replay (not an events file) can print.
void AddOutputFlags(CLI::App& app, OutputFlags& flags, bool buffers = true);

// --seed, an unsigned 64-bit number in decimal: a sign, a fraction or a value beyond 2^64 - 1
// is refused with a message naming the flag (never wrapped, as "-1" would be by a plain cast).
CLI::Option* AddSeedOption(CLI::App& app, std::uint64_t& seed, const std::string& help);

// Names the commands `app` has when `args` (argv without the program name) start with one it
// lacks, at any level that requires a command ("heaplab frob", "heaplab gen frob"), or gives
// none where one is required: the message to print; empty when the commands are fine.
std::string CheckCommandNames(const CLI::App& app, const std::vector<std::string>& args);

// V8 accepts --max_semi_space_size and --max-semi-space-size alike: rewrites the name part of
// every "--flag" argument with '-' for '_'.
std::vector<std::string> NormalizeFlagNames(int argc, char** argv);

}  // namespace heaplab::cli
