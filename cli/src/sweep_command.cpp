// heaplab sweep: run one trace or scenario under a grid of collector configurations, in
// parallel (one Session per worker thread), and write a table whose rows are the summaries
// `heaplab run --json` prints. For grids larger than one machine, --jobs-out writes the same
// grid as shell commands (GNU parallel, a Slurm array job) and --merge gathers their outputs.
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <mutex>
#include <sstream>
#include <thread>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <heaplab/gc/oom.h>
#include <heaplab/gc/summary.h>
#include <heaplab/traces/session.h>
#include "commands.h"
#include "flags.h"

namespace heaplab::cli {

namespace {

using json = nlohmann::ordered_json;

constexpr const char* kGridFile = "sweep-grid.json";

struct SweepArgs {
  std::string trace;
  std::string scenario;
  std::vector<std::string> params;
  std::string seed;
  std::vector<std::vector<std::string>> set_words;  // the words each --set took
  std::vector<std::string> sets;                    // FLAG=V1,V2,..., one per --set
  std::vector<std::string> extra;                   // collector flags for every configuration
  unsigned jobs = 0;                                // 0: the number of cores
  std::string csv;
  std::string json_out;
  std::string jobs_out;
  std::string jobs_dir = "sweep-jobs";
  std::string merge;
  std::string heaplab;
};

// One flag of the grid and its values, as given to --set.
struct Axis {
  std::string flag;  // "max-semi-space-size"
  std::vector<std::string> values;
};

// The forms --set takes, for messages.
constexpr const char* kSetForms = "FLAG=V1,V2,... or FLAG V1,V2,...";

// Fills args.sets from args.set_words. CLI11 gives a list option every word up to the next
// option, so one --set holds its own one or two words (FLAG=V1,V2,... or FLAG V1,V2,...) and
// whatever follows them: the TRACE, when it is one word and no TRACE came before; anything
// else is refused (values are separated by commas, not spaces).
void TakeSetWords(SweepArgs& args) {
  for (const std::vector<std::string>& words : args.set_words) {
    if (words.empty()) continue;
    std::size_t used = 1;
    if (words[0].find('=') != std::string::npos) {
      args.sets.push_back(words[0]);
    } else if (words.size() >= 2 && !words[1].empty() && words[1].find('=') == std::string::npos) {
      args.sets.push_back(words[0] + "=" + words[1]);
      used = 2;
    } else {
      throw CLI::ValidationError("--set", std::string("expected ") + kSetForms + ", found '" +
                                              words[0] + "' without values");
    }
    if (words.size() == used + 1 && args.trace.empty() && args.scenario.empty()) {
      args.trace = words[used];
    } else if (words.size() > used) {
      std::string given;
      for (std::size_t i = 0; i < used; ++i)
        given += " " + words[i];
      throw CLI::ValidationError("--set", "unexpected '" + words[used] + "' after '--set" + given +
                                              "': one " + kSetForms +
                                              " per --set, the values separated by commas");
    }
  }
}

std::vector<Axis> ParseSets(const std::vector<std::string>& sets) {
  std::vector<Axis> axes;
  for (const std::string& set : sets) {
    const std::size_t eq = set.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == set.size())
      throw CLI::ValidationError("--set",
                                 std::string("expected ") + kSetForms + ", found '" + set + "'");
    Axis axis;
    axis.flag = set.substr(0, eq);
    axis.flag.erase(0, axis.flag.find_first_not_of('-'));
    std::replace(axis.flag.begin(), axis.flag.end(), '_', '-');
    try {
      GcFlagInfoOf("--" + axis.flag);
    } catch (const std::out_of_range&) {
      throw CLI::ValidationError("--set", "'" + axis.flag +
                                              "' is not a collector flag of 'heaplab run' "
                                              "(see heaplab run --help)");
    }
    for (const Axis& a : axes) {
      if (a.flag == axis.flag)
        throw CLI::ValidationError("--set", "flag '" + axis.flag + "' is set twice");
    }
    std::stringstream values(set.substr(eq + 1));
    std::string v;
    while (std::getline(values, v, ',')) {
      if (v.empty()) throw CLI::ValidationError("--set", "an empty value in '" + set + "'");
      axis.values.push_back(v);
    }
    if (set.back() == ',') throw CLI::ValidationError("--set", "an empty value in '" + set + "'");
    axes.push_back(std::move(axis));
  }
  return axes;
}

// One configuration of the grid: a value per axis, and the flags that make it.
struct Point {
  std::vector<std::string> values;  // one per axis
  std::vector<std::string> args;    // the extra flags, then "--FLAG=VALUE" per axis
  GcFlags flags;
};

// Parses `args` as the collector flags of `heaplab run` (same names, ranges and messages).
GcFlags ParseGcFlags(const std::vector<std::string>& args) {
  CLI::App app{"flags", "heaplab run"};
  GcFlags flags;
  AddGcFlags(app, flags);
  std::vector<std::string> reversed(args.rbegin(), args.rend());
  try {
    app.parse(reversed);
  } catch (const CLI::ParseError& e) {
    throw CLI::ValidationError("sweep", e.what());
  }
  ToConfig(flags);  // flags that do not fit together are refused now, not in a worker
  return flags;
}

std::vector<Point> Grid(const std::vector<Axis>& axes, const std::vector<std::string>& extra) {
  std::vector<Point> points(1);
  for (const Axis& axis : axes) {
    std::vector<Point> next;
    for (const Point& p : points) {
      for (const std::string& v : axis.values) {
        Point q = p;
        q.values.push_back(v);
        next.push_back(std::move(q));
      }
    }
    points = std::move(next);
  }
  for (Point& p : points) {
    p.args = extra;
    for (std::size_t a = 0; a < axes.size(); ++a)
      p.args.push_back("--" + axes[a].flag + "=" + p.values[a]);
    p.flags = ParseGcFlags(p.args);
  }
  return points;
}

// The source's arguments of `heaplab run`: a trace, or a scenario with its parameters and seed.
std::vector<std::string> SourceArgs(const SweepArgs& args) {
  if (!args.trace.empty()) return {args.trace};
  std::vector<std::string> out = {"--scenario", args.scenario};
  for (const std::string& p : args.params) {
    out.push_back("--param");
    out.push_back(p);
  }
  if (!args.seed.empty()) {
    out.push_back("--seed");
    out.push_back(args.seed);
  }
  return out;
}

// `heaplab run ... --json` for one configuration, run in this thread: its summary line.
std::string RunOne(const SweepArgs& args, const Point& point) {
  const GcConfig config = ToConfig(point.flags);
  Session session(config, point.flags.buffer_pool_size);
  RunSummary summary;
  session.tracer().AddObserver(&summary);
  const char* state = "ok";
  int status = kExitOk;
  try {
    if (!args.trace.empty()) {
      session.ReplayFile(args.trace);
    } else {
      const Scenario* scenario = FindScenario(args.scenario);
      ScenarioOptions options;
      if (!args.seed.empty()) options.seed = std::stoull(args.seed);
      options.params = ParseScenarioParams(*scenario, args.params);
      session.ReplayScenario(*scenario, options);
    }
  } catch (const OutOfMemory&) {
    state = "oom";
    status = kExitOutOfMemory;
  }
  return summary.ToJson(session.controller().clock().NowMs(), session.heap().CommittedMemory(),
                        session.replayer().allocated_bytes(), state, status);
}

// The order in which the workers take the configurations: the most expensive first, so that
// the last ones to start are short and the workers finish together (the table keeps the grid's
// order whatever the order of running). The cost of a run grows with its number of Scavenges,
// which a smaller semispace multiplies (churn: 387 Scavenges at 1 MiB, 98 at 4 MiB), so the
// configurations run by maximum semispace size, smallest first; among equal sizes, in grid
// order. Each worker takes the next configuration of this list when it finishes one.
std::vector<std::size_t> ScheduleOrder(const std::vector<Point>& points) {
  std::vector<std::size_t> semi_space(points.size());
  for (std::size_t i = 0; i < points.size(); ++i)
    semi_space[i] = ToConfig(points[i].flags).heap.max_semi_space_size;
  std::vector<std::size_t> order(points.size());
  for (std::size_t i = 0; i < order.size(); ++i)
    order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return semi_space[a] < semi_space[b]; });
  return order;
}

