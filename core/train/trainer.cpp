#include "core/train/trainer.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <limits>
#include <optional>
#include <set>

#include "core/data/io_error.h"
#include "core/model/error.h"
#include "core/model/device.h"
#include "core/model/loader.h"
#include "core/model/presets.h"
#include "core/model/weights.h"
#include "core/text/chat_template.h"
#include "core/text/tokenizer.h"
#include "core/train/adamw.h"
#include "core/train/batching.h"
#include "core/train/checkpoint.h"
#include "core/train/collate.h"
#include "core/train/lora.h"
#include "core/train/peft_io.h"
#include "core/train/run_files.h"
#include "core/train/schedule.h"
#include "core/train/sft_data.h"

namespace tunesmith::train {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

// The files of a model folder that are not weights or config, copied next to a fully
// trained model so the folder is complete (generate, model info, export).
void copy_tokenizer_files(const std::string& from, const std::string& to) {
  for (const char* name : {"tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "vocab.json",
                           "merges.txt", "tokenizer.model", "added_tokens.json", "chat_template.jinja"}) {
    std::error_code ec;
    if (fs::exists(fs::path(from) / name, ec))
      fs::copy_file(fs::path(from) / name, fs::path(to) / name, fs::copy_options::overwrite_existing, ec);
    if (ec) throw data::IoError(to + "/" + name + ": cannot copy the tokenizer file: " + ec.message());
  }
}

// Expands "all-linear" in the configured targets.
std::vector<std::string> lora_targets(const std::vector<std::string>& targets) {
  std::vector<std::string> out;
  for (const std::string& t : targets) {
    for (const std::string& k : parse_targets(t))
      if (std::find(out.begin(), out.end(), k) == out.end()) out.push_back(k);
  }
  return out;
}

class Run {
 public:
  Run(const TrainConfig& config, const TrainingOptions& options, const TrainerHooks& hooks)
      : c_(config), o_(options), hooks_(hooks) {}

  TrainingOutcome go() {
    try {
      c_.validate();
      // Checked before opening the folder's files, so a refused start writes nothing
      // into another run's metrics.jsonl or log.txt.
      std::error_code ec;
      if (!o_.resume && (fs::exists(c_.out_dir + "/config.json", ec) || !newest_checkpoint(c_.out_dir).empty()))
        throw data::IoError(c_.out_dir +
                            ": the folder already holds a run; resume it (--resume) or choose another run folder");
      files_.emplace(c_.out_dir);
      if (!prepare()) return outcome_;  // a finished run was resumed: nothing to do
      loop();
    } catch (const ConfigError& e) {
      fail(e.what(), FailureKind::InvalidInput);
    } catch (const DataLoadError& e) {
      fail(e.what(), FailureKind::InvalidInput);
    } catch (const text::ChatTemplateError& e) {
      fail(e.what(), FailureKind::InvalidInput);
    } catch (const model::ModelError& e) {
      fail(e.what(), FailureKind::InvalidInput);
    } catch (const std::invalid_argument& e) {  // parse_targets, Lora::attach
      fail(e.what(), FailureKind::InvalidInput);
    } catch (const data::IoError& e) {
      fail(e.what(), FailureKind::Io);
    } catch (const std::exception& e) {
      fail(e.what(), FailureKind::Internal);
    }
    return outcome_;
  }

 private:
  // --- events -------------------------------------------------------------------
  void emit(const jobs::JobEvent& e) {
    if (hooks_.emit) hooks_.emit(e);
  }
  void metric(const data::Json& line) {
    if (files_) files_->metric(line);
  }
  void log(const std::string& level, const std::string& message) {
    if (files_) {
      files_->log(level, message);
      metric({{"type", "log"}, {"level", level}, {"message", message}});
    }
    emit(jobs::Log{level, message});
  }

