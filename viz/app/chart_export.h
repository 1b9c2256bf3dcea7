// Export of any view as an image: PNG (at the screen's device pixel ratio) or SVG.
#pragma once

#include <QString>

class QWidget;

namespace heaplab::viz {

// Writes `widget` as it looks now to `path`; the format follows the name's ending (.svg, else
// PNG). Returns false, with `error` set, when the file cannot be written.
bool ExportWidget(QWidget* widget, const QString& path, QString* error = nullptr);

}  // namespace heaplab::viz
