// The settings panel (a dock): a built-in scenario with its seed and parameters, and the
// collector flags the current document is replayed with.
#pragma once

#include <map>

#include <QWidget>

#include <heaplab/traces/scenarios.h>

#include "flags_form.h"

class QComboBox;
class QFormLayout;
class QSpinBox;
class QPushButton;

namespace heaplab::viz {

class SettingsPanel : public QWidget {
  Q_OBJECT
 public:
  explicit SettingsPanel(QWidget* parent = nullptr);
  FlagsForm* flags_form() const { return flags_; }
  GcFlags flags() const { return flags_->flags(); }
  QString scenario() const;
  ScenarioOptions scenario_options() const;
  void SelectScenario(const QString& name);

 Q_SIGNALS:
  void openScenarioRequested();
  void replayRequested();

 private:
  void RebuildParams();
  QComboBox* scenario_;
  QSpinBox* seed_;
  QFormLayout* params_layout_;
  QWidget* params_;
  std::map<std::string, QSpinBox*> param_boxes_;
  FlagsForm* flags_;
  QPushButton* replay_;
};

}  // namespace heaplab::viz
