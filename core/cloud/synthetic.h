#pragma once
// Synthetic training examples, as OpenAI's fine-tuning guide describes: a task
// description, N diverse examples asked of a strong model in JSON mode, a few per
// request. Each candidate is validated with the dataset validator (core/data/validate.h;
// an example with an error is dropped) and deduplicated against the existing dataset
// and against the other candidates (normalized_example, core/data/normalize.h).
//
// Synthetic examples go into the training split only: split the real data first, pass
// every split (train, validation, test) as `existing` so nothing generated duplicates a
// held-out example, and add the result to train. The generator never writes a split.
#include <functional>
#include <set>
#include <string>
#include <vector>

#include <QObject>
#include <QPointer>

#include "core/cloud/openai_client.h"
#include "core/data/conversation.h"

namespace tunesmith::cloud {

struct SyntheticSpec {
  QString task;            // what the fine-tuned model should do, in plain words
  QString system_prompt;   // the system message of every generated example ("" = none)
  QString model = QStringLiteral("gpt-4.1");
  int count = 10;          // examples wanted
  int per_request = 5;     // examples asked per chat request
  double temperature = 1.0;
  int max_requests = 0;    // 0 = 2 * ceil(count / per_request) + 2
};

// The chat request for `n` examples (exposed for tests).
Json synthetic_request_body(const SyntheticSpec& spec, int n, const std::vector<std::string>& avoid_user_texts);

// Candidates from a reply's content: {"examples": [{"messages": [...]}, ...]} (a bare
// list or a single example object are accepted too). Invalid entries are skipped.
std::vector<data::Conversation> parse_synthetic_examples(const QString& content);

struct SyntheticReport {
  std::vector<data::Conversation> accepted;
  int requested = 0;     // chat requests made
  int candidates = 0;
  int invalid = 0;       // dropped by the validator
  int duplicates = 0;    // dropped as duplicates of existing or earlier examples
  // Why each invalid candidate was dropped: "request R, example E: [category] message"
  // (the validator's first error for it), so the user sees what the model got wrong.
  std::vector<std::string> rejected;
  ApiError error;        // the request error that stopped generation, if any
};

// Keeps the candidates that pass validation and are not duplicates; updates `seen`
// (normalized_example keys) with the accepted ones. With `reasons`, appends
// "example E: [category] message" (E 1-based in `candidates`) for each invalid one.
std::vector<data::Conversation> filter_candidates(std::vector<data::Conversation> candidates,
                                                  std::set<std::string>& seen, int& invalid, int& duplicates,
                                                  bool with_system_prompt, std::vector<std::string>* reasons = nullptr);

class SyntheticGenerator : public QObject {
  Q_OBJECT
 public:
  SyntheticGenerator(OpenAIClient* client, SyntheticSpec spec, const std::vector<data::Conversation>& existing,
                     QObject* parent = nullptr);
  ~SyntheticGenerator() override { delete call_.data(); }
  void start();
  void cancel();
  const SyntheticReport& report() const { return report_; }

 Q_SIGNALS:
  void progress(int accepted, int wanted);
  void finished();

 private:
  void request_batch();

  OpenAIClient* client_;
  SyntheticSpec spec_;
  std::set<std::string> seen_;
  SyntheticReport report_;
  QPointer<Call> call_;
  bool cancelled_ = false;
};

}  // namespace tunesmith::cloud
