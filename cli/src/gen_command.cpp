// heaplab gen: write a scenario as a text trace.
#include <algorithm>
#include <cerrno>
#include <fstream>
#include <iostream>
#include <memory>

#include <heaplab/traces/scenarios.h>
#include <heaplab/traces/writer.h>
#include "commands.h"
#include "flags.h"

namespace heaplab::cli {

namespace {

struct GenArgs {
  std::uint64_t seed = 1;
  std::string output;
  std::map<std::string, std::uint64_t> params;  // per scenario, filled by CLI11
  std::map<std::string, std::map<std::string, std::uint64_t>> values;
  // Enumerated parameters as given ("stream"), per scenario.
  std::map<std::string, std::map<std::string, std::string>> choices;
};

int Generate(const Scenario& s, const GenArgs& args,
             const std::map<std::string, std::uint64_t>& params) {
  ScenarioOptions options;
  options.seed = args.seed;
  options.params = params;
  const bool to_stdout = args.output == "-";
  std::ofstream file;
  std::ostream* out = &std::cout;
  if (!to_stdout) {
    errno = 0;
    file.open(args.output, std::ios::binary | std::ios::trunc);
    if (!file) throw std::runtime_error(WithReason("cannot write '" + args.output + "'", errno));
    out = &file;
  }
  errno = 0;
  TraceWriter writer(*out, ScenarioMetadata(s, options));
  GenerateScenario(s, options, writer);
  if (to_stdout) {
    FlushStandardOutput();
  } else {
    file.close();
    if (!file) throw std::runtime_error(WithReason("cannot write '" + args.output + "'", errno));
  }
  if (args.output != "-") {
    std::cerr << "heaplab: wrote " << writer.events() << " events of scenario '" << s.name
              << "' to " << args.output << "\n";
  }
  return kExitOk;
}

}  // namespace

Action AddGenCommand(CLI::App& app) {
  auto args = std::make_shared<GenArgs>();
  CLI::App* gen = app.add_subcommand("gen", "Write a scenario as a trace file");
  gen->require_subcommand(1);
  std::vector<std::pair<CLI::App*, const Scenario*>> subs;
  for (const Scenario& s : Scenarios()) {
    CLI::App* sub = gen->add_subcommand(s.name, s.description);
    AddSeedOption(*sub, args->seed, "Seed of the generator (default 1)");
    sub->add_option("-o,--output", args->output, "Output file ('-' for standard output)")
        ->required();
    auto& values = args->values[s.name];
    for (const ScenarioParam& p : s.params) {
      values[p.name] = p.default_value;
      // Registered with '-' for '_' (--keep-every): the spelling NormalizeFlagNames makes of
      // both --keep-every and --keep_every.
      std::string flag = "--" + p.name;
      std::replace(flag.begin(), flag.end(), '_', '-');
      if (!p.choices.empty()) {
        // Checked by ParseScenarioParam, whose message names the scenario, the parameter and
        // the choices; the help shows them as a set, {whole,stream}.
        std::string& text = args->choices[s.name][p.name];
        text = p.choices[p.default_value];
        std::string set;
        for (const std::string& c : p.choices)
          set += (set.empty() ? "{" : ",") + c;
        const CLI::Validator one_of(
            [&s, name = p.name](std::string& value) {
              try {
                ParseScenarioParam(s, name, value);
              } catch (const std::invalid_argument& e) {
                return std::string(e.what());
              }
              return std::string();
            },
            set + "}", "one of the choices");
        sub->add_option(flag, text, p.help)->capture_default_str()->check(one_of);
        continue;
      }
      sub->add_option(flag, values[p.name], p.help)
          ->capture_default_str()
          ->check(CLI::Range(p.min, p.max));
    }
    subs.emplace_back(sub, &s);
  }
  return [args, subs] {
    for (const auto& [sub, s] : subs) {
      if (!sub->parsed()) continue;
      std::map<std::string, std::uint64_t> params = args->values.at(s->name);
      for (const auto& [name, text] : args->choices[s->name])
        params[name] = ParseScenarioParam(*s, name, text);
      return Generate(*s, *args, params);
    }
    return kExitUsage;
  };
}

}  // namespace heaplab::cli
