#include "ui/main_window.h"

#include <QAction>
#include <QApplication>
#include <QFileDialog>
#include <QFileInfo>
#include <QHeaderView>
#include <QIcon>
#include <QLabel>
#include <QLocale>
#include <QMenuBar>
#include <QMessageBox>
#include <QSplitter>
#include <QStatusBar>
#include <QTableView>
#include <QTreeView>
#include <QTreeWidget>
#include <QVBoxLayout>

#include <exception>

#include "core/data/io_error.h"
#include "ui/conversation_preview.h"
#include "ui/dataset_document.h"
#include "ui/dataset_table_model.h"
#include "ui/findings_model.h"

// Q_INIT_RESOURCE must be used outside any namespace.
static void initUiResources() { Q_INIT_RESOURCE(ui); }

namespace tunesmith::ui {

namespace {

enum SidebarRole { KindRole = Qt::UserRole + 1, DatasetIndexRole };
enum SidebarKind { GroupItem, DatasetItem, PlaceholderItem };

// A panel: a small bold caption above a widget.
QWidget* captioned(QLabel* caption, QWidget* content) {
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
  layout->addWidget(content, 1);
  return panel;
}

QString plural(std::size_t n, const char* one, const char* many) {
  return QStringLiteral("%1 %2").arg(QLocale().toString(qulonglong(n)), QLatin1String(n == 1 ? one : many));
}

// "2 errors, 1 note": the non-zero counts, most severe first.
QString finding_summary(const data::FindingCounts& c) {
  QStringList parts;
  if (c.errors) parts << plural(c.errors, "error", "errors");
  if (c.warnings) parts << plural(c.warnings, "warning", "warnings");
  if (c.notes) parts << plural(c.notes, "note", "notes");
  return parts.join(QStringLiteral(", "));
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
  createWidgets();
  createActions();
  resize(1280, 800);
  updateTitle();
  setDocument(nullptr);
}

MainWindow::~MainWindow() {
  // The views hold the models, which point into the document: drop them first.
  table_->setModel(nullptr);
  delete tableModel_;
}

void MainWindow::createActions() {
  QMenu* file = menuBar()->addMenu(tr("&File"));
  QAction* openProject = file->addAction(tr("Open &Project…"), this, &MainWindow::chooseProject);
  openProject->setShortcut(QKeySequence::Open);
  openProject->setObjectName(QStringLiteral("actionOpenProject"));
  QAction* openDataset = file->addAction(tr("Open &Dataset…"), this, &MainWindow::chooseDataset);
  openDataset->setShortcut(QKeySequence(tr("Ctrl+Shift+O")));
  openDataset->setObjectName(QStringLiteral("actionOpenDataset"));
  file->addSeparator();
  QAction* quit = file->addAction(tr("&Quit"), this, &QWidget::close);
  quit->setShortcut(QKeySequence(tr("Ctrl+Q")));
  quit->setMenuRole(QAction::QuitRole);
  quit->setObjectName(QStringLiteral("actionQuit"));

  QMenu* help = menuBar()->addMenu(tr("&Help"));
  QAction* about = help->addAction(tr("&About Tunesmith"), this, &MainWindow::showAbout);
  about->setMenuRole(QAction::AboutRole);
  help->addAction(tr("About &Qt"), qApp, &QApplication::aboutQt)->setMenuRole(QAction::AboutQtRole);
}

void MainWindow::createWidgets() {
  // Sidebar: the project's datasets, runs and evaluations.
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
  table_ = new QTableView;
  table_->setObjectName(QStringLiteral("datasetTable"));
  table_->setSelectionBehavior(QAbstractItemView::SelectRows);
  table_->setSelectionMode(QAbstractItemView::ExtendedSelection);
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
  datasetTitle_ = new QLabel;
  datasetTitle_->setObjectName(QStringLiteral("datasetTitle"));

  preview_ = new ConversationPreview;
  preview_->setObjectName(QStringLiteral("conversationPreview"));
  auto* previewCaption = new QLabel(tr("Conversation"));

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
  tableSplitter_->addWidget(captioned(datasetTitle_, table_));
  tableSplitter_->addWidget(captioned(previewCaption, preview_));
  tableSplitter_->setStretchFactor(0, 3);
  tableSplitter_->setStretchFactor(1, 2);
  tableSplitter_->setSizes({680, 380});

  centerSplitter_ = new QSplitter(Qt::Vertical);
  centerSplitter_->addWidget(tableSplitter_);
  centerSplitter_->addWidget(captioned(findingsTitle_, findingsView_));
  centerSplitter_->setStretchFactor(0, 4);
  centerSplitter_->setStretchFactor(1, 1);
  centerSplitter_->setSizes({560, 170});

  auto* sidebarCaption = new QLabel(tr("Project"));
  mainSplitter_ = new QSplitter(Qt::Horizontal);
  mainSplitter_->addWidget(captioned(sidebarCaption, sidebar_));
  mainSplitter_->addWidget(centerSplitter_);
  mainSplitter_->setStretchFactor(0, 0);
  mainSplitter_->setStretchFactor(1, 1);
  mainSplitter_->setSizes({200, 1080});
  mainSplitter_->setChildrenCollapsible(false);
  setCentralWidget(mainSplitter_);

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

bool MainWindow::openProject(const QString& folder, QString* error) {
  try {
    project::Project p = project::load_project(folder.toStdString());
    project_ = std::move(p);
  } catch (const std::exception& e) {
    if (error) *error = QString::fromStdString(e.what());
    return false;
  }
  standaloneDataset_.clear();
  updateTitle();
  fillSidebar();
  if (project_->datasets.empty()) {
    setDocument(nullptr);
  }
  return true;
}

bool MainWindow::openDataset(const QString& path, QString* error) {
  std::unique_ptr<DatasetDocument> doc;
  try {
    doc = std::make_unique<DatasetDocument>(
        load_dataset_document(path.toStdString(), QFileInfo(path).fileName().toStdString()));
  } catch (const std::exception& e) {
    if (error) *error = QString::fromStdString(e.what());
    return false;
  }
  project_.reset();
  standaloneDataset_ = path;
  updateTitle();
  setDocument(std::move(doc));
  fillSidebar();
  return true;
}

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
  if (datasets->childCount() == 0) placeholder(datasets, tr("No datasets"));

  QTreeWidgetItem* runs = group(tr("Runs"));
  QTreeWidgetItem* evaluations = group(tr("Evaluations"));
  if (project_) {
    for (const auto& r : project_->runs) placeholder(runs, QString::fromStdString(r));
    for (const auto& e : project_->evaluations) placeholder(evaluations, QString::fromStdString(e));
  }
  if (runs->childCount() == 0) placeholder(runs, tr("No runs yet"));
  if (evaluations->childCount() == 0) placeholder(evaluations, tr("No evaluations yet"));
  sidebar_->expandAll();

  block.unblock();
  if (first) sidebar_->setCurrentItem(first);  // shows the first dataset
}

void MainWindow::onSidebarItemChanged(QTreeWidgetItem* current) {
  if (!current || current->data(0, KindRole).toInt() != DatasetItem) return;
  const int index = current->data(0, DatasetIndexRole).toInt();
  if (index >= 0) showProjectDataset(index);
}

void MainWindow::showProjectDataset(int index) {
  if (!project_ || index < 0 || index >= static_cast<int>(project_->datasets.size())) return;
  const auto& entry = project_->datasets[static_cast<std::size_t>(index)];
  const std::string path = project_->resolve(entry.path);
  auto doc = std::make_unique<DatasetDocument>();
  try {
    *doc = load_dataset_document(path, entry.name);
  } catch (const std::exception& e) {
    // A dataset the project lists but that cannot be read: say so where findings go.
    doc->name = entry.name;
    doc->dataset.path = path;
    doc->findings.push_back({data::Severity::Error, "unreadable", path, 0, 0, e.what(), std::size_t(-1)});
    doc->counts = data::count_findings(doc->findings);
  }
  setDocument(std::move(doc));
}

void MainWindow::setDocument(std::unique_ptr<DatasetDocument> document) {
  // The old model points into the old document: replace the model, then the document.
  DatasetTableModel* old = tableModel_;
  QItemSelectionModel* oldSelection = table_->selectionModel();  // setModel() does not delete it
  tableModel_ = document ? new DatasetTableModel(&document->dataset, document->findings, this) : nullptr;
  table_->setModel(tableModel_);
  delete oldSelection;
  delete old;
  document_ = std::move(document);

  if (tableModel_) {
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
    connect(table_->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &MainWindow::onCurrentExampleChanged);
  }

  findingsModel_->setFindings(document_ ? document_->findings : std::vector<data::Finding>{});

  if (!document_) {
    datasetTitle_->setText(tr("No dataset open"));
    findingsTitle_->setText(tr("Findings"));
    statusCounts_->clear();
    preview_->showPlaceholder(tr("Open a project (Ctrl+O) or a dataset (Ctrl+Shift+O)."));
    return;
  }
  const auto& d = *document_;
  datasetTitle_->setText(QString::fromStdString(d.name));
  datasetTitle_->setToolTip(QString::fromStdString(d.dataset.path));
  const std::size_t n = d.dataset.examples.size();
  const QString errors = plural(d.counts.errors, "error", "errors");
  const QString warnings = plural(d.counts.warnings, "warning", "warnings");
  findingsTitle_->setText(d.findings.empty() ? tr("Findings: none, the dataset passes validation")
                                             : tr("Findings: %1").arg(finding_summary(d.counts)));
  statusCounts_->setText(tr("%1 \u00b7 %2 \u00b7 %3").arg(plural(n, "example", "examples"), errors, warnings));
  if (n > 0) {
    selectExample(0);
  } else {
    preview_->showPlaceholder(tr("This dataset has no examples."));
  }
}

void MainWindow::selectExample(std::size_t index) {
  if (!tableModel_ || index >= static_cast<std::size_t>(tableModel_->rowCount())) return;
  const QModelIndex idx = tableModel_->index(static_cast<int>(index), DatasetTableModel::FirstUserColumn);
  table_->selectionModel()->setCurrentIndex(idx, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
  table_->scrollTo(idx, QAbstractItemView::EnsureVisible);
}

void MainWindow::onCurrentExampleChanged(const QModelIndex& current) {
  if (!document_ || !current.isValid()) {
    preview_->showPlaceholder(tr("Select an example to see its conversation."));
    return;
  }
  const auto row = static_cast<std::size_t>(current.row());
  const auto& ds = document_->dataset;
  std::vector<data::Finding> about;
  for (const auto& f : document_->findings)
    if (f.example == row) about.push_back(f);
  preview_->showExample(ds.examples[row], row, row < ds.lines.size() ? ds.lines[row] : 0, std::move(about));
}

void MainWindow::onFindingActivated(const QModelIndex& index) {
  if (!document_ || !index.isValid()) return;
  const auto& f = findingsModel_->findings()[static_cast<std::size_t>(index.row())];
  const std::size_t example = document_->example_for(f);
  if (example == std::size_t(-1)) {
    statusBar()->showMessage(tr("This finding is about the file as a whole."), 5000);
    return;
  }
  if (f.example != example) {
    statusBar()->showMessage(
        tr("Line %1 could not be read, so it is not in the table; showing the example after it.").arg(f.line), 8000);
  }
  table_->scrollTo(tableModel_->index(static_cast<int>(example), 0), QAbstractItemView::PositionAtCenter);
  selectExample(example);
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

void MainWindow::showAbout() {
  QMessageBox::about(this, tr("About Tunesmith"),
                     tr("<h3>Tunesmith %1</h3>"
                        "<p>A desktop studio for fine-tuning language models: prepare chat datasets, "
                        "train LoRA adapters locally or with OpenAI, and compare the base and "
                        "fine-tuned models.</p>")
                         .arg(QStringLiteral(TUNESMITH_VERSION)));
}

}  // namespace tunesmith::ui
