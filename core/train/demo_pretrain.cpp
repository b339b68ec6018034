#include "core/train/demo_pretrain.h"

#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <random>
#include <sstream>
#include <stdexcept>

#include "core/data/atomic_file.h"
#include "core/model/presets.h"
#include "core/text/tokenizer.h"

namespace tunesmith::train {
namespace fs = std::filesystem;

std::string PretrainRecipe::key() const {
  std::ostringstream s;
  s.precision(17);
  s << "v" << kVersion << " preset=" << preset << " seq=" << seq_len << " batch=" << batch_size << " steps=" << steps
    << " warmup=" << warmup_steps << " lr=" << lr << " min_lr=" << min_lr << " wd=" << weight_decay
    << " clip=" << max_grad_norm << " seed=" << seed << " threads=" << threads;
  return s.str();
}

std::vector<std::string> corpus_files(const std::string& corpus_dir) {
  std::error_code ec;
  if (!fs::is_directory(corpus_dir, ec)) throw std::runtime_error(corpus_dir + ": the demo corpus folder is missing");
  std::vector<std::string> files;
  for (const auto& entry : fs::directory_iterator(corpus_dir))
    if (entry.is_regular_file() && entry.path().extension() == ".txt") files.push_back(entry.path().string());
  std::sort(files.begin(), files.end());
  if (files.empty()) throw std::runtime_error(corpus_dir + ": no .txt files in the demo corpus folder");
  return files;
}

model::ModelConfig demo_config(const std::string& tokenizer_dir, const std::string& preset) {
  const model::TokenizerFacts facts = model::read_tokenizer_facts(tokenizer_dir);
  model::ModelConfig config = model::preset_config(preset, std::nullopt, facts.vocab_size);
  config.bos_token_id = facts.bos_id;
  config.eos_token_ids.clear();
  if (facts.eos_id) config.eos_token_ids.push_back(*facts.eos_id);
  config.pad_token_id = facts.pad_id;
  return config;
}

namespace {

// The whole corpus as one id stream: each file's ids, then <|endoftext|> (when the
// tokenizer has it) so the model learns where a document ends.
std::vector<std::int64_t> corpus_ids(const std::string& corpus_dir, const std::string& tokenizer_dir) {
  const text::Tokenizer tok = text::Tokenizer::from_dir(tokenizer_dir);
  const auto eot = tok.token_to_id("<|endoftext|>");
  std::vector<std::int64_t> ids;
  for (const std::string& file : corpus_files(corpus_dir)) {
    const text::Encoding enc = tok.encode(data::read_file(file), /*add_special_tokens=*/false);
    ids.insert(ids.end(), enc.ids.begin(), enc.ids.end());
    if (eot) ids.push_back(*eot);
  }
  return ids;
}

// Linear warmup to `lr`, then cosine down to `min_lr` at the last step.
double lr_at(const PretrainRecipe& r, std::int64_t step /*0-based*/) {
  if (step < r.warmup_steps) return r.lr * static_cast<double>(step + 1) / static_cast<double>(r.warmup_steps);
  const double span = std::max<std::int64_t>(1, r.steps - r.warmup_steps);
  const double progress = std::min(1.0, static_cast<double>(step - r.warmup_steps) / span);
  return r.min_lr + 0.5 * (r.lr - r.min_lr) * (1.0 + std::cos(M_PI * progress));
}

}  // namespace

PretrainResult pretrain(const std::string& corpus_dir, const std::string& tokenizer_dir, const PretrainRecipe& recipe,
                        const std::function<void(const PretrainProgress&)>& progress,
                        const std::atomic<bool>* cancel) {
  return pretrain(corpus_dir, tokenizer_dir, demo_config(tokenizer_dir, recipe.preset), recipe, progress, cancel);
}

PretrainResult pretrain(const std::string& corpus_dir, const std::string& tokenizer_dir,
                        const model::ModelConfig& config, const PretrainRecipe& recipe,
                        const std::function<void(const PretrainProgress&)>& progress,
                        const std::atomic<bool>* cancel) {
  c10::InferenceMode no_inference(false);  // callers may hold an InferenceMode guard
  torch::AutoGradMode grad(true);
  if (recipe.threads > 0) at::set_num_threads(recipe.threads);

  const std::vector<std::int64_t> stream = corpus_ids(corpus_dir, tokenizer_dir);
  const std::int64_t T = recipe.seq_len, B = recipe.batch_size;
  const auto N = static_cast<std::int64_t>(stream.size());
  if (N < T + 2)
    throw std::runtime_error(corpus_dir + ": the demo corpus has " + std::to_string(N) +
                             " tokens, fewer than one training window of " + std::to_string(T + 1));
  const at::Tensor all = torch::tensor(stream, torch::kLong);  // (N)

  PretrainResult result;
  result.corpus_tokens = N;
  result.net = model::init_random(config, recipe.seed);
  model::Transformer& net = result.net;

  // Weight decay on matrices (projections, embeddings), none on the norm vectors, as
  // GPT-style pretraining does. Tied lm_head is the embedding: not listed twice.
  std::vector<at::Tensor> decayed, plain;
  for (model::TensorSlot& slot : net.tensor_slots()) {
    slot.tensor->set_requires_grad(true);
    (slot.tensor->dim() >= 2 ? decayed : plain).push_back(*slot.tensor);
  }
  net.finalize();  // re-ties lm_head to the (now grad-requiring) embedding
  std::vector<at::Tensor> all_params = decayed;
  all_params.insert(all_params.end(), plain.begin(), plain.end());
  std::vector<torch::optim::OptimizerParamGroup> groups;
  groups.emplace_back(decayed, std::make_unique<torch::optim::AdamWOptions>(
                                   torch::optim::AdamWOptions(recipe.lr).betas({0.9, 0.95}).weight_decay(recipe.weight_decay)));
  groups.emplace_back(plain, std::make_unique<torch::optim::AdamWOptions>(
                                 torch::optim::AdamWOptions(recipe.lr).betas({0.9, 0.95}).weight_decay(0.0)));
  torch::optim::AdamW optimizer(std::move(groups));

  // Window offsets from a seeded mt19937_64 (fully specified by the standard, unlike
  // std::uniform_int_distribution), so the data order is the same on every platform.
  std::mt19937_64 rng(recipe.seed ^ 0x9E3779B97F4A7C15ull);
  const auto max_offset = static_cast<std::uint64_t>(N - T - 1);

  const auto start = std::chrono::steady_clock::now();
  result.losses.reserve(static_cast<std::size_t>(recipe.steps));
  for (std::int64_t step = 0; step < recipe.steps; ++step) {
    if (cancel && cancel->load()) {
      result.cancelled = true;
      break;
    }
    std::vector<at::Tensor> windows;
    windows.reserve(static_cast<std::size_t>(B));
    for (std::int64_t b = 0; b < B; ++b)
      windows.push_back(all.narrow(0, static_cast<std::int64_t>(rng() % (max_offset + 1)), T + 1));
    const at::Tensor batch = at::stack(windows);                // (B, T+1)
    const at::Tensor inputs = batch.narrow(1, 0, T);            // (B, T)
    const at::Tensor targets = batch.narrow(1, 1, T).reshape({-1});  // (B*T)

    const double lr = lr_at(recipe, step);
    for (auto& group : optimizer.param_groups())
      static_cast<torch::optim::AdamWOptions&>(group.options()).lr(lr);

    optimizer.zero_grad();
    const at::Tensor logits = net.forward(inputs);  // (B, T, V)
    const at::Tensor loss = at::cross_entropy_loss(logits.reshape({B * T, logits.size(2)}), targets);
    loss.backward();
    torch::nn::utils::clip_grad_norm_(all_params, recipe.max_grad_norm);
    optimizer.step();

    const double loss_value = loss.item<double>();
    if (!std::isfinite(loss_value))
      throw std::runtime_error("demo pretraining diverged: loss " + std::to_string(loss_value) + " at step " +
                               std::to_string(step + 1));
    result.losses.push_back(loss_value);
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (progress) {
      PretrainProgress p;
      p.step = step + 1;
      p.steps = recipe.steps;
      p.loss = loss_value;
      p.lr = lr;
      p.elapsed_s = elapsed;
      p.tokens_per_s = elapsed > 0 ? static_cast<double>((step + 1) * B * T) / elapsed : 0.0;
      progress(p);
    }
  }
  result.elapsed_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  result.tokens_per_s = result.elapsed_s > 0
                            ? static_cast<double>(static_cast<std::int64_t>(result.losses.size()) * B * T) / result.elapsed_s
                            : 0.0;
  // Hand back plain tensors: generation and saving need no autograd history.
  for (model::TensorSlot& slot : net.tensor_slots()) *slot.tensor = slot.tensor->detach().requires_grad_(false);
  net.finalize();
  return result;
}

}  // namespace tunesmith::train
