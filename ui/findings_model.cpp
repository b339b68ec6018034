#include "ui/findings_model.h"

#include "ui/severity_icon.h"

namespace tunesmith::ui {

FindingsModel::FindingsModel(QObject* parent) : QAbstractTableModel(parent) {}

void FindingsModel::setFindings(std::vector<data::Finding> findings) {
  beginResetModel();
  findings_ = std::move(findings);
  endResetModel();
}

int FindingsModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(findings_.size());
}

int FindingsModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : ColumnCount; }

QVariant FindingsModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || index.row() >= rowCount()) return {};
  const data::Finding& f = findings_[static_cast<std::size_t>(index.row())];
  switch (role) {
    case Qt::DisplayRole:
      switch (index.column()) {
        case SeverityColumn: return severity_label(f.severity);
        case LineColumn:
          if (f.line == 0) return tr("file");
          return f.column ? QStringLiteral("%1:%2").arg(f.line).arg(f.column) : QString::number(f.line);
        case CategoryColumn: return QString::fromStdString(f.category);
        case MessageColumn: return QString::fromStdString(f.message).simplified();
      }
      return {};
    case Qt::ToolTipRole:
      return QString::fromStdString(data::format_finding(f));
    case Qt::DecorationRole:
      if (index.column() == SeverityColumn) return severity_icon(f.severity);
      return {};
    case Qt::TextAlignmentRole:
      if (index.column() == LineColumn) return QVariant(Qt::AlignRight | Qt::AlignVCenter);
      return {};
    case FindingRole: return index.row();
    case SeverityRole: return static_cast<int>(f.severity);
    case LineRole: return static_cast<qulonglong>(f.line);
  }
  return {};
}

QVariant FindingsModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
  switch (section) {
    case SeverityColumn: return tr("Severity");
    case LineColumn: return tr("Line");
    case CategoryColumn: return tr("Category");
    case MessageColumn: return tr("Message");
  }
  return {};
}

}  // namespace tunesmith::ui
