// The heap map with its controls: colour by kind / age / mark bit, zoom in and out, a legend.
#pragma once

#include <QWidget>

#include "heap_map_widget.h"

class QComboBox;
class QLabel;
class QScrollArea;

namespace heaplab::viz {

class HeapMapView : public QWidget {
  Q_OBJECT
 public:
  explicit HeapMapView(QWidget* parent = nullptr);
  void SetSnapshot(std::shared_ptr<const HeapSnapshot> snapshot, const QString& caption);
  HeapMapWidget* map() const { return map_; }
  void SetColorBy(ColorBy mode);
  // Cheney's pointers on the to-space bar (HeapMapWidget::SetScanCopy), named in the legend.
  void SetScanCopy(std::optional<std::pair<std::size_t, std::size_t>> scan_copy);

 private:
  void UpdateLegend();
  HeapMapWidget* map_;
  QComboBox* color_by_;
  QLabel* caption_;
  QLabel* legend_;
  QScrollArea* scroll_;
};

}  // namespace heaplab::viz
