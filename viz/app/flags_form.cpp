#include "flags_form.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QLabel>
#include <QSpinBox>

namespace heaplab::viz {

namespace {

QString Help(const char* flag) {
  return QString("%1\n%2").arg(flag, GcFlagInfoOf(flag).help);
}

QSpinBox* SpinBox(const char* flag, QWidget* parent) {
  auto* box = new QSpinBox(parent);
  const GcFlagInfo& info = GcFlagInfoOf(flag);
  box->setRange(static_cast<int>(info.min), static_cast<int>(std::min(info.max, 1e9)));
  box->setToolTip(Help(flag));
  return box;
}

QCheckBox* CheckBox(const char* flag, const QString& text, QWidget* parent) {
  auto* box = new QCheckBox(text, parent);
  box->setToolTip(Help(flag));
  return box;
}

QComboBox* Choice(const char* flag, const QStringList& items, QWidget* parent) {
  auto* box = new QComboBox(parent);
  box->addItems(items);
  box->setToolTip(Help(flag));
  return box;
}

}  // namespace

FlagsForm::FlagsForm(QWidget* parent) : QWidget(parent) {
  auto* form = new QFormLayout(this);
  form->setContentsMargins(0, 0, 0, 0);
  min_semi_ = SpinBox("--min-semi-space-size", this);
  max_semi_ = SpinBox("--max-semi-space-size", this);
  min_semi_->setSuffix(" MiB");
  max_semi_->setSuffix(" MiB");
  growth_ = new QDoubleSpinBox(this);
  growth_->setRange(1, 16);
  growth_->setSingleStep(0.5);
  growth_->setToolTip(Help("--semi-space-growth-factor"));
  max_old_ = SpinBox("--max-old-space-size", this);
  max_old_->setSuffix(" MiB");
  promotion_ = Choice("--promotion", {"v8", "book"}, this);
  compaction_ = Choice("--compaction", {"evacuate", "slide", "none"}, this);
  gc_interval_ = SpinBox("--gc-interval", this);
  gc_interval_->setSpecialValueText("off");
  gc_interval_->setMinimum(-1);
  incremental_ = CheckBox("--incremental-marking", "Incremental marking", this);
  lazy_sweeping_ = CheckBox("--lazy-sweeping", "Lazy sweeping", this);
  scavenge_task_ = CheckBox("--scavenge-task", "Scavenge task", this);
  memory_reducer_ = CheckBox("--memory-reducer", "Memory reducer", this);
  verify_ = CheckBox("--verify-heap", "Verify heap", this);
  predictable_ = CheckBox("--predictable", "Predictable", this);
  clock_ = Choice("--clock", {"real", "model"}, this);
  pool_size_ = SpinBox("--buffer-pool-size", this);
  pool_size_->setSuffix(" B");
  pool_size_->setSingleStep(1024);
  args_ = new QLabel(this);
  args_->setWordWrap(true);
  args_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  args_->setToolTip(tr("The same configuration on the command line"));

  form->addRow(tr("Min semispace"), min_semi_);
  form->addRow(tr("Max semispace"), max_semi_);
  form->addRow(tr("Growth factor"), growth_);
  form->addRow(tr("Max old space"), max_old_);
  form->addRow(tr("Promotion"), promotion_);
  form->addRow(tr("Compaction"), compaction_);
  form->addRow(tr("GC interval"), gc_interval_);
  form->addRow(tr("Clock"), clock_);
  form->addRow(tr("Buffer pool"), pool_size_);
  form->addRow(incremental_);
  form->addRow(lazy_sweeping_);
  form->addRow(scavenge_task_);
  form->addRow(memory_reducer_);
  form->addRow(verify_);
  form->addRow(predictable_);
  form->addRow(args_);
  SetFlags(GcFlags());

  for (QSpinBox* box : {min_semi_, max_semi_, max_old_, gc_interval_, pool_size_})
    connect(box, &QSpinBox::valueChanged, this, &FlagsForm::UpdateArgs);
  connect(growth_, &QDoubleSpinBox::valueChanged, this, &FlagsForm::UpdateArgs);
  for (QComboBox* box : {promotion_, compaction_, clock_})
    connect(box, &QComboBox::currentIndexChanged, this, &FlagsForm::UpdateArgs);
  for (QCheckBox* box :
       {incremental_, lazy_sweeping_, scavenge_task_, memory_reducer_, verify_, predictable_})
    connect(box, &QCheckBox::toggled, this, &FlagsForm::UpdateArgs);
}

GcFlags FlagsForm::flags() const {
  GcFlags f;
  f.min_semi_space_mb = static_cast<std::uint64_t>(min_semi_->value());
  f.max_semi_space_mb = static_cast<std::uint64_t>(max_semi_->value());
  f.semi_space_growth_factor = growth_->value();
  f.max_old_space_mb = static_cast<std::uint64_t>(max_old_->value());
  f.promotion = promotion_->currentText().toStdString();
  f.compaction = compaction_->currentText().toStdString();
  f.gc_interval = gc_interval_->value() == 0 ? -1 : gc_interval_->value();
  f.incremental_marking = incremental_->isChecked();
  f.lazy_sweeping = lazy_sweeping_->isChecked();
  f.scavenge_task = scavenge_task_->isChecked();
  f.memory_reducer = memory_reducer_->isChecked();
  f.verify_heap = verify_->isChecked();
  f.predictable = predictable_->isChecked();
  f.clock = clock_->currentText().toStdString();
  f.buffer_pool_size = static_cast<std::uint64_t>(pool_size_->value());
  return f;
}

void FlagsForm::SetFlags(const GcFlags& f) {
  const QSignalBlocker block(this);
  min_semi_->setValue(static_cast<int>(f.min_semi_space_mb));
  max_semi_->setValue(static_cast<int>(f.max_semi_space_mb));
  growth_->setValue(f.semi_space_growth_factor);
  max_old_->setValue(static_cast<int>(f.max_old_space_mb));
  promotion_->setCurrentText(QString::fromStdString(f.promotion));
  compaction_->setCurrentText(QString::fromStdString(f.compaction));
  gc_interval_->setValue(static_cast<int>(std::min<std::int64_t>(f.gc_interval, 1000000000)));
  incremental_->setChecked(f.incremental_marking);
  lazy_sweeping_->setChecked(f.lazy_sweeping);
  scavenge_task_->setChecked(f.scavenge_task);
  memory_reducer_->setChecked(f.memory_reducer);
  verify_->setChecked(f.verify_heap);
  predictable_->setChecked(f.predictable);
  clock_->setCurrentText(QString::fromStdString(f.clock));
  pool_size_->setValue(static_cast<int>(f.buffer_pool_size));
  UpdateArgs();
}

void FlagsForm::UpdateArgs() {
  clock_->setEnabled(!predictable_->isChecked());  // --predictable implies the model clock
  QStringList args;
  for (const std::string& a : flags().ToArgs())
    args << QString::fromStdString(a);
  args_->setText(args.isEmpty() ? tr("<i>heaplab run</i> (defaults)")
                                : "<i>heaplab run</i> " + args.join(' ').toHtmlEscaped());
  Q_EMIT changed();
}

}  // namespace heaplab::viz
