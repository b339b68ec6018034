#pragma once
// Two review lists over the open dataset, non-modal beside the editor; activating a
// row selects its example in the window (exampleActivated):
//   DuplicatesDialog: exact and near duplicates (the later copy and the example it
//     repeats, with the similarity), and "Remove Later Copies" as one undo step.
//   PersonalDataDialog: emails, phone numbers, card numbers, IBANs and secrets with
//     their field, and "Redact All" replacing each with a placeholder, one undo step.
#include <QDialog>

#include <cstddef>

class QLabel;
class QPushButton;
class QTreeWidget;

namespace tunesmith::ui {

class DatasetDocument;

class DuplicatesDialog final : public QDialog {
  Q_OBJECT

 public:
  explicit DuplicatesDialog(DatasetDocument* document, QWidget* parent = nullptr);
  QTreeWidget* list() const { return list_; }
  void rescan();
  void removeLaterCopies();

 Q_SIGNALS:
  void exampleActivated(std::size_t example);

 private:
  DatasetDocument* doc_;
  QTreeWidget* list_ = nullptr;
  QLabel* summary_ = nullptr;
  QPushButton* remove_ = nullptr;
  std::vector<std::size_t> later_;  // the copies the last scan found
};

class PersonalDataDialog final : public QDialog {
  Q_OBJECT

 public:
  explicit PersonalDataDialog(DatasetDocument* document, QWidget* parent = nullptr);
  QTreeWidget* list() const { return list_; }
  void rescan();
  void redactAll();

 Q_SIGNALS:
  void exampleActivated(std::size_t example);

 private:
  DatasetDocument* doc_;
  QTreeWidget* list_ = nullptr;
  QLabel* summary_ = nullptr;
  QPushButton* redact_ = nullptr;
};

}  // namespace tunesmith::ui