  void fail(std::string message, FailureKind kind) {
    // CUDA's allocator says "CUDA out of memory"; other backends say "out of memory".
    if (message.find("out of memory") != std::string::npos) {
      kind = FailureKind::OutOfMemory;
      message += "\nThe device ran out of memory. Try a smaller --batch-size (with a larger --grad-accum to keep "
                 "the effective batch), a shorter --max-seq-len, fewer LoRA targets or a lower --rank; QLoRA and "
                 "gradient checkpointing (not yet available) lower memory further.";
    }
    outcome_.state = jobs::JobState::Failed;
    outcome_.failure = kind;
    outcome_.message = message;
    outcome_.step = st_.step;
    if (files_) {
      outcome_.last_checkpoint = newest_checkpoint(c_.out_dir);
      try {
        files_->log("error", message);
        metric({{"type", "failed"}, {"step", st_.step}, {"message", message}});
      } catch (const std::exception&) {
        // The run folder itself is failing; the event below still reaches the caller.
      }
    }
    emit(jobs::Failed{message, failure_name(kind)});
  }

  // --- setup ----------------------------------------------------------------------
  // Returns false when there is nothing to do (resume of a finished run).
  bool prepare() {
    const std::string& out = c_.out_dir;
    if (o_.resume && run_finished(out)) {
      outcome_.state = jobs::JobState::Succeeded;
      outcome_.already_finished = true;
      outcome_.adapter_dir = output_dir();
      outcome_.last_checkpoint = newest_checkpoint(out);
      outcome_.message = "the run in " + out + " has already finished; nothing to resume";
      emit(jobs::Log{"info", outcome_.message});
      emit(jobs::Finished{outcome_.adapter_dir, std::nullopt});
      return false;
    }

    if (c_.threads > 0) at::set_num_threads(c_.threads);
    device_ = model::select_device(c_.device);

    // Model and tokenizer.
    model::LoadOptions lo;
    lo.device = c_.device;
    lo.dtype = at::kFloat;  // trainable weights and activations in fp32 (bf16 training comes with CUDA work)
    model_ = model::load_model(c_.model_dir, lo);
    const text::Tokenizer tokenizer = text::Tokenizer::from_dir(c_.model_dir);
    const model::TokenizerFacts facts = model::read_tokenizer_facts(c_.model_dir);
    pad_id_ = static_cast<std::int32_t>(facts.pad_id.value_or(facts.eos_id.value_or(0)));

    // Data.
    std::string template_origin, template_source;
    if (c_.data_kind == DataKind::Conversations) {
      const text::ChatTemplate tmpl = text::ChatTemplate::load(c_.model_dir, c_.chat_template);
      template_origin = tmpl.origin();
      template_source = tmpl.source(false);
      TokenizedData train = tokenize_conversations(c_.train_files, tmpl, tokenizer, c_.max_seq_len, c_.long_examples);
      report(train.report, "training data");
      train_ = std::move(train.examples);
      if (!c_.val_files.empty()) {
        TokenizedData val = tokenize_conversations(c_.val_files, tmpl, tokenizer, c_.max_seq_len, c_.long_examples);
        report(val.report, "validation data");
        val_ = std::move(val.examples);
      }
    } else {
      std::optional<std::int32_t> eos;
      if (facts.eos_id) eos = static_cast<std::int32_t>(*facts.eos_id);
      train_ = tokenize_text_corpus(c_.train_files, tokenizer, eos, c_.max_seq_len).examples;
      if (!c_.val_files.empty()) val_ = tokenize_text_corpus(c_.val_files, tokenizer, eos, c_.max_seq_len).examples;
    }
    if (train_.empty()) throw std::runtime_error("no training example is left to train on (see the notes above)");
    for (const std::string& w : training_warnings(c_, static_cast<std::int64_t>(train_.size()))) log("warn", w);

    // Trainable parameters.
    if (c_.trainable == Trainable::Lora) {
      LoraConfig lc;
      lc.r = c_.lora_r;
      lc.alpha = c_.lora_alpha;
      lc.dropout = c_.lora_dropout;
      lc.target_modules = lora_targets(c_.lora_targets);
      lc.use_rslora = c_.lora_rslora;
      lora_.emplace(Lora::attach(model_.net, lc, c_.seed));
      lora_->set_training(true);
      named_ = lora_->named_parameters();
    } else {
      for (model::TensorSlot& slot : model_.net.tensor_slots()) {
        // A private, trainable copy (loaded weights may be views of the file's map).
        *slot.tensor = slot.tensor->detach().clone().set_requires_grad(true);
        named_.emplace_back(slot.name, *slot.tensor);
        if (slot.tensor->dim() == 1) no_decay_.insert(slot.name);  // norms and biases, as HF
      }
      model_.net.finalize();  // re-ties lm_head to the new embedding tensor
    }
    for (const auto& [name, p] : named_) params_.push_back(p);
    AdamWOptions ao;
    ao.weight_decay = c_.weight_decay;
    opt_.emplace(named_, ao, no_decay_);

    // Batching and the length of the run.
    bo_.batch_size = c_.batch_size;
    bo_.batch_tokens = c_.batch_tokens();
    bo_.max_seq_len = c_.max_seq_len;
    bo_.packing = c_.packing;
    bo_.seed = c_.seed;
    BatchOptions vo = bo_;
    vo.shuffle = false;
    if (!val_.empty()) val_plan_ = plan_epoch(val_, vo, 0);
    st_.data_seed = c_.seed;
    if (c_.max_steps > 0) {
      st_.total_steps = c_.max_steps;
    } else {
      for (std::int64_t e = 0; e < c_.epochs; ++e) {
        const auto n = static_cast<std::int64_t>(plan_epoch(train_, bo_, e).size());
        st_.total_steps += (n + c_.grad_accum - 1) / c_.grad_accum;
      }
    }
    warmup_ = warmup_steps_for(c_, st_.total_steps);

    // Fresh start or resume.
    at::manual_seed(c_.seed);
    std::optional<std::int64_t> resumed_from;
    const std::string ckpt = o_.resume ? newest_checkpoint(out) : "";
    if (!ckpt.empty()) {
      restore(ckpt);
      resumed_from = st_.step;
      files_->keep_metrics_through(st_.step);
      log("info", "resumed from " + ckpt + " (step " + std::to_string(st_.step) + " of " +
                      std::to_string(st_.total_steps) + ")");
    } else {
      if (o_.resume) {
        files_->keep_metrics_through(0);
        log("info", "no complete checkpoint in " + out + "/checkpoints: starting from the beginning");
      }
      write_run_config(out, c_, provenance(c_, template_origin, template_source));
    }
    metric({{"type", "started"},
            {"run_dir", out},
            {"total_steps", st_.total_steps},
            {"resumed_from", resumed_from ? data::Json(*resumed_from) : data::Json(nullptr)},
            {"examples", train_.size()},
            {"val_examples", val_.size()},
            {"trainable", trainable_name(c_.trainable)},
            {"trainable_parameters", trainable_count()},
            {"device", model::describe(device_)},
            {"threads", at::get_num_threads()}});
    files_->log("info", "training " + std::string(trainable_name(c_.trainable)) + " (" +
                            std::to_string(trainable_count()) + " trainable parameters) on " +
                            std::to_string(train_.size()) + " examples for " + std::to_string(st_.total_steps) +
                            " steps, " + model::describe(device_) + ", " + std::to_string(at::get_num_threads()) +
                            " threads");
    emit(jobs::Started{out, "local"});
    return true;
  }

