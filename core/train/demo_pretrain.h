#pragma once
// Full-parameter causal-LM pretraining of the demo's tiny base model on the generic
// English corpus in resources/demo/corpus/ (every weight trainable, next-token loss on
// every position). Seeded: the same recipe, corpus and thread count give the same
// weights bit for bit on the same machine.
//
// The corpus is tokenized file by file (sorted by name, README.md left out), each file
// followed by <|endoftext|>, and concatenated into one stream of N ids. Every step
// draws `batch_size` windows of seq_len + 1 ids at seeded random offsets:
//   inputs  = window[0 .. seq_len)       (B, T)
//   targets = window[1 .. seq_len + 1)   (B, T)
// and takes one AdamW step on the mean cross-entropy, with linear warmup, cosine decay
// to min_lr, and gradient clipping.
#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/model/transformer.h"

namespace tunesmith::train {

struct PretrainRecipe {
  // Bump when anything that changes the resulting weights changes (the loop, the data
  // order, the initialization): it is part of the cache key of core/train/demo_model.h.
  static constexpr int kVersion = 1;

  std::string preset = "demo";  // core/model/presets.cpp; vocabulary from the tokenizer
  std::int64_t seq_len = 128;   // T
  std::int64_t batch_size = 16; // B
  // 300 steps of 16 x 128 tokens: ~614k tokens, ~10 passes over the ~64k-token corpus;
  // ~0.5 s of one core per step (tests/bench/bench_demo_pretrain), so about 1.5 to 2.5
  // minutes on 2 idle cores.
  std::int64_t steps = 300;
  std::int64_t warmup_steps = 15;
  double lr = 3e-3;
  double min_lr = 3e-4;         // the cosine ends here
  double weight_decay = 0.1;    // on matrices only (not norms)
  double max_grad_norm = 1.0;
  std::uint64_t seed = 1234;    // initialization and data order
  int threads = 2;              // torch intra-op threads: part of what makes the bits repeatable

  std::string key() const;  // every field, for the cache key
};

struct PretrainProgress {
  std::int64_t step = 0;  // 1-based, after the optimizer step
  std::int64_t steps = 0;
  double loss = 0.0;      // of this step's batch
  double lr = 0.0;
  double tokens_per_s = 0.0;
  double elapsed_s = 0.0;
};

struct PretrainResult {
  model::Transformer net;
  std::vector<double> losses;  // one per step
  std::int64_t corpus_tokens = 0;
  double elapsed_s = 0.0;
  double tokens_per_s = 0.0;
  bool cancelled = false;
};

// The corpus files in the order they are read: corpus_dir/*.txt sorted by name.
std::vector<std::string> corpus_files(const std::string& corpus_dir);

// corpus_dir: resources/demo/corpus; tokenizer_dir: resources/demo/model.
// Throws std::runtime_error naming the folder when the corpus is missing or shorter
// than one window. `cancel` is checked before every step.
PretrainResult pretrain(const std::string& corpus_dir, const std::string& tokenizer_dir, const PretrainRecipe& recipe,
                        const std::function<void(const PretrainProgress&)>& progress = {},
                        const std::atomic<bool>* cancel = nullptr);
// The same with an explicit shape instead of recipe.preset (benchmarks that compare shapes).
PretrainResult pretrain(const std::string& corpus_dir, const std::string& tokenizer_dir,
                        const model::ModelConfig& config, const PretrainRecipe& recipe,
                        const std::function<void(const PretrainProgress&)>& progress = {},
                        const std::atomic<bool>* cancel = nullptr);

// The model config of `recipe.preset` for the tokenizer in tokenizer_dir, with its
// bos/eos/pad ids (eos <|im_end|> for the demo tokenizer).
model::ModelConfig demo_config(const std::string& tokenizer_dir, const std::string& preset);

}  // namespace tunesmith::train
