#include "ui/training/run_metrics.h"

#include <cmath>
#include <filesystem>

#include "core/data/json.h"
#include "core/data/line_reader.h"

namespace tunesmith::ui {

void RunMetrics::add_step(const StepPoint& p) {
  while (!steps.empty() && steps.back().step >= p.step) steps.pop_back();
  steps.push_back(p);
}

void RunMetrics::add_eval(const EvalPoint& p) {
  while (!evals.empty() && evals.back().step >= p.step) evals.pop_back();
  evals.push_back(p);
}

namespace {

std::optional<double> number(const data::Json& j, const char* key) {
  const auto it = j.find(key);
  if (it == j.end() || !it->is_number()) return std::nullopt;
  const double v = it->get<double>();
  return std::isfinite(v) ? std::optional<double>(v) : std::nullopt;
}

}  // namespace

RunMetrics read_metrics(const std::string& path) {
  RunMetrics m;
  if (!std::filesystem::exists(path)) return m;
  data::LineReader reader(path);
  data::Line line;
  while (reader.next(line)) {
    if (line.too_long || line.text.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    data::Json j = data::Json::parse(line.text, nullptr, /*allow_exceptions=*/false);
    if (!j.is_object() || !j.contains("type") || !j["type"].is_string()) {
      ++m.skipped_lines;
      continue;
    }
    const std::string type = j["type"].get<std::string>();
    if (type != "step" && type != "eval") continue;  // started, log, checkpoint, ...: not curves
    if (!j.contains("step") || !j["step"].is_number_integer()) {
      ++m.skipped_lines;
      continue;
    }
    const std::int64_t step = j["step"].get<std::int64_t>();
    if (type == "step") {
      const auto loss = number(j, "loss");
      if (!loss) {
        ++m.skipped_lines;
        continue;
      }
      m.add_step({step, *loss, number(j, "lr"), number(j, "tokens_per_s"), number(j, "epoch")});
    } else if (type == "eval") {
      if (const auto v = number(j, "val_loss")) m.add_eval({step, *v});
      else ++m.skipped_lines;
    }
  }
  return m;
}

std::vector<double> ema(const std::vector<double>& values, double beta) {
  std::vector<double> out;
  out.reserve(values.size());
  double s = 0, debias = 1;
  for (double x : values) {
    s = beta * s + (1 - beta) * x;
    debias *= beta;
    out.push_back(beta == 0 ? x : s / (1 - debias));
  }
  return out;
}

}  // namespace tunesmith::ui
