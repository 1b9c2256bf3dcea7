// The views of one event stream that `heaplab run` and `heaplab events` share: the V8-style
// printers on standard output, the summary, and the export files (--events-out, --csv,
// --chrome-trace). Both commands attach them in the same order, so that an events file printed
// back gives the run's own lines.
#pragma once

#include <fstream>
#include <memory>
#include <optional>
#include <string>

#include <heaplab/gc/exports.h>
#include <heaplab/gc/printers.h>
#include <heaplab/gc/summary.h>
#include "flags.h"

namespace heaplab::cli {

class Views {
 public:
  // Opens the export files (std::runtime_error naming one that cannot be written) and makes the
  // printers `flags` ask for. `header` says where the events come from.
  Views(const OutputFlags& flags, const EventsHeader& header);
  ~Views();
  Views(const Views&) = delete;
  Views& operator=(const Views&) = delete;

  // Calls add(observer) for each view, in the order they must see events.
  template <typename Add>
  void Attach(Add add) {
    for (GcObserver* o : observers_)
      add(o);
  }

  const RunSummary& summary() const { return summary_; }
  // After the last event: the end line of --events-out, the end of the Chrome trace, and the
  // summary (text or JSON) on standard output when asked for. Throws std::runtime_error when
  // an export file cannot be written in full.
  void Finish(const EventsEnd& end);

 private:
  std::ofstream Open(const std::string& path);

  OutputFlags flags_;
  std::unique_ptr<TraceGcPrinter> trace_gc_;
  std::unique_ptr<NvpPrinter> nvp_;
  std::unique_ptr<IncrementalMarkingPrinter> marking_;
  std::unique_ptr<PretenuringPrinter> pretenuring_;
  RunSummary summary_;
  std::ofstream events_file_, csv_file_, chrome_file_;
  std::unique_ptr<EventsWriter> events_;
  std::unique_ptr<CsvWriter> csv_;
  std::unique_ptr<ChromeTraceWriter> chrome_;
  std::vector<GcObserver*> observers_;
};

}  // namespace heaplab::cli
