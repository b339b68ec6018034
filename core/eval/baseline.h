#pragma once
// The project's baseline evaluation (project::Baseline) and the comparison the UI shows:
// "contains moved from 41.0% to 78.0%", with a regression flagged when the baseline's
// score lies above the new score's whole 95% bootstrap interval (a drop larger than the
// resampling noise of this test set, not any drop at all).
#include <string>
#include <vector>

#include "core/data/json.h"
#include "core/project/project.h"

namespace tunesmith::eval {

// The baseline of answerer `label` in a summary.json (its scorers' means). Throws
// std::invalid_argument when the summary has no such answerer.
project::Baseline baseline_from_summary(const data::Json& summary, const std::string& label,
                                        const std::string& eval_path);

struct ScoreChange {
  std::string scorer;
  double before = 0, after = 0;
  bool percent = false;     // an accuracy (shown in %) rather than a mean
  bool regression = false;  // the baseline is above the new 95% interval
  std::string text;         // "contains moved from 41.0% to 78.0%"
};

// Every scorer present in both, in the summary's order.
std::vector<ScoreChange> compare_with_baseline(const data::Json& summary, const std::string& label,
                                               const project::Baseline& baseline);

}  // namespace tunesmith::eval
