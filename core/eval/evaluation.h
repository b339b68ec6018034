#pragma once
// One evaluation: every answerer answers every case, every scorer scores every answer,
// the judge (when asked for) compares each answer with the reference. Synchronous and
// Qt-free; EvalJob (eval_job.h) runs it on a background thread for the GUI, the CLI
// calls it directly.
//
// Answerers run one after another (a local base shared by "local:M" and "local:M+A"
// switches its adapter between them), each over the cases in calls of its preferred
// batch size; cancellation is checked between calls.
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/eval/answerer.h"
#include "core/eval/eval_case.h"
#include "core/eval/judge.h"
#include "core/eval/scorers.h"

namespace tunesmith::eval {

// The forgetting probe, relative to the resources folder: general prompts (no task
// content) with short references, answered by the local answerers to see whether
// fine-tuning cost general ability.
inline constexpr const char* kForgettingProbe = "eval/forgetting_probe.jsonl";

struct Contestant {
  std::string label;  // "a", "b", "c"
  std::shared_ptr<Answerer> answerer;
};

struct EvalOptions {
  std::vector<ScorerSpec> scorers;
  std::shared_ptr<Judge> judge;  // required when a judge scorer is asked for
  std::string rubric = kDefaultRubric;
  std::uint64_t seed = 0;        // bootstrap
  // The forgetting probe (forgetting_probe.h): answered by the local answerers only.
  std::vector<EvalCase> probe;
  // For the summary's provenance.
  std::string data_path, train_path;
};

struct Scored {
  Answer answer;
  std::map<std::string, std::optional<double>> scores;  // scorer name -> value or null
  std::optional<PairwiseResult> judge;
  std::optional<GradeResult> grade;
};

struct Progress {
  std::string phase;  // "answer a", "judge b", "probe a", ...
  std::size_t done = 0, total = 0;  // over the whole evaluation
  double elapsed_s = 0;
};

struct EvalResult {
  std::vector<EvalCase> cases;
  std::vector<std::string> labels;
  std::map<std::string, std::string> specs;   // label -> Answerer::describe()
  std::map<std::string, bool> local;          // label -> is_local()
  std::vector<std::map<std::string, Scored>> rows;  // per case: label -> result
  std::vector<ScorerSpec> scorers;
  std::string judge_spec;                     // "" without a judge
  // The probe: its cases and, per case, label -> answer scored with rouge and f1.
  std::vector<EvalCase> probe_cases;
  std::vector<std::string> probe_labels;
  std::vector<std::map<std::string, Scored>> probe_rows;
  std::uint64_t seed = 0;
  std::string data_path, train_path;
  double elapsed_s = 0;
  bool cancelled = false;
};

// Throws std::invalid_argument for a judge scorer without a judge, duplicate labels or
// no answerer; an exception from an answerer propagates (the evaluation cannot go on).
EvalResult run_evaluation(const std::vector<EvalCase>& cases, const std::vector<Contestant>& contestants,
                          const EvalOptions& options, const std::function<void(const Progress&)>& progress = {},
                          const std::atomic<bool>* cancel = nullptr);

}  // namespace tunesmith::eval
