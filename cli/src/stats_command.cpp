// heaplab stats: what a trace contains, without running a collector
// (traces/include/heaplab/traces/stats.h).
#include <cerrno>
#include <filesystem>
#include <fstream>
#include <iostream>

#include <heaplab/traces/reader.h>
#include <heaplab/traces/stats.h>
#include "commands.h"

namespace heaplab::cli {

Action AddStatsCommand(CLI::App& app) {
  auto trace = std::make_shared<std::string>();
  CLI::App* stats = app.add_subcommand(
      "stats",
      "What a trace contains: events by kind, allocation sizes, object lifetimes (bytes\n"
      "allocated between birth and death, deaths found exactly from reachability), peak\n"
      "live bytes and the survival curve. Checks the trace as 'heaplab check' does.");
  stats->add_option("TRACE", *trace, "Trace file ('-' for standard input)")->required();
  auto json = std::make_shared<bool>(false);
  stats->add_flag("--json", *json,
                  "Print the same figures as one line of JSON (schema heaplab-trace-stats, "
                  "docs/stats.md)");
  return [trace, json] {
    std::ifstream file;
    std::istream* in = &std::cin;
    const std::string name = *trace == "-" ? "<stdin>" : *trace;
    if (*trace != "-") {
      std::error_code ec;
      if (std::filesystem::is_directory(*trace, ec))
        throw std::runtime_error("cannot read trace '" + *trace + "': it is a directory");
      file.open(*trace, std::ios::binary);
      if (!file) throw std::runtime_error(WithReason("cannot open trace '" + *trace + "'", errno));
      in = &file;
    }
    TraceReader reader(*in, name);
    TraceStats report(name);
    TraceEvent e;
    while (reader.Next(e))
      report.Put(e);
    report.Finish();
    if (*json) {
      std::cout << report.ToJson() << '\n';
    } else {
      std::cout << report.Format();
    }
    FlushStandardOutput();
    return kExitOk;
  };
}

}  // namespace heaplab::cli
