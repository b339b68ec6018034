#pragma once
// Split a dataset into train and test files: seed and test size, a preview of the
// sizes and of the duplicate groups kept on one side, and the leakage check on the
// result (test examples that appear, exactly or nearly, in training). Split writes
// NAME-train.jsonl and NAME-test.jsonl beside the dataset (atomically).
#include <QDialog>

#include <optional>

#include "core/data/dataset.h"
#include "core/data/split.h"

class QDoubleSpinBox;
class QLabel;
class QSpinBox;

namespace tunesmith::ui {

class SplitDialog final : public QDialog {
  Q_OBJECT

 public:
  SplitDialog(const data::Dataset& dataset, QWidget* parent = nullptr);

  // The split for the current choices (recomputed when they change).
  const std::optional<data::SplitResult>& result() const { return result_; }
  std::size_t leaks() const { return leaks_; }
  void setSeed(int seed);
  void setTestFraction(double fraction);
  // Writes the two files; returns their paths (train, test) or throws IoError.
  std::pair<std::string, std::string> writeFiles() const;

 private:
  void recompute();

  const data::Dataset& dataset_;
  QSpinBox* seed_ = nullptr;
  QDoubleSpinBox* fraction_ = nullptr;
  QLabel* summary_ = nullptr;
  QLabel* leakage_ = nullptr;
  std::optional<data::SplitResult> result_;
  std::size_t leaks_ = 0;
};

}  // namespace tunesmith::ui
