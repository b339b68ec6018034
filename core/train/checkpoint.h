#pragma once
// Checkpoints: RUN/checkpoints/step-N/ holds everything resume needs
//   adapter/ (PEFT layout) or model/ (full training: a complete HF model folder)
//   optimizer.safetensors    AdamW moments: exp_avg.NAME, exp_avg_sq.NAME (fp32)
//   rng.safetensors          torch's CPU generator state (U8)
//   trainer_state.json       step, total steps, data position (epoch, next micro-batch),
//                            data seed, tokens so far, best validation loss, ...
//   COMPLETE                 written last
// The folder is written as checkpoints/.partial-step-N and renamed to step-N after
// COMPLETE is in it, so a crash at any moment leaves either no step-N or a complete
// one; resume also refuses folders without the marker.
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <ATen/core/Tensor.h>

#include "core/data/json.h"

namespace tunesmith::train {

inline constexpr const char* kCheckpointMarker = "COMPLETE";

struct TrainerState {
  std::int64_t step = 0;            // optimizer steps done
  std::int64_t total_steps = 0;
  std::int64_t epoch = 0;           // the epoch the next micro-batch comes from
  std::int64_t batch_index = 0;     // the next micro-batch within that epoch
  std::uint64_t data_seed = 0;      // with epoch, fixes the epoch's order (batching.h)
  std::int64_t trained_tokens = 0;  // loss targets seen so far
  double elapsed_s = 0;             // training time so far, over every session
  std::optional<double> best_val_loss;
  std::int64_t evals_without_improvement = 0;

  data::Json to_json() const;
  static TrainerState from_json(const data::Json& j, const std::string& where);  // throws std::runtime_error
};

struct CheckpointData {
  TrainerState state;
  std::vector<std::pair<std::string, at::Tensor>> optimizer;  // AdamW::state_tensors()
  at::Tensor rng_state;                                       // torch CPU generator state (U8)
  // Writes the weights into the folder it is given (save_adapter into DIR/adapter, or
  // the model into DIR/model).
  std::function<void(const std::string& dir)> write_weights;
};

// Writes RUN/checkpoints/step-N (replacing an older folder of that name) and returns
// its path. Throws data::IoError or model::ModelError.
std::string write_checkpoint(const std::string& run_dir, const CheckpointData& data);

struct LoadedCheckpoint {
  std::string dir;
  TrainerState state;
  std::map<std::string, at::Tensor> optimizer;
  at::Tensor rng_state;
};
// Reads what write_checkpoint wrote (weights are read by the caller from dir).
LoadedCheckpoint read_checkpoint(const std::string& dir);

// The default CPU generator's state, and setting it back (dropout's randomness).
at::Tensor cpu_rng_state();
void set_cpu_rng_state(const at::Tensor& state);

}  // namespace tunesmith::train