  void report(const DataReport& r, const std::string& what) {
    outcome_.long_examples += r.long_examples;
    outcome_.skipped_examples += r.skipped_long + r.skipped_untrained;
    for (const std::string& note : r.notes) log("warn", what + ": " + note);
  }

  std::int64_t trainable_count() const {
    std::int64_t n = 0;
    for (const at::Tensor& p : params_) n += p.numel();
    return n;
  }

  std::string output_dir() const {
    return c_.out_dir + (c_.trainable == Trainable::Lora ? "/adapter" : "/model");
  }

  void write_weights(const std::string& dir) {
    if (lora_) {
      save_adapter(*lora_, dir + "/adapter", fs::absolute(c_.model_dir).string());
    } else {
      model::save_model(model_.net, model_.generation, dir + "/model");
      copy_tokenizer_files(c_.model_dir, dir + "/model");
    }
  }

  void restore(const std::string& dir) {
    LoadedCheckpoint ck = read_checkpoint(dir);
    const std::string weights =
        dir + (lora_ ? "/adapter/adapter_model.safetensors" : "/model/model.safetensors");
    std::map<std::string, at::Tensor> stored = model::load_safetensors(weights);
    at::NoGradGuard no_grad;
    for (auto& [name, p] : named_) {
      auto it = stored.find(name);
      if (it == stored.end()) throw std::runtime_error(weights + ": tensor " + name + " is missing");
      if (it->second.sizes() != p.sizes())
        throw std::runtime_error(weights + ": tensor " + name + " has shape " + c10::str(it->second.sizes()) +
                                 ", expected " + c10::str(p.sizes()));
      p.copy_(it->second);
    }
    opt_->load_state(ck.optimizer, ck.state.step);
    set_cpu_rng_state(ck.rng_state);
    if (ck.state.total_steps != st_.total_steps)
      throw std::runtime_error(dir + ": the checkpoint belongs to a run of " + std::to_string(ck.state.total_steps) +
                               " steps, but this configuration gives " + std::to_string(st_.total_steps));
    if (ck.state.data_seed != c_.seed)
      throw std::runtime_error(dir + ": the checkpoint's data seed differs from the configuration's seed");
    st_ = ck.state;
    last_checkpoint_step_ = st_.step;  // already on disk: a cancel right away need not rewrite it
  }

