#include "chart_export.h"

#include <QPainter>
#include <QPixmap>
#include <QSvgGenerator>
#include <QWidget>

namespace heaplab::viz {

bool ExportWidget(QWidget* widget, const QString& path, QString* error) {
  if (path.endsWith(".svg", Qt::CaseInsensitive)) {
    QSvgGenerator svg;
    svg.setFileName(path);
    svg.setSize(widget->size());
    svg.setViewBox(widget->rect());
    svg.setTitle(widget->windowTitle());
    svg.setDescription(QStringLiteral("heaplab-viz"));
    QPainter painter;
    if (!painter.begin(&svg)) {
      if (error) *error = QObject::tr("cannot write %1").arg(path);
      return false;
    }
    widget->render(&painter);
    painter.end();
    return true;
  }
  const QPixmap pixmap = widget->grab();
  if (pixmap.isNull() || !pixmap.save(path, "PNG")) {
    if (error) *error = QObject::tr("cannot write %1").arg(path);
    return false;
  }
  return true;
}

}  // namespace heaplab::viz
