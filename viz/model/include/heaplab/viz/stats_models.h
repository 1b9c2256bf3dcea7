// Item models over the statistics of stats.h:
//   PauseStatsModel  rows Scavenge, Mark-Compact, all; columns count, total, p50, p95, p99, max
//   RangeStatsModel  the timeline selection's figures, one per row (name, value)
//   CompareModel     two runs of the same document side by side, with their difference
#pragma once

#include <memory>
#include <vector>

#include <QAbstractTableModel>

#include <heaplab/viz/stats.h>

namespace heaplab::viz {

class PauseStatsModel : public QAbstractTableModel {
  Q_OBJECT
 public:
  enum Column { Count, Total, P50, P95, P99, Max, ColumnCount };
  explicit PauseStatsModel(QObject* parent = nullptr) : QAbstractTableModel(parent) {}
  void SetRun(std::shared_ptr<const RunData> run);
  const PauseStats& stats(int row) const { return rows_.at(static_cast<std::size_t>(row)); }

  int rowCount(const QModelIndex& parent = QModelIndex()) const override;
  int columnCount(const QModelIndex& parent = QModelIndex()) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation,
                      int role = Qt::DisplayRole) const override;

 private:
  std::vector<PauseStats> rows_;  // Scavenge, Mark-Compact, all; empty without a run
};

class RangeStatsModel : public QAbstractTableModel {
  Q_OBJECT
 public:
  explicit RangeStatsModel(QObject* parent = nullptr) : QAbstractTableModel(parent) {}
  // The statistics of [t0, t1] (t1 <= t0: the whole run).
  void SetRange(std::shared_ptr<const RunData> run, double t0, double t1);
  const RangeStats& stats() const { return stats_; }

  int rowCount(const QModelIndex& parent = QModelIndex()) const override;
  int columnCount(const QModelIndex& parent = QModelIndex()) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation,
                      int role = Qt::DisplayRole) const override;

 private:
  std::vector<std::pair<QString, QString>> rows_;
  RangeStats stats_;
};

class CompareModel : public QAbstractTableModel {
  Q_OBJECT
 public:
  enum Column { Metric, A, B, Difference, ColumnCount };
  explicit CompareModel(QObject* parent = nullptr) : QAbstractTableModel(parent) {}
  // `by_source`: the columns name each run by who made it (RunLabel: "Node: app.log") instead
  // of by its flags (two configurations of one document).
  void SetRuns(std::shared_ptr<const RunData> a, std::shared_ptr<const RunData> b,
               bool by_source = false);
  // The raw figures of row `row` for run a and b (tests compare them).
  std::pair<double, double> values(int row) const;

  int rowCount(const QModelIndex& parent = QModelIndex()) const override;
  int columnCount(const QModelIndex& parent = QModelIndex()) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation,
                      int role = Qt::DisplayRole) const override;

 private:
  struct Row {
    QString name;
    double a;
    double b;
    int decimals;
  };
  std::vector<Row> rows_;
  QString a_name_;
  QString b_name_;
};

}  // namespace heaplab::viz
