// heaplab-viz: the desktop visualizer.
//   heaplab-viz [FILE]                  open a trace, a node GC log or an events file
//   heaplab-viz --scenario NAME         run a built-in scenario at once
//   heaplab-viz --tour OUTDIR           the scripted tour, a PNG per view into OUTDIR
//              [--tour-log LOG]         ... with a node log beside a simulated run
//   heaplab-viz --measure FILE          load (and replay) and redraw times of FILE
#include <QApplication>
#include <QCommandLineParser>
#include <QTimer>

#include "main_window.h"
#include "settings_panel.h"
#include "tour.h"
#include "version.h"

int main(int argc, char** argv) {
  // Qt's own event dispatcher, not GLib's: with GLib's, every thread gets a GLib main context
  // whose slice-allocator magazines (GSlice, Debian 12's GLib 2.74) GLib frees when the thread
  // exits, and that cleanup can crash (GNOME GLib issue 1079). The visualizer starts a thread
  // per load (loader.h); the scripted tour died of SIGSEGV there in 5 of 11 runs with a fresh
  // HOME, and in none of 6 with QT_NO_GLIB=1 (nor of 8 with G_SLICE=always-malloc, which must
  // be set before the process starts). A value the user set is kept.
  if (!qEnvironmentVariableIsSet("QT_NO_GLIB")) qputenv("QT_NO_GLIB", "1");
  QApplication app(argc, argv);
  QApplication::setOrganizationName("heaplab");
  QApplication::setApplicationName("heaplab-viz");
  QApplication::setApplicationVersion(heaplab::cli::kVersion);

  QCommandLineParser parser;
  parser.setApplicationDescription("The heaplab desktop visualizer");
  parser.addHelpOption();
  parser.addVersionOption();
  parser.addPositionalArgument("file",
                               "A file to open: a trace, a node GC log or a heaplab events file");
  const QCommandLineOption scenario("scenario", "Run the built-in scenario NAME.", "name");
  const QCommandLineOption tour("tour",
                                "Run the scripted tour, saving a screenshot of each view into "
                                "DIR, and exit (status 1 when a check fails).",
                                "dir");
  const QCommandLineOption tour_log(
      "tour-log", "A node GC log the tour opens and overlays with the leak-cache scenario.", "log");
  const QCommandLineOption measure("measure",
                                   "Open FILE (a trace, a node log, an events file, or "
                                   "scenario:NAME), print load, replay and redraw times, and exit.",
                                   "file");
  // Two collector flags of heaplab run that also start the app (the settings panel has all).
  const QCommandLineOption semi("max-semi-space-size", "Largest semispace size, in MiB.", "mb");
  const QCommandLineOption interval("gc-interval", "A collection every N allocations.", "n");
  parser.addOption(scenario);
  parser.addOption(tour);
  parser.addOption(tour_log);
  parser.addOption(measure);
  parser.addOption(semi);
  parser.addOption(interval);
  parser.process(app);

  heaplab::viz::MainWindow window;
  heaplab::GcFlags flags = window.settings()->flags();
  if (parser.isSet(semi)) flags.max_semi_space_mb = parser.value(semi).toULongLong();
  if (parser.isSet(interval)) flags.gc_interval = parser.value(interval).toLongLong();
  window.settings()->flags_form()->SetFlags(flags);
  if (parser.isSet(tour)) {
    heaplab::viz::ReportCrashes();
    return heaplab::viz::RunTour(window, parser.value(tour), parser.value(tour_log));
  }
  if (parser.isSet(measure)) return heaplab::viz::RunMeasure(window, parser.value(measure));
  window.show();
  if (!parser.positionalArguments().isEmpty()) {
    window.OpenFile(parser.positionalArguments().front());
  } else if (parser.isSet(scenario)) {
    window.settings()->SelectScenario(parser.value(scenario));
    window.OpenScenario(parser.value(scenario), window.settings()->scenario_options());
  }
  return app.exec();
}
