#include "core/eval/baseline.h"

#include <cstdio>
#include <stdexcept>

namespace tunesmith::eval {
namespace {

const data::Json& answerer(const data::Json& summary, const std::string& label) {
  if (!summary.contains("answerers") || !summary["answerers"].contains(label))
    throw std::invalid_argument("summary has no answerer '" + label + "'");
  return summary["answerers"][label];
}

std::string show(double v, bool percent) {
  char buf[32];
  std::snprintf(buf, sizeof buf, percent ? "%.1f%%" : "%.3f", percent ? v * 100.0 : v);
  return buf;
}

}  // namespace

project::Baseline baseline_from_summary(const data::Json& summary, const std::string& label,
                                        const std::string& eval_path) {
  const data::Json& a = answerer(summary, label);
  project::Baseline b;
  b.path = eval_path;
  b.answerer = label;
  b.spec = a.value("spec", "");
  for (const auto& [name, st] : a["scores"].items())
    if (st.contains("mean") && st["mean"].is_number()) b.scores[name] = st["mean"].get<double>();
  return b;
}

std::vector<ScoreChange> compare_with_baseline(const data::Json& summary, const std::string& label,
                                               const project::Baseline& baseline) {
  const data::Json& a = answerer(summary, label);
  std::vector<ScoreChange> out;
  for (const auto& [name, st] : a["scores"].items()) {
    auto it = baseline.scores.find(name);
    if (it == baseline.scores.end() || !st["mean"].is_number()) continue;
    ScoreChange c;
    c.scorer = name;
    c.before = it->second;
    c.after = st["mean"].get<double>();
    c.percent = st.value("kind", "") != "mean";
    const double high = st["ci95"].is_array() ? st["ci95"][1].get<double>() : c.after;
    c.regression = c.before > high;
    c.text = name + " moved from " + show(c.before, c.percent) + " to " + show(c.after, c.percent);
    if (c.regression) c.text += " (regression)";
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace tunesmith::eval
