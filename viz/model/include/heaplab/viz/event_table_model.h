// The GC event table: one row per collection, V8's figures as columns; the tooltip of a row is
// the collection's own --trace-gc line. Also the source of the CSV export.
#pragma once

#include <memory>

#include <QAbstractTableModel>

#include <heaplab/viz/run_data.h>

namespace heaplab::viz {

class EventTableModel : public QAbstractTableModel {
  Q_OBJECT
 public:
  enum Column {
    Number,
    CollectorColumn,
    ReasonColumn,
    StartMs,
    PauseMs,
    BeforeMb,
    AfterMb,
    CommittedMb,
    PromotedKb,
    CopiedKb,
    IncrementalSteps,
    AverageMu,
    CurrentMu,
    ColumnCount
  };
  static constexpr int kGcIndexRole = Qt::UserRole + 1;  // int: index into RunData::gcs

  explicit EventTableModel(QObject* parent = nullptr) : QAbstractTableModel(parent) {}
  void SetRun(std::shared_ptr<const RunData> run);
  const RunData* run() const { return run_.get(); }

  int rowCount(const QModelIndex& parent = QModelIndex()) const override;
  int columnCount(const QModelIndex& parent = QModelIndex()) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation,
                      int role = Qt::DisplayRole) const override;

 private:
  std::shared_ptr<const RunData> run_;
};

// Any table model as CSV (RFC 4180 quoting): a header line, then one line per row, display
// texts as shown.
QString ModelToCsv(const QAbstractItemModel& model);

}  // namespace heaplab::viz
