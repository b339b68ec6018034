#pragma once
// The training loop behind TrainingJob, callable synchronously (tests, tools). One
// optimizer step:
//   1. take the next grad_accum micro-batches of the epoch's plan (batching.h; a step
//      never spans two epochs, so an epoch's last step may hold fewer)
//   2. N = the loss targets in all of them; for each micro-batch, backward of
//      (sum of its targets' cross-entropy) / N   -> the gradient of the step's mean loss,
//      whatever the split into micro-batches
//   3. NaN/Inf in the loss or the gradient norm: stop before the update (Failed)
//   4. clip the global gradient norm (reported before clipping), AdamW at the
//      scheduled learning rate
//   5. Step event; every eval_steps the validation loss; every save_steps a checkpoint;
//      then a cancel request or stop_at_step ends the run (checkpoint first)
#include <atomic>
#include <functional>

#include "core/jobs/job.h"
#include "core/train/training_job.h"

namespace tunesmith::train {

struct TrainerHooks {
  std::function<void(const jobs::JobEvent&)> emit;  // every event, in order
  const std::atomic<bool>* cancel = nullptr;        // polled between steps
};

// Runs to the end (or cancel, failure); never throws: errors become a Failed event and
// outcome. Emits exactly one terminal event.
TrainingOutcome run_training(const TrainConfig& config, const TrainingOptions& options, const TrainerHooks& hooks);

}  // namespace tunesmith::train
