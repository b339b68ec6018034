#pragma once
// Learning-rate schedules with linear warmup, as Hugging Face's get_*_schedule_with_warmup
// (the multiplier of optimizer step s, 0-based, for a run of `total` steps):
//   s < warmup:   s / warmup                       (so the very first step has lr 0 when warming up)
//   constant:     1
//   linear:       max(0, (total - s) / (total - warmup))
//   cosine:       max(0, 0.5 (1 + cos(pi (s - warmup) / (total - warmup))))
#include <cstdint>

#include "core/train/train_config.h"

namespace tunesmith::train {

double lr_multiplier(Schedule schedule, std::int64_t step, std::int64_t warmup, std::int64_t total);

// The warmup steps of a run: warmup_steps when set, else ceil(warmup_ratio x total).
std::int64_t warmup_steps_for(const TrainConfig& config, std::int64_t total_steps);

}  // namespace tunesmith::train
