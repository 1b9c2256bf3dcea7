#include <heaplab/viz/stats_models.h>

#include <algorithm>

namespace heaplab::viz {

namespace {
QString Ms(double ms) {
  return QString::number(ms, 'f', 2);
}
double Mb(std::size_t bytes) {
  return static_cast<double>(bytes) / (1024.0 * 1024.0);
}
QString Args(const RunData& run) {
  QStringList args;
  for (const std::string& a : run.args)
    args << QString::fromStdString(a);
  return args.isEmpty() ? QStringLiteral("(defaults)") : args.join(' ');
}
}  // namespace

// PauseStatsModel

void PauseStatsModel::SetRun(std::shared_ptr<const RunData> run) {
  beginResetModel();
  rows_.clear();
  if (run) {
    rows_.push_back(ComputePauseStats(*run, Collector::Scavenge));
    rows_.push_back(ComputePauseStats(*run, Collector::MarkCompact));
    rows_.push_back(ComputePauseStats(*run, std::nullopt));
  }
  endResetModel();
}

int PauseStatsModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(rows_.size());
}

int PauseStatsModel::columnCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : ColumnCount;
}

QVariant PauseStatsModel::data(const QModelIndex& index, int role) const {
  if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
    return {};
  if (role == Qt::TextAlignmentRole) return QVariant(Qt::AlignRight | Qt::AlignVCenter);
  if (role != Qt::DisplayRole) return {};
  const PauseStats& s = rows_[static_cast<std::size_t>(index.row())];
  switch (index.column()) {
    case Count:
      return s.count;
    case Total:
      return Ms(s.total_ms);
    case P50:
      return Ms(s.p50);
    case P95:
      return Ms(s.p95);
    case P99:
      return Ms(s.p99);
    case Max:
      return Ms(s.max);
    default:
      return {};
  }
}

QVariant PauseStatsModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (role != Qt::DisplayRole) return {};
  if (orientation == Qt::Vertical) {
    static const char* const rows[] = {"Scavenge", "Mark-Compact", "All"};
    return section >= 0 && section < 3 ? QVariant(QString(rows[section])) : QVariant();
  }
  static const char* const names[ColumnCount] = {"Count",    "Total (ms)", "p50 (ms)",
                                                 "p95 (ms)", "p99 (ms)",   "Max (ms)"};
  return section >= 0 && section < ColumnCount ? QVariant(QString(names[section])) : QVariant();
}

// RangeStatsModel

void RangeStatsModel::SetRange(std::shared_ptr<const RunData> run, double t0, double t1) {
  beginResetModel();
  rows_.clear();
  if (run) {
    stats_ = ComputeRangeStats(*run, t0, t1);
    const RangeStats& r = stats_;
    auto add = [this](const char* name, const QString& value) {
      rows_.emplace_back(QString(name), value);
    };
    add("Range (ms)", QString("%1 – %2").arg(r.t0, 0, 'f', 1).arg(r.t1, 0, 'f', 1));
    add("Scavenges", QString::number(r.scavenge.count));
    add("Scavenge pauses (ms)",
        QString("total %1, max %2, p95 %3")
            .arg(Ms(r.scavenge.total_ms), Ms(r.scavenge.max), Ms(r.scavenge.p95)));
    add("Mark-Compacts", QString::number(r.mark_compact.count));
    add("Mark-Compact pauses (ms)",
        QString("total %1, max %2, p95 %3")
            .arg(Ms(r.mark_compact.total_ms), Ms(r.mark_compact.max), Ms(r.mark_compact.p95)));
    add("Collections", QString("%1; pauses p50 %2, p95 %3, max %4 ms")
                           .arg(r.all.count)
                           .arg(Ms(r.all.p50), Ms(r.all.p95), Ms(r.all.max)));
    add("Mutator utilization", QString::number(r.mutator_utilization, 'f', 3));
    add("Old generation after full GCs (MB)",
        r.full_gcs == 0
            ? QStringLiteral("no full GC in range")
            : QString("%1 -> %2 (%3%4 MB over %5 full GCs)")
                  .arg(Mb(r.old_after_first_full), 0, 'f', 1)
                  .arg(Mb(r.old_after_last_full), 0, 'f', 1)
                  .arg(r.old_after_last_full >= r.old_after_first_full ? "+" : "")
                  .arg(Mb(r.old_after_last_full) - Mb(r.old_after_first_full), 0, 'f', 1)
                  .arg(r.full_gcs));
    for (const auto& [name, count] : r.by_collector)
      rows_.emplace_back(QString("Collector: %1").arg(QString::fromStdString(name)),
                         QString::number(count));
    for (const auto& [name, count] : r.by_reason)
      rows_.emplace_back(QString("Reason: %1").arg(QString::fromStdString(name)),
                         QString::number(count));
  }
  endResetModel();
}

int RangeStatsModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(rows_.size());
}

int RangeStatsModel::columnCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : 2;
}

QVariant RangeStatsModel::data(const QModelIndex& index, int role) const {
  if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
    return {};
  if (role != Qt::DisplayRole && role != Qt::ToolTipRole) return {};
  const auto& row = rows_[static_cast<std::size_t>(index.row())];
  return index.column() == 0 ? row.first : row.second;
}

QVariant RangeStatsModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
  if (section == 0) return QStringLiteral("Selection");
  if (section == 1) return QStringLiteral("Value");
  return {};
}

// CompareModel

void CompareModel::SetRuns(std::shared_ptr<const RunData> a, std::shared_ptr<const RunData> b,
                           bool by_source) {
  beginResetModel();
  rows_.clear();
  if (a && b) {
    a_name_ = by_source ? QString::fromStdString(RunLabel(*a)) : Args(*a);
    b_name_ = by_source ? QString::fromStdString(RunLabel(*b)) : Args(*b);
    const PauseStats sa = ComputePauseStats(*a, Collector::Scavenge);
    const PauseStats sb = ComputePauseStats(*b, Collector::Scavenge);
    const PauseStats ma = ComputePauseStats(*a, Collector::MarkCompact);
    const PauseStats mb = ComputePauseStats(*b, Collector::MarkCompact);
    const PauseStats xa = ComputePauseStats(*a, std::nullopt);
    const PauseStats xb = ComputePauseStats(*b, std::nullopt);
    auto peak = [](const RunData& r, bool committed) {
      std::size_t p = 0;
      for (const GcEvent& e : r.gcs)
        p = std::max(p, committed ? std::max(e.start_memory_size, e.end_memory_size)
                                  : std::max(e.start_object_size, e.end_object_size));
      return Mb(p);
    };
    rows_ = {
        {"Scavenges", static_cast<double>(sa.count), static_cast<double>(sb.count), 0},
        {"Mark-Compacts", static_cast<double>(ma.count), static_cast<double>(mb.count), 0},
        {"Total pause (ms)", xa.total_ms, xb.total_ms, 2},
        {"Max pause (ms)", xa.max, xb.max, 2},
        {"p95 pause (ms)", xa.p95, xb.p95, 2},
        {"Peak heap used (MB)", peak(*a, false), peak(*b, false), 1},
        {"Peak committed (MB)", peak(*a, true), peak(*b, true), 1},
        {"Run length (ms)", a->end_ms, b->end_ms, 1},
    };
  }
  endResetModel();
}

std::pair<double, double> CompareModel::values(int row) const {
  const Row& r = rows_.at(static_cast<std::size_t>(row));
  return {r.a, r.b};
}

int CompareModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(rows_.size());
}

int CompareModel::columnCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : ColumnCount;
}

QVariant CompareModel::data(const QModelIndex& index, int role) const {
  if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
    return {};
  const Row& r = rows_[static_cast<std::size_t>(index.row())];
  if (role == Qt::TextAlignmentRole && index.column() != Metric)
    return QVariant(Qt::AlignRight | Qt::AlignVCenter);
  if (role != Qt::DisplayRole) return {};
  switch (index.column()) {
    case Metric:
      return r.name;
    case A:
      return QString::number(r.a, 'f', r.decimals);
    case B:
      return QString::number(r.b, 'f', r.decimals);
    case Difference: {
      const QString diff = (r.b >= r.a ? "+" : "") + QString::number(r.b - r.a, 'f', r.decimals);
      if (r.a == 0) return diff;
      return diff + QString(" (%1%2%)")
                        .arg(r.b >= r.a ? "+" : "")
                        .arg(100.0 * (r.b - r.a) / r.a, 0, 'f', 0);
    }
    default:
      return {};
  }
}

QVariant CompareModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal) return {};
  if (role == Qt::ToolTipRole) {
    if (section == A) return a_name_;
    if (section == B) return b_name_;
    return {};
  }
  if (role != Qt::DisplayRole) return {};
  switch (section) {
    case Metric:
      return QStringLiteral("Metric");
    case A:
      return "A: " + a_name_;
    case B:
      return "B: " + b_name_;
    case Difference:
      return QStringLiteral("B − A");
    default:
      return {};
  }
}

}  // namespace heaplab::viz
