// heaplab: replay traces on a V8-style heap and print what the collector did.
#include <iostream>

#include "commands.h"
#include "flags.h"
#include "version.h"

int main(int argc, char** argv) {
  using namespace heaplab::cli;
  std::ios::sync_with_stdio(false);
  CLI::App app{
      "heaplab: a generational garbage-collected heap modelled on V8 and Node.js.\n"
      "Replay a trace or a built-in scenario and see what Scavenge and Mark-Compact do.",
      "heaplab"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("heaplab ") + kVersion);
  app.footer("Run 'heaplab COMMAND --help' for the flags of a command.");

  const Action run = AddRunCommand(app);
  const Action gen = AddGenCommand(app);
  const Action check = AddCheckCommand(app);
  const Action events = AddEventsCommand(app);
  const Action stats = AddStatsCommand(app);
  const Action sweep = AddSweepCommand(app);
  const Action v8log = AddV8LogCommand(app);

  std::vector<std::string> args = NormalizeFlagNames(argc, argv);
  if (const std::string problem = CheckCommandNames(app, args); !problem.empty()) {
    std::cerr << "heaplab: error: " << problem << "\n"
              << "Run 'heaplab --help' or 'heaplab COMMAND --help' for usage.\n";
    return kExitUsage;
  }
  std::reverse(args.begin(), args.end());
  try {
    app.parse(args);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "heaplab: error: " << e.what() << "\n"
              << "Run 'heaplab --help' or 'heaplab COMMAND --help' for usage.\n";
    return kExitUsage;
  }
  for (const auto& [sub, action] : {std::pair{"run", run},
                                    {"gen", gen},
                                    {"check", check},
                                    {"events", events},
                                    {"stats", stats},
                                    {"sweep", sweep},
                                    {"v8log", v8log}}) {
    if (app.got_subcommand(sub)) return Guard(action);
  }
  return kExitUsage;
}
