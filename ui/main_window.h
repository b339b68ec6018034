#pragma once
// The main window: the project sidebar (Datasets, Models, Runs, Evaluations), the open
// dataset as an editable table with search and filters, the conversation editor and
// preview beside it, the live validation findings below, and the status bar.
//
// Other parts of the app (training wizard, run view, model picker, playground) plug in
// through addSidebarPage() and trainingMenu(); see the notes in ARCHITECTURE.md.
#include <QMainWindow>

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>

#include "core/data/import.h"
#include "core/project/project.h"

class QAction;
class QComboBox;
class QIcon;
class QLabel;
class QLineEdit;
class QMenu;
class QModelIndex;
class QSplitter;
class QStackedWidget;
class QTabWidget;
class QTableView;
class QTreeView;
class QTreeWidget;
class QTreeWidgetItem;
class QUndoGroup;

namespace tunesmith::ui {

class ConversationEditor;
class ConversationPreview;
class DatasetFilterModel;
class DatasetTableModel;
class FindingsModel;
class DatasetDocument;

// The application icon from the resources (SVG where Qt can render it, else PNG).
QIcon application_icon();

enum class SidebarGroup { Datasets, Models, Runs, Evaluations };

class MainWindow final : public QMainWindow {
  Q_OBJECT

 public:
  explicit MainWindow(QWidget* parent = nullptr);
  ~MainWindow() override;

  // Opens a project folder and shows its first dataset. On failure the window keeps
  // what it showed, and `error` (when given) says why.
  bool openProject(const QString& folder, QString* error = nullptr);
  // Writes a new, empty project (tunesmith.json) into `folder` and opens it.
  bool newProject(const QString& folder, QString* error = nullptr);
  // Opens a JSONL file on its own, outside any project.
  bool openDataset(const QString& path, QString* error = nullptr);

  // Imports a JSONL/CSV/Alpaca/ShareGPT file, the path drag and drop and File > Import
  // take: the examples are appended to the open dataset as one undo step; with no
  // dataset open, a project gets a new dataset file, otherwise a JSONL file opens.
  // `options` (CSV columns, default system prompt) are what the import dialog chose.
  // Returns the number of examples added; `findings` gets the rows that were skipped.
  bool importFile(const QString& path, const data::ImportOptions& options, std::size_t* added = nullptr,
                  QString* error = nullptr);
  // Writes the open dataset to `path` (atomic), e.g. File > Export.
  bool exportDataset(const QString& path, QString* error = nullptr);

  // Selects the example's row (clearing filters that hide it), scrolls to it and shows
  // it in the editor and preview.
  void selectExample(std::size_t index);
  // The example shown in the editor (npos when none).
  std::size_t currentExample() const;

  const project::Project* project() const { return project_ ? &*project_ : nullptr; }
  const DatasetDocument* document() const { return document_.get(); }
  DatasetDocument* document() { return document_.get(); }
  // Applies `change` to the project, saves tunesmith.json atomically and refreshes the
  // sidebar. False (with `error`) when no project is open or the save failed.
  bool updateProject(const std::function<void(project::Project&)>& change, QString* error = nullptr);

  // --- Seams for the other views (training, runs, models, playground).
  // Adds an entry under `group`; selecting it shows `page` in the central area (the
  // dataset editor is the first page). The window owns `page`. Entries stay across
  // project reloads.
  QTreeWidgetItem* addSidebarPage(SidebarGroup group, const QString& title, QWidget* page);
  void removeSidebarPage(QWidget* page);
  void showPage(QWidget* page);
  QWidget* currentPage() const;
  // The pages added with addSidebarPage, in order (the screenshot tool renders each).
  QList<QWidget*> sidebarPages() const;
  // The editor's side tabs: 0 = Edit, 1 = Preview.
  void showSideTab(int index);
  // A "&Training" menu before Help, created on first use.
  QMenu* trainingMenu();

  // Window geometry and splitter state: restored from and saved to QSettings. The app
  // calls restoreWindowState() at start; tests and screenshots do not.
  void restoreWindowState();
  void saveWindowState() const;

  // The recent projects (most recent first), kept in QSettings.
  QStringList recentProjects() const;

 Q_SIGNALS:
  void projectChanged();
  void documentChanged();

 protected:
  void closeEvent(QCloseEvent* event) override;
  void dragEnterEvent(QDragEnterEvent* event) override;
  void dropEvent(QDropEvent* event) override;

 private Q_SLOTS:
  void chooseNewProject();
  void chooseProject();
  void chooseDataset();
  void chooseImport();
  void chooseExport();
  void showSettings();
  void showAbout();
  void showStats();
  void showSplit();
  void showDuplicates();
  void showPersonalData();
  void onSidebarItemChanged(QTreeWidgetItem* current);
  void onCurrentExampleChanged(const QModelIndex& current);
  void onFindingActivated(const QModelIndex& index);

 private:
  void createActions();
  void createWidgets();
  QWidget* createFilterBar();
  void fillSidebar();
  void showProjectDataset(int index);
  void setDocument(std::unique_ptr<DatasetDocument> document);
  void updateTitle();
  void updateFindings();
  void updateSaveState();
  void updateFilterCount();
  void updateActions();
  void updateRecentMenu();
  void addRecentProject(const QString& folder);
  void refreshPreview();
  void addExample();
  void removeCurrentExample();
  void setSystemPromptForAll();
  // Asks the user for CSV columns etc. (a dialog); false when cancelled.
  bool askImportOptions(const QString& path, data::ImportOptions& options);

  std::optional<project::Project> project_;
  std::unique_ptr<DatasetDocument> document_;
  QString standaloneDataset_;  // the file opened with openDataset(), when no project

  struct Page {
    SidebarGroup group;
    QString title;
    QWidget* widget;
  };
  std::vector<Page> pages_;

  QTreeWidget* sidebar_ = nullptr;
  QStackedWidget* stack_ = nullptr;
  QWidget* editorPage_ = nullptr;
  QLabel* datasetTitle_ = nullptr;
  QLineEdit* search_ = nullptr;
  QComboBox* findingFilter_ = nullptr;
  QLabel* filterCount_ = nullptr;
  QTableView* table_ = nullptr;
  DatasetTableModel* tableModel_ = nullptr;
  DatasetFilterModel* filterModel_ = nullptr;
  QTabWidget* sideTabs_ = nullptr;
  ConversationEditor* editor_ = nullptr;
  ConversationPreview* preview_ = nullptr;
  QLabel* findingsTitle_ = nullptr;
  QTreeView* findingsView_ = nullptr;
  FindingsModel* findingsModel_ = nullptr;
  QLabel* statusCounts_ = nullptr;
  QLabel* saveState_ = nullptr;
  QSplitter* mainSplitter_ = nullptr;
  QSplitter* centerSplitter_ = nullptr;
  QSplitter* tableSplitter_ = nullptr;
  QUndoGroup* undoGroup_ = nullptr;
  QMenu* editMenu_ = nullptr;
  QMenu* recentMenu_ = nullptr;
  QMenu* trainingMenu_ = nullptr;
  QMenu* helpMenu_ = nullptr;
  QAction* undoAction_ = nullptr;
  QAction* redoAction_ = nullptr;
  QAction* addExampleAction_ = nullptr;
  QAction* removeExampleAction_ = nullptr;
  QAction* addMessageAction_ = nullptr;
  QAction* systemPromptAction_ = nullptr;
  QAction* exportAction_ = nullptr;
  QAction* importAction_ = nullptr;
  QAction* saveAction_ = nullptr;
  QMenu* datasetMenu_ = nullptr;
};

}  // namespace tunesmith::ui
