#include "core/train/schedule.h"

#include <algorithm>
#include <cmath>

namespace tunesmith::train {

double lr_multiplier(Schedule schedule, std::int64_t step, std::int64_t warmup, std::int64_t total) {
  if (step < warmup) return static_cast<double>(step) / static_cast<double>(std::max<std::int64_t>(1, warmup));
  if (schedule == Schedule::Constant) return 1.0;
  const double span = static_cast<double>(std::max<std::int64_t>(1, total - warmup));
  if (schedule == Schedule::Linear) return std::max(0.0, static_cast<double>(total - step) / span);
  const double progress = static_cast<double>(step - warmup) / span;
  return std::max(0.0, 0.5 * (1.0 + std::cos(M_PI * progress)));
}

std::int64_t warmup_steps_for(const TrainConfig& config, std::int64_t total_steps) {
  if (config.warmup_steps > 0) return config.warmup_steps;
  return static_cast<std::int64_t>(std::ceil(config.warmup_ratio * static_cast<double>(total_steps)));
}

}  // namespace tunesmith::train
