// libFuzzer target: any bytes as the arguments of `heaplab run`, one argument per line (a NUL
// also ends an argument). They are parsed by the run command's own parser, as main() parses
// them, then the run replays a small built-in trace in-process whatever TRACE or --scenario
// says. Parsing and running must end in an exit status (a usage error, out of memory, success),
// never in a crash, a sanitizer report, an uncaught exception, abort() or a hang.
// Build: make fuzz (clang, -fsanitize=fuzzer,address,undefined).
#include <cstdint>
#include <iostream>
#include <sstream>
#include <streambuf>
#include <string>
#include <vector>

#include <heaplab/traces/session.h>
#include "commands.h"
#include "flags.h"

namespace {

// Takes every character and keeps none: the run's printing is exercised, not shown.
class NullBuffer : public std::streambuf {
 protected:
  int overflow(int c) override { return traits_type::not_eof(c); }
  std::streamsize xsputn(const char*, std::streamsize n) override { return n; }
};

// A small trace with every kind of event the replayer replays: enough young data for
// Scavenges at the smallest semispace (1 MiB), survivors, old-to-new stores, a large object,
// explicit collections of both kinds and garbage for Mark-Compact to free and compact.
std::string SmallTrace() {
  std::ostringstream t;
  t << "heaplab-trace 1 name=flags_fuzz\n# comment\n\n";
  t << "a 1 4096 64\nr 1\n";
  std::uint64_t id = 2;
  for (int round = 0; round < 6; ++round) {
    t << "{\n";
    for (int i = 0; i < 64; ++i, ++id) {
      t << "a " << id << " " << (4096 + 512 * (i % 7)) << " 2\n";
      if (i % 4 == 0) t << "w 1 " << i << " " << id << "\n";
      if (i > 0) t << "w " << id << " 0 " << id - 1 << "\n";
    }
    t << "l " << id - 1 << "\n}\n";
    t << "t 100\n";
    if (round == 2) t << "g minor\n";
    if (round == 4) t << "g major\n";
    t << "w 1 " << round << " -\n";
  }
  t << "a " << id << " 300000 1\nr " << id << "\nw " << id << " 0 1\n";
  t << "g minor\nd " << id << "\ng major\nd 1\ng major\n";
  return t.str();
}

const std::string& Trace() {
  static const std::string trace = SmallTrace();
  return trace;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  static NullBuffer null;
  std::cout.rdbuf(&null);
  std::cerr.rdbuf(&null);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace heaplab::cli;
  constexpr std::size_t kMaxArgs = 64;
  std::vector<std::string> words = {"heaplab", "run"};
  std::string word;
  for (std::size_t i = 0; i <= size && words.size() < kMaxArgs; ++i) {
    if (i == size || data[i] == '\n' || data[i] == '\0') {
      words.push_back(word);
      word.clear();
    } else {
      word.push_back(static_cast<char>(data[i]));
    }
  }
  std::vector<char*> argv;
  for (std::string& w : words)
    argv.push_back(w.data());

  std::cout.clear();
  CLI::App app{"heaplab flags fuzz target", "heaplab"};
  app.require_subcommand(1);
  const Action run = AddRunCommand(app, [](heaplab::Session& session) {
    std::istringstream in(Trace());
    session.ReplayStream(in, "flags_fuzz");
  });
  std::vector<std::string> args = NormalizeFlagNames(static_cast<int>(argv.size()), argv.data());
  // The export flags write files named by the input: never let a fuzzer write where it likes.
  // (Their writers are exercised by the cli tests.)
  for (const std::string& a : args) {
    for (const char* file_flag : {"--events-out", "--csv", "--chrome-trace"}) {
      if (a.rfind(file_flag, 0) == 0) return 0;
    }
  }
  std::reverse(args.begin(), args.end());
  try {
    app.parse(args);
  } catch (const CLI::ParseError& e) {
    app.exit(e);  // prints the help or the error, as main() does
    return 0;
  }
  // As Guard() does, but only for what a wrong flag may cause: anything else (a VerifyError,
  // a logic_error of the heap) is a finding and escapes to libFuzzer.
  try {
    const int status = run();
    if (status != kExitOk && status != kExitOutOfMemory) __builtin_trap();
  } catch (const CLI::ValidationError&) {
  }
  return 0;
}
