#include "ui/main_window.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QComboBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QIcon>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMenuBar>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QSettings>
#include <QSplitter>
#include <QStackedWidget>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableView>
#include <QToolBar>
#include <QTreeView>
#include <QTreeWidget>
#include <QUndoGroup>
#include <QVBoxLayout>

#include <exception>

#include "core/data/io_error.h"
#include "ui/conversation_editor.h"
#include "ui/conversation_preview.h"
#include "ui/dataset_document.h"
#include "ui/dataset_filter_model.h"
#include "ui/dataset_table_model.h"
#include "ui/findings_model.h"
#include "ui/main_window_util.h"
#include "ui/settings_dialog.h"
#ifdef TUNESMITH_HAVE_TRAINING
#include "ui/training/training_hub.h"
#endif

// Q_INIT_RESOURCE must be used outside any namespace.
static void initUiResources() { Q_INIT_RESOURCE(ui); }

namespace tunesmith::ui {

using detail::plural;

namespace {

constexpr std::size_t npos = detail::npos;
constexpr int kMaxRecentProjects = 8;
const char* const kRecentKey = "recentProjects";

enum SidebarRole { KindRole = Qt::UserRole + 1, DatasetIndexRole, PageRole };
enum SidebarKind { GroupItem, DatasetItem, PlaceholderItem, PageItem };

// A panel: a small bold caption above a widget.
QWidget* captioned(QLabel* caption, QWidget* content, QWidget* extra = nullptr) {
  auto* panel = new QWidget;
  auto* layout = new QVBoxLayout(panel);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->setSpacing(0);
  QFont bold = caption->font();
  bold.setBold(true);
  caption->setFont(bold);
  caption->setContentsMargins(6, 4, 6, 4);
  caption->setTextFormat(Qt::PlainText);
  layout->addWidget(caption);
  if (extra) layout->addWidget(extra);
  layout->addWidget(content, 1);
  return panel;
}


// "2 errors, 1 note": the non-zero counts, most severe first.
QString finding_summary(const data::FindingCounts& c) {
  QStringList parts;
  if (c.errors) parts << plural(c.errors, "error", "errors");
  if (c.warnings) parts << plural(c.warnings, "warning", "warnings");
  if (c.notes) parts << plural(c.notes, "note", "notes");
  return parts.join(QStringLiteral(", "));
}

QString group_title(SidebarGroup g) {
  switch (g) {
    case SidebarGroup::Datasets: return MainWindow::tr("Datasets");
    case SidebarGroup::Models: return MainWindow::tr("Models");
    case SidebarGroup::Runs: return MainWindow::tr("Runs");
    case SidebarGroup::Evaluations: return MainWindow::tr("Evaluations");
  }
  return {};
}

}  // namespace

QIcon application_icon() {
  static bool initialized = false;
  if (!initialized) {
    initUiResources();
    initialized = true;
  }
  QIcon icon;
  icon.addFile(QStringLiteral(":/icons/tunesmith.svg"));
  icon.addFile(QStringLiteral(":/icons/tunesmith-256.png"));
  return icon;
}

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent) {
  setObjectName(QStringLiteral("mainWindow"));
  setWindowIcon(application_icon());
  setAcceptDrops(true);
  undoGroup_ = new QUndoGroup(this);
  createWidgets();
  createActions();
  resize(1280, 800);
  updateTitle();
  setDocument(nullptr);
#ifdef TUNESMITH_HAVE_TRAINING
  // Models, runs, the wizard and the playground, through the seams above (owned by this).
  new TrainingHub(this);
#endif
}

MainWindow::~MainWindow() {
  // The views hold the models, which point into the document: drop them first. The
  // document saves what was not saved yet when it goes.
  editor_->showExample(nullptr, npos);
  table_->setModel(nullptr);
  delete filterModel_;
  delete tableModel_;
  document_.reset();
}

// --- Actions and menus --------------------------------------------------------------

