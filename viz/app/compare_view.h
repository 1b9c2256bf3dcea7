// Compare: the open document replayed under two configurations (A: the settings panel's
// flags, B: this view's), their heaps overlaid on one timeline and a table of differences.
// Or, with an overlay document (SetOther: a real node log, an events file, a scenario or a
// trace), the open document against that one: a node log beside a simulated run, both heaps
// and every collection's mark, the legend naming which is Node's. The x axis is the
// collection's number or the time; runs on different clocks (SameClock: Node's ms and the
// model's are different quantities) start on collection numbers, and in time each gets an
// axis of its own, titled with its clock.
#pragma once

#include <memory>

#include <QWidget>

#include <heaplab/viz/loader.h>
#include <heaplab/viz/stats_models.h>

#include "flags_form.h"

class QChartView;
class QComboBox;
class QGroupBox;
class QTableView;
class QLabel;
class QProgressBar;
class QPushButton;

namespace heaplab::viz {

class CompareView : public QWidget {
  Q_OBJECT
 public:
  explicit CompareView(QWidget* parent = nullptr);
  void SetDocument(std::shared_ptr<const Document> doc, const GcFlags& a);
  void SetFlagsA(const GcFlags& a) {
    a_ = a;
    UpdateMode();
  }
  // Compare the open document with `other` (replayed with A's flags when it is replayable)
  // instead of with itself under B; nullptr goes back to A against B.
  void SetOther(std::shared_ptr<const Document> other);
  const Document* other() const { return other_.get(); }
  FlagsForm* flags_b() const { return b_form_; }
  void Run();
  const CompareModel& model() const { return *model_; }
  QChartView* chart_view() const { return chart_; }
  // The x axis: kByCollection or kByTime.
  QComboBox* x_axis_box() const { return x_axis_; }
  QTableView* table() const { return table_; }
  static constexpr int kByCollection = 0;
  static constexpr int kByTime = 1;
  Loader* loader() const { return loader_; }

 Q_SIGNALS:
  void compared();

 private:
  void Show(const Runs& runs);
  void Draw();
  void UpdateMode();
  Runs runs_;
  QComboBox* x_axis_;
  std::shared_ptr<const Document> doc_;
  std::shared_ptr<const Document> other_;
  QLabel* mode_;
  QComboBox* scenarios_;
  QPushButton* clear_other_;
  GcFlags a_;
  bool b_edited_ = false;
  FlagsForm* b_form_;
  QGroupBox* side_;
  QTableView* table_;
  QPushButton* run_;
  QProgressBar* progress_;
  QLabel* status_;
  QChartView* chart_;
  CompareModel* model_;
  Loader* loader_;
};

}  // namespace heaplab::viz
