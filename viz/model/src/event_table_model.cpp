#include <heaplab/viz/event_table_model.h>

namespace heaplab::viz {

namespace {
double Mb(std::size_t bytes) {
  return static_cast<double>(bytes) / (1024.0 * 1024.0);
}
double Kb(std::size_t bytes) {
  return static_cast<double>(bytes) / 1024.0;
}
}  // namespace

void EventTableModel::SetRun(std::shared_ptr<const RunData> run) {
  beginResetModel();
  run_ = std::move(run);
  endResetModel();
}

int EventTableModel::rowCount(const QModelIndex& parent) const {
  if (parent.isValid() || !run_) return 0;
  return static_cast<int>(run_->gcs.size());
}

int EventTableModel::columnCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : ColumnCount;
}

QVariant EventTableModel::data(const QModelIndex& index, int role) const {
  if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
    return {};
  const std::size_t row = static_cast<std::size_t>(index.row());
  const GcEvent& e = run_->gcs[row];
  if (role == Qt::ToolTipRole) return QString::fromStdString(run_->TraceGcLine(row));
  if (role == kGcIndexRole) return index.row();
  if (role == Qt::TextAlignmentRole) {
    const int column = index.column();
    return column == CollectorColumn || column == ReasonColumn
               ? QVariant(Qt::AlignLeft | Qt::AlignVCenter)
               : QVariant(Qt::AlignRight | Qt::AlignVCenter);
  }
  if (role != Qt::DisplayRole) return {};
  switch (index.column()) {
    case Number:
      return e.number;
    case CollectorColumn:
      return QString::fromStdString(run_->GcCollectorName(row));
    case ReasonColumn:
      return QString(ReasonString(e.reason));
    case StartMs:
      return QString::number(e.start_ms, 'f', 1);
    case PauseMs:
      return QString::number(e.pause_ms, 'f', 2);
    case BeforeMb:
      return QString::number(Mb(e.start_object_size), 'f', 1);
    case AfterMb:
      return QString::number(Mb(e.end_object_size), 'f', 1);
    case CommittedMb:
      return QString::number(Mb(e.end_memory_size), 'f', 1);
    case PromotedKb:
      return QString::number(Kb(e.promoted), 'f', 1);
    case CopiedKb:
      return QString::number(Kb(e.semi_space_copied), 'f', 1);
    case IncrementalSteps:
      return e.incremental_steps;
    case AverageMu:
      return QString::number(e.average_mu, 'f', 3);
    case CurrentMu:
      return QString::number(e.current_mu, 'f', 3);
    default:
      return {};
  }
}

QVariant EventTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
  static const char* const names[ColumnCount] = {
      "#",           "Collector",  "Reason",         "Start (ms)",    "Pause (ms)",
      "Before (MB)", "After (MB)", "Committed (MB)", "Promoted (KB)", "Copied (KB)",
      "Incr. steps", "Average mu", "Current mu"};
  if (section < 0 || section >= ColumnCount) return {};
  return QString(names[section]);
}

QString ModelToCsv(const QAbstractItemModel& model) {
  auto quote = [](QString s) {
    if (s.contains(',') || s.contains('"') || s.contains('\n')) {
      s.replace("\"", "\"\"");
      s = '"' + s + '"';
    }
    return s;
  };
  QString out;
  const int columns = model.columnCount();
  for (int c = 0; c < columns; ++c) {
    if (c > 0) out += ',';
    out += quote(model.headerData(c, Qt::Horizontal).toString());
  }
  out += '\n';
  for (int r = 0; r < model.rowCount(); ++r) {
    for (int c = 0; c < columns; ++c) {
      if (c > 0) out += ',';
      out += quote(model.data(model.index(r, c)).toString());
    }
    out += '\n';
  }
  return out;
}

}  // namespace heaplab::viz