  std::string checkpoint() {
    CheckpointData d;
    d.state = st_;
    d.optimizer = opt_->state_tensors();
    d.rng_state = cpu_rng_state();
    d.write_weights = [this](const std::string& dir) { write_weights(dir); };
    const std::string path = write_checkpoint(c_.out_dir, d);
    const std::string rel = "checkpoints/step-" + std::to_string(st_.step);
    std::map<std::string, double> m;
    if (last_loss_) m["train_loss"] = *last_loss_;
    if (last_val_) m["valid_loss"] = *last_val_;
    metric({{"type", "checkpoint"}, {"step", st_.step}, {"path", rel}});
    files_->log("info", "checkpoint " + rel);
    emit(jobs::Checkpoint{st_.step, path, m});
    last_checkpoint_step_ = st_.step;
    return path;
  }

  // --- the loop -------------------------------------------------------------------
  const std::vector<MicroBatch>& epoch_plan(std::int64_t epoch) {
    if (plan_epoch_ != epoch) plan_ = plan_epoch(train_, bo_, epoch), plan_epoch_ = epoch;
    return plan_;
  }

  double evaluate() {
    if (lora_) lora_->set_training(false);
    at::NoGradGuard no_grad;
    double sum = 0;
    std::int64_t n = 0;
    for (const MicroBatch& mb : val_plan_) {
      const Collated b = collate(mb, val_, pad_id_, c_.packing, device_);
      if (b.trained_tokens == 0) continue;
      sum += loss_sum(model_.net, b).item<double>();
      n += b.trained_tokens;
    }
    if (lora_) lora_->set_training(true);
    return n ? sum / static_cast<double>(n) : std::numeric_limits<double>::quiet_NaN();
  }