std::string ShellQuote(const std::string& s) {
  if (!s.empty() && s.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                        "0123456789-_=.,/:+@%") == std::string::npos)
    return s;
  std::string out = "'";
  for (const char c : s) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

// The table: a row per configuration, the grid's values first, then the summary's figures.
struct Table {
  std::vector<std::string> flags;
  std::vector<std::vector<std::string>> values;
  std::vector<json> summaries;
};

std::string Number(const json& v) {
  if (v.is_number_integer() || v.is_number_unsigned()) return v.dump();
  if (v.is_number_float()) return fmt::format("{}", v.get<double>());
  return v.is_string() ? v.get<std::string>() : v.dump();
}

std::string Csv(const Table& t) {
  std::string s;
  for (const std::string& f : t.flags)
    s += f + ",";
  s += "end_state,exit_status,collections,scavenges,mark_compacts,mark_compacts_reduce,"
       "total_pause_ms,p50_pause_ms,p95_pause_ms,p99_pause_ms,max_pause_ms,longest_pause_ms,"
       "mutator_utilization,average_mu,peak_committed_bytes,promoted_bytes,allocated_bytes,"
       "duration_ms\n";
  for (std::size_t r = 0; r < t.summaries.size(); ++r) {
    const json& j = t.summaries[r];
    for (const std::string& v : t.values[r])
      s += v + ",";
    const json& by = j.at("by_collector");
    const json& p = j.at("pause_ms");
    s += fmt::format("{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n",
                     j.at("end_state").get<std::string>(), Number(j.at("exit_status")),
                     Number(j.at("collections")), Number(by.at("Scavenge")),
                     Number(by.at("Mark-Compact")), Number(by.at("Mark-Compact (reduce)")),
                     Number(p.at("total")), Number(p.at("p50")), Number(p.at("p95")),
                     Number(p.at("p99")), Number(p.at("max")), Number(j.at("longest_pause_ms")),
                     Number(j.at("mutator_utilization")), Number(j.at("average_mu")),
                     Number(j.at("peak_committed_bytes")), Number(j.at("promoted_bytes")),
                     Number(j.at("allocated_bytes")), Number(j.at("duration_ms")));
  }
  return s;
}

