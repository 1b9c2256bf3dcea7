// heaplab check: validate a trace by replaying it quietly.
#include <iostream>

#include <heaplab/gc/oom.h>
#include <heaplab/traces/session.h>
#include "commands.h"
#include "flags.h"

namespace heaplab::cli {

namespace {
struct CheckArgs {
  std::string trace;
  GcFlags gc;
};
}  // namespace

Action AddCheckCommand(CLI::App& app) {
  auto args = std::make_shared<CheckArgs>();
  CLI::App* check = app.add_subcommand(
      "check",
      "Validate a trace: syntax, ids, slots and scopes, by replaying it without output.\n"
      "A trace is valid for a configuration; 'freed object' errors depend on when the\n"
      "collector runs, so give the flags you will run it with.");
  check->add_option("TRACE", args->trace, "Trace file ('-' for standard input)")->required();
  AddGcFlags(*check, args->gc);
  return [args] {
    Session session(ToConfig(args->gc), args->gc.buffer_pool_size);
    try {
      session.ReplayFile(args->trace);
    } catch (const OutOfMemory& oom) {
      // A well-formed trace that needs more heap than these flags give: say so, as run would.
      std::cerr << "heaplab: " << args->trace << ": runs out of memory after "
                << session.replayer().events() << " events: " << oom.what() << "\n";
      return kExitOutOfMemory;
    }
    std::cout << args->trace << ": ok, " << session.replayer().events() << " events, "
              << session.replayer().objects() << " objects, "
              << session.replayer().allocated_bytes() << " bytes allocated, "
              << session.tracer().gc_count() << " collections\n";
    FlushStandardOutput();  // a result that cannot be written is not a success
    return kExitOk;
  };
}

}  // namespace heaplab::cli
