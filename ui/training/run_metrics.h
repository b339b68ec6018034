#pragma once
// The curves of one run, from its metrics.jsonl (history: finished and interrupted runs)
// or appended live from the job's events. Qt-free.
//
// metrics.jsonl is one event a line (CLI.md):
//   {"type":"step","step":N,"epoch":E,"loss":L,"lr":X,"tokens_per_s":T, ...}
//   {"type":"eval","step":N,"val_loss":L}
// Other types are skipped. A line that does not parse is skipped too: the last line of
// a run killed mid-write may be cut short, and the rest of the history is still good.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace tunesmith::ui {

struct StepPoint {
  std::int64_t step = 0;
  double loss = 0;
  std::optional<double> lr;
  std::optional<double> tokens_per_s;
  std::optional<double> epoch;
};

struct EvalPoint {
  std::int64_t step = 0;
  double val_loss = 0;
};

struct RunMetrics {
  std::vector<StepPoint> steps;  // in file order; a resumed run may repeat steps
  std::vector<EvalPoint> evals;
  std::size_t skipped_lines = 0;

  // Appends, replacing what a resumed run logs again: a step at or below the last one
  // drops the points from that step on (the new run recomputed them).
  void add_step(const StepPoint& p);
  void add_eval(const EvalPoint& p);
};

// Throws data::IoError when the file exists but cannot be read; a missing file is an
// empty history (a run that has not logged a step yet).
RunMetrics read_metrics(const std::string& metrics_jsonl);

// Exponential moving average with bias correction (as TensorBoard's smoothing and
// Adam's moments): s_t = beta s_{t-1} + (1 - beta) x_t, shown as s_t / (1 - beta^t), so
// the first points are not pulled towards zero. beta in [0, 1).
std::vector<double> ema(const std::vector<double>& values, double beta);

}  // namespace tunesmith::ui
