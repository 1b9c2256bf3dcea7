// chrome_trace_check FILE: checks a file against Chrome's trace event format (the JSON Object
// Format of the Trace Event Format document, as Perfetto and chrome://tracing read it):
//   - the top level is {"traceEvents":[...]} (other keys allowed) or a bare array of events;
//   - every event has name (string), ph (one known phase), ts (number, microseconds), pid and
//     tid (integers); metadata events (M) name a process or thread in args.name;
//   - a complete event (X) has dur >= 0;
//   - a counter event (C) has args, an object of numbers only, at least one;
//   - an instant event is spelled I, as Chrome writes it (the format document also allows i,
//     which Perfetto and chrome://tracing read but the DevTools Performance panel's trace engine
//     drops), and has scope s of g, p or t when it has one;
//   - the complete events of one track (pid, tid) nest: any two are disjoint or one holds the
//     other.
// Prints the first problems and exits 1 when there are any; prints a count of events and
// exits 0 when there are none.
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace {

using nlohmann::json;

int problems = 0;

void Problem(std::size_t index, const std::string& what) {
  if (++problems <= 20) std::cerr << "event " << index << ": " << what << "\n";
}

struct Slice {
  double ts, end;
  std::size_t index;
};

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: chrome_trace_check FILE\n";
    return 2;
  }
  std::ifstream in(argv[1], std::ios::binary);
  if (!in) {
    std::cerr << "cannot open " << argv[1] << "\n";
    return 2;
  }
  const json doc = json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) {
    std::cerr << argv[1] << ": not JSON\n";
    return 1;
  }
  const json* events = nullptr;
  if (doc.is_array()) {
    events = &doc;
  } else if (doc.is_object() && doc.contains("traceEvents") && doc["traceEvents"].is_array()) {
    events = &doc["traceEvents"];
  } else {
    std::cerr << argv[1] << ": the top level is neither {\"traceEvents\":[...]} nor an array\n";
    return 1;
  }
  std::map<std::pair<long long, long long>, std::vector<Slice>> tracks;
  std::map<std::string, int> by_phase;
  const std::string phases = "XBEiICMbnePsOND";
  for (std::size_t i = 0; i < events->size(); ++i) {
    const json& e = (*events)[i];
    if (!e.is_object()) {
      Problem(i, "not an object");
      continue;
    }
    if (!e.contains("name") || !e["name"].is_string()) Problem(i, "no string 'name'");
    if (!e.contains("ph") || !e["ph"].is_string() || e["ph"].get<std::string>().size() != 1 ||
        phases.find(e["ph"].get<std::string>()) == std::string::npos) {
      Problem(i, "no known 'ph'");
      continue;
    }
    const std::string ph = e["ph"].get<std::string>();
    ++by_phase[ph];
    if (!e.contains("ts") || !e["ts"].is_number()) Problem(i, "no number 'ts'");
    if (!e.contains("pid") || !e["pid"].is_number_integer()) Problem(i, "no integer 'pid'");
    if (!e.contains("tid") || !e["tid"].is_number_integer()) Problem(i, "no integer 'tid'");
    if (problems > 0 && (!e.contains("ts") || !e["ts"].is_number())) continue;
    if (ph == "M") {
      if (!e.contains("args") || !e["args"].is_object() || !e["args"].contains("name") ||
          !e["args"]["name"].is_string())
        Problem(i, "metadata without args.name");
    } else if (ph == "X") {
      if (!e.contains("dur") || !e["dur"].is_number() || e["dur"].get<double>() < 0) {
        Problem(i, "complete event without 'dur' >= 0");
        continue;
      }
      if (e.contains("pid") && e.contains("tid") && e["pid"].is_number_integer() &&
          e["tid"].is_number_integer()) {
        const double ts = e["ts"].get<double>();
        tracks[{e["pid"].get<long long>(), e["tid"].get<long long>()}].push_back(
            {ts, ts + e["dur"].get<double>(), i});
      }
    } else if (ph == "C") {
      if (!e.contains("args") || !e["args"].is_object() || e["args"].empty()) {
        Problem(i, "counter without args");
      } else {
        for (const auto& [key, value] : e["args"].items()) {
          if (!value.is_number()) Problem(i, "counter argument '" + key + "' is not a number");
        }
      }
    } else if (ph == "i") {
      Problem(i, "instant event spelled 'i': the DevTools Performance panel reads only 'I'");
    } else if (ph == "I") {
      if (e.contains("s") &&
          !(e["s"].is_string() &&
            std::string("gpt").find(e["s"].get<std::string>()) != std::string::npos &&
            e["s"].get<std::string>().size() == 1))
        Problem(i, "instant event with a scope other than g, p, t");
    }
  }
  // Nesting: sorted by start (longest first at a tie), each slice lies inside the innermost
  // open one, or starts after it ended. A nanosecond of slack for rounding.
  constexpr double kSlack = 1e-3;
  for (auto& [track, slices] : tracks) {
    std::sort(slices.begin(), slices.end(), [](const Slice& a, const Slice& b) {
      return a.ts != b.ts ? a.ts < b.ts : a.end > b.end;
    });
    std::vector<Slice> open;
    for (const Slice& s : slices) {
      while (!open.empty() && open.back().end <= s.ts + kSlack)
        open.pop_back();
      if (!open.empty() && s.end > open.back().end + kSlack) {
        Problem(s.index, "overlaps event " + std::to_string(open.back().index) + " on track pid " +
                             std::to_string(track.first) + " tid " + std::to_string(track.second) +
                             " without nesting in it");
      }
      open.push_back(s);
    }
  }
  if (problems > 0) {
    std::cerr << argv[1] << ": " << problems << " problem(s)\n";
    return 1;
  }
  std::cout << argv[1] << ": " << events->size() << " events, valid;";
  for (const auto& [ph, n] : by_phase)
    std::cout << " " << ph << "=" << n;
  std::cout << ", " << tracks.size() << " tracks with slices\n";
  return 0;
}
