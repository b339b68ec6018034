#pragma once
// The main window: the project sidebar (Datasets, Runs, Evaluations), the open dataset
// as a table with a preview of the selected conversation, and the validation findings.
// The GUI issue turns the table and preview into the editor.
#include <QMainWindow>

#include <cstddef>
#include <memory>
#include <optional>

#include "core/project/project.h"

class QAction;
class QIcon;
class QLabel;
class QModelIndex;
class QSplitter;
class QTableView;
class QTreeView;
class QTreeWidget;
class QTreeWidgetItem;

namespace tunesmith::ui {

class ConversationPreview;
class DatasetTableModel;
class FindingsModel;
struct DatasetDocument;

// The application icon from the resources (SVG where Qt can render it, else PNG).
QIcon application_icon();

class MainWindow final : public QMainWindow {
  Q_OBJECT

 public:
  explicit MainWindow(QWidget* parent = nullptr);
  ~MainWindow() override;

  // Opens a project folder and shows its first dataset. On failure the window keeps
  // what it showed, and `error` (when given) says why.
  bool openProject(const QString& folder, QString* error = nullptr);
  // Opens a JSONL file on its own, outside any project.
  bool openDataset(const QString& path, QString* error = nullptr);

  // Selects the example's row, scrolls to it and shows it in the preview.
  void selectExample(std::size_t index);

  const project::Project* project() const { return project_ ? &*project_ : nullptr; }
  const DatasetDocument* document() const { return document_.get(); }

 private Q_SLOTS:
  void chooseProject();
  void chooseDataset();
  void showAbout();
  void onSidebarItemChanged(QTreeWidgetItem* current);
  void onCurrentExampleChanged(const QModelIndex& current);
  void onFindingActivated(const QModelIndex& index);

 private:
  void createActions();
  void createWidgets();
  void fillSidebar();
  void showProjectDataset(int index);
  void setDocument(std::unique_ptr<DatasetDocument> document);
  void updateTitle();

  std::optional<project::Project> project_;
  std::unique_ptr<DatasetDocument> document_;
  QString standaloneDataset_;  // the file opened with openDataset(), when no project

  QTreeWidget* sidebar_ = nullptr;
  QLabel* datasetTitle_ = nullptr;
  QTableView* table_ = nullptr;
  DatasetTableModel* tableModel_ = nullptr;
  ConversationPreview* preview_ = nullptr;
  QLabel* findingsTitle_ = nullptr;
  QTreeView* findingsView_ = nullptr;
  FindingsModel* findingsModel_ = nullptr;
  QLabel* statusCounts_ = nullptr;
  QSplitter* mainSplitter_ = nullptr;
  QSplitter* centerSplitter_ = nullptr;
  QSplitter* tableSplitter_ = nullptr;
};

}  // namespace tunesmith::ui
