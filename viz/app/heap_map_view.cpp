#include "heap_map_view.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QScrollArea>
#include <QToolButton>
#include <QVBoxLayout>

namespace heaplab::viz {

HeapMapView::HeapMapView(QWidget* parent) : QWidget(parent) {
  map_ = new HeapMapWidget(this);
  scroll_ = new QScrollArea(this);
  scroll_->setWidget(map_);
  scroll_->setWidgetResizable(true);
  color_by_ = new QComboBox(this);
  color_by_->addItems({tr("Colour by kind"), tr("Colour by age"), tr("Colour by mark bit")});
  color_by_->setToolTip(
      tr("Kind: young, old, large. Age: survived a Scavenge or not. Mark "
         "bit: what marking has reached"));
  auto* zoom_in = new QToolButton(this);
  zoom_in->setText("+");
  zoom_in->setToolTip(tr("Zoom in (Ctrl++)"));
  zoom_in->setShortcut(QKeySequence::ZoomIn);
  auto* zoom_out = new QToolButton(this);
  zoom_out->setText("−");
  zoom_out->setToolTip(tr("Zoom out (Ctrl+-)"));
  zoom_out->setShortcut(QKeySequence::ZoomOut);
  caption_ = new QLabel(this);
  legend_ = new QLabel(this);
  legend_->setTextFormat(Qt::RichText);
  legend_->setWordWrap(true);  // a long legend wraps rather than widening the window
  auto* bar = new QHBoxLayout();
  bar->addWidget(color_by_);
  bar->addWidget(zoom_out);
  bar->addWidget(zoom_in);
  bar->addWidget(caption_, 1);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addLayout(bar);
  layout->addWidget(legend_);
  layout->addWidget(scroll_, 1);
  connect(color_by_, &QComboBox::currentIndexChanged, this,
          [this](int i) { SetColorBy(static_cast<ColorBy>(i)); });
  connect(zoom_in, &QToolButton::clicked, this, [this] { map_->SetZoom(map_->zoom() * 1.5); });
  connect(zoom_out, &QToolButton::clicked, this, [this] { map_->SetZoom(map_->zoom() / 1.5); });
  UpdateLegend();
}

void HeapMapView::SetSnapshot(std::shared_ptr<const HeapSnapshot> snapshot,
                              const QString& caption) {
  map_->SetSnapshot(std::move(snapshot));
  caption_->setText(caption);
}

void HeapMapView::SetColorBy(ColorBy mode) {
  if (color_by_->currentIndex() != static_cast<int>(mode))
    color_by_->setCurrentIndex(static_cast<int>(mode));
  map_->SetColorBy(mode);
  UpdateLegend();
}

void HeapMapView::SetScanCopy(std::optional<std::pair<std::size_t, std::size_t>> scan_copy) {
  const bool changed = map_->scan_copy().has_value() != scan_copy.has_value();
  map_->SetScanCopy(scan_copy);
  if (changed) UpdateLegend();
}

void HeapMapView::UpdateLegend() {
  auto swatch = [](const char* color, const QString& text) {
    return QString("<span style='background:%1'>&nbsp;&nbsp;&nbsp;&nbsp;</span> %2&nbsp;&nbsp; ")
        .arg(color, text);
  };
  QString html;
  switch (static_cast<ColorBy>(color_by_->currentIndex())) {
    case ColorBy::Kind:
      html = swatch("#6ab04c", tr("young object")) + swatch("#4a7dc8", tr("old object")) +
             swatch("#b07cd0", tr("large object")) + swatch("#e67e22", tr("Buffer wrapper"));
      break;
    case ColorBy::Age:
      html = swatch("#9cd67c", tr("young, new")) +
             swatch("#f09a2a", tr("young, survived one Scavenge")) + swatch("#4a7dc8", tr("old"));
      break;
    case ColorBy::Mark:
      html = swatch("#303030", tr("black: marked, slots visited")) +
             swatch("#7a7a7a", tr("grey: marked, on the worklist")) +
             swatch("#c8c8c8", tr("white: not marked"));
      break;
  }
  html += swatch("#e4e4e4", tr("free / filler")) + swatch("#d9a3a3", tr("dead, not swept yet")) +
          swatch("#fafafa", tr("unused")) + swatch("#fdf1b8", tr("slab partial")) +
          swatch("#f8c49c", tr("slab full")) + swatch("#b34d0f", tr("live view")) +
          tr("<span style='color:#d62728'>red outline</span>: evacuation candidate; "
             "<span style='color:#d62728'>red line</span>: allocation top; dashed: age mark");
  if (map_->scan_copy()) {
    html += tr("; <span style='color:%1'>scan</span> and <span style='color:%2'>copy</span>: "
               "Cheney's pointers at this object step (copied but not scanned between them; "
               "not copied yet beyond copy, faded)")
                .arg(HeapMapWidget::kScanColor.name(), HeapMapWidget::kCopyColor.name());
  }
  legend_->setText(html);
}

}  // namespace heaplab::viz
