#pragma once
// The settings of one local training run: what `tunesmith-cli train` flags set, what
// the GUI's wizard edits, and what a run folder's config.json records (under "config").
// Torch-free, so the UI and estimators can use it without tensors.
//
// Defaults are the fine-tuning guide's, which work for 100 to 1,000 examples: LoRA r 16,
// alpha 32, dropout 0.1, 3 epochs, lr 2e-4, linear decay.
//
// JSON (to_json/from_json), every key optional on input, unknown keys refused:
//   {"model_dir": "...", "train_files": ["train.jsonl"], "val_files": [], "out_dir": "...",
//    "data_kind": "conversations"|"text-corpus", "trainable": "lora"|"full",
//    "chat_template": "", "epochs": 3, "max_steps": 0, "lr": 2e-4,
//    "lora": {"r": 16, "alpha": 32, "dropout": 0.1, "targets": ["q_proj", ...], "rslora": false},
//    "batch_size": 4, "grad_accum": 1, "max_batch_tokens": 0, "max_seq_len": 1024,
//    "long_examples": "truncate-left"|"skip", "packing": false,
//    "schedule": "constant"|"linear"|"cosine", "warmup_ratio": 0.03, "warmup_steps": 0,
//    "weight_decay": 0.0, "max_grad_norm": 1.0, "seed": 42, "device": "auto",
//    "threads": 0, "save_steps": 0, "eval_steps": 0, "early_stopping_patience": 0,
//    "split_seed": null}
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/data/json.h"

namespace tunesmith::train {

// What happens to an example longer than max_seq_len tokens. Never silent: the trainer
// counts the affected examples and reports them (log, Log event, warnings).
enum class LongExamplePolicy {
  TruncateLeft,  // drop tokens from the start (oldest context); the answer at the end stays
  Skip,          // leave the example out
};

// Learning-rate schedule after warmup (warmup is linear from 0, as in Hugging Face).
enum class Schedule { Constant, Linear, Cosine };

// What the optimizer updates.
enum class Trainable {
  Lora,  // adapters on the targeted projections; the base is frozen
  Full,  // every weight of the model (the demo base model's pretraining)
};

// What the training files hold.
enum class DataKind {
  Conversations,  // JSONL chat examples; loss on assistant tokens only
  TextCorpus,     // plain .txt files or folders of them; the token stream is cut into
                  // max_seq_len chunks and every token is trained on
};

const char* policy_name(LongExamplePolicy p);   // "truncate-left", "skip"
const char* schedule_name(Schedule s);          // "constant", "linear", "cosine"
const char* trainable_name(Trainable t);        // "lora", "full"
const char* data_kind_name(DataKind k);         // "conversations", "text-corpus"
// Parsers throw ConfigError naming the field and listing the valid values.
LongExamplePolicy parse_policy(const std::string& text, const std::string& field = "long_examples");
Schedule parse_schedule(const std::string& text, const std::string& field = "schedule");
Trainable parse_trainable(const std::string& text, const std::string& field = "trainable");
DataKind parse_data_kind(const std::string& text, const std::string& field = "data_kind");

// A bad setting; the message names the field ("lora.r: must be at least 1, got 0").
struct ConfigError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct TrainConfig {
  // Inputs and outputs.
  std::string model_dir;                 // the base model (HF folder with tokenizer files)
  std::vector<std::string> train_files;  // JSONL files, or .txt files/folders for TextCorpus
  std::vector<std::string> val_files;    // optional; same kind as train_files
  std::string chat_template;             // "" = the model's; else a built-in name or a Jinja file
  std::string out_dir;                   // the run folder
  DataKind data_kind = DataKind::Conversations;
  Trainable trainable = Trainable::Lora;

  // Length of the run. max_steps > 0 overrides epochs (as in HF's Trainer): exactly that
  // many optimizer steps, cycling the data, with the schedule computed for them.
  std::int64_t epochs = 3;
  std::int64_t max_steps = 0;

  // Optimizer: AdamW (betas 0.9/0.999, eps 1e-8, decoupled weight decay).
  double lr = 2e-4;
  double weight_decay = 0.0;
  double max_grad_norm = 1.0;  // clip the global gradient norm; 0 = no clipping
  Schedule schedule = Schedule::Linear;
  double warmup_ratio = 0.03;    // fraction of the total steps spent warming up
  std::int64_t warmup_steps = 0; // > 0 overrides warmup_ratio

  // LoRA (ignored with Trainable::Full).
  std::int64_t lora_r = 16;
  double lora_alpha = 32;
  double lora_dropout = 0.1;
  std::vector<std::string> lora_targets = {"q_proj", "k_proj", "v_proj", "o_proj",
                                           "gate_proj", "up_proj", "down_proj"};
  bool lora_rslora = false;

  // Batching. A micro-batch holds at most batch_size sequences and at most
  // max_batch_tokens padded tokens (0 = batch_size * max_seq_len); examples are grouped
  // by length so padding stays small. An optimizer step sums grad_accum micro-batches.
  std::int64_t batch_size = 4;
  std::int64_t grad_accum = 1;
  std::int64_t max_batch_tokens = 0;
  std::int64_t max_seq_len = 1024;
  LongExamplePolicy long_examples = LongExamplePolicy::TruncateLeft;
  // Several examples per row of max_seq_len tokens, each attending only to itself
  // (block-diagonal causal mask, positions restarting per example).
  bool packing = false;

  std::uint64_t seed = 42;      // data order, LoRA init, dropout
  std::string device = "auto";  // auto|cpu|cuda
  // Torch intra-op threads (process-wide); 0 = torch's default (every core: the CLI).
  // The GUI passes threads_leaving_one_core() so the interface stays responsive.
  int threads = 0;

  std::int64_t save_steps = 0;  // checkpoint every N optimizer steps (0: only at the end/cancel)
  std::int64_t eval_steps = 0;  // validation loss every N steps (0: only at the end)
  // Stop when the validation loss has not improved for this many evaluations (0: never).
  std::int64_t early_stopping_patience = 0;

  // Provenance the caller knows (the project's split seed); recorded, not used.
  std::optional<std::int64_t> split_seed;

  // Every field, in the layout above.
  data::Json to_json() const;
  // Starts from the defaults and applies the keys present. Throws ConfigError naming
  // the first unknown key or bad value ("lora.dropout: must be in [0, 1)").
  static TrainConfig from_json(const data::Json& json);
  // Range checks (lr > 0, r >= 1, files given, ...). Throws ConfigError naming the field.
  void validate() const;
  // The effective micro-batch token budget.
  std::int64_t batch_tokens() const { return max_batch_tokens > 0 ? max_batch_tokens : batch_size * max_seq_len; }
};

// The number of cores less one (at least 1): the thread count for runs started from the GUI.
int threads_leaving_one_core();

// Settings that invite catastrophic forgetting or that cannot work with the data at
// hand; one sentence each, with the suggested fix. `n_examples` is the number of
// training examples (< 0: unknown, data-size checks skipped). Shown by the CLI and the
// GUI's wizard; never fatal.
std::vector<std::string> training_warnings(const TrainConfig& config, std::int64_t n_examples);

}  // namespace tunesmith::train
