// heaplab-viz: the desktop visualizer.
//   heaplab-viz [TRACE]                 open a trace (or nothing)
//   heaplab-viz --scenario NAME         run a built-in scenario at once
//   heaplab-viz --tour OUTDIR           the scripted tour, a PNG per view into OUTDIR
#include <QApplication>
#include <QCommandLineParser>
#include <QTimer>

#include "main_window.h"
#include "settings_panel.h"
#include "tour.h"
#include "version.h"

int main(int argc, char** argv) {
  QApplication app(argc, argv);
  QApplication::setOrganizationName("heaplab");
  QApplication::setApplicationName("heaplab-viz");
  QApplication::setApplicationVersion(heaplab::cli::kVersion);

  QCommandLineParser parser;
  parser.setApplicationDescription("The heaplab desktop visualizer");
  parser.addHelpOption();
  parser.addVersionOption();
  parser.addPositionalArgument("trace", "A trace file to open");
  const QCommandLineOption scenario("scenario", "Run the built-in scenario NAME.", "name");
  const QCommandLineOption tour("tour",
                                "Run the scripted tour, saving a screenshot of each view into "
                                "DIR, and exit (status 1 when a check fails).",
                                "dir");
  parser.addOption(scenario);
  parser.addOption(tour);
  parser.process(app);

  heaplab::viz::MainWindow window;
  if (parser.isSet(tour)) return heaplab::viz::RunTour(window, parser.value(tour));
  window.show();
  if (!parser.positionalArguments().isEmpty()) {
    window.OpenFile(parser.positionalArguments().front());
  } else if (parser.isSet(scenario)) {
    window.settings()->SelectScenario(parser.value(scenario));
    window.OpenScenario(parser.value(scenario), window.settings()->scenario_options());
  }
  return app.exec();
}