void MainWindow::createActions() {
  auto named = [](QAction* a, const char* name) {
    a->setObjectName(QLatin1String(name));
    return a;
  };
  QMenu* file = menuBar()->addMenu(tr("&File"));
  named(file->addAction(tr("&New Project…"), this, &MainWindow::chooseNewProject), "actionNewProject")
      ->setShortcut(QKeySequence(tr("Ctrl+Shift+N")));
  named(file->addAction(tr("Open &Project…"), this, &MainWindow::chooseProject), "actionOpenProject")
      ->setShortcut(QKeySequence::Open);
  recentMenu_ = file->addMenu(tr("Open &Recent"));
  recentMenu_->setObjectName(QStringLiteral("menuRecent"));
  connect(recentMenu_, &QMenu::aboutToShow, this, &MainWindow::updateRecentMenu);
  named(file->addAction(tr("Open &Dataset…"), this, &MainWindow::chooseDataset), "actionOpenDataset")
      ->setShortcut(QKeySequence(tr("Ctrl+Shift+O")));
  file->addSeparator();
  importAction_ = named(file->addAction(tr("&Import…"), this, &MainWindow::chooseImport), "actionImport");
  importAction_->setShortcut(QKeySequence(tr("Ctrl+I")));
  exportAction_ = named(file->addAction(tr("&Export Dataset…"), this, &MainWindow::chooseExport), "actionExport");
  exportAction_->setShortcut(QKeySequence(tr("Ctrl+E")));
  saveAction_ = named(file->addAction(tr("&Save"), this, [this] {
    QString error;
    if (document_ && !document_->saveNow(&error))
      QMessageBox::warning(this, tr("Save"), tr("The dataset was not saved:\n%1").arg(error));
  }), "actionSave");
  saveAction_->setShortcut(QKeySequence::Save);
  saveAction_->setToolTip(tr("Edits are saved automatically; this saves at once."));
  file->addSeparator();
  QAction* settings = named(file->addAction(tr("Se&ttings…"), this, &MainWindow::showSettings), "actionSettings");
  settings->setShortcut(QKeySequence(tr("Ctrl+,")));
  settings->setMenuRole(QAction::PreferencesRole);
  file->addSeparator();
  QAction* quit = named(file->addAction(tr("&Quit"), this, &QWidget::close), "actionQuit");
  quit->setShortcut(QKeySequence(tr("Ctrl+Q")));
  quit->setMenuRole(QAction::QuitRole);

  editMenu_ = menuBar()->addMenu(tr("&Edit"));
  undoAction_ = named(undoGroup_->createUndoAction(this, tr("&Undo")), "actionUndo");
  undoAction_->setShortcut(QKeySequence::Undo);
  redoAction_ = named(undoGroup_->createRedoAction(this, tr("&Redo")), "actionRedo");
  redoAction_->setShortcut(QKeySequence::Redo);
  // While a text box has focus, Ctrl+Z is its own undo (QPlainTextEdit handles the
  // shortcut first); elsewhere it undoes the last document edit.
  editMenu_->addAction(undoAction_);
  editMenu_->addAction(redoAction_);
  editMenu_->addSeparator();
  addExampleAction_ = named(editMenu_->addAction(tr("Add E&xample"), this, &MainWindow::addExample), "actionAddExample");
  addExampleAction_->setShortcut(QKeySequence(tr("Ctrl+Shift+E")));
  addExampleAction_->setIcon(style()->standardIcon(QStyle::SP_FileIcon));
  removeExampleAction_ =
      named(editMenu_->addAction(tr("Re&move Example"), this, &MainWindow::removeCurrentExample), "actionRemoveExample");
  removeExampleAction_->setShortcut(QKeySequence(tr("Ctrl+Shift+Backspace")));
  removeExampleAction_->setIcon(style()->standardIcon(QStyle::SP_TrashIcon));
  addMessageAction_ = named(editMenu_->addAction(tr("Add &Message"), this, [this] { editor_->addMessage(); }),
                            "actionAddMessage");
  addMessageAction_->setShortcut(QKeySequence(tr("Ctrl+M")));
  systemPromptAction_ = named(editMenu_->addAction(tr("Set S&ystem Prompt for All…"), this,
                                                   &MainWindow::setSystemPromptForAll),
                              "actionSetSystemPrompt");
  editMenu_->addSeparator();
  QAction* find = named(editMenu_->addAction(tr("&Find…"), this, [this] {
    search_->setFocus();
    search_->selectAll();
  }), "actionFind");
  find->setShortcut(QKeySequence::Find);

  datasetMenu_ = menuBar()->addMenu(tr("&Dataset"));
  named(datasetMenu_->addAction(tr("&Statistics…"), this, &MainWindow::showStats), "actionStats")
      ->setShortcut(QKeySequence(tr("Ctrl+Shift+T")));
  named(datasetMenu_->addAction(tr("S&plit into Train and Test…"), this, &MainWindow::showSplit), "actionSplit");
  named(datasetMenu_->addAction(tr("&Duplicates…"), this, &MainWindow::showDuplicates), "actionDuplicates")
      ->setShortcut(QKeySequence(tr("Ctrl+Shift+D")));
  named(datasetMenu_->addAction(tr("&Personal Data…"), this, &MainWindow::showPersonalData), "actionPersonalData");

  helpMenu_ = menuBar()->addMenu(tr("&Help"));
  QAction* about = helpMenu_->addAction(tr("&About Tunesmith"), this, &MainWindow::showAbout);
  about->setMenuRole(QAction::AboutRole);
  helpMenu_->addAction(tr("About &Qt"), qApp, &QApplication::aboutQt)->setMenuRole(QAction::AboutQtRole);

  // The editor's toolbar: the frequent example actions.
  auto* bar = findChild<QToolBar*>(QStringLiteral("editorToolBar"));
  bar->addAction(addExampleAction_);
  bar->addAction(removeExampleAction_);
  bar->addSeparator();
  // Shorter on the toolbar than in the menu, so the bar fits beside the table.
  auto* prompt = new QAction(tr("System Prompt…"), this);
  prompt->setObjectName(QStringLiteral("toolbarSystemPrompt"));
  prompt->setToolTip(tr("Set the system prompt of every example (one undo step)"));
  connect(prompt, &QAction::triggered, systemPromptAction_, &QAction::trigger);
  connect(systemPromptAction_, &QAction::enabledChanged, prompt, &QAction::setEnabled);
  bar->addAction(prompt);
}

QMenu* MainWindow::trainingMenu() {
  if (!trainingMenu_) {
    trainingMenu_ = new QMenu(tr("&Training"), this);
    trainingMenu_->setObjectName(QStringLiteral("menuTraining"));
    menuBar()->insertMenu(helpMenu_->menuAction(), trainingMenu_);
  }
  return trainingMenu_;
}

// --- Widgets ------------------------------------------------------------------------

