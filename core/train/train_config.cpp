#include "core/train/train_config.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <sstream>
#include <thread>

namespace tunesmith::train {

namespace {

template <typename E, std::size_t N>
E parse_enum(const std::string& text, const std::string& field, const std::pair<const char*, E> (&table)[N]) {
  std::string valid;
  for (const auto& [name, value] : table) {
    if (text == name) return value;
    valid += (valid.empty() ? "" : ", ") + std::string(name);
  }
  throw ConfigError(field + ": unknown value \"" + text + "\" (valid: " + valid + ")");
}

const std::pair<const char*, LongExamplePolicy> kPolicies[] = {{"truncate-left", LongExamplePolicy::TruncateLeft},
                                                               {"skip", LongExamplePolicy::Skip}};
const std::pair<const char*, Schedule> kSchedules[] = {
    {"constant", Schedule::Constant}, {"linear", Schedule::Linear}, {"cosine", Schedule::Cosine}};
const std::pair<const char*, Trainable> kTrainables[] = {{"lora", Trainable::Lora}, {"full", Trainable::Full}};
const std::pair<const char*, DataKind> kKinds[] = {{"conversations", DataKind::Conversations},
                                                   {"text-corpus", DataKind::TextCorpus}};

template <typename E, std::size_t N>
const char* enum_name(E value, const std::pair<const char*, E> (&table)[N]) {
  for (const auto& [name, v] : table)
    if (v == value) return name;
  return "?";
}

// Typed reads that name the field on a type mismatch.
std::string get_string(const data::Json& j, const std::string& field) {
  if (!j.is_string()) throw ConfigError(field + ": expected a string, got " + j.dump());
  return j.get<std::string>();
}
std::int64_t get_int(const data::Json& j, const std::string& field) {
  if (!j.is_number_integer()) throw ConfigError(field + ": expected an integer, got " + j.dump());
  return j.get<std::int64_t>();
}
double get_number(const data::Json& j, const std::string& field) {
  if (!j.is_number()) throw ConfigError(field + ": expected a number, got " + j.dump());
  return j.get<double>();
}
bool get_bool(const data::Json& j, const std::string& field) {
  if (!j.is_boolean()) throw ConfigError(field + ": expected true or false, got " + j.dump());
  return j.get<bool>();
}
std::vector<std::string> get_strings(const data::Json& j, const std::string& field) {
  if (j.is_string()) return {j.get<std::string>()};
  if (!j.is_array()) throw ConfigError(field + ": expected a list of strings, got " + j.dump());
  std::vector<std::string> out;
  for (std::size_t i = 0; i < j.size(); ++i) out.push_back(get_string(j[i], field + "[" + std::to_string(i) + "]"));
  return out;
}

void require(bool ok, const std::string& field, const std::string& what) {
  if (!ok) throw ConfigError(field + ": " + what);
}

std::string fmt(double x) {
  std::ostringstream s;
  s << x;
  return s.str();
}

}  // namespace

const char* policy_name(LongExamplePolicy p) { return enum_name(p, kPolicies); }
const char* schedule_name(Schedule s) { return enum_name(s, kSchedules); }
const char* trainable_name(Trainable t) { return enum_name(t, kTrainables); }
const char* data_kind_name(DataKind k) { return enum_name(k, kKinds); }
LongExamplePolicy parse_policy(const std::string& text, const std::string& field) {
  return parse_enum(text, field, kPolicies);
}
Schedule parse_schedule(const std::string& text, const std::string& field) { return parse_enum(text, field, kSchedules); }
Trainable parse_trainable(const std::string& text, const std::string& field) {
  return parse_enum(text, field, kTrainables);
}
DataKind parse_data_kind(const std::string& text, const std::string& field) { return parse_enum(text, field, kKinds); }

data::Json TrainConfig::to_json() const {
  data::Json j;
  j["model_dir"] = model_dir;
  j["train_files"] = train_files;
  j["val_files"] = val_files;
  j["out_dir"] = out_dir;
  j["data_kind"] = data_kind_name(data_kind);
  j["trainable"] = trainable_name(trainable);
  j["chat_template"] = chat_template;
  j["epochs"] = epochs;
  j["max_steps"] = max_steps;
  j["lr"] = lr;
  j["weight_decay"] = weight_decay;
  j["max_grad_norm"] = max_grad_norm;
  j["schedule"] = schedule_name(schedule);
  j["warmup_ratio"] = warmup_ratio;
  j["warmup_steps"] = warmup_steps;
  j["lora"] = {{"r", lora_r}, {"alpha", lora_alpha}, {"dropout", lora_dropout}, {"targets", lora_targets},
               {"rslora", lora_rslora}};
  j["batch_size"] = batch_size;
  j["grad_accum"] = grad_accum;
  j["max_batch_tokens"] = max_batch_tokens;
  j["max_seq_len"] = max_seq_len;
  j["long_examples"] = policy_name(long_examples);
  j["packing"] = packing;
  j["seed"] = seed;
  j["device"] = device;
  j["threads"] = threads;
  j["save_steps"] = save_steps;
  j["eval_steps"] = eval_steps;
  j["early_stopping_patience"] = early_stopping_patience;
  j["split_seed"] = split_seed ? data::Json(*split_seed) : data::Json(nullptr);
  return j;
}

TrainConfig TrainConfig::from_json(const data::Json& j) {
  if (!j.is_object()) throw ConfigError("training configuration: expected a JSON object");
  TrainConfig c;
  for (const auto& [key, v] : j.items()) {
    if (key == "model_dir") c.model_dir = get_string(v, key);
    else if (key == "train_files") c.train_files = get_strings(v, key);
    else if (key == "val_files") c.val_files = get_strings(v, key);
    else if (key == "out_dir") c.out_dir = get_string(v, key);
    else if (key == "data_kind") c.data_kind = parse_data_kind(get_string(v, key), key);
    else if (key == "trainable") c.trainable = parse_trainable(get_string(v, key), key);
    else if (key == "chat_template") c.chat_template = get_string(v, key);
    else if (key == "epochs") c.epochs = get_int(v, key);
    else if (key == "max_steps") c.max_steps = get_int(v, key);
    else if (key == "lr") c.lr = get_number(v, key);
    else if (key == "weight_decay") c.weight_decay = get_number(v, key);
    else if (key == "max_grad_norm") c.max_grad_norm = get_number(v, key);
    else if (key == "schedule") c.schedule = parse_schedule(get_string(v, key), key);
    else if (key == "warmup_ratio") c.warmup_ratio = get_number(v, key);
    else if (key == "warmup_steps") c.warmup_steps = get_int(v, key);
    else if (key == "lora") {
      if (!v.is_object()) throw ConfigError("lora: expected an object");
      for (const auto& [k, x] : v.items()) {
        const std::string f = "lora." + k;
        if (k == "r") c.lora_r = get_int(x, f);
        else if (k == "alpha") c.lora_alpha = get_number(x, f);
        else if (k == "dropout") c.lora_dropout = get_number(x, f);
        else if (k == "targets") c.lora_targets = get_strings(x, f);
        else if (k == "rslora") c.lora_rslora = get_bool(x, f);
        else throw ConfigError(f + ": unknown setting (valid: r, alpha, dropout, targets, rslora)");
      }
    } else if (key == "batch_size") c.batch_size = get_int(v, key);
    else if (key == "grad_accum") c.grad_accum = get_int(v, key);
    else if (key == "max_batch_tokens") c.max_batch_tokens = get_int(v, key);
    else if (key == "max_seq_len") c.max_seq_len = get_int(v, key);
    else if (key == "long_examples") c.long_examples = parse_policy(get_string(v, key), key);
    else if (key == "packing") c.packing = get_bool(v, key);
    else if (key == "seed") {
      if (!v.is_number_unsigned()) throw ConfigError("seed: expected a non-negative integer, got " + v.dump());
      c.seed = v.get<std::uint64_t>();
    } else if (key == "device") c.device = get_string(v, key);
    else if (key == "threads") c.threads = static_cast<int>(get_int(v, key));
    else if (key == "save_steps") c.save_steps = get_int(v, key);
    else if (key == "eval_steps") c.eval_steps = get_int(v, key);
    else if (key == "early_stopping_patience") c.early_stopping_patience = get_int(v, key);
    else if (key == "split_seed") c.split_seed = v.is_null() ? std::nullopt : std::optional(get_int(v, key));
    else throw ConfigError(key + ": unknown setting");
  }
  return c;
}

void TrainConfig::validate() const {
  require(!model_dir.empty(), "model_dir", "no base model given");
  require(!train_files.empty(), "train_files", "no training data given");
  require(!out_dir.empty(), "out_dir", "no run folder given");
  require(epochs >= 1, "epochs", "must be at least 1, got " + std::to_string(epochs));
  require(max_steps >= 0, "max_steps", "must be 0 (use epochs) or more, got " + std::to_string(max_steps));
  require(lr > 0 && std::isfinite(lr), "lr", "must be a positive number, got " + fmt(lr));
  require(weight_decay >= 0, "weight_decay", "must not be negative, got " + fmt(weight_decay));
  require(max_grad_norm >= 0, "max_grad_norm", "must not be negative (0 disables clipping), got " + fmt(max_grad_norm));
  require(warmup_ratio >= 0 && warmup_ratio < 1, "warmup_ratio", "must be in [0, 1), got " + fmt(warmup_ratio));
  require(warmup_steps >= 0, "warmup_steps", "must not be negative, got " + std::to_string(warmup_steps));
  if (trainable == Trainable::Lora) {
    require(lora_r >= 1, "lora.r", "must be at least 1, got " + std::to_string(lora_r));
    require(lora_alpha > 0, "lora.alpha", "must be positive, got " + fmt(lora_alpha));
    require(lora_dropout >= 0 && lora_dropout < 1, "lora.dropout", "must be in [0, 1), got " + fmt(lora_dropout));
    require(!lora_targets.empty(), "lora.targets", "no projection to adapt");
  }
  require(batch_size >= 1, "batch_size", "must be at least 1, got " + std::to_string(batch_size));
  require(grad_accum >= 1, "grad_accum", "must be at least 1, got " + std::to_string(grad_accum));
  require(max_seq_len >= 2, "max_seq_len", "must be at least 2, got " + std::to_string(max_seq_len));
  require(max_batch_tokens == 0 || max_batch_tokens >= max_seq_len, "max_batch_tokens",
          "must be 0 (batch_size x max_seq_len) or at least max_seq_len (" + std::to_string(max_seq_len) + "), got " +
              std::to_string(max_batch_tokens));
  require(device == "auto" || device == "cpu" || device == "cuda", "device",
          "must be auto, cpu or cuda, got \"" + device + "\"");
  require(threads >= 0, "threads", "must not be negative, got " + std::to_string(threads));
  require(save_steps >= 0, "save_steps", "must not be negative");
  require(eval_steps >= 0, "eval_steps", "must not be negative");
  require(early_stopping_patience >= 0, "early_stopping_patience", "must not be negative");
  require(early_stopping_patience == 0 || !val_files.empty(), "early_stopping_patience",
          "needs validation data (val_files)");
}

int threads_leaving_one_core() {
  const unsigned n = std::thread::hardware_concurrency();
  return n > 1 ? static_cast<int>(n - 1) : 1;
}

std::vector<std::string> training_warnings(const TrainConfig& c, std::int64_t n) {
  std::vector<std::string> w;
  const bool lora = c.trainable == Trainable::Lora;
  // The guide's LoRA rate is 2e-4; full fine-tuning wants ~10x less. Far above that the
  // model's general abilities degrade (catastrophic forgetting).
  const double high_lr = lora ? 1e-3 : 1e-4;
  if (c.lr > high_lr)
    w.push_back("learning rate " + fmt(c.lr) + " is high for " + (lora ? "LoRA" : "full fine-tuning") +
                " (suggested " + (lora ? "2e-4" : "2e-5") +
                "): it may overwrite what the base model knows (catastrophic forgetting)");
  if (c.max_steps == 0 && c.epochs > 5)
    w.push_back(std::to_string(c.epochs) +
                " epochs is many: the model may memorize the examples and forget general skills; 1 to 3 usually "
                "suffice, watch the validation loss");
  if (lora && c.lora_alpha / static_cast<double>(std::max<std::int64_t>(1, c.lora_r)) > 4)
    w.push_back("lora.alpha / lora.r = " + fmt(c.lora_alpha / static_cast<double>(c.lora_r)) +
                " scales the adapter strongly; alpha = 2 x r is the usual choice");
  if (n >= 0 && c.data_kind == DataKind::Conversations) {
    if (n == 0) w.push_back("there are no training examples");
    else if (n < 10)
      w.push_back("only " + std::to_string(n) +
                  " training examples: fine-tuning needs at least 10 and usually 50 to 100 to show an effect");
    else if (n < 50)
      w.push_back(std::to_string(n) + " training examples is little: expect a modest effect (50 to 100 is a good start)");
    if (n > 0 && n < 100 && c.max_steps == 0 && c.epochs > 3)
      w.push_back(std::to_string(c.epochs) + " epochs over " + std::to_string(n) +
                  " examples invites overfitting; keep 3 or fewer, or add data");
    const std::int64_t per_step = c.batch_size * c.grad_accum;
    if (n > 0 && per_step > n)
      w.push_back("batch_size x grad_accum = " + std::to_string(per_step) + " exceeds the " + std::to_string(n) +
                  " examples: every step sees the whole set");
  }
  if (c.val_files.empty() && c.early_stopping_patience == 0 && c.data_kind == DataKind::Conversations)
    w.push_back("no validation data: overfitting cannot be seen during training (add --val)");
  return w;
}

}  // namespace tunesmith::train
