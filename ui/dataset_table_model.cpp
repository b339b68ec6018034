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
  countFindings(findings);
}

DatasetTableModel::DatasetTableModel(DatasetDocument* document, QObject* parent)
    : QAbstractTableModel(parent), dataset_(&document->dataset), document_(document) {
  countFindings(document->findings);
  followDocument();
}

void DatasetTableModel::followDocument() {
  DatasetDocument* d = document_;
  connect(d, &DatasetDocument::exampleChanged, this, [this](std::size_t i) {
    Q_EMIT dataChanged(index(static_cast<int>(i), 0), index(static_cast<int>(i), ColumnCount - 1));
  });
  connect(d, &DatasetDocument::examplesAboutToBeInserted, this, [this](std::size_t first, std::size_t last) {
    beginInsertRows({}, static_cast<int>(first), static_cast<int>(last));
  });
  connect(d, &DatasetDocument::examplesInserted, this, [this] { endInsertRows(); });
  connect(d, &DatasetDocument::examplesAboutToBeRemoved, this, [this](std::size_t first, std::size_t last) {
    beginRemoveRows({}, static_cast<int>(first), static_cast<int>(last));
  });
  connect(d, &DatasetDocument::examplesRemoved, this, [this] { endRemoveRows(); });
  connect(d, &DatasetDocument::examplesAboutToBeRebuilt, this, [this] { beginResetModel(); });
  connect(d, &DatasetDocument::examplesRebuilt, this, [this] {
    countFindings(document_->findings);
    endResetModel();
  });
  connect(d, &DatasetDocument::examplesReset, this, [this] {
    if (rowCount() > 0) Q_EMIT dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1));
  });
  connect(d, &DatasetDocument::findingsChanged, this, [this] {
    // Only the rows whose findings changed: a filter proxy re-checks each row it is
    // told about, and an edit usually changes one.
    auto before = std::move(findings_);
    countFindings(document_->findings);
    auto differs = [](const RowFindings* a, const RowFindings* b) {
      return (a == nullptr) != (b == nullptr) || (a && (a->count != b->count || a->worst != b->worst));
    };
    auto notify = [this](std::size_t row) {
      if (row < static_cast<std::size_t>(rowCount()))
        Q_EMIT dataChanged(index(static_cast<int>(row), FindingsColumn), index(static_cast<int>(row), FindingsColumn));
    };
    for (const auto& [row, rf] : before) {
      auto it = findings_.find(row);
      if (differs(&rf, it == findings_.end() ? nullptr : &it->second)) notify(row);
    }
    for (const auto& [row, rf] : findings_)
      if (!before.count(row)) notify(row);
  });
}

void DatasetTableModel::countFindings(const std::vector<data::Finding>& findings) {
  findings_.clear();
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
    case Qt::EditRole:
      switch (index.column()) {
        case FirstUserColumn: return QString::fromStdString(example.first_text("user"));
        case LastAssistantColumn: return QString::fromStdString(example.last_text("assistant"));
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

Qt::ItemFlags DatasetTableModel::flags(const QModelIndex& index) const {
  Qt::ItemFlags f = QAbstractTableModel::flags(index);
  if (document_ && (index.column() == FirstUserColumn || index.column() == LastAssistantColumn)) f |= Qt::ItemIsEditable;
  return f;
}

bool DatasetTableModel::setData(const QModelIndex& index, const QVariant& value, int role) {
  if (!document_ || role != Qt::EditRole || !index.isValid() || index.row() >= rowCount()) return false;
  const auto row = static_cast<std::size_t>(index.row());
  const data::Conversation& current = dataset_->examples[row];
  const bool user = index.column() == FirstUserColumn;
  if (!user && index.column() != LastAssistantColumn) return false;
  const std::string text = value.toString().toStdString();
  // The message the cell shows: the first user / last assistant one; added at the end
  // when the example has none.
  std::size_t at = current.message_count();
  for (std::size_t i = 0; i < current.message_count(); ++i) {
    const std::size_t m = user ? i : current.message_count() - 1 - i;
    if (current.role(m) == (user ? "user" : "assistant")) {
      at = m;
      break;
    }
  }
  if (at < current.message_count() && current.text(at) == text) return false;
  data::Conversation after = current;
  if (at < after.message_count()) {
    after.set_text(at, text);
  } else {
    after.insert_message(at, user ? "user" : "assistant", text);
  }
  document_->editExample(row, std::move(after),
                         user ? tr("Edit user message of example %1").arg(row + 1)
                              : tr("Edit answer of example %1").arg(row + 1));
  return true;
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