std::string Json(const Table& t) {
  json rows = json::array();
  for (std::size_t r = 0; r < t.summaries.size(); ++r) {
    json config = json::object();
    for (std::size_t a = 0; a < t.flags.size(); ++a)
      config[t.flags[a]] = t.values[r][a];
    rows.push_back({{"config", config}, {"summary", t.summaries[r]}});
  }
  return json{{"schema", "heaplab-sweep"}, {"version", 1}, {"flags", t.flags}, {"rows", rows}}.dump(
             1) +
         "\n";
}

void WriteFile(const std::string& path, const std::string& text) {
  if (path == "-") {
    std::cout << text;
    return;
  }
  errno = 0;
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.flush();
  if (!out) throw std::runtime_error(WithReason("cannot write '" + path + "'", errno));
}

void WriteTable(const SweepArgs& args, const Table& t) {
  if (args.csv.empty() && args.json_out.empty()) {
    std::cout << Csv(t);
    return;
  }
  if (!args.csv.empty()) WriteFile(args.csv, Csv(t));
  if (!args.json_out.empty()) WriteFile(args.json_out, Json(t));
}

json ReadJson(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(WithReason("cannot open '" + path + "'", errno));
  // The summary is the last line of a run's output (it follows any --trace-gc lines).
  std::string line, last;
  while (std::getline(in, line)) {
    if (line.find_first_not_of(" \t\r") != std::string::npos) last = line;
  }
  json j = json::parse(last, nullptr, /*allow_exceptions=*/false);
  return j;
}

int Merge(const SweepArgs& args) {
  const std::filesystem::path dir = args.merge;
  const std::string grid_path = (dir / kGridFile).string();
  std::ifstream in(grid_path, std::ios::binary);
  if (!in)
    throw std::runtime_error(WithReason(
        "cannot open '" + grid_path + "' (written by 'heaplab sweep --jobs-out')", errno));
  const json grid = json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (grid.is_discarded() || !grid.is_object() || grid.value("schema", "") != "heaplab-sweep-grid")
    throw std::runtime_error(grid_path + ": not a sweep grid (schema heaplab-sweep-grid)");
  Table t;
  t.flags = grid.at("flags").get<std::vector<std::string>>();
  int missing = 0;
  for (const json& job : grid.at("jobs")) {
    const std::string out = (dir / job.at("output").get<std::string>()).string();
    json summary;
    if (std::filesystem::exists(out)) summary = ReadJson(out);
    if (summary.is_discarded() || !summary.is_object() ||
        summary.value("schema", "") != "heaplab-run-summary") {
      std::cerr << "heaplab: " << out << ": no run summary (the job did not run or failed)\n";
      ++missing;
      continue;
    }
    t.values.push_back(job.at("values").get<std::vector<std::string>>());
    t.summaries.push_back(std::move(summary));
  }
  WriteTable(args, t);
  FlushStandardOutput();
  if (missing > 0) {
    std::cerr << "heaplab: " << missing << " of " << grid.at("jobs").size()
              << " jobs have no summary; the table leaves them out\n";
    return kExitTraceError;
  }
  return kExitOk;
}

