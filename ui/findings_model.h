#pragma once
// Validation findings as a flat table for the findings panel.
#include <QAbstractTableModel>

#include <vector>

#include "core/data/finding.h"

namespace tunesmith::ui {

class FindingsModel final : public QAbstractTableModel {
  Q_OBJECT

 public:
  enum Column { SeverityColumn, LineColumn, CategoryColumn, MessageColumn, ColumnCount };
  enum Role {
    FindingRole = Qt::UserRole + 1,  // int: index into findings()
    SeverityRole,                    // int: data::Severity
    LineRole,                        // qulonglong: 1-based line, 0 for the whole file
  };

  explicit FindingsModel(QObject* parent = nullptr);

  void setFindings(std::vector<data::Finding> findings);
  const std::vector<data::Finding>& findings() const { return findings_; }

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

 private:
  std::vector<data::Finding> findings_;
};

}  // namespace tunesmith::ui
