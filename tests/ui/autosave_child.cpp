// A child process for the crash test (autosave_test.cpp): opens a dataset as the app
// does (DatasetDocument, autosave on), edits it through the document's undo commands,
// and is killed with SIGKILL by the parent at some point.
//   autosave_child FILE once   one edit (example 1's first user message becomes
//                              "EDITED ONCE"), prints "saved" after the autosave, waits
//   autosave_child FILE storm  edits without pause (each edit sets one example's user
//                              message to "storm N"), autosaving every few ms, forever;
//                              prints "started" after the first autosave
#include <QCoreApplication>
#include <QTimer>

#include <cstdio>
#include <cstring>
#include <memory>
#include <string>

#include "ui/dataset_document.h"

using tunesmith::ui::DatasetDocument;

namespace {

void set_user(DatasetDocument& doc, std::size_t row, const std::string& text) {
  tunesmith::data::Conversation c = doc.dataset.examples[row];
  for (std::size_t i = 0; i < c.message_count(); ++i) {
    if (c.role(i) == "user") {
      c.set_text(i, text);
      break;
    }
  }
  doc.editExample(row, std::move(c), QStringLiteral("edit"));
}

}  // namespace

int main(int argc, char** argv) {
  QCoreApplication app(argc, argv);
  if (argc != 3) {
    std::fprintf(stderr, "usage: autosave_child FILE once|storm\n");
    return 2;
  }
  std::unique_ptr<DatasetDocument> doc = tunesmith::ui::load_dataset_document(argv[1], "child");
  const bool storm = std::strcmp(argv[2], "storm") == 0;
  doc->setAutosaveDelay(storm ? 2 : 50);
  bool announced = false;
  QObject::connect(doc.get(), &DatasetDocument::saved, [&] {
    if (announced) return;
    announced = true;
    std::printf("%s\n", storm ? "started" : "saved");
    std::fflush(stdout);
  });
  if (!storm) {
    set_user(*doc, 1, "EDITED ONCE");
  } else {
    auto* timer = new QTimer(&app);
    std::size_t n = 0;
    QObject::connect(timer, &QTimer::timeout, [&] {
      ++n;
      set_user(*doc, n % doc->dataset.examples.size(), "storm " + std::to_string(n));
    });
    timer->start(0);
  }
  return app.exec();
}
