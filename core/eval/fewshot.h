#pragma once
// Few-shot prompting, the guide's "exhaust prompt engineering first" made measurable:
// the base model is asked with the dataset's system prompt, then K solved examples drawn
// from the TRAIN split (seeded; never from the test file), then the case's own turns.
//
// The shots are drawn once per evaluation, so every case sees the same examples and
// the comparison with the fine-tuned model is about the prompt, not about luck per case.
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/data/json.h"
#include "core/eval/answerer.h"
#include "core/eval/eval_case.h"

namespace tunesmith::eval {

struct FewShot {
  std::string system_prompt;  // the train split's first system prompt ("" when none)
  // K examples as user/assistant messages (their system messages left out), in draw order.
  std::vector<Json> shots;    // each a messages array
  std::vector<std::size_t> drawn;  // indices into the train cases
};

// Draws min(k, train.size()) distinct examples (seeded partial Fisher-Yates, our own
// index draw as in bootstrap.h). Train examples must have a reference answer.
FewShot draw_fewshot(const std::vector<EvalCase>& train, std::size_t k, std::uint64_t seed);

// The prompt for one case: system prompt (the case's own when it has one, else the train
// split's), the shots, then the case's non-system messages.
Json fewshot_messages(const FewShot& fewshot, const Json& case_input);

// Wraps an answerer: every conversation is rewritten with fewshot_messages first.
class FewShotAnswerer final : public Answerer {
 public:
  FewShotAnswerer(std::shared_ptr<Answerer> inner, FewShot fewshot, std::string spec);
  std::string describe() const override { return spec_; }
  bool is_local() const override { return inner_->is_local(); }
  std::size_t preferred_batch() const override { return inner_->preferred_batch(); }
  std::vector<Answer> answer(const std::vector<Json>& conversations, const std::atomic<bool>* cancel) override;
  const FewShot& fewshot() const { return fewshot_; }

 private:
  std::shared_ptr<Answerer> inner_;
  FewShot fewshot_;
  std::string spec_;
};

}  // namespace tunesmith::eval
