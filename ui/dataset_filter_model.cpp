#include "ui/dataset_filter_model.h"

#include <algorithm>

#include "core/data/dataset.h"
#include "ui/dataset_table_model.h"

namespace tunesmith::ui {

namespace {

char ascii_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + ('a' - 'A')) : c; }

// Case-insensitive for ASCII, exact for the rest of UTF-8 (bytes compared as they are):
// no allocation per example, which is what keeps 100k rows fast.
bool contains_folded(const std::string& haystack, const std::string& needle_lower) {
  if (needle_lower.empty()) return true;
  auto it = std::search(haystack.begin(), haystack.end(), needle_lower.begin(), needle_lower.end(),
                        [](char a, char b) { return ascii_lower(a) == b; });
  return it != haystack.end();
}

}  // namespace

DatasetFilterModel::DatasetFilterModel(QObject* parent) : QSortFilterProxyModel(parent) {
  // Re-filter rows as they change (an edit that removes the searched word hides the
  // row), without sorting: the table keeps the file's order.
  setDynamicSortFilter(true);
}

void DatasetFilterModel::setSearchText(const QString& text) {
  if (text == search_) return;
  search_ = text;
  refilter([&] {
    needle_ = text.trimmed().toStdString();
    std::transform(needle_.begin(), needle_.end(), needle_.begin(), ascii_lower);
  });
}

void DatasetFilterModel::setFindingFilter(FindingFilter filter) {
  if (filter == finding_) return;
  refilter([&] { finding_ = filter; });
}

void DatasetFilterModel::refilter(const std::function<void()>& change) {
  // A reset, not invalidateRowsFilter(): the latter removes and inserts rows range by
  // range, one signal pair per range, and a view re-lays out its header on each; with
  // thousands of ranges at 100k rows that took seconds. A reset is one pass (the
  // proxy clears its mapping on its own modelReset and rebuilds it on first use).
  beginResetModel();
  change();
  endResetModel();
}

bool DatasetFilterModel::filterAcceptsRow(int source_row, const QModelIndex& source_parent) const {
  const auto* model = static_cast<const DatasetTableModel*>(sourceModel());
  if (finding_ != FindingFilter::All) {
    const QModelIndex idx = model->index(source_row, 0, source_parent);
    const int worst = model->data(idx, DatasetTableModel::WorstSeverityRole).toInt();
    switch (finding_) {
      case FindingFilter::WithFindings: if (worst < 0) return false; break;
      case FindingFilter::WithErrors: if (worst != int(data::Severity::Error)) return false; break;
      case FindingFilter::WithWarnings: if (worst != int(data::Severity::Warning)) return false; break;
      case FindingFilter::WithoutFindings: if (worst >= 0) return false; break;
      case FindingFilter::All: break;
    }
  }
  if (needle_.empty()) return true;
  const data::Conversation& ex = model->dataset()->examples[static_cast<std::size_t>(source_row)];
  for (std::size_t i = 0; i < ex.message_count(); ++i)
    if (contains_folded(ex.text(i), needle_)) return true;
  return false;
}

}  // namespace tunesmith::ui
