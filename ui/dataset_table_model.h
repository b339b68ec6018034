#pragma once
// The dataset as a table: one row per example. Lazy: data() reads the Conversation it
// is asked about and nothing else, so a 100k-example dataset opens at once. The only
// per-row state kept is which rows have findings (sparse).
//
// Over a DatasetDocument the model is editable: setData() on the first user message or
// the last assistant answer pushes an undo command on the document's stack (it never
// changes the example itself), and the model follows the document's change signals.
#include <QAbstractTableModel>

#include <cstddef>
#include <unordered_map>
#include <vector>

#include "core/data/dataset.h"
#include "core/data/finding.h"

namespace tunesmith::ui {

class DatasetDocument;

class DatasetTableModel final : public QAbstractTableModel {
  Q_OBJECT

 public:
  enum Column {
    IndexColumn,          // "#": 1-based example number
    FirstUserColumn,      // the first user message, on one line
    LastAssistantColumn,  // the last assistant answer, on one line
    MessagesColumn,       // number of messages
    TokensColumn,         // estimated tokens (~4 bytes a token + chat overhead)
    FindingsColumn,       // findings about the example, with the worst severity's icon
    ColumnCount
  };

  enum Role {
    ExampleRole = Qt::UserRole + 1,  // int: index into Dataset::examples
    SourceLineRole,                  // int: line in the file (0 for examples added in the app)
    WorstSeverityRole,               // int: data::Severity of the worst finding, -1 for none
    FindingCountRole,                // int: findings about the example
  };

  // `dataset` must outlive the model. Findings with an example index are counted
  // against their row; the others (file-wide, unreadable lines) are not.
  DatasetTableModel(const data::Dataset* dataset, const std::vector<data::Finding>& findings,
                    QObject* parent = nullptr);
  // Editable, live: follows `document` (which must outlive the model).
  explicit DatasetTableModel(DatasetDocument* document, QObject* parent = nullptr);

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
  Qt::ItemFlags flags(const QModelIndex& index) const override;
  bool setData(const QModelIndex& index, const QVariant& value, int role = Qt::EditRole) override;

  const data::Dataset* dataset() const { return dataset_; }
  DatasetDocument* document() const { return document_; }

 private:
  struct RowFindings {
    int count = 0;
    data::Severity worst = data::Severity::Note;
  };
  const RowFindings* row_findings(int row) const;
  void countFindings(const std::vector<data::Finding>& findings);
  void followDocument();

  const data::Dataset* dataset_;
  DatasetDocument* document_ = nullptr;
  std::unordered_map<std::size_t, RowFindings> findings_;  // only rows that have some
};

}  // namespace tunesmith::ui