  // Runs an evaluation and applies early stopping; returns true when the run should stop.
  bool eval_now() {
    const double v = evaluate();
    last_val_ = v;
    last_eval_step_ = st_.step;
    metric({{"type", "eval"}, {"step", st_.step}, {"val_loss", v}});
    files_->log("info", "step " + std::to_string(st_.step) + ": validation loss " + std::to_string(v));
    emit(jobs::Eval{st_.step, v, std::nullopt, true});
    if (!st_.best_val_loss || v < *st_.best_val_loss) {
      st_.best_val_loss = v;
      st_.evals_without_improvement = 0;
    } else {
      ++st_.evals_without_improvement;
    }
    if (c_.early_stopping_patience > 0 && st_.evals_without_improvement >= c_.early_stopping_patience) {
      log("info", "early stopping: the validation loss has not improved on " + std::to_string(*st_.best_val_loss) +
                      " for " + std::to_string(st_.evals_without_improvement) + " evaluations");
      outcome_.early_stopped = true;
      return true;
    }
    return false;
  }

  bool cancel_due() const {
    return (hooks_.cancel && hooks_.cancel->load()) || (o_.stop_at_step && st_.step >= *o_.stop_at_step);
  }

  void loop() {
    const auto session_start = Clock::now();
    std::int64_t session_steps = 0;
    while (st_.step < st_.total_steps) {
      if (cancel_due()) return cancelled();
      const std::vector<MicroBatch>& plan = epoch_plan(st_.epoch);
      const auto n = static_cast<std::int64_t>(plan.size());
      const std::int64_t begin = st_.batch_index, end = std::min(n, begin + c_.grad_accum);
      const auto t0 = Clock::now();

      std::vector<Collated> batches;
      std::int64_t targets = 0, tokens = 0;
      for (std::int64_t i = begin; i < end; ++i) {
        batches.push_back(collate(plan[static_cast<std::size_t>(i)], train_, pad_id_, c_.packing, device_));
        targets += batches.back().trained_tokens;
        tokens += batches.back().tokens;
      }
      // Each micro-batch's summed CE over the step's target count: the gradients add up
      // to those of the mean over every target of the step.
      double loss = 0;
      for (const Collated& b : batches) {
        if (b.trained_tokens == 0) continue;
        at::Tensor l = loss_sum(model_.net, b) / static_cast<double>(targets);  // ()
        l.backward();
        loss += l.item<double>();
      }
      if (o_.test_inject_nan_at_step && *o_.test_inject_nan_at_step == st_.step + 1)
        loss = std::numeric_limits<double>::quiet_NaN();
      const double norm = clip_grad_norm(params_, c_.max_grad_norm);
      if (!std::isfinite(loss) || !std::isfinite(norm)) {
        opt_->zero_grad();
        const std::string last = newest_checkpoint(c_.out_dir);
        return fail("step " + std::to_string(st_.step + 1) + ": the " + (std::isfinite(loss) ? "gradient" : "loss") +
                    " is " + (std::isnan(std::isfinite(loss) ? norm : loss) ? "NaN" : "infinite") +
                    "; training stopped before applying it. " +
                    (last.empty() ? std::string("No checkpoint was written yet.")
                                  : "The last good checkpoint is " + last + ".") +
                    " Try a lower learning rate (--lr) or stronger gradient clipping.",
                    FailureKind::Numerical);
      }
      const double lr = c_.lr * lr_multiplier(c_.schedule, st_.step, warmup_, st_.total_steps);
      opt_->step(lr);
      opt_->zero_grad();

      ++st_.step;
      ++session_steps;
      st_.trained_tokens += targets;
      const double epoch_pos = static_cast<double>(st_.epoch) + static_cast<double>(end) / static_cast<double>(n);
      st_.batch_index = end;
      if (end >= n) ++st_.epoch, st_.batch_index = 0;
      const double dt = seconds_since(t0);
      st_.elapsed_s += dt;
      const double per_step = seconds_since(session_start) / static_cast<double>(session_steps);
      const double eta = per_step * static_cast<double>(st_.total_steps - st_.step);
      const double tps = dt > 0 ? static_cast<double>(tokens) / dt : 0.0;
      last_loss_ = loss;

      metric({{"type", "step"},
              {"step", st_.step},
              {"epoch", epoch_pos},
              {"loss", loss},
              {"lr", lr},
              {"grad_norm", norm},
              {"tokens_per_s", tps},
              {"trained_tokens", targets},
              {"elapsed_s", st_.elapsed_s},
              {"eta_s", eta}});
      jobs::Step ev;
      ev.step = st_.step;
      ev.total_steps = st_.total_steps;
      ev.loss = loss;
      ev.lr = lr;
      ev.grad_norm = norm;
      ev.tokens_per_s = tps;
      ev.elapsed_s = st_.elapsed_s;
      ev.eta_s = eta;
      emit(ev);

      bool stop = false;
      if (!val_.empty() && c_.eval_steps > 0 && st_.step % c_.eval_steps == 0) stop = eval_now();
      if (c_.save_steps > 0 && st_.step % c_.save_steps == 0 && st_.step < st_.total_steps) checkpoint();
      if (stop) break;
    }
    finished();
  }