std::string ThisProgram() {
  std::error_code ec;
  const std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::string("heaplab") : self.string();
}

int JobsOut(const SweepArgs& args, const std::vector<Axis>& axes,
            const std::vector<Point>& points) {
  const std::filesystem::path dir = args.jobs_dir;
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw std::runtime_error("cannot create '" + dir.string() + "': " + ec.message());
  const std::string program = args.heaplab.empty() ? ThisProgram() : args.heaplab;
  std::string lines;
  json jobs = json::array();
  const int digits = static_cast<int>(std::to_string(points.size()).size());
  for (std::size_t i = 0; i < points.size(); ++i) {
    const std::string output = fmt::format("job-{:0{}}.json", i + 1, digits);
    std::string line = ShellQuote(program) + " run";
    for (const std::string& a : SourceArgs(args))
      line += " " + ShellQuote(a);
    for (const std::string& a : points[i].args)
      line += " " + ShellQuote(a);
    line += " --json > " + ShellQuote((dir / output).string()) + "\n";
    lines += line;
    jobs.push_back({{"values", points[i].values}, {"output", output}});
  }
  json flags = json::array();
  for (const Axis& a : axes)
    flags.push_back(a.flag);
  WriteFile(args.jobs_out, lines);
  WriteFile(
      (dir / kGridFile).string(),
      json{{"schema", "heaplab-sweep-grid"}, {"version", 1}, {"flags", flags}, {"jobs", jobs}}.dump(
          1) +
          "\n");
  if (args.jobs_out != "-") {
    std::cout << "wrote " << points.size() << " commands to " << args.jobs_out << "; run them, "
              << "then: heaplab sweep --merge " << ShellQuote(dir.string()) << "\n";
  }
  FlushStandardOutput();
  return kExitOk;
}

int Sweep(const SweepArgs& args) {
  if (!args.merge.empty()) {
    if (!args.trace.empty() || !args.scenario.empty() || !args.sets.empty() ||
        !args.jobs_out.empty())
      throw CLI::ValidationError("--merge",
                                 "--merge DIR takes no trace, scenario, --set or "
                                 "--jobs-out: the grid is in DIR");
    return Merge(args);
  }
  if (args.trace.empty() == args.scenario.empty())
    throw CLI::ValidationError("sweep", "give a TRACE or --scenario NAME (one of them)");
  if (args.trace == "-")
    throw CLI::ValidationError("sweep",
                               "a sweep replays its trace once per configuration: "
                               "give a file, not standard input");
  if (!args.scenario.empty()) {
    const Scenario* scenario = FindScenario(args.scenario);
    if (scenario == nullptr)
      throw CLI::ValidationError("--scenario", "unknown scenario '" + args.scenario + "'");
    ParseScenarioParams(*scenario, args.params);
  } else if (!args.params.empty() || !args.seed.empty()) {
    throw CLI::ValidationError("--param", "--param and --seed go with --scenario, not a TRACE");
  }
  if (!args.seed.empty()) {
    std::uint64_t seed = 0;
    const auto [ptr, ec] =
        std::from_chars(args.seed.data(), args.seed.data() + args.seed.size(), seed);
    if (ec != std::errc() || ptr != args.seed.data() + args.seed.size() || args.seed[0] == '-' ||
        args.seed[0] == '+')
      throw CLI::ValidationError("--seed",
                                 "expected an unsigned integer, found '" + args.seed + "'");
  }
  for (const std::string& e : args.extra) {
    if (e.rfind("--", 0) != 0)
      throw CLI::ValidationError("sweep", "unexpected argument '" + e + "'");
  }
  const std::vector<Axis> axes = ParseSets(args.sets);
  if (axes.empty())
    throw CLI::ValidationError("--set", std::string("give at least one --set ") + kSetForms);
  const std::vector<Point> points = Grid(axes, args.extra);
  if (!args.jobs_out.empty()) return JobsOut(args, axes, points);

  Table t;
  for (const Axis& a : axes)
    t.flags.push_back(a.flag);
  for (const Point& p : points)
    t.values.push_back(p.values);
  std::vector<std::string> results(points.size());
  std::vector<std::string> errors(points.size());
  const unsigned jobs = std::min<unsigned>(
      args.jobs == 0 ? std::max(1u, std::thread::hardware_concurrency()) : args.jobs,
      static_cast<unsigned>(points.size()));
  const bool bar = isatty(STDERR_FILENO) != 0;
  std::atomic<std::size_t> next{0};
  std::mutex progress_mutex;
  std::size_t done = 0;
  auto progress = [&] {
    if (!bar) return;
    const std::size_t width = 30;
    const std::size_t filled = done * width / points.size();
    std::cerr << "\r[" << std::string(filled, '#') << std::string(width - filled, '.') << "] "
              << done << "/" << points.size() << " configurations" << std::flush;
  };
  const std::vector<std::size_t> order = ScheduleOrder(points);
  auto worker = [&] {
    for (std::size_t k = next++; k < order.size(); k = next++) {
      const std::size_t i = order[k];
      try {
        results[i] = RunOne(args, points[i]);
      } catch (const std::exception& e) {
        errors[i] = e.what();
      }
      const std::lock_guard<std::mutex> lock(progress_mutex);
      ++done;
      progress();
    }
  };
  {
    std::vector<std::thread> threads;
    for (unsigned j = 1; j < jobs; ++j)
      threads.emplace_back(worker);
    worker();
    for (std::thread& th : threads)
      th.join();
  }
  if (bar) std::cerr << "\n";
  for (std::size_t i = 0; i < points.size(); ++i) {
    if (!errors[i].empty()) {
      std::string config;
      for (const std::string& a : points[i].args)
        config += " " + a;
      throw std::runtime_error("configuration" + config + ": " + errors[i]);
    }
    t.summaries.push_back(json::parse(results[i]));
  }
  WriteTable(args, t);
  FlushStandardOutput();
  return kExitOk;
}

}  // namespace

