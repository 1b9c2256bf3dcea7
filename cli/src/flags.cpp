#include "flags.h"

#include <charconv>
#include <cmath>

namespace heaplab::cli {

namespace {
std::string Help(const char* flag) {
  return GcFlagInfoOf(flag).help;
}
}  // namespace

void AddGcFlags(CLI::App& app, GcFlags& f) {
  app.add_option("--min-semi-space-size", f.min_semi_space_mb, Help("--min-semi-space-size"))
      ->check(CLI::Range(1, 1024));
  app.add_option("--max-semi-space-size", f.max_semi_space_mb, Help("--max-semi-space-size"))
      ->check(CLI::Range(1, 1024));
  app.add_option("--semi-space-growth-factor", f.semi_space_growth_factor,
                 Help("--semi-space-growth-factor"))
      ->check(CLI::Validator(
          [](std::string& value) -> std::string {
            // CLI::Range lets NaN through (every comparison with it is false).
            double v = 0;
            try {
              v = std::stod(value);
            } catch (const std::exception&) {
              return "expected a number from 1 to 16, found '" + value + "'";
            }
            return std::isfinite(v) && v >= 1.0 && v <= 16.0
                       ? std::string()
                       : "expected a number from 1 to 16, found '" + value + "'";
          },
          "FLOAT in [1 - 16]"));
  app.add_option("--max-old-space-size", f.max_old_space_mb, Help("--max-old-space-size"))
      ->check(CLI::Range(1, 1 << 17));
  app.add_option("--promotion", f.promotion, Help("--promotion"))
      ->check(CLI::IsMember({"v8", "book"}));
  app.add_option("--compaction", f.compaction, Help("--compaction"))
      ->check(CLI::IsMember({"evacuate", "slide", "none"}));
  app.add_option("--gc-interval", f.gc_interval, Help("--gc-interval"))
      ->check(CLI::Validator(
          [](std::string& value) -> std::string {
            long long v = 0;
            try {
              v = std::stoll(value);
            } catch (const std::exception&) {
              return "expected -1 or a count from 1, found '" + value + "'";
            }
            return v == -1 || (v >= 1 && v <= (1LL << 40))
                       ? std::string()
                       : "expected -1 or a count from 1, found '" + value + "'";
          },
          "-1 or INT >= 1"));
  app.add_flag("--verify-heap", f.verify_heap, Help("--verify-heap"));
  app.add_flag("--incremental-marking,!--no-incremental-marking", f.incremental_marking,
               Help("--incremental-marking"));
  app.add_flag("--concurrent-marking,!--no-concurrent-marking", f.concurrent_marking,
               Help("--concurrent-marking"));
  app.add_flag("--lazy-sweeping,!--no-lazy-sweeping", f.lazy_sweeping, Help("--lazy-sweeping"));
  app.add_flag("--scavenge-task,!--no-scavenge-task", f.scavenge_task, Help("--scavenge-task"));
  app.add_flag("--memory-reducer,!--no-memory-reducer", f.memory_reducer, Help("--memory-reducer"));
  app.add_flag("--allocation-site-pretenuring,!--no-allocation-site-pretenuring",
               f.allocation_site_pretenuring, Help("--allocation-site-pretenuring"));
  app.add_flag("--predictable", f.predictable, Help("--predictable"));
  app.add_option("--buffer-pool-size", f.buffer_pool_size, Help("--buffer-pool-size"))
      ->check(CLI::Range(std::uint64_t{8}, std::uint64_t{kMaxBufferPoolSize}));
  app.add_option("--clock", f.clock, Help("--clock"))->check(CLI::IsMember({"real", "model"}));
}

void AddOutputFlags(CLI::App& app, OutputFlags& f, bool buffers) {
  app.add_flag("--trace-gc", f.trace_gc, "Print a line per collection, as node --trace-gc");
  app.add_flag("--trace-gc-nvp", f.trace_gc_nvp,
               "Print name=value pairs per collection, as node --trace-gc-nvp");
  app.add_flag("--trace-gc-verbose", f.trace_gc_verbose,
               "With --trace-gc, print the per-space block after each line");
  app.add_flag("--trace-gc-ignore-scavenger", f.trace_gc_ignore_scavenger,
               "With --trace-gc, leave out Scavenges");
  if (buffers) {
    app.add_flag("--trace-buffers", f.trace_buffers,
                 "Print a line per Buffer (pooled or not, slab, offset) and the slab events");
  }
  app.add_flag("--trace-incremental-marking", f.trace_incremental_marking,
               "Print incremental marking's start, steps and finalization, as node does");
  app.add_flag("--startup-heap,!--no-startup-heap", f.startup_heap,
               "With --trace-gc-verbose, show the read-only and code spaces at Node 20's "
               "start-up sizes (on by default); off, they print zeros");
  app.add_flag("--trace-pretenuring", f.trace_pretenuring,
               "Print V8's line when tenured allocation sites are reset after a full GC");
  app.add_flag("--trace-pretenuring-statistics", f.trace_pretenuring_statistics,
               "Print each allocation site's feedback after every GC, as V8 does");
  app.add_flag("--summary,!--no-summary", f.summary,
               "Print the end-of-run summary (on by default)");
  app.add_flag("--json", f.json,
               "Print the end-of-run summary as one line of JSON instead of text, also when\n"
               "the run ends out of memory (schema in docs/events.md)");
  app.add_option("--events-out", f.events_out,
                 "Write every event (collections, heap, marking and sweeping events) to FILE\n"
                 "as JSON lines; 'heaplab events FILE' prints them back (docs/events.md)")
      ->type_name("FILE");
  app.add_option("--csv", f.csv, "Write one row per collection to FILE as CSV, a header row first")
      ->type_name("FILE");
  app.add_option("--chrome-trace", f.chrome_trace,
                 "Write the run to FILE in Chrome's trace event format: a slice per pause and\n"
                 "phase, counters per space (opens in Perfetto and chrome://tracing)")
      ->type_name("FILE");
}

CLI::Option* AddSeedOption(CLI::App& app, std::uint64_t& seed, const std::string& help) {
  return app.add_option("--seed", seed, help)
      ->check(CLI::Validator(
          [](std::string& value) -> std::string {
            std::uint64_t v = 0;
            const char* first = value.data();
            const char* last = first + value.size();
            const auto [ptr, ec] = std::from_chars(first, last, v);
            if (!value.empty() && value[0] >= '0' && value[0] <= '9' && ec == std::errc() &&
                ptr == last) {
              return std::string();
            }
            return "expected an unsigned integer from 0 to 18446744073709551615, found '" + value +
                   "'";
          },
          "UINT in [0 - 18446744073709551615]"));
}

std::string CheckCommandNames(const CLI::App& app, const std::vector<std::string>& args) {
  const CLI::App* level = &app;
  std::string path = level->get_name();
  bool help = false;
  for (const std::string& a : args) {
    if (!a.empty() && a[0] == '-') {
      // The levels that require a command take no option with a value: skip flags.
      help = help || a == "-h" || a == "--help" || a == "--version";
      continue;
    }
    const std::vector<const CLI::App*> subs =
        level->get_subcommands([](const CLI::App* s) { return !s->get_name().empty(); });
    if (subs.empty()) return std::string();  // a command's own arguments: CLI11 checks them
    const CLI::App* next = nullptr;
    std::string names;
    for (const CLI::App* s : subs) {
      if (s->get_name() == a) next = s;
      names += (names.empty() ? "" : ", ") + s->get_name();
    }
    if (next == nullptr) {
      return "unknown command '" + path + " " + a + "': the commands of '" + path + "' are " +
             names;
    }
    level = next;
    path += " " + a;
  }
  if (!help && level->get_require_subcommand_min() > 0) {
    std::string names;
    for (const CLI::App* s :
         level->get_subcommands([](const CLI::App* s) { return !s->get_name().empty(); }))
      names += (names.empty() ? "" : ", ") + s->get_name();
    return "'" + path + "' needs a command: one of " + names;
  }
  return std::string();
}

GcConfig ToConfig(const GcFlags& flags) {
  try {
    return flags.ToConfig();
  } catch (const GcFlagError& e) {
    throw CLI::ValidationError(e.flag, e.message);
  }
}

std::vector<std::string> NormalizeFlagNames(int argc, char** argv) {
  std::vector<std::string> args;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a.size() > 2 && a.compare(0, 2, "--") == 0) {
      const std::size_t end = std::min(a.find('='), a.size());
      for (std::size_t k = 2; k < end; ++k)
        if (a[k] == '_') a[k] = '-';
    }
    args.push_back(std::move(a));
  }
  return args;
}

}  // namespace heaplab::cli
