#pragma once
// The choices of a CSV import (what core/data/import_csv supports): which column holds
// the user message, the answer and the system prompt (detected from the header names
// unless chosen), the delimiter, whether the first row is a header, and a system
// prompt for rows without one. Shows the first rows so the choice is informed.
#include <QDialog>

#include "core/data/import.h"

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QTableWidget;

namespace tunesmith::ui {

class CsvImportDialog final : public QDialog {
  Q_OBJECT

 public:
  explicit CsvImportDialog(const QString& path, QWidget* parent = nullptr);
  data::ImportOptions options() const;

 private:
  void reload();  // re-reads the head of the file with the chosen delimiter and header flag

  QString path_;
  QComboBox* delimiter_ = nullptr;
  QCheckBox* header_ = nullptr;
  QComboBox* user_ = nullptr;
  QComboBox* assistant_ = nullptr;
  QComboBox* system_ = nullptr;
  QLineEdit* defaultSystem_ = nullptr;
  QTableWidget* preview_ = nullptr;
  QLabel* problem_ = nullptr;
};

}  // namespace tunesmith::ui