Action AddSweepCommand(CLI::App& app) {
  auto args = std::make_shared<SweepArgs>();
  CLI::App* sweep = app.add_subcommand(
      "sweep",
      "Run a trace or a scenario under every configuration of a grid of collector flags, in\n"
      "parallel, and write a table: a row per configuration with the summary that\n"
      "'heaplab run --json' prints (GC counts, pauses, mutator utilization, peak committed\n"
      "memory, end state such as oom). Any other collector flag of 'heaplab run'\n"
      "(e.g. --predictable, --max-old-space-size=64) applies to every configuration.\n"
      "Example: heaplab sweep --scenario churn --set max-semi-space-size=1,2,4,8,16 \\\n"
      "           --set promotion=v8,book --predictable --csv table.csv\n"
      "See docs/sweep.md, also for running a grid as a Slurm array job.");
  sweep->allow_extras();
  sweep->add_option("TRACE", args->trace, "Trace file to replay under each configuration");
  sweep->add_option("--scenario", args->scenario, "A built-in scenario instead of a trace");
  sweep->add_option("--param", args->params, "A scenario parameter, NAME=VALUE, as for run");
  sweep->add_option("--seed", args->seed, "Seed of the scenario generator, as for run")
      ->type_name("UINT");
  sweep
      ->add_option("--set", args->set_words,
                   "A collector flag and its values: FLAG=V1,V2,... or FLAG V1,V2,...\n"
                   "(e.g. max-semi-space-size=1,2,4); several --set make a grid of every\n"
                   "combination, the first --set varying slowest")
      ->type_name("FLAG=VALUES");
  sweep->add_option("--jobs", args->jobs, "Configurations run at once (default: the core count)")
      ->check(CLI::Range(1, 1024));
  sweep->add_option("--csv", args->csv, "Write the table as CSV to FILE ('-': standard output)")
      ->type_name("FILE");
  sweep
      ->add_option("--json", args->json_out,
                   "Write the table as JSON to FILE ('-': standard output); with neither\n"
                   "--csv nor --json the CSV goes to standard output")
      ->type_name("FILE");
  sweep
      ->add_option("--jobs-out", args->jobs_out,
                   "Run nothing: write one 'heaplab run ... --json > DIR/job-N.json' command\n"
                   "per configuration to FILE (for GNU parallel or a Slurm array job), and\n"
                   "the grid to DIR/sweep-grid.json")
      ->type_name("FILE");
  sweep
      ->add_option("--jobs-dir", args->jobs_dir,
                   "With --jobs-out: where the jobs write their outputs (default sweep-jobs)")
      ->type_name("DIR");
  sweep
      ->add_option("--heaplab", args->heaplab,
                   "With --jobs-out: the command that starts heaplab on the machines that\n"
                   "run the jobs (default: the path of this heaplab)")
      ->type_name("CMD");
  sweep
      ->add_option("--merge", args->merge,
                   "Run nothing: gather the outputs of --jobs-out's commands in DIR into the\n"
                   "table (as --csv and --json say)")
      ->type_name("DIR");
  return [args, sweep] {
    SweepArgs a = *args;
    a.extra = sweep->remaining();
    TakeSetWords(a);
    return Sweep(a);
  };
}

}  // namespace heaplab::cli
