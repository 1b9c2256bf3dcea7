#include "settings_panel.h"

#include <QComboBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

namespace heaplab::viz {

SettingsPanel::SettingsPanel(QWidget* parent) : QWidget(parent) {
  auto* layout = new QVBoxLayout(this);

  auto* source = new QGroupBox(tr("Scenario"), this);
  auto* source_layout = new QFormLayout(source);
  scenario_ = new QComboBox(source);
  for (const Scenario& s : Scenarios()) {
    scenario_->addItem(QString::fromStdString(s.name));
    scenario_->setItemData(scenario_->count() - 1, QString::fromStdString(s.description),
                           Qt::ToolTipRole);
  }
  seed_ = new QSpinBox(source);
  seed_->setRange(0, 1 << 30);
  seed_->setValue(1);
  seed_->setToolTip(tr("--seed: seed of the scenario generator"));
  source_layout->addRow(tr("Name"), scenario_);
  source_layout->addRow(tr("Seed"), seed_);
  params_ = new QWidget(source);
  params_layout_ = new QFormLayout(params_);
  params_layout_->setContentsMargins(0, 0, 0, 0);
  source_layout->addRow(params_);
  auto* open = new QPushButton(tr("Run scenario"), source);
  open->setToolTip(tr("Generate the scenario and replay it with the flags below"));
  source_layout->addRow(open);
  layout->addWidget(source);

  auto* flags_box = new QGroupBox(tr("Flags (heaplab run)"), this);
  auto* flags_layout = new QVBoxLayout(flags_box);
  flags_ = new FlagsForm(flags_box);
  flags_layout->addWidget(flags_);
  replay_ = new QPushButton(tr("Replay with these flags"), flags_box);
  replay_->setToolTip(tr("Replay the open document again (F5)"));
  flags_layout->addWidget(replay_);
  layout->addWidget(flags_box);
  layout->addStretch();

  connect(scenario_, &QComboBox::currentIndexChanged, this, &SettingsPanel::RebuildParams);
  connect(open, &QPushButton::clicked, this, &SettingsPanel::openScenarioRequested);
  connect(replay_, &QPushButton::clicked, this, &SettingsPanel::replayRequested);
  RebuildParams();
}

QString SettingsPanel::scenario() const {
  return scenario_->currentText();
}

void SettingsPanel::SelectScenario(const QString& name) {
  scenario_->setCurrentText(name);
}

ScenarioOptions SettingsPanel::scenario_options() const {
  ScenarioOptions o;
  o.seed = static_cast<std::uint64_t>(seed_->value());
  for (const auto& [name, box] : param_boxes_)
    o.params[name] = static_cast<std::uint64_t>(box->value());
  return o;
}

void SettingsPanel::RebuildParams() {
  while (params_layout_->rowCount() > 0)
    params_layout_->removeRow(0);
  param_boxes_.clear();
  const Scenario* s = FindScenario(scenario_->currentText().toStdString());
  if (s == nullptr) return;
  for (const ScenarioParam& p : s->params) {
    auto* box = new QSpinBox(params_);
    const auto clamp = [](std::uint64_t v) {
      return static_cast<int>(std::min<std::uint64_t>(v, 1u << 30));
    };
    box->setRange(clamp(p.min), clamp(p.max));
    box->setValue(clamp(p.default_value));
    box->setToolTip(QString::fromStdString("--param " + p.name + "=N: " + p.help));
    params_layout_->addRow(QString::fromStdString(p.name), box);
    param_boxes_[p.name] = box;
  }
}

}  // namespace heaplab::viz
