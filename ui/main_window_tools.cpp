// MainWindow: import, export, drag and drop, and the dataset tools (statistics, split,
// duplicates, personal data). The rest of the window is in main_window.cpp.
#include <QDir>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QMessageBox>
#include <QMimeData>
#include <QStatusBar>
#include <QTabWidget>
#include <QUrl>

#include <exception>

#include "core/text/tokenizer_token_counter.h"
#include "ui/csv_import_dialog.h"
#include "ui/dataset_document.h"
#include "ui/main_window.h"
#include "ui/main_window_util.h"
#include "ui/review_dialogs.h"
#include "ui/split_dialog.h"
#include "ui/stats_dialog.h"

namespace tunesmith::ui {

using detail::format_of;
using detail::plural;

// --- Import and export --------------------------------------------------------------

bool MainWindow::importFile(const QString& path, const data::ImportOptions& options, std::size_t* added,
                            QString* error) {
  const auto format = format_of(path);
  if (!format) {
    if (error) *error = tr("%1: not a format Tunesmith imports (JSONL, CSV, Alpaca or ShareGPT JSON)").arg(path);
    return false;
  }
  data::ImportResult result;
  try {
    result = data::import_file(path.toStdString(), *format, options);
  } catch (const std::exception& e) {
    if (error) *error = QString::fromStdString(e.what());
    return false;
  }
  const std::size_t n = result.examples.size();
  if (added) *added = n;
  const data::FindingCounts skipped = data::count_findings(result.findings);
  if (skipped.errors > 0)
    statusBar()->showMessage(tr("%1 skipped in %2 (see the import's line numbers with tunesmith-cli import).")
                                 .arg(plural(skipped.errors, "record", "records"), QFileInfo(path).fileName()),
                             10000);
  if (document_) {
    const std::size_t at = document_->dataset.examples.size();
    document_->insertExamples(at, std::move(result.examples),
                              tr("Import %1 from %2").arg(plural(n, "example", "examples"), QFileInfo(path).fileName()));
    if (n > 0) selectExample(at);
    return true;
  }
  if (project_) {
    // A new dataset file in the project, named after the imported file.
    const QString base = QFileInfo(path).completeBaseName();
    QString relative = base + QStringLiteral(".jsonl");
    for (int k = 2; QFileInfo::exists(QString::fromStdString(project_->resolve(relative.toStdString()))); ++k)
      relative = QStringLiteral("%1-%2.jsonl").arg(base).arg(k);
    try {
      data::save_jsonl(project_->resolve(relative.toStdString()), result.examples);
    } catch (const std::exception& e) {
      if (error) *error = QString::fromStdString(e.what());
      return false;
    }
    const bool ok = updateProject(
        [&](project::Project& p) { p.datasets.push_back({base.toStdString(), relative.toStdString(), ""}); }, error);
    if (ok) showProjectDataset(static_cast<int>(project_->datasets.size()) - 1);
    return ok;
  }
  if (error) *error = tr("Open a project or a dataset first, then import into it.");
  return false;
}

bool MainWindow::exportDataset(const QString& path, QString* error) {
  if (!document_) {
    if (error) *error = tr("No dataset is open.");
    return false;
  }
  try {
    data::save_jsonl(path.toStdString(), document_->dataset.examples);
  } catch (const std::exception& e) {
    if (error) *error = QString::fromStdString(e.what());
    return false;
  }
  return true;
}

bool MainWindow::askImportOptions(const QString& path, data::ImportOptions& options) {
  if (format_of(path) != data::ImportFormat::Csv) return true;
  CsvImportDialog dialog(path, this);
  if (dialog.exec() != QDialog::Accepted) return false;
  options = dialog.options();
  return true;
}

void MainWindow::chooseImport() {
  const QString path = QFileDialog::getOpenFileName(
      this, tr("Import"), QString(),
      tr("Datasets (*.jsonl *.csv *.tsv *.json);;Chat JSONL (*.jsonl);;CSV (*.csv *.tsv);;Alpaca or ShareGPT JSON (*.json)"));
  if (path.isEmpty()) return;
  data::ImportOptions options;
  if (!askImportOptions(path, options)) return;
  QString error;
  std::size_t added = 0;
  if (!importFile(path, options, &added, &error)) {
    QMessageBox::warning(this, tr("Import"), tr("Cannot import the file:\n%1").arg(error));
    return;
  }
  statusBar()->showMessage(tr("Imported %1.").arg(plural(added, "example", "examples")), 5000);
}

void MainWindow::chooseExport() {
  if (!document_) return;
  const QString path = QFileDialog::getSaveFileName(this, tr("Export Dataset"),
                                                    QString::fromStdString(document_->dataset.path),
                                                    tr("Chat JSONL (*.jsonl)"));
  if (path.isEmpty()) return;
  QString error;
  if (!exportDataset(path, &error)) QMessageBox::warning(this, tr("Export"), tr("Cannot export:\n%1").arg(error));
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event) {
  if (!event->mimeData()->hasUrls()) {
    event->ignore();
    return;
  }
  for (const QUrl& url : event->mimeData()->urls()) {
    if (!url.isLocalFile() || !format_of(url.toLocalFile())) {
      event->ignore();
      return;
    }
  }
  event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* event) {
  const QList<QUrl> urls = event->mimeData()->urls();
  event->acceptProposedAction();
  // After the drop returns: a dialog inside a drop handler blocks the drag source.
  QMetaObject::invokeMethod(this, [this, urls] {
    for (const QUrl& url : urls) {
      const QString path = url.toLocalFile();
      if (!document_ && !project_ && format_of(path) == data::ImportFormat::OpenAi) {
        QString error;
        if (!openDataset(path, &error)) QMessageBox::warning(this, tr("Open Dataset"), error);
        continue;
      }
      data::ImportOptions options;
      if (!askImportOptions(path, options)) continue;
      QString error;
      std::size_t added = 0;
      if (!importFile(path, options, &added, &error))
        QMessageBox::warning(this, tr("Import"), tr("Cannot import %1:\n%2").arg(QFileInfo(path).fileName(), error));
      else
        statusBar()->showMessage(tr("Imported %1 from %2.").arg(plural(added, "example", "examples"), QFileInfo(path).fileName()), 5000);
    }
  }, Qt::QueuedConnection);
}

void MainWindow::showStats() {
  if (!document_) return;
  // The project's tokenizer when one of its models has one; else the labelled estimate.
  std::optional<text::TokenizerTokenCounter> counter;
  QString name;
  if (project_) {
    for (const auto& m : project_->models) {
      const std::string dir = project_->resolve(m);
      if (!QFileInfo::exists(QString::fromStdString(dir + "/tokenizer.json"))) continue;
      try {
        counter.emplace(text::Tokenizer::from_dir(dir));
        name = QFileInfo(QString::fromStdString(dir)).fileName();
        break;
      } catch (const std::exception&) {
        // An unreadable tokenizer: try the next model, else estimate.
      }
    }
  }
  StatsDialog dialog(document_->dataset, counter ? &*counter : nullptr, name, this);
  dialog.exec();
}

void MainWindow::showSplit() {
  if (!document_) return;
  SplitDialog dialog(document_->dataset, this);
  if (dialog.exec() != QDialog::Accepted || !dialog.result()) return;
  try {
    const auto [train, test] = dialog.writeFiles();
    if (project_) {
      const QDir folder(QString::fromStdString(project_->folder));
      QString error;
      updateProject([&, train = train, test = test](project::Project& p) {
        const std::string base = document_->name;
        p.datasets.push_back({base + " (train)", folder.relativeFilePath(QString::fromStdString(train)).toStdString(), "train"});
        p.datasets.push_back({base + " (test)", folder.relativeFilePath(QString::fromStdString(test)).toStdString(), "test"});
      }, &error);
    }
    statusBar()->showMessage(tr("Wrote %1 and %2.").arg(QString::fromStdString(train), QString::fromStdString(test)), 8000);
  } catch (const std::exception& e) {
    QMessageBox::warning(this, tr("Split"), tr("Cannot write the split:\n%1").arg(QString::fromStdString(e.what())));
  }
}

void MainWindow::showDuplicates() {
  if (!document_) return;
  auto* dialog = new DuplicatesDialog(document_.get(), this);
  dialog->setAttribute(Qt::WA_DeleteOnClose);
  connect(dialog, &DuplicatesDialog::exampleActivated, this, &MainWindow::selectExample);
  connect(document_.get(), &QObject::destroyed, dialog, &QWidget::close);  // it points into the document
  dialog->show();
}

void MainWindow::showPersonalData() {
  if (!document_) return;
  auto* dialog = new PersonalDataDialog(document_.get(), this);
  dialog->setAttribute(Qt::WA_DeleteOnClose);
  connect(dialog, &PersonalDataDialog::exampleActivated, this, &MainWindow::selectExample);
  connect(document_.get(), &QObject::destroyed, dialog, &QWidget::close);
  dialog->show();
}

}  // namespace tunesmith::ui
