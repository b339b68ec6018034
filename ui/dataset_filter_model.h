#pragma once
// Search and filters over the dataset table: text (case-insensitive, in every message
// of the example, not just the cells shown) and findings (any, errors, warnings, none).
// filterAcceptsRow reads the Conversation directly instead of going through data(), so
// filtering 100k examples takes a fraction of a second (see tests/ui, "filter 100k").
#include <QSortFilterProxyModel>

#include <functional>
#include <string>

namespace tunesmith::ui {

class DatasetTableModel;

class DatasetFilterModel final : public QSortFilterProxyModel {
  Q_OBJECT

 public:
  enum class FindingFilter { All, WithFindings, WithErrors, WithWarnings, WithoutFindings };

  explicit DatasetFilterModel(QObject* parent = nullptr);

  void setSearchText(const QString& text);
  void setFindingFilter(FindingFilter filter);
  const QString& searchText() const { return search_; }
  FindingFilter findingFilter() const { return finding_; }
  bool isFiltering() const { return !needle_.empty() || finding_ != FindingFilter::All; }

 protected:
  bool filterAcceptsRow(int source_row, const QModelIndex& source_parent) const override;

 private:
  void refilter(const std::function<void()>& change);

  QString search_;
  std::string needle_;  // UTF-8, ASCII letters lower-cased
  FindingFilter finding_ = FindingFilter::All;
};

}  // namespace tunesmith::ui