  void cancelled() {
    std::string path = newest_checkpoint(c_.out_dir);
    if (last_checkpoint_step_ != st_.step) path = checkpoint();
    const std::string rel = "checkpoints/step-" + std::to_string(st_.step);
    metric({{"type", "cancelled"}, {"step", st_.step}, {"checkpoint", rel}});
    files_->log("info", "cancelled after step " + std::to_string(st_.step) + "; resume from " + rel);
    outcome_.state = jobs::JobState::Cancelled;
    outcome_.step = st_.step;
    outcome_.total_steps = st_.total_steps;
    outcome_.last_checkpoint = path;
    outcome_.message = "cancelled after step " + std::to_string(st_.step) + " of " +
                       std::to_string(st_.total_steps) + "; checkpoint " + path;
    emit(jobs::Cancelled{});
  }

  void finished() {
    if (!val_.empty() && last_eval_step_ != st_.step) eval_now();
    write_weights(c_.out_dir);
    const std::string out = output_dir();
    metric({{"type", "finished"},
            {"step", st_.step},
            {"adapter", c_.trainable == Trainable::Lora ? "adapter" : "model"},
            {"trained_tokens", st_.trained_tokens},
            {"elapsed_s", st_.elapsed_s},
            {"early_stopped", outcome_.early_stopped}});
    files_->log("info", "finished after " + std::to_string(st_.step) + " steps; wrote " + out);
    outcome_.state = jobs::JobState::Succeeded;
    outcome_.step = st_.step;
    outcome_.total_steps = st_.total_steps;
    outcome_.adapter_dir = out;
    outcome_.last_checkpoint = newest_checkpoint(c_.out_dir);
    outcome_.message = "finished " + std::to_string(st_.step) + " steps" +
                       (last_loss_ ? ", last loss " + std::to_string(*last_loss_) : "") +
                       (last_val_ ? ", validation loss " + std::to_string(*last_val_) : "");
    emit(jobs::Finished{out, st_.trained_tokens});
  }

  TrainConfig c_;
  TrainingOptions o_;
  TrainerHooks hooks_;
  TrainingOutcome outcome_;
  std::optional<RunFiles> files_;

  c10::Device device_ = c10::Device(c10::kCPU);
  model::Model model_;
  std::optional<Lora> lora_;
  std::vector<std::pair<std::string, at::Tensor>> named_;
  std::vector<at::Tensor> params_;
  std::set<std::string> no_decay_;
  std::optional<AdamW> opt_;
  std::int32_t pad_id_ = 0;

  std::vector<TokenizedExample> train_, val_;
  BatchOptions bo_;
  std::vector<MicroBatch> val_plan_, plan_;
  std::int64_t plan_epoch_ = -1;
  std::int64_t warmup_ = 0;

  TrainerState st_;
  std::optional<double> last_loss_, last_val_;
  std::int64_t last_eval_step_ = -1, last_checkpoint_step_ = -1;
};

}  // namespace

TrainingOutcome run_training(const TrainConfig& config, const TrainingOptions& options, const TrainerHooks& hooks) {
  Run run(config, options, hooks);
  return run.go();
}

}  // namespace tunesmith::train
