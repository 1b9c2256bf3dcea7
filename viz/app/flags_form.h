// An editor of GcFlags: one control per collector flag of `heaplab run --help`, with the same
// ranges and help texts (GcFlagInfos), so the panel and the command line never disagree.
#pragma once

#include <QWidget>

#include <heaplab/traces/gc_flags.h>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QSpinBox;
class QLabel;

namespace heaplab::viz {

class FlagsForm : public QWidget {
  Q_OBJECT
 public:
  explicit FlagsForm(QWidget* parent = nullptr);
  GcFlags flags() const;
  void SetFlags(const GcFlags& flags);

 Q_SIGNALS:
  void changed();

 private:
  void UpdateArgs();
  QSpinBox* min_semi_;
  QSpinBox* max_semi_;
  QDoubleSpinBox* growth_;
  QSpinBox* max_old_;
  QComboBox* promotion_;
  QComboBox* compaction_;
  QSpinBox* gc_interval_;
  QCheckBox* incremental_;
  QCheckBox* lazy_sweeping_;
  QCheckBox* scavenge_task_;
  QCheckBox* memory_reducer_;
  QCheckBox* verify_;
  QCheckBox* predictable_;
  QComboBox* clock_;
  QSpinBox* pool_size_;
  QLabel* args_;
};

}  // namespace heaplab::viz
