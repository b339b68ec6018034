#include "ui/dataset_table_model.h"

#include <QFont>

#include "ui/dataset_document.h"
#include "ui/severity_icon.h"

namespace tunesmith::ui {

namespace {

// The first kMaxCellBytes of a message, whitespace collapsed to single spaces: enough
// to fill a wide cell; the tooltip shows more.
constexpr std::size_t kMaxCellBytes = 400;
constexpr std::size_t kMaxTooltipBytes = 1500;

QString one_line(const std::string& text, std::size_t max_bytes) {
  const bool cut = text.size() > max_bytes;
  // fromUtf8 turns a sequence cut in half into one replacement character; drop it.
  QString s = QString::fromUtf8(text.data(), static_cast<qsizetype>(cut ? max_bytes : text.size()));
  if (cut && s.endsWith(QChar::ReplacementCharacter)) s.chop(1);
  s = s.simplified();
  if (cut) s += QChar(0x2026);  // …
  return s;
}

QString excerpt(const std::string& text, std::size_t max_bytes) {
  const bool cut = text.size() > max_bytes;
  QString s = QString::fromUtf8(text.data(), static_cast<qsizetype>(cut ? max_bytes : text.size()));
  if (cut && s.endsWith(QChar::ReplacementCharacter)) s.chop(1);
  if (cut) s += QChar(0x2026);
  return s;
}

}  // namespace

DatasetTableModel::DatasetTableModel(const data::Dataset* dataset, const std::vector<data::Finding>& findings,
                                     QObject* parent)
    : QAbstractTableModel(parent), dataset_(dataset) {
  const std::size_t n = dataset_ ? dataset_->examples.size() : 0;
  for (const auto& f : findings) {
    if (f.example >= n) continue;
    auto [it, fresh] = findings_.try_emplace(f.example);
    RowFindings& r = it->second;
    if (fresh || f.severity > r.worst) r.worst = f.severity;
    ++r.count;
  }
}

const DatasetTableModel::RowFindings* DatasetTableModel::row_findings(int row) const {
  auto it = findings_.find(static_cast<std::size_t>(row));
  return it == findings_.end() ? nullptr : &it->second;
}

int DatasetTableModel::rowCount(const QModelIndex& parent) const {
  if (parent.isValid() || !dataset_) return 0;
  return static_cast<int>(dataset_->examples.size());
}

int DatasetTableModel::columnCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : ColumnCount;
}

QVariant DatasetTableModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || !dataset_ || index.row() >= rowCount()) return {};
  const int row = index.row();
  const auto& example = dataset_->examples[static_cast<std::size_t>(row)];
  const RowFindings* rf = row_findings(row);

  switch (role) {
    case Qt::DisplayRole:
      switch (index.column()) {
        case IndexColumn: return row + 1;
        case FirstUserColumn: {
          QString s = one_line(example.first_text("user"), kMaxCellBytes);
          return s.isEmpty() ? tr("(no user message)") : s;
        }
        case LastAssistantColumn: {
          QString s = one_line(example.last_text("assistant"), kMaxCellBytes);
          return s.isEmpty() ? tr("(no answer)") : s;
        }
        case MessagesColumn: return static_cast<qulonglong>(example.message_count());
        case TokensColumn: return static_cast<qulonglong>(estimated_tokens(example));
        case FindingsColumn: return rf ? QVariant(rf->count) : QVariant(QString());
      }
      return {};
    case Qt::ToolTipRole:
      switch (index.column()) {
        case IndexColumn: {
          const std::size_t line = row < static_cast<int>(dataset_->lines.size()) ? dataset_->lines[row] : 0;
          return line ? tr("Example %1, line %2").arg(row + 1).arg(line) : tr("Example %1 (added)").arg(row + 1);
        }
        case FirstUserColumn: return excerpt(example.first_text("user"), kMaxTooltipBytes);
        case LastAssistantColumn: return excerpt(example.last_text("assistant"), kMaxTooltipBytes);
        case TokensColumn: return tr("Estimated: about 4 bytes a token, plus the chat format's overhead");
        case FindingsColumn:
          if (!rf) return {};
          return (rf->count == 1 ? tr("1 finding: %1") : tr("%1 findings; worst: %2").arg(rf->count))
              .arg(severity_label(rf->worst).toLower());
      }
      return {};
    case Qt::DecorationRole:
      if (index.column() == FindingsColumn && rf) return severity_icon(rf->worst);
      return {};
    case Qt::FontRole:
      if ((index.column() == FirstUserColumn && example.first_text("user").empty()) ||
          (index.column() == LastAssistantColumn && example.last_text("assistant").empty())) {
        QFont italic;
        italic.setItalic(true);
        return italic;
      }
      return {};
    case Qt::TextAlignmentRole:
      switch (index.column()) {
        case IndexColumn:
        case MessagesColumn:
        case TokensColumn: return QVariant(Qt::AlignRight | Qt::AlignVCenter);
        case FindingsColumn: return QVariant(Qt::AlignLeft | Qt::AlignVCenter);
      }
      return {};
    case ExampleRole: return row;
    case SourceLineRole:
      return row < static_cast<int>(dataset_->lines.size()) ? static_cast<qulonglong>(dataset_->lines[row])
                                                             : qulonglong{0};
    case WorstSeverityRole: return rf ? static_cast<int>(rf->worst) : -1;
    case FindingCountRole: return rf ? rf->count : 0;
  }
  return {};
}

QVariant DatasetTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal) return QAbstractTableModel::headerData(section, orientation, role);
  if (role == Qt::DisplayRole) {
    switch (section) {
      case IndexColumn: return tr("#");
      case FirstUserColumn: return tr("First user message");
      case LastAssistantColumn: return tr("Last assistant answer");
      case MessagesColumn: return tr("Msgs");
      case TokensColumn: return tr("Tokens");
      case FindingsColumn: return tr("Findings");
    }
  } else if (role == Qt::ToolTipRole) {
    switch (section) {
      case MessagesColumn: return tr("Messages in the conversation");
      case TokensColumn: return tr("Estimated tokens (about 4 bytes a token, plus the chat format's overhead)");
      case FindingsColumn: return tr("Validation findings about the example");
    }
  } else if (role == Qt::TextAlignmentRole) {
    switch (section) {
      case IndexColumn:
      case MessagesColumn:
      case TokensColumn: return QVariant(Qt::AlignRight | Qt::AlignVCenter);
    }
    return QVariant(Qt::AlignLeft | Qt::AlignVCenter);
  }
  return {};
}

}  // namespace tunesmith::ui
