#pragma once
// Dataset statistics: examples, messages, tokens per role, truncation at the token
// limit, and a histogram of example lengths in tokens (QtCharts). Tokens are counted
// with the project's tokenizer when it has one (a model folder with tokenizer.json),
// else estimated, and the dialog says which.
#include <QDialog>

#include "core/data/dataset.h"
#include "core/data/token_counter.h"

class QLabel;
class QTextBrowser;

namespace tunesmith::ui {

class StatsDialog final : public QDialog {
  Q_OBJECT

 public:
  // `counter` may be nullptr (the estimate); `counter_name` says where counts come from.
  StatsDialog(const data::Dataset& dataset, const data::TokenCounter* counter, const QString& counter_name,
              QWidget* parent = nullptr);
};

}  // namespace tunesmith::ui
