#pragma once
// A read-only view of one example: a header (number, line, size), the findings about
// it, then one block per message labelled with its role. Colors come from the palette
// (re-rendered when it changes), except the severity accents.
#include <QTextBrowser>

#include <cstddef>
#include <optional>
#include <vector>

#include "core/data/conversation.h"
#include "core/data/finding.h"

namespace tunesmith::ui {

class ConversationPreview final : public QTextBrowser {
  Q_OBJECT

 public:
  explicit ConversationPreview(QWidget* parent = nullptr);

  // `index` is 0-based; `line` is the source line (0 when none).
  void showExample(const data::Conversation& example, std::size_t index, std::size_t line,
                   std::vector<data::Finding> findings);
  // An empty preview with a short hint ("Select an example…").
  void showPlaceholder(const QString& text);

 protected:
  void changeEvent(QEvent* event) override;

 private:
  void render();

  struct Shown {
    data::Conversation example;
    std::size_t index = 0;
    std::size_t line = 0;
    std::vector<data::Finding> findings;
  };
  std::optional<Shown> shown_;
  QString placeholder_;
};

}  // namespace tunesmith::ui
