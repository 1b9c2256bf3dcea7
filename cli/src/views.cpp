#include "views.h"

#include <cerrno>
#include <iostream>
#include <stdexcept>

#include "commands.h"

namespace heaplab::cli {

std::ofstream Views::Open(const std::string& path) {
  errno = 0;
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) throw std::runtime_error(WithReason("cannot write '" + path + "'", errno));
  return out;
}

Views::Views(const OutputFlags& flags, const EventsHeader& header) : flags_(flags) {
  TraceGcPrinter::Options print;
  print.verbose = flags.trace_gc_verbose;
  print.ignore_scavenger = flags.trace_gc_ignore_scavenger;
  print.max_heap_size = header.max_heap_size;
  // V8 (GCTracer::Print): --trace-gc-nvp replaces the one-line format; the verbose block
  // still follows.
  print.line = !flags.trace_gc_nvp;
  print.startup_heap = flags.startup_heap;
  if ((flags.trace_gc && !flags.trace_gc_nvp) || flags.trace_gc_verbose) {
    trace_gc_ = std::make_unique<TraceGcPrinter>(std::cout, header.prefix, print);
    observers_.push_back(trace_gc_.get());
  }
  if (flags.trace_gc_nvp) {
    nvp_ = std::make_unique<NvpPrinter>(std::cout, header.prefix);
    observers_.push_back(nvp_.get());
  }
  if (flags.trace_incremental_marking) {
    marking_ = std::make_unique<IncrementalMarkingPrinter>(std::cout, header.prefix);
    observers_.push_back(marking_.get());
  }
  if (flags.trace_pretenuring || flags.trace_pretenuring_statistics) {
    pretenuring_ = std::make_unique<PretenuringPrinter>(
        std::cout, header.prefix, flags.trace_pretenuring, flags.trace_pretenuring_statistics);
    observers_.push_back(pretenuring_.get());
  }
  observers_.push_back(&summary_);
  if (!flags.events_out.empty()) {
    events_file_ = Open(flags.events_out);
    events_ = std::make_unique<EventsWriter>(events_file_, header);
    observers_.push_back(events_.get());
  }
  if (!flags.csv.empty()) {
    csv_file_ = Open(flags.csv);
    csv_ = std::make_unique<CsvWriter>(csv_file_);
    observers_.push_back(csv_.get());
  }
  if (!flags.chrome_trace.empty()) {
    chrome_file_ = Open(flags.chrome_trace);
    chrome_ = std::make_unique<ChromeTraceWriter>(chrome_file_, header.prefix.pid,
                                                  "heaplab " + header.source);
    observers_.push_back(chrome_.get());
  }
}

Views::~Views() = default;

void Views::Finish(const EventsEnd& end) {
  if (events_) events_->Finish(end);
  if (chrome_) chrome_->Finish();
  for (auto [file, path] : {std::pair{&events_file_, &flags_.events_out},
                            {&csv_file_, &flags_.csv},
                            {&chrome_file_, &flags_.chrome_trace}}) {
    if (path->empty()) continue;
    errno = 0;
    file->flush();
    if (!*file) throw std::runtime_error(WithReason("cannot write '" + *path + "'", errno));
  }
  summary_.set_bookkeeping_ms(end.bookkeeping_ms);
  if (flags_.json) {
    std::cout << summary_.ToJson(end.end_ms, end.committed, end.allocated, end.end_state,
                                 end.exit_status)
              << "\n";
  } else if (flags_.summary && end.end_state == "ok") {
    std::cout << summary_.Format(end.end_ms, end.committed, end.allocated);
  }
}

}  // namespace heaplab::cli
