// The heap map: both semispaces as wide bars (objects, the age mark, the allocation top), then
// every old-space page as a tile (objects, free space, evacuation candidates outlined), then
// the large objects, then the Buffer pool's slabs (coloured partial / full / empty, with their
// live views). Colour by kind, by age or by mark bit; zoom scales the tiles; hovering
// names the object under the mouse.
#pragma once

#include <memory>
#include <optional>

#include <QWidget>

class QPainter;

#include <heaplab/viz/heap_snapshot.h>

namespace heaplab::viz {

enum class ColorBy { Kind, Age, Mark };

class HeapMapWidget : public QWidget {
  Q_OBJECT
 public:
  explicit HeapMapWidget(QWidget* parent = nullptr);
  // Shared, not copied: a large heap's snapshot holds hundreds of thousands of spans.
  void SetSnapshot(std::shared_ptr<const HeapSnapshot> snapshot);
  const HeapSnapshot& snapshot() const { return *snapshot_; }
  void SetColorBy(ColorBy mode);
  void SetZoom(double zoom);
  // Outlines the object with this trace id (the step-through's current object step); 0: none.
  void SetHighlight(Id id);
  Id highlight() const { return highlight_; }
  // Cheney's scan and copy pointers of a Scavenge being stepped, in bytes from to-space's
  // start (the step-through's ScanCopyPointers), drawn as labelled markers under the
  // to-space bar, to-space beyond copy faded (not copied yet at this step); nullopt: none.
  void SetScanCopy(std::optional<std::pair<std::size_t, std::size_t>> scan_copy);
  const std::optional<std::pair<std::size_t, std::size_t>>& scan_copy() const { return scan_copy_; }
  // Where the markers are drawn (widget x of scan and copy, and the y of their tips just
  // under the bar); nullopt when none is drawn.
  struct ScanCopyMarks {
    int scan_x;
    int copy_x;
    int y;
  };
  std::optional<ScanCopyMarks> scan_copy_marks() const;
  static const QColor kScanColor;
  static const QColor kCopyColor;
  double zoom() const { return zoom_; }
  // The Buffer pool's caption above its slabs (empty without slabs).
  const QString& slab_caption() const { return slab_caption_; }
  // What lies at `pos` (widget coordinates): a description, or empty.
  QString Describe(const QPoint& pos) const;
  QSize sizeHint() const override;
  bool hasHeightForWidth() const override { return true; }
  int heightForWidth(int width) const override;

 protected:
  void paintEvent(QPaintEvent* event) override;
  void resizeEvent(QResizeEvent* event) override;
  bool event(QEvent* event) override;

 private:
  struct Tile {
    QRect rect;
    std::size_t chunk;
  };
  void Layout(int width);
  QColor SpanColor(const ChunkPicture& chunk, const Span& span) const;
  void PaintScanCopy(QPainter& p, const QRect& bar) const;

  std::shared_ptr<const HeapSnapshot> snapshot_ = std::make_shared<const HeapSnapshot>();
  std::vector<Tile> tiles_;
  std::vector<Tile> slab_tiles_;  // chunk: index into snapshot_.slabs
  std::vector<std::pair<QRect, QString>> labels_;
  QString slab_caption_;
  ColorBy color_by_ = ColorBy::Kind;
  Id highlight_ = 0;
  std::optional<std::pair<std::size_t, std::size_t>> scan_copy_;
  double zoom_ = 1.0;
  int height_ = 100;
};

}  // namespace heaplab::viz
