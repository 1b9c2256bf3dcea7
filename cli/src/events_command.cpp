// heaplab events: read an events file (written by `heaplab run --events-out`) and show it again
// through the same views as a run: the V8-style logs, the summary, and the other exports.
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>

#include <heaplab/traces/events_reader.h>
#include "commands.h"
#include "flags.h"
#include "views.h"

namespace heaplab::cli {

namespace {

struct EventsArgs {
  std::string file;
  OutputFlags output;
};

int ShowEvents(const EventsArgs& args) {
  std::ifstream file;
  std::istream* in = &std::cin;
  const std::string name = args.file == "-" ? "<stdin>" : args.file;
  if (args.file != "-") {
    std::error_code ec;
    if (std::filesystem::is_directory(args.file, ec))
      throw std::runtime_error("cannot read events file '" + args.file + "': it is a directory");
    file.open(args.file, std::ios::binary);
    if (!file)
      throw std::runtime_error(WithReason("cannot open events file '" + args.file + "'", errno));
    in = &file;
  }
  EventsReader reader(*in, name);
  Views views(args.output, reader.header());
  struct FanOut : GcObserver {
    std::vector<GcObserver*> to;
    void OnGc(const GcEvent& e) override {
      for (GcObserver* o : to)
        o->OnGc(e);
    }
    void OnHeapEvent(const HeapEvent& e) override {
      for (GcObserver* o : to)
        o->OnHeapEvent(e);
    }
    void OnMarking(const MarkingEvent& e) override {
      for (GcObserver* o : to)
        o->OnMarking(e);
    }
    void OnSweeping(const SweepingEvent& e) override {
      for (GcObserver* o : to)
        o->OnSweeping(e);
    }
    void OnPretenuring(const PretenuringEvent& e) override {
      for (GcObserver* o : to)
        o->OnPretenuring(e);
    }
  } fan_out;
  views.Attach([&](GcObserver* o) { fan_out.to.push_back(o); });
  EventRecord record;
  EventsEnd end;
  bool ended = false;
  double last_ms = 0;
  std::size_t committed = 0;
  while (reader.Next(record)) {
    if (record.type == EventRecord::Type::End) {
      end = record.end;
      ended = true;
      continue;
    }
    if (record.type == EventRecord::Type::Gc) {
      last_ms = record.gc.end_ms;
      committed = record.gc.end_memory_size;
    }
    Dispatch(record, fan_out);
  }
  if (!ended) {
    // A file cut short (the run was killed): the summary ends at the last collection.
    std::cerr << "heaplab: warning: " << name << ": no end line; the run did not finish\n";
    end.end_ms = last_ms;
    end.committed = committed;
    end.end_state = "unfinished";
  }
  views.Finish(end);
  FlushStandardOutput();
  return kExitOk;
}

}  // namespace

Action AddEventsCommand(CLI::App& app) {
  auto args = std::make_shared<EventsArgs>();
  CLI::App* events = app.add_subcommand(
      "events",
      "Read an events file (heaplab run --events-out FILE) and show it as a run does:\n"
      "--trace-gc, --trace-gc-nvp, --trace-gc-verbose, --trace-incremental-marking,\n"
      "--trace-pretenuring and --trace-pretenuring-statistics print the run's own lines\n"
      "again; the summary, --json, --csv and --chrome-trace as well.");
  events->add_option("FILE", args->file, "Events file ('-' for standard input)")->required();
  AddOutputFlags(*events, args->output, /*buffers=*/false);
  return [args] { return ShowEvents(*args); };
}

}  // namespace heaplab::cli
