// Step-through: play, pause, step one trace event, step to the next collection (or the next
// Scavenge, Mark-Compact or marking step), with a speed; the heap map shows the heap after
// every step and a sentence says what the step did and why. Inside a step, "Next object" walks
// the object steps of the collection (or marking step) it ran, one at a time: the object is
// outlined in the heap map and a second sentence says what happened to it and why.
#pragma once

#include <memory>

#include <QWidget>

#include <heaplab/viz/stepper.h>

#include "heap_map_view.h"

class QLabel;
class QPlainTextEdit;
class QSlider;
class QTimer;
class QToolButton;

namespace heaplab::viz {

class StepView : public QWidget {
  Q_OBJECT
 public:
  explicit StepView(QWidget* parent = nullptr);
  // Starts over on `doc` with `flags`. Returns false (and shows why) when it cannot be read.
  bool Start(std::shared_ptr<const Document> doc, const GcFlags& flags);
  // Steps until `until` happens, at once (the tour and the tests use this).
  void Step(StepUntil until);
  // The same from the controls: long steps run in slices of events between which the event
  // loop runs, so the window keeps responding (and Esc or a second click stops the step).
  void StepInSlices(StepUntil until);
  bool stepping() const { return slicing_; }
  void SetPlaying(bool playing);
  bool playing() const;
  // Events per timer tick while playing (the speed slider).
  int speed() const;
  void SetSpeed(int events_per_tick);
  // Shows the next object step of the last step; false when none is left.
  bool NextObject();
  QString objectText() const;
  // The live replay; made when first needed (the view is shown or a control used), so that
  // opening a document never waits for it.
  Stepper* stepper() const { return stepper_.get(); }
  HeapMapView* heap_map() const { return map_; }

 Q_SIGNALS:
  void stepped();

 protected:
  void showEvent(QShowEvent* event) override;

 private:
  bool EnsureStepper();
  void Refresh();
  void ShowObjectStep();
  void Tick();
  void Slice();
  std::shared_ptr<const Document> doc_;
  GcFlags flags_;
  std::unique_ptr<Stepper> stepper_;
  HeapMapView* map_;
  QLabel* explanation_;
  QLabel* object_;
  QLabel* position_;
  QPlainTextEdit* log_;
  QSlider* speed_;
  QTimer* timer_;
  QToolButton* play_;
  std::size_t logged_gcs_ = 0;
  bool slicing_ = false;
  StepUntil slice_target_ = StepUntil::Event;
  QTimer* slice_timer_;
};

}  // namespace heaplab::viz
