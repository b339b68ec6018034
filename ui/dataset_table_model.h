#pragma once
// The dataset as a table: one row per example. Lazy: data() reads the Conversation it
// is asked about and nothing else, so a 100k-example dataset opens at once. The only
// per-row state kept is which rows have findings (sparse).
#include <QAbstractTableModel>

#include <cstddef>
#include <unordered_map>
#include <vector>

#include "core/data/dataset.h"
#include "core/data/finding.h"

namespace tunesmith::ui {

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

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

  const data::Dataset* dataset() const { return dataset_; }

 private:
  struct RowFindings {
    int count = 0;
    data::Severity worst = data::Severity::Note;
  };
  const RowFindings* row_findings(int row) const;

  const data::Dataset* dataset_;
  std::unordered_map<std::size_t, RowFindings> findings_;  // only rows that have some
};

}  // namespace tunesmith::ui
