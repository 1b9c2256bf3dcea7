// The scripted tour (heaplab-viz --tour OUTDIR): opens the leak-cache scenario, shows each view,
// steps through a Scavenge object by object (scan and copy pointers), to the next Scavenge and
// to one incrementally marked Mark-Compact, runs the compare view,
// opens the buffer-server scenario and shows its slabs, opens a node
// log (--tour-log) and overlays it with a simulated run, and saves a
// PNG of each into OUTDIR. It checks what it shows as it goes (a Scavenge really
// was the step's last collection, marking really was incremental, every image is non-empty)
// and returns non-zero, naming the failed check, when one does not hold.
#pragma once

#include <QString>

namespace heaplab::viz {

class MainWindow;

// Runs the tour on `window` (shown); returns the process exit status. `node_log`, when not
// empty, is a node --trace-gc log the tour opens as a document and then overlays with the
// leak-cache scenario in the compare view (log-timeline.png, log-pauses.png, compare-log.png).
int RunTour(MainWindow& window, const QString& out_dir, const QString& node_log = QString());

// For the unattended tour (ctest viz.tour): a crash (SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT)
// prints "tour: crashed (signal N)" and the stack's return addresses on standard error, then
// dies of the same signal, so that the test log shows where (`addr2line -f -C -e heaplab-viz
// ADDRESS...` names the functions).
void ReportCrashes();

// heaplab-viz --measure TRACE: opens TRACE (or, for "scenario:NAME", a built-in scenario) with
// the default flags plus `args`-free settings, and prints the load and replay time, the longest
// time the GUI's event loop went without running meanwhile, and the timeline's redraw time at
// full zoom-out. Returns the exit status.
int RunMeasure(MainWindow& window, const QString& what);

}  // namespace heaplab::viz
