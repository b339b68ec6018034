#pragma once
// Local answerers: a model folder loaded once (LocalModel) and answerers that share it.
// "local:M" and "local:M+A" in one evaluation use ONE loaded base: the adapter is
// attached once and switched on for the fine-tuned answerer and off for the base
// (train::Lora::set_enabled; off gives the base exactly), so there is never a second
// copy of the weights in memory.
//
// Prompts are rendered with the model's chat template (or --chat-template) with the
// generation prompt, encoded with the tokenizer's BOS rule (text::encode_rendered, as in
// training), and answered in batches by model::generate: greedy unless a temperature is
// given, stopping at generation_config's eos ids and the template's end-of-turn tokens.
#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/eval/answerer.h"
#include "core/model/loader.h"
#include "core/text/chat_template.h"
#include "core/text/loss_mask.h"
#include "core/text/tokenizer.h"
#include "core/train/lora.h"

namespace tunesmith::eval {

struct LocalOptions {
  std::string device = "auto";
  std::string chat_template;             // --chat-template NAME|FILE ("" = the model's)
  std::int64_t max_new_tokens = 256;
  std::optional<double> temperature;     // nullopt or 0: greedy
  std::uint64_t seed = 0;
  std::size_t batch_size = 8;
};

class LocalModel {
 public:
  // Loads the model, tokenizer and chat template (errors: model::ModelError,
  // text::ChatTemplateError, naming the folder).
  static std::shared_ptr<LocalModel> load(const std::string& dir, const LocalOptions& options);

  // Attaches the PEFT adapter in `adapter_dir` (train::load_adapter). A base holds one
  // adapter; attaching the same folder again does nothing, another one throws
  // std::invalid_argument (load a second base for it).
  void attach_adapter(const std::string& adapter_dir);
  const std::string& adapter_dir() const { return adapter_dir_; }
  train::Lora* lora() { return lora_ ? &*lora_ : nullptr; }
  model::Model& model() { return model_; }
  const std::string& dir() const { return dir_; }
  const LocalOptions& options() const { return options_; }

  // Prompt ids of one conversation (chat template + BOS rule), cut from the left to
  // leave room for max_new_tokens within the context.
  std::vector<std::int64_t> prompt_ids(const Json& conversation) const;
  // Answers with the adapter on or off (ignored when none is attached).
  std::vector<Answer> generate(const std::vector<Json>& conversations, bool adapter_on, const std::atomic<bool>* cancel);

 private:
  LocalModel() = default;
  std::string dir_;
  LocalOptions options_;
  model::Model model_;
  std::optional<text::Tokenizer> tokenizer_;
  std::optional<text::ChatTemplate> template_;
  text::BosPolicy bos_;
  std::vector<std::int64_t> eos_ids_;
  std::optional<train::Lora> lora_;
  std::string adapter_dir_;
};

class LocalAnswerer final : public Answerer {
 public:
  LocalAnswerer(std::shared_ptr<LocalModel> model, bool use_adapter, std::string spec);
  std::string describe() const override { return spec_; }
  bool is_local() const override { return true; }
  std::size_t preferred_batch() const override { return model_->options().batch_size; }
  std::vector<Answer> answer(const std::vector<Json>& conversations, const std::atomic<bool>* cancel) override;

 private:
  std::shared_ptr<LocalModel> model_;
  bool use_adapter_;
  std::string spec_;
};

}  // namespace tunesmith::eval
