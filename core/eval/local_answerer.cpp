#include "core/eval/local_answerer.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <stdexcept>

#include "core/model/error.h"
#include "core/model/generate.h"
#include "core/train/peft_io.h"

namespace tunesmith::eval {

std::shared_ptr<LocalModel> LocalModel::load(const std::string& dir, const LocalOptions& options) {
  std::shared_ptr<LocalModel> m(new LocalModel());
  m->dir_ = dir;
  m->options_ = options;
  m->model_ = model::load_model(dir, {options.device, std::nullopt});
  if (!std::filesystem::exists(std::filesystem::path(dir) / "tokenizer.json"))
    throw model::ModelError(dir + ": no tokenizer.json: evaluation needs the model's tokenizer");
  m->tokenizer_ = text::Tokenizer::from_dir(dir);
  m->template_ = text::ChatTemplate::load(dir, options.chat_template);
  text::TokenizerConfig tc;
  const auto tc_path = std::filesystem::path(dir) / "tokenizer_config.json";
  if (std::filesystem::exists(tc_path)) tc = text::TokenizerConfig::load(tc_path.string());
  m->bos_ = text::bos_policy(*m->tokenizer_, tc);
  // Stop at generation_config's eos ids and at any end-of-turn marker that is one token
  // of this vocabulary (a model whose generation_config lacks <|im_end|> still stops).
  m->eos_ids_ = m->model_.generation.eos_token_ids;
  for (const std::string& marker : text::end_of_turn_markers(tc))
    if (auto id = m->tokenizer_->token_to_id(marker))
      if (std::find(m->eos_ids_.begin(), m->eos_ids_.end(), *id) == m->eos_ids_.end()) m->eos_ids_.push_back(*id);
  return m;
}

void LocalModel::attach_adapter(const std::string& adapter_dir) {
  if (lora_) {
    if (adapter_dir == adapter_dir_) return;
    throw std::invalid_argument(dir_ + ": already has adapter " + adapter_dir_ + "; " + adapter_dir +
                                " needs its own base");
  }
  lora_.emplace(train::load_adapter(model_.net, adapter_dir));
  adapter_dir_ = adapter_dir;
}

std::vector<std::int64_t> LocalModel::prompt_ids(const Json& conversation) const {
  const std::string text = template_->render(conversation, /*add_generation_prompt=*/true);
  const text::Encoding enc = text::encode_rendered(*tokenizer_, bos_, text);
  std::vector<std::int64_t> ids(enc.ids.begin(), enc.ids.end());
  // Keep the end of a prompt that does not fit (few-shot prompts on a small context):
  // the question and the generation prompt are at the end.
  const std::int64_t room = model_.config.max_position_embeddings - options_.max_new_tokens;
  if (room > 0 && static_cast<std::int64_t>(ids.size()) > room)
    ids.erase(ids.begin(), ids.end() - room);
  return ids;
}

std::vector<Answer> LocalModel::generate(const std::vector<Json>& conversations, bool adapter_on,
                                         const std::atomic<bool>* cancel) {
  if (lora_) lora_->set_enabled(adapter_on);
  std::vector<Answer> out(conversations.size());
  std::vector<std::vector<std::int64_t>> prompts;
  std::vector<std::size_t> rows;  // out index of each prompt
  for (std::size_t i = 0; i < conversations.size(); ++i) {
    try {
      prompts.push_back(prompt_ids(conversations[i]));
      rows.push_back(i);
    } catch (const text::ChatTemplateError& e) {
      out[i].error = e.what();
    }
  }
  model::GenerateOptions g;
  g.max_new_tokens = options_.max_new_tokens;
  g.sampling.temperature = options_.temperature.value_or(0.0);
  g.sampling.top_k = 0;
  g.sampling.top_p = 1.0;
  g.sampling.seed = options_.seed;
  g.eos_token_ids = eos_ids_;
  g.pad_token_id = model_.generation.pad_token_id.value_or(0);
  g.cancel = cancel;
  g.decode = [this](const std::vector<std::int64_t>& ids) {
    return tokenizer_->decode(std::vector<std::int32_t>(ids.begin(), ids.end()), /*skip_special_tokens=*/true);
  };
  const std::size_t batch = std::max<std::size_t>(1, options_.batch_size);
  for (std::size_t b = 0; b < prompts.size(); b += batch) {
    const std::size_t e = std::min(prompts.size(), b + batch);
    std::vector<std::vector<std::int64_t>> chunk(prompts.begin() + static_cast<std::ptrdiff_t>(b),
                                                 prompts.begin() + static_cast<std::ptrdiff_t>(e));
    const auto t0 = std::chrono::steady_clock::now();
    std::vector<model::Generation> gens = model::generate(model_.net, chunk, g);
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    for (std::size_t k = 0; k < gens.size(); ++k) {
      Answer& a = out[rows[b + k]];
      a.text = gens[k].text;
      a.prompt_tokens = static_cast<std::int64_t>(chunk[k].size());
      a.completion_tokens = static_cast<std::int64_t>(gens[k].tokens.size());
      // Batched rows share one wall time: each answer carries its share, so the sum
      // over answers is the time spent and tokens/s is the real throughput.
      a.latency_s = secs / static_cast<double>(gens.size());
      if (gens[k].finish == model::FinishReason::Cancelled) a.error = "cancelled";
    }
  }
  return out;
}

LocalAnswerer::LocalAnswerer(std::shared_ptr<LocalModel> model, bool use_adapter, std::string spec)
    : model_(std::move(model)), use_adapter_(use_adapter), spec_(std::move(spec)) {
  if (use_adapter_ && !model_->lora()) throw std::invalid_argument(spec_ + ": the base has no adapter attached");
}

std::vector<Answer> LocalAnswerer::answer(const std::vector<Json>& conversations, const std::atomic<bool>* cancel) {
  return model_->generate(conversations, use_adapter_, cancel);
}

}  // namespace tunesmith::eval
