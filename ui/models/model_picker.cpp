#include "ui/models/model_picker.h"

#include <QDir>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QScrollArea>
#include <QTreeWidget>
#include <QVBoxLayout>

#include <algorithm>
#include <exception>

namespace tunesmith::ui {

namespace {

constexpr int kEntryRole = Qt::UserRole + 1;  // index into entries_, -1 for group headers

QString html_escape(const std::string& s) { return QString::fromStdString(s).toHtmlEscaped(); }

// 2.1M, 135M, 1.24B: how people speak of model sizes.
QString parameter_count(std::int64_t n) {
  const double v = static_cast<double>(n);
  if (v >= 1e9) return QStringLiteral("%1B").arg(v / 1e9, 0, 'f', 2);
  if (v >= 1e6) return QStringLiteral("%1M").arg(v / 1e6, 0, 'f', v >= 1e8 ? 0 : 1);
  return QLocale().toString(static_cast<qlonglong>(n));
}

QString gib(double g) {
  return g < 1.0 ? QStringLiteral("%1 MiB").arg(g * 1024.0, 0, 'f', 0) : QStringLiteral("%1 GiB").arg(g, 0, 'f', 1);
}

QString yes_no(bool ok, const QString& yes, const QString& no) {
  return ok ? yes : QStringLiteral("<span style='color:#b3261e'>%1</span>").arg(no);
}

}  // namespace

ModelPicker::ModelPicker(QWidget* parent) : QWidget(parent), hubDir_(QString::fromStdString(huggingface_hub_dir())) {
  setObjectName(QStringLiteral("modelPicker"));
  list_ = new QTreeWidget;
  list_->setObjectName(QStringLiteral("modelList"));
  list_->setHeaderHidden(true);
  list_->setRootIsDecorated(false);
  list_->setIndentation(12);
  list_->setUniformRowHeights(true);
  connect(list_, &QTreeWidget::currentItemChanged, this, [this](QTreeWidgetItem* c) { onCurrentItemChanged(c); });

  addButton_ = new QPushButton(tr("Add Folder…"));
  addButton_->setObjectName(QStringLiteral("addModelFolder"));
  connect(addButton_, &QPushButton::clicked, this, &ModelPicker::chooseFolder);

  details_label_ = new QLabel;
  details_label_->setObjectName(QStringLiteral("modelDetails"));
  details_label_->setTextFormat(Qt::RichText);
  details_label_->setWordWrap(true);
  details_label_->setAlignment(Qt::AlignTop | Qt::AlignLeft);
  details_label_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  details_label_->setContentsMargins(8, 4, 8, 4);
  auto* scroll = new QScrollArea;
  scroll->setWidget(details_label_);
  scroll->setWidgetResizable(true);
  scroll->setFrameShape(QFrame::StyledPanel);

  auto* left = new QVBoxLayout;
  left->addWidget(list_, 1);
  auto* buttons = new QHBoxLayout;
  buttons->addWidget(addButton_);
  buttons->addStretch(1);
  left->addLayout(buttons);
  auto* layout = new QHBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addLayout(left, 2);
  layout->addWidget(scroll, 3);
  refresh();
}

void ModelPicker::setProject(const project::Project* project, ProjectUpdater updater) {
  project_ = project;
  updater_ = std::move(updater);
  refresh();
}

void ModelPicker::setHubDir(const QString& dir) {
  hubDir_ = dir;
  refresh();
}

void ModelPicker::refresh() {
  const QString keep = currentPath();
  entries_ = list_models(project_, hubDir_.toStdString());
  QSignalBlocker block(list_);
  list_->clear();
  auto group = [this](const QString& title) {
    auto* item = new QTreeWidgetItem(list_, {title});
    item->setFlags(Qt::ItemIsEnabled);
    item->setData(0, kEntryRole, -1);
    QFont bold = item->font(0);
    bold.setBold(true);
    item->setFont(0, bold);
    return item;
  };
  QTreeWidgetItem* project = group(tr("Project"));
  QTreeWidgetItem* cache = group(tr("Hugging Face cache"));
  for (std::size_t i = 0; i < entries_.size(); ++i) {
    const ModelEntry& e = entries_[i];
    auto* item = new QTreeWidgetItem(e.source == ModelSource::HuggingFaceCache ? cache : project,
                                     {QString::fromStdString(e.label)});
    item->setToolTip(0, QString::fromStdString(e.path));
    item->setData(0, kEntryRole, static_cast<int>(i));
  }
  auto placeholder = [](QTreeWidgetItem* parent, const QString& text) {
    auto* item = new QTreeWidgetItem(parent, {text});
    item->setFlags(Qt::NoItemFlags);
    item->setData(0, kEntryRole, -1);
  };
  if (project->childCount() == 0) placeholder(project, tr("No models (Add Folder…)"));
  if (cache->childCount() == 0)
    placeholder(cache, hubDir_.isEmpty() ? tr("No cache folder") : tr("Nothing in %1").arg(QDir::toNativeSeparators(hubDir_)));
  list_->expandAll();
  addButton_->setEnabled(project_ != nullptr && updater_ != nullptr);
  block.unblock();
  if (keep.isEmpty() || !selectPath(keep)) {
    if (!entries_.empty()) selectPath(QString::fromStdString(entries_.front().path));
    else onCurrentItemChanged(nullptr);
  }
}

bool ModelPicker::selectPath(const QString& path) {
  const QString wanted = QDir::cleanPath(QDir(path).absolutePath());
  for (QTreeWidgetItemIterator it(list_); *it; ++it) {
    const int i = (*it)->data(0, kEntryRole).toInt();
    if (i < 0) continue;
    if (QDir::cleanPath(QString::fromStdString(entries_[static_cast<std::size_t>(i)].path)) == wanted) {
      list_->setCurrentItem(*it);
      if (!details_ || QString::fromStdString(details_->path) != QString::fromStdString(entries_[static_cast<std::size_t>(i)].path))
        onCurrentItemChanged(*it);
      return true;
    }
  }
  return false;
}

QString ModelPicker::currentPath() const { return details_ ? QString::fromStdString(details_->path) : QString(); }

void ModelPicker::addFolder(const QString& folder) {
  if (!project_ || !updater_ || folder.isEmpty()) return;
  // Inside the project: stored relative, so the project can move; outside: absolute.
  const QString rel = QDir(QString::fromStdString(project_->folder)).relativeFilePath(folder);
  const std::string stored = (rel.startsWith(QLatin1String("..")) ? QDir(folder).absolutePath() : rel).toStdString();
  if (std::find(project_->models.begin(), project_->models.end(), stored) == project_->models.end()) {
    QString error;
    const bool saved = updater_([&stored](project::Project& p) { p.models.push_back(stored); }, &error);
    if (!saved) {
      details_label_->setText(tr("<b>Cannot save the project:</b> %1").arg(error.toHtmlEscaped()));
      return;
    }
  }
  refresh();
  selectPath(folder);
}

void ModelPicker::chooseFolder() {
  const QString folder = QFileDialog::getExistingDirectory(this, tr("Add a Model Folder"),
                                                           project_ ? QString::fromStdString(project_->folder) : QString());
  addFolder(folder);
}

void ModelPicker::onCurrentItemChanged(QTreeWidgetItem* current) {
  const int i = current ? current->data(0, kEntryRole).toInt() : -1;
  if (i < 0) {
    details_.reset();
  } else {
    details_ = describe_model(entries_[static_cast<std::size_t>(i)].path);
  }
  showDetails();
  Q_EMIT currentModelChanged(currentPath(), currentValid());
}

void ModelPicker::showDetails() {
  if (!details_) {
    details_label_->setText(tr("<i>Choose a model on the left.</i>"));
    return;
  }
  const ModelDetails& d = *details_;
  QString html = QStringLiteral("<p style='margin-bottom:6px'><b>%1</b></p>").arg(html_escape(d.path));
  if (d.error) {
    html += tr("<p style='color:#b3261e'><b>Not a usable model.</b></p><p>%1</p>").arg(html_escape(*d.error));
    details_label_->setText(html);
    return;
  }
  QStringList dtypes;
  for (const auto& t : d.stored_dtypes) dtypes << QString::fromStdString(t);
  auto row = [](const QString& k, const QString& v) {
    return QStringLiteral("<tr><td style='padding-right:12px'>%1</td><td>%2</td></tr>").arg(k, v);
  };
  html += QStringLiteral("<table cellspacing='2'>");
  html += row(tr("Architecture"), html_escape(d.architecture));
  html += row(tr("Parameters"), parameter_count(d.parameters));
  html += row(tr("Stored as"), dtypes.join(QStringLiteral(", ")));
  html += row(tr("Shape"), tr("%1 layers, width %2, vocabulary %3").arg(d.layers).arg(d.hidden).arg(d.vocab));
  html += row(tr("Context"), tr("%1 tokens").arg(QLocale().toString(static_cast<qlonglong>(d.context))));
  html += row(tr("Tokenizer"), yes_no(d.has_tokenizer, tr("tokenizer.json"), tr("missing")));
  html += row(tr("Chat template"), yes_no(d.has_chat_template, tr("in tokenizer_config.json"), tr("none")));
  html += row(tr("Memory to chat"), QStringLiteral("≈ %1").arg(gib(d.inference_memory_gib)));
  html += row(tr("Memory to train"), tr("≈ %1 (LoRA r=16, 512 tokens, fp32)").arg(gib(d.train_memory_gib)));
  html += QStringLiteral("</table>");
  if (!d.tokenizer_problem.empty())
    html += QStringLiteral("<p style='color:#8a5300'>%1</p>").arg(html_escape(d.tokenizer_problem));
  for (const auto& n : d.notes) html += QStringLiteral("<p><i>%1</i></p>").arg(html_escape(n));
  details_label_->setText(html);
}

}  // namespace tunesmith::ui