QWidget* MainWindow::createFilterBar() {
  auto* bar = new QWidget;
  auto* layout = new QHBoxLayout(bar);
  layout->setContentsMargins(4, 2, 4, 4);
  layout->setSpacing(6);
  search_ = new QLineEdit;
  search_->setObjectName(QStringLiteral("searchField"));
  search_->setPlaceholderText(tr("Search messages (Ctrl+F)"));
  search_->setClearButtonEnabled(true);
  findingFilter_ = new QComboBox;
  findingFilter_->setObjectName(QStringLiteral("findingFilter"));
  using F = DatasetFilterModel::FindingFilter;
  findingFilter_->addItem(tr("All examples"), int(F::All));
  findingFilter_->addItem(tr("With findings"), int(F::WithFindings));
  findingFilter_->addItem(tr("With errors"), int(F::WithErrors));
  findingFilter_->addItem(tr("Warnings, no errors"), int(F::WithWarnings));
  findingFilter_->addItem(tr("Without findings"), int(F::WithoutFindings));
  findingFilter_->setToolTip(tr("Show only the examples with these validation findings"));
  filterCount_ = new QLabel;
  filterCount_->setObjectName(QStringLiteral("filterCount"));
  layout->addWidget(search_, 1);
  layout->addWidget(findingFilter_);
  layout->addWidget(filterCount_);
  // A filter change resets the table: keep the example being edited when it still shows.
  auto keepCurrent = [this](const std::function<void()>& change) {
    const std::size_t current = currentExample();
    change();
    updateFilterCount();
    if (!tableModel_) return;
    QModelIndex idx;
    if (current != npos) idx = filterModel_->mapFromSource(tableModel_->index(static_cast<int>(current), 1));
    // Hidden now: the first match takes its place (a reset does not say the current
    // row changed, so the editor is told explicitly when nothing matches).
    if (!idx.isValid()) idx = filterModel_->index(0, 1);
    if (!idx.isValid()) {
      onCurrentExampleChanged({});
      return;
    }
    table_->selectionModel()->setCurrentIndex(idx, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    table_->scrollTo(idx);
  };
  connect(search_, &QLineEdit::textChanged, this, [this, keepCurrent](const QString& text) {
    keepCurrent([&] { filterModel_->setSearchText(text); });
  });
  connect(findingFilter_, &QComboBox::currentIndexChanged, this, [this, keepCurrent] {
    keepCurrent([&] { filterModel_->setFindingFilter(static_cast<F>(findingFilter_->currentData().toInt())); });
  });
  return bar;
}

void MainWindow::createWidgets() {
  // Sidebar: the project's datasets, models, runs and evaluations.
  sidebar_ = new QTreeWidget;
  sidebar_->setObjectName(QStringLiteral("projectSidebar"));
  sidebar_->setHeaderHidden(true);
  sidebar_->setColumnCount(1);
  sidebar_->setRootIsDecorated(false);
  sidebar_->setIndentation(12);
  sidebar_->setUniformRowHeights(true);
  connect(sidebar_, &QTreeWidget::currentItemChanged, this, &MainWindow::onSidebarItemChanged);

  // The dataset table. Fixed row heights and no content-based sizing keep it smooth
  // at 100k rows: the view only asks for the rows it paints.
  filterModel_ = new DatasetFilterModel(this);
  table_ = new QTableView;
  table_->setObjectName(QStringLiteral("datasetTable"));
  table_->setSelectionBehavior(QAbstractItemView::SelectRows);
  table_->setSelectionMode(QAbstractItemView::ExtendedSelection);
  table_->setEditTriggers(QAbstractItemView::DoubleClicked | QAbstractItemView::EditKeyPressed);
  table_->setAlternatingRowColors(true);
  table_->setWordWrap(false);
  table_->setTextElideMode(Qt::ElideRight);
  table_->setShowGrid(false);
  table_->setCornerButtonEnabled(false);
  table_->verticalHeader()->hide();
  table_->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
  table_->verticalHeader()->setDefaultSectionSize(table_->fontMetrics().height() + 8);
  table_->horizontalHeader()->setHighlightSections(false);
  table_->horizontalHeader()->setMinimumSectionSize(36);
  table_->setModel(filterModel_);
  connect(table_->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
          &MainWindow::onCurrentExampleChanged);
  datasetTitle_ = new QLabel;
  datasetTitle_->setObjectName(QStringLiteral("datasetTitle"));

  editor_ = new ConversationEditor;
  editor_->setObjectName(QStringLiteral("conversationEditor"));
  auto* editorBar = new QToolBar;
  editorBar->setObjectName(QStringLiteral("editorToolBar"));
  editorBar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
  editorBar->setIconSize(QSize(16, 16));
  auto* editorPanel = new QWidget;
  auto* editorLayout = new QVBoxLayout(editorPanel);
  editorLayout->setContentsMargins(0, 0, 0, 0);
  editorLayout->setSpacing(0);
  editorLayout->addWidget(editorBar);
  editorLayout->addWidget(editor_, 1);

  preview_ = new ConversationPreview;
  preview_->setObjectName(QStringLiteral("conversationPreview"));
  sideTabs_ = new QTabWidget;
  sideTabs_->setObjectName(QStringLiteral("sideTabs"));
  sideTabs_->setDocumentMode(true);
  sideTabs_->addTab(editorPanel, tr("Edit"));
  sideTabs_->addTab(preview_, tr("Preview"));

  findingsModel_ = new FindingsModel(this);
  findingsView_ = new QTreeView;
  findingsView_->setObjectName(QStringLiteral("findingsView"));
  findingsView_->setModel(findingsModel_);
  findingsView_->setRootIsDecorated(false);
  findingsView_->setUniformRowHeights(true);
  findingsView_->setAlternatingRowColors(true);
  findingsView_->setSelectionBehavior(QAbstractItemView::SelectRows);
  findingsView_->setAllColumnsShowFocus(true);
  findingsView_->setWordWrap(false);
  findingsView_->setTextElideMode(Qt::ElideRight);
  findingsView_->header()->setStretchLastSection(true);
  findingsView_->header()->resizeSection(FindingsModel::SeverityColumn, 100);
  findingsView_->header()->resizeSection(FindingsModel::LineColumn, 70);
  findingsView_->header()->resizeSection(FindingsModel::CategoryColumn, 180);
  connect(findingsView_, &QAbstractItemView::activated, this, &MainWindow::onFindingActivated);
  findingsTitle_ = new QLabel;
  findingsTitle_->setObjectName(QStringLiteral("findingsTitle"));

  tableSplitter_ = new QSplitter(Qt::Horizontal);
  tableSplitter_->setObjectName(QStringLiteral("tableSplitter"));
  tableSplitter_->addWidget(captioned(datasetTitle_, table_, createFilterBar()));
  tableSplitter_->addWidget(sideTabs_);
  tableSplitter_->setStretchFactor(0, 3);
  tableSplitter_->setStretchFactor(1, 2);
  tableSplitter_->setSizes({620, 440});
  tableSplitter_->setChildrenCollapsible(false);

  centerSplitter_ = new QSplitter(Qt::Vertical);
  centerSplitter_->setObjectName(QStringLiteral("centerSplitter"));
  centerSplitter_->addWidget(tableSplitter_);
  centerSplitter_->addWidget(captioned(findingsTitle_, findingsView_));
  centerSplitter_->setStretchFactor(0, 4);
  centerSplitter_->setStretchFactor(1, 1);
  centerSplitter_->setSizes({560, 170});
  editorPage_ = centerSplitter_;

  stack_ = new QStackedWidget;
  stack_->setObjectName(QStringLiteral("pageStack"));
  stack_->addWidget(editorPage_);

  auto* sidebarCaption = new QLabel(tr("Project"));
  mainSplitter_ = new QSplitter(Qt::Horizontal);
  mainSplitter_->setObjectName(QStringLiteral("mainSplitter"));
  mainSplitter_->addWidget(captioned(sidebarCaption, sidebar_));
  mainSplitter_->addWidget(stack_);
  mainSplitter_->setStretchFactor(0, 0);
  mainSplitter_->setStretchFactor(1, 1);
  mainSplitter_->setSizes({200, 1080});
  mainSplitter_->setChildrenCollapsible(false);
  setCentralWidget(mainSplitter_);

  saveState_ = new QLabel;
  saveState_->setObjectName(QStringLiteral("saveState"));
  saveState_->setContentsMargins(4, 0, 8, 0);
  statusBar()->addPermanentWidget(saveState_);
  statusCounts_ = new QLabel;
  statusCounts_->setObjectName(QStringLiteral("statusCounts"));
  statusCounts_->setContentsMargins(4, 0, 8, 0);
  statusBar()->addPermanentWidget(statusCounts_);
}

void MainWindow::updateTitle() {
  QString name;
  if (project_) {
    name = QString::fromStdString(project_->name);
  } else if (!standaloneDataset_.isEmpty()) {
    name = QFileInfo(standaloneDataset_).fileName();
  }
  setWindowTitle(name.isEmpty() ? QStringLiteral("Tunesmith") : tr("%1 — Tunesmith").arg(name));
}

// --- Projects -----------------------------------------------------------------------

bool MainWindow::openProject(const QString& folder, QString* error) {
  try {
    project::Project p = project::load_project(folder.toStdString());
    project_ = std::move(p);
  } catch (const std::exception& e) {
    if (error) *error = QString::fromStdString(e.what());
    return false;
  }
  standaloneDataset_.clear();
  addRecentProject(QFileInfo(folder).absoluteFilePath());
  updateTitle();
  fillSidebar();
  if (project_->datasets.empty()) setDocument(nullptr);
  Q_EMIT projectChanged();
  return true;
}

bool MainWindow::newProject(const QString& folder, QString* error) {
  project::Project p;
  p.folder = folder.toStdString();
  p.name = QFileInfo(folder).fileName().toStdString();
  try {
    if (QFileInfo::exists(QString::fromStdString(p.file_path())))
      throw std::runtime_error(p.file_path() + ": a project already exists here");
    if (!QDir().mkpath(folder)) throw std::runtime_error(folder.toStdString() + ": cannot create the folder");
    project::save_project(p);
  } catch (const std::exception& e) {
    if (error) *error = QString::fromStdString(e.what());
    return false;
  }
  return openProject(folder, error);
}

bool MainWindow::updateProject(const std::function<void(project::Project&)>& change, QString* error) {
  if (!project_) {
    if (error) *error = tr("No project is open.");
    return false;
  }
  project::Project next = *project_;
  change(next);
  try {
    project::save_project(next);
  } catch (const std::exception& e) {
    if (error) *error = QString::fromStdString(e.what());
    return false;
  }
  project_ = std::move(next);
  // Keep the dataset shown: fillSidebar would select (and open) the first one.
  const std::string shown = document_ ? document_->dataset.path : std::string();
  if (shown.empty()) {
    fillSidebar();
  } else {
    QSignalBlocker block(sidebar_);
    fillSidebar();
    QTreeWidgetItem* datasets = sidebar_->topLevelItem(0);
    for (std::size_t i = 0; i < project_->datasets.size(); ++i) {
      if (project_->resolve(project_->datasets[i].path) == shown) sidebar_->setCurrentItem(datasets->child(static_cast<int>(i)));
    }
  }
  Q_EMIT projectChanged();
  return true;
}

void MainWindow::addRecentProject(const QString& folder) {
  QSettings settings;
  QStringList list = settings.value(QLatin1String(kRecentKey)).toStringList();
  list.removeAll(folder);
  list.prepend(folder);
  while (list.size() > kMaxRecentProjects) list.removeLast();
  settings.setValue(QLatin1String(kRecentKey), list);
}

QStringList MainWindow::recentProjects() const {
  return QSettings().value(QLatin1String(kRecentKey)).toStringList();
}

void MainWindow::updateRecentMenu() {
  recentMenu_->clear();
  const QStringList list = recentProjects();
  for (int i = 0; i < list.size(); ++i) {
    const QString folder = list[i];
    QAction* a = recentMenu_->addAction(QStringLiteral("&%1 %2").arg(i + 1).arg(QDir::toNativeSeparators(folder)));
    a->setEnabled(QFileInfo::exists(folder + QStringLiteral("/tunesmith.json")));
    connect(a, &QAction::triggered, this, [this, folder] {
      QString error;
      if (!openProject(folder, &error))
        QMessageBox::warning(this, tr("Open Project"), tr("Cannot open the project:\n%1").arg(error));
    });
  }
  if (list.isEmpty()) recentMenu_->addAction(tr("No recent projects"))->setEnabled(false);
}

bool MainWindow::openDataset(const QString& path, QString* error) {
  std::unique_ptr<DatasetDocument> doc;
  try {
    doc = load_dataset_document(path.toStdString(), QFileInfo(path).fileName().toStdString());
  } catch (const std::exception& e) {
    if (error) *error = QString::fromStdString(e.what());
    return false;
  }
  project_.reset();
  standaloneDataset_ = path;
  updateTitle();
  setDocument(std::move(doc));
  fillSidebar();
  Q_EMIT projectChanged();
  return true;
}

// --- Sidebar and pages --------------------------------------------------------------

void MainWindow::fillSidebar() {
  QSignalBlocker block(sidebar_);
  sidebar_->clear();
  auto group = [this](const QString& title) {
    auto* item = new QTreeWidgetItem(sidebar_, {title});
    item->setData(0, KindRole, GroupItem);
    item->setFlags(Qt::ItemIsEnabled);
    QFont f = item->font(0);
    f.setBold(true);
    item->setFont(0, f);
    item->setExpanded(true);
    return item;
  };
  auto placeholder = [](QTreeWidgetItem* parent, const QString& text) {
    auto* item = new QTreeWidgetItem(parent, {text});
    item->setData(0, KindRole, PlaceholderItem);
    item->setFlags(Qt::NoItemFlags);
    QFont f = item->font(0);
    f.setItalic(true);
    item->setFont(0, f);
  };
  auto pages_of = [this](SidebarGroup g, QTreeWidgetItem* parent) {
    for (const Page& p : pages_) {
      if (p.group != g) continue;
      auto* item = new QTreeWidgetItem(parent, {p.title});
      item->setData(0, KindRole, PageItem);
      item->setData(0, PageRole, QVariant::fromValue(static_cast<QObject*>(p.widget)));
    }
  };

  QTreeWidgetItem* datasets = group(tr("Datasets"));
  QTreeWidgetItem* first = nullptr;
  if (project_) {
    for (std::size_t i = 0; i < project_->datasets.size(); ++i) {
      const auto& d = project_->datasets[i];
      auto* item = new QTreeWidgetItem(datasets, {QString::fromStdString(d.name)});
      item->setData(0, KindRole, DatasetItem);
      item->setData(0, DatasetIndexRole, static_cast<int>(i));
      QString tip = QString::fromStdString(d.path);
      if (!d.split.empty()) tip += tr(" (%1 split)").arg(QString::fromStdString(d.split));
      item->setToolTip(0, tip);
      if (!first) first = item;
    }
  } else if (!standaloneDataset_.isEmpty()) {
    auto* item = new QTreeWidgetItem(datasets, {QFileInfo(standaloneDataset_).fileName()});
    item->setData(0, KindRole, DatasetItem);
    item->setData(0, DatasetIndexRole, -1);
    item->setToolTip(0, standaloneDataset_);
    first = item;
  }
  pages_of(SidebarGroup::Datasets, datasets);
  if (datasets->childCount() == 0) placeholder(datasets, tr("No datasets"));

  // Models, runs and evaluations: the pages other views registered, then what the
  // project lists that no page shows yet.
  const std::vector<std::string> none;
  const struct {
    SidebarGroup g;
    const std::vector<std::string>& listed;
    QString empty;
  } groups[] = {
      {SidebarGroup::Models, project_ ? project_->models : none, tr("No models yet")},
      {SidebarGroup::Runs, project_ ? project_->runs : none, tr("No runs yet")},
      {SidebarGroup::Evaluations, project_ ? project_->evaluations : none, tr("No evaluations yet")},
  };
  for (const auto& g : groups) {
    QTreeWidgetItem* item = group(group_title(g.g));
    pages_of(g.g, item);
    if (item->childCount() == 0) {
      for (const auto& name : g.listed) placeholder(item, QString::fromStdString(name));
    }
    if (item->childCount() == 0) placeholder(item, g.empty);
  }
  sidebar_->expandAll();

  block.unblock();
  if (first) sidebar_->setCurrentItem(first);  // shows the first dataset
}

QTreeWidgetItem* MainWindow::addSidebarPage(SidebarGroup group, const QString& title, QWidget* page) {
  pages_.push_back({group, title, page});
  stack_->addWidget(page);
  QTreeWidgetItem* current = sidebar_->currentItem();
  const QVariant currentPage = current ? current->data(0, PageRole) : QVariant();
  const int currentDataset = current && current->data(0, KindRole).toInt() == DatasetItem
                                 ? current->data(0, DatasetIndexRole).toInt()
                                 : -2;
  {
    // Refill without showing the first dataset again, then re-select what was selected.
    QSignalBlocker block(sidebar_);
    fillSidebar();
    QTreeWidgetItem* found = nullptr;
    for (QTreeWidgetItemIterator it(sidebar_); *it && !found; ++it) {
      const bool isPage = (*it)->data(0, KindRole).toInt() == PageItem;
      if ((isPage && (*it)->data(0, PageRole) == currentPage && currentPage.isValid()) ||
          (!isPage && (*it)->data(0, KindRole).toInt() == DatasetItem &&
           (*it)->data(0, DatasetIndexRole).toInt() == currentDataset))
        found = *it;
    }
    sidebar_->setCurrentItem(found);
  }
  for (QTreeWidgetItemIterator it(sidebar_); *it; ++it)
    if ((*it)->data(0, PageRole).value<QObject*>() == page) return *it;
  return nullptr;
}

void MainWindow::removeSidebarPage(QWidget* page) {
  std::erase_if(pages_, [page](const Page& p) { return p.widget == page; });
  if (stack_->currentWidget() == page) stack_->setCurrentWidget(editorPage_);
  stack_->removeWidget(page);
  page->deleteLater();
  QSignalBlocker block(sidebar_);
  fillSidebar();
}

void MainWindow::showPage(QWidget* page) {
  for (QTreeWidgetItemIterator it(sidebar_); *it; ++it) {
    if ((*it)->data(0, PageRole).value<QObject*>() == page) {
      sidebar_->setCurrentItem(*it);
      return;
    }
  }
  if (page == editorPage_) stack_->setCurrentWidget(editorPage_);
}

QWidget* MainWindow::currentPage() const { return stack_->currentWidget(); }

QList<QWidget*> MainWindow::sidebarPages() const {
  QList<QWidget*> list;
  for (const Page& p : pages_) list << p.widget;
  return list;
}

void MainWindow::showSideTab(int index) { sideTabs_->setCurrentIndex(index); }

void MainWindow::onSidebarItemChanged(QTreeWidgetItem* current) {
  if (!current) return;
  const int kind = current->data(0, KindRole).toInt();
  if (kind == PageItem) {
    if (auto* page = qobject_cast<QWidget*>(current->data(0, PageRole).value<QObject*>())) stack_->setCurrentWidget(page);
    return;
  }
  if (kind != DatasetItem) return;
  stack_->setCurrentWidget(editorPage_);
  const int index = current->data(0, DatasetIndexRole).toInt();
  if (index >= 0) showProjectDataset(index);
}

void MainWindow::showProjectDataset(int index) {
  if (!project_ || index < 0 || index >= static_cast<int>(project_->datasets.size())) return;
  const auto& entry = project_->datasets[static_cast<std::size_t>(index)];
  const std::string path = project_->resolve(entry.path);
  if (document_ && document_->dataset.path == path) return;  // already shown
  std::unique_ptr<DatasetDocument> doc;
  try {
    doc = load_dataset_document(path, entry.name);
  } catch (const std::exception& e) {
    // A dataset the project lists but that cannot be read: say so where findings go.
    doc = std::make_unique<DatasetDocument>();
    doc->name = entry.name;
    doc->dataset.path = path;
    doc->findings.push_back({data::Severity::Error, "unreadable", path, 0, 0, e.what(), npos});
    doc->counts = data::count_findings(doc->findings);
  }
  setDocument(std::move(doc));
}

// --- The document -------------------------------------------------------------------

void MainWindow::setDocument(std::unique_ptr<DatasetDocument> document) {
  // The old models point into the old document: replace them, then the document (which
  // saves unsaved edits as it goes).
  editor_->showExample(nullptr, npos);
  DatasetTableModel* old = tableModel_;
  tableModel_ = document ? new DatasetTableModel(document.get(), this) : nullptr;
  filterModel_->setSourceModel(tableModel_);
  delete old;
  if (document_) {
    QString error;
    if (document_->isDirty() && document_->canSave() && !document_->saveNow(&error))
      QMessageBox::warning(this, tr("Save"), tr("The dataset was not saved:\n%1").arg(error));
  }
  document_ = std::move(document);

  if (document_) {
    undoGroup_->addStack(document_->undoStack());
    undoGroup_->setActiveStack(document_->undoStack());
    connect(document_.get(), &DatasetDocument::findingsChanged, this, &MainWindow::updateFindings);
    connect(document_.get(), &DatasetDocument::saved, this, &MainWindow::updateSaveState);
    connect(document_.get(), &DatasetDocument::saveFailed, this, &MainWindow::updateSaveState);
    connect(document_->undoStack(), &QUndoStack::indexChanged, this, [this] {
      updateSaveState();
      refreshPreview();
    });
    connect(tableModel_, &QAbstractItemModel::rowsInserted, this, &MainWindow::updateFilterCount);
    connect(tableModel_, &QAbstractItemModel::rowsRemoved, this, [this] {
      updateFilterCount();
      onCurrentExampleChanged(table_->selectionModel()->currentIndex());
    });
    QHeaderView* h = table_->horizontalHeader();
    const QFontMetrics fm = table_->fontMetrics();
    const int digits = QString::number(std::max(tableModel_->rowCount(), 100)).size();
    h->setSectionResizeMode(DatasetTableModel::IndexColumn, QHeaderView::Interactive);
    h->resizeSection(DatasetTableModel::IndexColumn, fm.horizontalAdvance(QString(digits, QLatin1Char('0'))) + 20);
    h->setSectionResizeMode(DatasetTableModel::FirstUserColumn, QHeaderView::Stretch);
    h->setSectionResizeMode(DatasetTableModel::LastAssistantColumn, QHeaderView::Stretch);
    h->resizeSection(DatasetTableModel::MessagesColumn, fm.horizontalAdvance(tr("Msgs")) + 24);
    h->resizeSection(DatasetTableModel::TokensColumn, fm.horizontalAdvance(tr("Tokens")) + 24);
    h->resizeSection(DatasetTableModel::FindingsColumn, fm.horizontalAdvance(tr("Findings")) + 24);
  }
  updateFindings();
  updateSaveState();
  updateFilterCount();
  updateActions();
  Q_EMIT documentChanged();

  if (!document_) {
    datasetTitle_->setText(tr("No dataset open"));
    preview_->showPlaceholder(tr("Open a project (Ctrl+O) or a dataset (Ctrl+Shift+O)."));
    return;
  }
  datasetTitle_->setText(QString::fromStdString(document_->name));
  datasetTitle_->setToolTip(QString::fromStdString(document_->dataset.path));
  if (!document_->dataset.examples.empty()) {
    selectExample(0);
  } else {
    preview_->showPlaceholder(tr("This dataset has no examples."));
  }
}

void MainWindow::updateFindings() {
  findingsModel_->setFindings(document_ ? document_->findings : std::vector<data::Finding>{});
  if (!document_) {
    findingsTitle_->setText(tr("Findings"));
    statusCounts_->clear();
    return;
  }
  const auto& d = *document_;
  const QString errors = plural(d.counts.errors, "error", "errors");
  const QString warnings = plural(d.counts.warnings, "warning", "warnings");
  findingsTitle_->setText(d.findings.empty() ? tr("Findings: none, the dataset passes validation")
                                             : tr("Findings: %1").arg(finding_summary(d.counts)));
  statusCounts_->setText(
      tr("%1 \u00b7 %2 \u00b7 %3").arg(plural(d.dataset.examples.size(), "example", "examples"), errors, warnings));
  refreshPreview();
}

void MainWindow::updateSaveState() {
  if (!document_) {
    saveState_->clear();
    return;
  }
  if (!document_->canSave()) {
    saveState_->setText(tr("Not saved automatically"));
    saveState_->setToolTip(document_->saveBlockedReason());
  } else {
    saveState_->setText(document_->isDirty() ? tr("Saving…") : tr("All changes saved"));
    saveState_->setToolTip(tr("Every edit is saved to %1 shortly after you make it.")
                               .arg(QDir::toNativeSeparators(QString::fromStdString(document_->dataset.path))));
  }
}

void MainWindow::updateFilterCount() {
  const int total = tableModel_ ? tableModel_->rowCount() : 0;
  const int shown = filterModel_->rowCount();
  filterCount_->setText(filterModel_->isFiltering() ? tr("%1 of %2").arg(QLocale().toString(shown), QLocale().toString(total))
                                                    : QString());
}

void MainWindow::updateActions() {
  const bool doc = document_ != nullptr;
  const bool row = currentExample() != npos;
  for (QAction* a : {exportAction_, addExampleAction_, systemPromptAction_, saveAction_}) a->setEnabled(doc);
  for (QAction* a : {removeExampleAction_, addMessageAction_}) a->setEnabled(doc && row);
  search_->setEnabled(doc);
  findingFilter_->setEnabled(doc);
  if (datasetMenu_) datasetMenu_->setEnabled(doc);
}

std::size_t MainWindow::currentExample() const {
  const QModelIndex current = table_->selectionModel()->currentIndex();
  if (!tableModel_ || !current.isValid()) return npos;
  return static_cast<std::size_t>(filterModel_->mapToSource(current).row());
}

void MainWindow::selectExample(std::size_t index) {
  if (!tableModel_ || index >= static_cast<std::size_t>(tableModel_->rowCount())) return;
  const QModelIndex source = tableModel_->index(static_cast<int>(index), DatasetTableModel::FirstUserColumn);
  QModelIndex idx = filterModel_->mapFromSource(source);
  if (!idx.isValid()) {  // hidden by the filters: clear them so the example can be shown
    search_->clear();
    findingFilter_->setCurrentIndex(0);
    idx = filterModel_->mapFromSource(source);
  }
  table_->selectionModel()->setCurrentIndex(idx, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
  table_->scrollTo(idx, QAbstractItemView::EnsureVisible);
}

void MainWindow::onCurrentExampleChanged(const QModelIndex&) {
  const std::size_t row = currentExample();
  updateActions();
  if (!document_ || row == npos) {
    editor_->showExample(document_.get(), npos);
    if (document_) preview_->showPlaceholder(tr("Select an example to see its conversation."));
    return;
  }
  if (editor_->document() != document_.get() || editor_->shownExample() != row) editor_->showExample(document_.get(), row);
  refreshPreview();
}

void MainWindow::refreshPreview() {
  const std::size_t row = currentExample();
  if (!document_ || row == npos || row >= document_->dataset.examples.size()) return;
  const auto& ds = document_->dataset;
  std::vector<data::Finding> about;
  for (const auto& f : document_->findings)
    if (f.example == row) about.push_back(f);
  preview_->showExample(ds.examples[row], row, ds.lines[row], std::move(about));
}

void MainWindow::onFindingActivated(const QModelIndex& index) {
  if (!document_ || !index.isValid()) return;
  const auto& f = findingsModel_->findings()[static_cast<std::size_t>(index.row())];
  const std::size_t example = document_->example_for(f);
  if (example == npos) {
    statusBar()->showMessage(tr("This finding is about the file as a whole."), 5000);
    return;
  }
  if (f.example != example) {
    statusBar()->showMessage(
        tr("Line %1 could not be read, so it is not in the table; showing the example after it.").arg(f.line), 8000);
  }
  selectExample(example);
  table_->scrollTo(table_->selectionModel()->currentIndex(), QAbstractItemView::PositionAtCenter);
}

// --- Editing ------------------------------------------------------------------------

void MainWindow::addExample() {
  if (!document_) return;
  const std::size_t current = currentExample();
  const std::size_t at = current == npos ? document_->dataset.examples.size() : current + 1;
  data::Conversation example;
  // A new example starts like its neighbour: same system prompt, an empty question
  // and answer to fill in.
  const auto& ds = document_->dataset;
  const std::size_t like = current != npos ? current : (ds.examples.empty() ? npos : ds.examples.size() - 1);
  if (like != npos && ds.examples[like].message_count() > 0 && ds.examples[like].role(0) == "system")
    example.insert_message(0, "system", ds.examples[like].text(0));
  example.insert_message(example.message_count(), "user", "");
  example.insert_message(example.message_count(), "assistant", "");
  document_->insertExample(at, std::move(example), tr("Add example %1").arg(at + 1));
  selectExample(at);
  sideTabs_->setCurrentIndex(0);
  // Focus the question, ready to type.
  for (std::size_t i = 0; i < editor_->messageRows(); ++i) {
    if (editor_->roleBox(i)->currentText() == QLatin1String("user")) {
      editor_->textEdit(i)->setFocus();
      break;
    }
  }
}

void MainWindow::removeCurrentExample() {
  const std::size_t row = currentExample();
  if (!document_ || row == npos) return;
  document_->removeExample(row);
  const std::size_t n = document_->dataset.examples.size();
  if (n > 0) selectExample(std::min(row, n - 1));
}

void MainWindow::setSystemPromptForAll() {
  if (!document_) return;
  const auto& ds = document_->dataset;
  QString current;
  if (!ds.examples.empty() && ds.examples[0].message_count() > 0 && ds.examples[0].role(0) == "system")
    current = QString::fromStdString(ds.examples[0].text(0));
  bool ok = false;
  const QString prompt = QInputDialog::getMultiLineText(
      this, tr("Set System Prompt"),
      tr("The system prompt of every example (%1); one undo step.").arg(plural(ds.examples.size(), "example", "examples")),
      current, &ok);
  if (!ok) return;
  const std::size_t changed = document_->setSystemPromptAll(prompt.toStdString());
  statusBar()->showMessage(tr("System prompt set in %1.").arg(plural(changed, "example", "examples")), 5000);
}

// --- Dialogs and window state -------------------------------------------------------

void MainWindow::chooseNewProject() {
  const QString folder = QFileDialog::getExistingDirectory(this, tr("New Project: choose an empty folder"));
  if (folder.isEmpty()) return;
  QString error;
  if (!newProject(folder, &error))
    QMessageBox::warning(this, tr("New Project"), tr("Cannot create the project:\n%1").arg(error));
}

void MainWindow::chooseProject() {
  const QString folder = QFileDialog::getExistingDirectory(this, tr("Open Project"));
  if (folder.isEmpty()) return;
  QString error;
  if (!openProject(folder, &error))
    QMessageBox::warning(this, tr("Open Project"), tr("Cannot open the project:\n%1").arg(error));
}

void MainWindow::chooseDataset() {
  const QString path = QFileDialog::getOpenFileName(this, tr("Open Dataset"), QString(),
                                                    tr("Chat datasets (*.jsonl);;All files (*)"));
  if (path.isEmpty()) return;
  QString error;
  if (!openDataset(path, &error))
    QMessageBox::warning(this, tr("Open Dataset"), tr("Cannot open the dataset:\n%1").arg(error));
}

void MainWindow::showSettings() {
  SettingsDialog dialog(this);
  dialog.exec();
}

void MainWindow::showAbout() {
  QMessageBox::about(this, tr("About Tunesmith"),
                     tr("<h3>Tunesmith %1</h3>"
                        "<p>A desktop studio for fine-tuning language models: prepare chat datasets, "
                        "train LoRA adapters locally or with OpenAI, and compare the base and "
                        "fine-tuned models.</p>")
                         .arg(QStringLiteral(TUNESMITH_VERSION)));
}

void MainWindow::restoreWindowState() {
  QSettings settings;
  const QByteArray geometry = settings.value(QStringLiteral("window/geometry")).toByteArray();
  if (!geometry.isEmpty()) restoreGeometry(geometry);
  restoreState(settings.value(QStringLiteral("window/state")).toByteArray());
  mainSplitter_->restoreState(settings.value(QStringLiteral("window/mainSplitter")).toByteArray());
  centerSplitter_->restoreState(settings.value(QStringLiteral("window/centerSplitter")).toByteArray());
  tableSplitter_->restoreState(settings.value(QStringLiteral("window/tableSplitter")).toByteArray());
  setProperty("saveWindowState", true);
}

void MainWindow::saveWindowState() const {
  QSettings settings;
  settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
  settings.setValue(QStringLiteral("window/state"), saveState());
  settings.setValue(QStringLiteral("window/mainSplitter"), mainSplitter_->saveState());
  settings.setValue(QStringLiteral("window/centerSplitter"), centerSplitter_->saveState());
  settings.setValue(QStringLiteral("window/tableSplitter"), tableSplitter_->saveState());
}

void MainWindow::closeEvent(QCloseEvent* event) {
  if (document_ && document_->isDirty() && document_->canSave()) {
    QString error;
    if (!document_->saveNow(&error)) {
      const auto answer = QMessageBox::warning(
          this, tr("Save"), tr("The dataset could not be saved:\n%1\n\nClose anyway and lose the last edits?").arg(error),
          QMessageBox::Close | QMessageBox::Cancel, QMessageBox::Cancel);
      if (answer != QMessageBox::Close) {
        event->ignore();
        return;
      }
    }
  }
  if (property("saveWindowState").toBool()) saveWindowState();
  event->accept();
}

}  // namespace tunesmith::ui
