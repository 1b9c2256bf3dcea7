#include "heap_map_widget.h"

#include <QHelpEvent>
#include <QPainter>
#include <QToolTip>
#include <algorithm>

namespace heaplab::viz {

const QColor HeapMapWidget::kScanColor(0x1f, 0x77, 0xb4);
const QColor HeapMapWidget::kCopyColor(0x94, 0x3c, 0xb4);

namespace {
constexpr int kMargin = 8;
constexpr int kGap = 4;
constexpr int kLabel = 18;
const QColor kFree(0xe4, 0xe4, 0xe4);
const QColor kUnused(0xfa, 0xfa, 0xfa);
constexpr int kMarkTip = 2;     // from the bar's bottom to a scan or copy marker's tip
constexpr int kMarkSize = 7;    // the marker triangle's height
constexpr int kMarkStrip = 26;  // under the to-space bar while markers are shown

QString Bytes(std::size_t b) {
  if (b >= 1024 * 1024) return QString("%1 MB").arg(static_cast<double>(b) / 1048576.0, 0, 'f', 1);
  if (b >= 1024) return QString("%1 KB").arg(static_cast<double>(b) / 1024.0, 0, 'f', 1);
  return QString("%1 B").arg(b);
}
}  // namespace

HeapMapWidget::HeapMapWidget(QWidget* parent) : QWidget(parent) {
  setMouseTracking(true);
  setBackgroundRole(QPalette::Base);
  setAutoFillBackground(true);
  QSizePolicy policy(QSizePolicy::Preferred, QSizePolicy::Preferred);
  policy.setHeightForWidth(true);
  setSizePolicy(policy);
}

void HeapMapWidget::SetSnapshot(std::shared_ptr<const HeapSnapshot> snapshot) {
  snapshot_ = snapshot ? std::move(snapshot) : std::make_shared<const HeapSnapshot>();
  Layout(width());
  updateGeometry();
  update();
}

void HeapMapWidget::SetScanCopy(std::optional<std::pair<std::size_t, std::size_t>> scan_copy) {
  if (scan_copy_ == scan_copy) return;
  const bool relayout = scan_copy_.has_value() != scan_copy.has_value();
  scan_copy_ = scan_copy;
  if (relayout) {
    Layout(width());
    updateGeometry();
  }
  update();
}

std::optional<HeapMapWidget::ScanCopyMarks> HeapMapWidget::scan_copy_marks() const {
  if (!scan_copy_) return std::nullopt;
  for (const Tile& t : tiles_) {
    const ChunkPicture& c = snapshot_->chunks[t.chunk];
    if (c.role != ChunkRole::ToSpace || c.size == 0) continue;
    const QRect& r = t.rect;
    auto x = [&](std::size_t offset) {
      const double f = std::min(1.0, static_cast<double>(offset) / static_cast<double>(c.size));
      return r.left() + static_cast<int>(f * (r.width() - 1));
    };
    return ScanCopyMarks{x(scan_copy_->first), x(scan_copy_->second), r.bottom() + kMarkTip};
  }
  return std::nullopt;
}

void HeapMapWidget::SetColorBy(ColorBy mode) {
  color_by_ = mode;
  update();
}

void HeapMapWidget::SetZoom(double zoom) {
  zoom_ = std::clamp(zoom, 0.25, 8.0);
  Layout(width());
  updateGeometry();
  update();
}

QSize HeapMapWidget::sizeHint() const {
  return {600, height_};
}

int HeapMapWidget::heightForWidth(int width) const {
  auto* self = const_cast<HeapMapWidget*>(this);
  self->Layout(width);
  return height_;
}

void HeapMapWidget::resizeEvent(QResizeEvent* event) {
  QWidget::resizeEvent(event);
  Layout(width());
}

void HeapMapWidget::Layout(int width) {
  tiles_.clear();
  slab_tiles_.clear();
  labels_.clear();
  slab_caption_.clear();
  width = std::max(width, 200);
  const int inner = width - 2 * kMargin;
  const int bar_height = static_cast<int>(36 * zoom_);
  const int tile_w = static_cast<int>(120 * zoom_);
  const int tile_h = static_cast<int>(24 * zoom_);
  int y = kMargin;
  std::size_t pages = 0;
  std::size_t large = 0;
  for (const ChunkPicture& c : snapshot_->chunks) {
    pages += c.role == ChunkRole::OldPage;
    large += c.role == ChunkRole::LargeObject || c.role == ChunkRole::NewLargeObject;
  }
  // Semispaces: full width each.
  for (std::size_t i = 0; i < snapshot_->chunks.size(); ++i) {
    const ChunkPicture& c = snapshot_->chunks[i];
    if (c.role != ChunkRole::ToSpace && c.role != ChunkRole::FromSpace) continue;
    labels_.emplace_back(QRect(kMargin, y, inner, kLabel),
                         QString("%1: %2 of %3, %4 objects")
                             .arg(ChunkRoleName(c.role))
                             .arg(Bytes(c.object_bytes), Bytes(c.size))
                             .arg(c.objects));
    y += kLabel;
    tiles_.push_back({QRect(kMargin, y, inner, bar_height), i});
    y += bar_height + kGap * 2;
    if (c.role == ChunkRole::ToSpace && scan_copy_) y += kMarkStrip;
  }
  auto grid = [&](bool want_pages, const QString& title, std::size_t count) {
    if (count == 0) return;
    labels_.emplace_back(QRect(kMargin, y, inner, kLabel), title);
    y += kLabel;
    const int columns = std::max(1, (inner + kGap) / (tile_w + kGap));
    int n = 0;
    for (std::size_t i = 0; i < snapshot_->chunks.size(); ++i) {
      const ChunkPicture& c = snapshot_->chunks[i];
      const bool is_page = c.role == ChunkRole::OldPage;
      const bool is_large = c.role == ChunkRole::LargeObject || c.role == ChunkRole::NewLargeObject;
      if ((want_pages && !is_page) || (!want_pages && !is_large)) continue;
      const int col = n % columns;
      const int row = n / columns;
      tiles_.push_back(
          {QRect(kMargin + col * (tile_w + kGap), y + row * (tile_h + kGap), tile_w, tile_h), i});
      ++n;
    }
    y += ((n + columns - 1) / columns) * (tile_h + kGap) + kGap;
  };
  std::size_t old_bytes = 0;
  std::size_t candidates = 0;
  for (const ChunkPicture& c : snapshot_->chunks) {
    if (c.role != ChunkRole::OldPage) continue;
    old_bytes += c.object_bytes;
    candidates += c.evacuation_candidate;
  }
  grid(true,
       QString("old space: %1 pages, %2 of objects%3")
           .arg(pages)
           .arg(Bytes(old_bytes))
           .arg(candidates ? QString(", %1 evacuation candidates").arg(candidates) : QString()),
       pages);
  grid(false, QString("large objects: %1").arg(large), large);
  if (!snapshot_->slabs.empty()) {
    // The pool's own counts: only the most recent kMaxSlabs slabs are pictured.
    const std::size_t pictured = snapshot_->slabs.size();
    labels_.emplace_back(
        QRect(kMargin, y, inner, kLabel),
        QString("Buffer pool: %1 slabs of %2 (%3 full, pinned by %4 of live views)%5; own "
                "backing stores %6")
            .arg(snapshot_->live_slabs)
            .arg(Bytes(snapshot_->slabs.front().size))
            .arg(snapshot_->full_slabs)
            .arg(Bytes(snapshot_->pinned_view_bytes))
            .arg(pictured < snapshot_->live_slabs
                     ? QString(", the %1 most recent pictured").arg(pictured)
                     : QString())
            .arg(Bytes(snapshot_->store_bytes)));
    slab_caption_ = labels_.back().second;
    y += kLabel;
    const int slab_w = static_cast<int>(64 * zoom_);
    const int columns = std::max(1, (inner + kGap) / (slab_w + kGap));
    for (std::size_t i = 0; i < snapshot_->slabs.size(); ++i) {
      const int col = static_cast<int>(i) % columns;
      const int row = static_cast<int>(i) / columns;
      slab_tiles_.push_back(
          {QRect(kMargin + col * (slab_w + kGap), y + row * (tile_h + kGap), slab_w, tile_h), i});
    }
    const int rows = (static_cast<int>(snapshot_->slabs.size()) + columns - 1) / columns;
    y += rows * (tile_h + kGap) + kGap;
  }
  height_ = y + kMargin;
}

QColor HeapMapWidget::SpanColor(const ChunkPicture& chunk, const Span& span) const {
  if (span.kind == SpanKind::Free) return kFree;
  if (span.kind == SpanKind::Dead) return QColor(0xd9, 0xa3, 0xa3);  // garbage awaiting the sweeper
  const bool young = chunk.role == ChunkRole::ToSpace || chunk.role == ChunkRole::FromSpace ||
                     chunk.role == ChunkRole::NewLargeObject;
  switch (color_by_) {
    case ColorBy::Kind:
      if (span.buffer) return QColor(0xe6, 0x7e, 0x22);
      if (chunk.role == ChunkRole::LargeObject || chunk.role == ChunkRole::NewLargeObject)
        return QColor(0xb0, 0x7c, 0xd0);
      return young ? QColor(0x6a, 0xb0, 0x4c) : QColor(0x4a, 0x7d, 0xc8);
    case ColorBy::Age:
      if (!young) return QColor(0x4a, 0x7d, 0xc8);                             // old
      return span.aged ? QColor(0xf0, 0x9a, 0x2a) : QColor(0x9c, 0xd6, 0x7c);  // survived once
    case ColorBy::Mark:
      // Tri-colour: black (marked, slots visited), grey (marked, on the worklist), white.
      if (!span.marked) return QColor(0xc8, 0xc8, 0xc8);
      return span.grey ? QColor(0x7a, 0x7a, 0x7a) : QColor(0x30, 0x30, 0x30);
  }
  return Qt::gray;
}

void HeapMapWidget::SetHighlight(Id id) {
  if (highlight_ == id) return;
  highlight_ = id;
  update();
}

void HeapMapWidget::paintEvent(QPaintEvent*) {
  QPainter p(this);
  if (snapshot_->empty()) {
    p.drawText(rect(), Qt::AlignCenter, tr("No heap to show yet: open a trace or a scenario."));
    return;
  }
  p.setPen(palette().color(QPalette::Text));
  for (const auto& [r, text] : labels_)
    p.drawText(r, Qt::AlignLeft | Qt::AlignVCenter, text);
  for (const Tile& t : tiles_) {
    const ChunkPicture& c = snapshot_->chunks[t.chunk];
    const QRect& r = t.rect;
    p.fillRect(r, kUnused);
    const double scale = c.size > 0 ? r.width() / static_cast<double>(c.size) : 0;
    for (const Span& s : c.spans) {
      const double x0 = r.left() + s.offset * scale;
      const double w = std::max(1.0, s.size * scale);
      p.fillRect(QRectF(x0, r.top(), w, r.height()), SpanColor(c, s));
    }
    if (c.role == ChunkRole::ToSpace) {
      // Beyond copy, nothing was copied yet at this object step: faded, under every line.
      if (const std::optional<ScanCopyMarks> marks = scan_copy_marks()) {
        p.fillRect(QRect(QPoint(marks->copy_x + 1, r.top()), r.bottomRight()),
                   QColor(255, 255, 255, 170));
      }
    }
    p.setPen(QPen(c.evacuation_candidate ? QColor(0xd6, 0x27, 0x28) : QColor(0x80, 0x80, 0x80),
                  c.evacuation_candidate ? 2 : 1));
    p.setBrush(Qt::NoBrush);
    p.drawRect(r.adjusted(0, 0, -1, -1));
    if (highlight_ != 0) {
      for (const Span& s : c.spans) {
        if (s.id != highlight_) continue;
        // An outline a few pixels wider than the object, which may be one pixel wide.
        const double x0 = r.left() + s.offset * scale;
        const double w = std::max(1.0, s.size * scale);
        p.setPen(QPen(palette().color(QPalette::Highlight), 3));
        p.drawRect(QRectF(x0 - 3, r.top() - 3, w + 6, r.height() + 6));
        p.setPen(QPen(palette().color(QPalette::Text), 1));
      }
    }
    if (c.role == ChunkRole::ToSpace) {
      const int top = r.left() + static_cast<int>(static_cast<double>(c.top) * scale);
      const int age = r.left() + static_cast<int>(static_cast<double>(c.age_mark) * scale);
      p.setPen(QPen(QColor(0xd6, 0x27, 0x28), 2));
      p.drawLine(top, r.top() - 3, top, r.bottom() + 3);
      p.setPen(QPen(QColor(0x20, 0x20, 0x20), 2, Qt::DashLine));
      p.drawLine(age, r.top() - 3, age, r.bottom() + 3);
      p.setPen(palette().color(QPalette::Text));
      const QFontMetrics fm(font());
      p.drawText(QPoint(top + 3, r.bottom() - 3), tr("top"));
      if (c.age_mark > 0)
        p.drawText(QPoint(std::max(r.left() + 2, age - fm.horizontalAdvance(tr("age mark")) - 3),
                          r.top() + fm.ascent() + 2),
                   tr("age mark"));
    }
    if (c.role == ChunkRole::ToSpace) PaintScanCopy(p, r);
    if (c.role == ChunkRole::LargeObject || c.role == ChunkRole::NewLargeObject) {
      p.setPen(Qt::white);
      p.drawText(r, Qt::AlignCenter, Bytes(c.object_bytes));
    }
  }
  // Slabs: the background says the state, dark bars are live views, the hatched rest is
  // carved but dead, the clear tail not carved yet.
  for (const Tile& t : slab_tiles_) {
    const SlabPicture& slab = snapshot_->slabs[t.chunk];
    const QRect& r = t.rect;
    const QColor state = slab.state == SlabState::Partial ? QColor(0xfd, 0xf1, 0xb8)
                         : slab.state == SlabState::Full  ? QColor(0xf8, 0xc4, 0x9c)
                                                          : QColor(0xe0, 0xe0, 0xe0);
    p.fillRect(r, state);
    const double scale = slab.size > 0 ? r.width() / static_cast<double>(slab.size) : 0;
    p.fillRect(QRectF(r.left(), r.top(), static_cast<double>(slab.carved) * scale, r.height()),
               QBrush(state.darker(115), Qt::BDiagPattern));
    for (const auto& [offset, length] : slab.views) {
      p.fillRect(QRectF(r.left() + offset * scale, r.top() + 3, std::max(1.0, length * scale),
                        r.height() - 6),
                 QColor(0xb3, 0x4d, 0x0f));
    }
    p.setPen(QColor(0x80, 0x80, 0x80));
    p.setBrush(Qt::NoBrush);
    p.drawRect(r.adjusted(0, 0, -1, -1));
  }
}

// Cheney's pointers on the to-space bar (what lies beyond copy, not copied yet at this step
// while the map shows the heap after the whole Scavenge, was faded before): a line through the
// bar and a labelled triangle under it for each, "scan" to the left of its marker and "copy"
// to the right of its own, so the labels never overlap while scan <= copy.
void HeapMapWidget::PaintScanCopy(QPainter& p, const QRect& r) const {
  const std::optional<ScanCopyMarks> marks = scan_copy_marks();
  if (!marks) return;
  p.save();
  const QFontMetrics fm(font());
  const int text_y = marks->y + kMarkSize + fm.ascent() + 1;
  int scan_text_right = r.left();
  for (const bool scan : {true, false}) {
    const int x = scan ? marks->scan_x : marks->copy_x;
    const QColor color = scan ? kScanColor : kCopyColor;
    p.setPen(QPen(color, 2));
    p.drawLine(x, r.top() + 1, x, r.bottom());
    p.setPen(Qt::NoPen);
    p.setBrush(color);
    const QPointF tip(x + 0.5, marks->y);
    p.drawPolygon(QPolygonF(
        {tip, tip + QPointF(-kMarkSize + 1, kMarkSize), tip + QPointF(kMarkSize - 1, kMarkSize)}));
    p.setPen(color);
    const QString text = scan ? tr("scan") : tr("copy");
    const int w = fm.horizontalAdvance(text);
    int left = scan ? std::max(r.left(), x - w - 2) : std::max(x + 3, scan_text_right + 6);
    left = std::min(left, r.right() - w);
    p.drawText(QPoint(left, text_y), text);
    if (scan) scan_text_right = left + w;
  }
  p.restore();
}

QString HeapMapWidget::Describe(const QPoint& pos) const {
  for (const Tile& t : slab_tiles_) {
    if (!t.rect.contains(pos)) continue;
    const SlabPicture& slab = snapshot_->slabs[t.chunk];
    return QString("Buffer pool slab #%1 (%2): %3 live views, %4 of %5 viewed, %6 carved")
        .arg(slab.number)
        .arg(SlabStateName(slab.state))
        .arg(slab.live_views)
        .arg(Bytes(slab.live_view_bytes), Bytes(slab.size), Bytes(slab.carved));
  }
  for (const Tile& t : tiles_) {
    if (!t.rect.contains(pos)) continue;
    const ChunkPicture& c = snapshot_->chunks[t.chunk];
    const double scale = static_cast<double>(c.size) / static_cast<double>(t.rect.width());
    const auto offset = static_cast<std::uint32_t>((pos.x() - t.rect.left()) * scale);
    QString where = QString("%1 (%2 of objects in %3)%4")
                        .arg(ChunkRoleName(c.role))
                        .arg(Bytes(c.object_bytes), Bytes(c.size))
                        .arg(c.sweeping_pending ? tr(", waiting for the sweeper") : QString());
    auto it = std::upper_bound(c.spans.begin(), c.spans.end(), offset,
                               [](std::uint32_t o, const Span& s) { return o < s.offset; });
    if (it == c.spans.begin()) return where + "\nunused";
    const Span& s = *std::prev(it);
    if (offset >= s.offset + s.size) return where + "\nunused (beyond the allocation top)";
    if (s.kind == SpanKind::Free)
      return where + QString("\nfree: %1 at offset %2").arg(Bytes(s.size)).arg(s.offset);
    if (s.kind == SpanKind::Dead)
      return where +
             QString("\ndead: %1 at offset %2, not swept yet").arg(Bytes(s.size)).arg(s.offset);
    QString what = s.merged > 1 ? QString("%1 objects, %2").arg(s.merged).arg(Bytes(s.size))
                                : QString("object %1of %2, %3 slots")
                                      .arg(s.id != 0 ? QString("#%1 ").arg(s.id) : QString())
                                      .arg(Bytes(s.size))
                                      .arg(s.slots);
    what += QString(" at offset %1").arg(s.offset);
    if (s.buffer) what += tr(", a Buffer's wrapper");
    if (c.role == ChunkRole::ToSpace)
      what += s.aged ? tr(", survived one Scavenge (below the age mark)") : tr(", new");
    if (snapshot_->marking) {
      what += !s.marked ? tr(", white (not marked yet)")
              : s.grey  ? tr(", grey (marked, on the marking worklist)")
                        : tr(", black (marked, its slots visited)");
    }
    return where + "\n" + what;
  }
  return {};
}

bool HeapMapWidget::event(QEvent* event) {
  if (event->type() == QEvent::ToolTip) {
    auto* help = static_cast<QHelpEvent*>(event);
    const QString text = Describe(help->pos());
    if (text.isEmpty()) {
      QToolTip::hideText();
    } else {
      QToolTip::showText(help->globalPos(), text, this);
    }
    return true;
  }
  return QWidget::event(event);
}

}  // namespace heaplab::viz
