#include "core/eval/evaluation.h"

#include <chrono>
#include <set>
#include <stdexcept>

#include "core/text/unicode.h"

namespace tunesmith::eval {
namespace {

using Clock = std::chrono::steady_clock;

bool cancelled(const std::atomic<bool>* c) { return c && c->load(); }

// Answers `inputs` with `a` in calls of its preferred size; stops early on cancel (the
// rest stay empty with an error).
std::vector<Answer> answer_all(Answerer& a, const std::vector<Json>& inputs, const std::atomic<bool>* cancel,
                               const std::function<void(std::size_t)>& advanced) {
  std::vector<Answer> out(inputs.size());
  const std::size_t step = std::max<std::size_t>(1, a.preferred_batch());
  for (std::size_t begin = 0; begin < inputs.size(); begin += step) {
    if (cancelled(cancel)) {
      for (std::size_t i = begin; i < inputs.size(); ++i) out[i].error = "cancelled";
      break;
    }
    const std::size_t end = std::min(inputs.size(), begin + step);
    std::vector<Json> batch(inputs.begin() + static_cast<std::ptrdiff_t>(begin),
                            inputs.begin() + static_cast<std::ptrdiff_t>(end));
    std::vector<Answer> got = a.answer(batch, cancel);
    if (got.size() != batch.size())
      throw std::runtime_error(a.describe() + ": returned " + std::to_string(got.size()) + " answers for " +
                               std::to_string(batch.size()) + " conversations");
    for (std::size_t i = begin; i < end; ++i) {
      out[i] = std::move(got[i - begin]);
      // Token-by-token decoding can end inside a multi-byte character; reports and JSON
      // need valid UTF-8.
      if (text::unicode::find_invalid_utf8(out[i].text) != std::string::npos) out[i].text = text::unicode::utf8_lossy(out[i].text);
    }
    advanced(end - begin);
  }
  return out;
}

}  // namespace

EvalResult run_evaluation(const std::vector<EvalCase>& cases, const std::vector<Contestant>& contestants,
                          const EvalOptions& options, const std::function<void(const Progress&)>& progress,
                          const std::atomic<bool>* cancel) {
  if (contestants.empty()) throw std::invalid_argument("an evaluation needs at least one answerer");
  std::set<std::string> seen;
  for (const Contestant& c : contestants)
    if (!c.answerer || !seen.insert(c.label).second)
      throw std::invalid_argument("answerer '" + c.label + "' is missing or given twice");
  bool wants_judge = false;
  for (const ScorerSpec& s : options.scorers) wants_judge = wants_judge || s.needs_judge();
  if (wants_judge && !options.judge) throw std::invalid_argument("the judge scorers need a judge (--judge SPEC)");

  const auto t0 = Clock::now();
  EvalResult r;
  r.cases = cases;
  r.scorers = options.scorers;
  r.seed = options.seed;
  r.data_path = options.data_path;
  r.train_path = options.train_path;
  r.judge_spec = wants_judge ? options.judge->describe() : "";
  r.rows.resize(cases.size());
  for (const Contestant& c : contestants) {
    r.labels.push_back(c.label);
    r.specs[c.label] = c.answerer->describe();
    r.local[c.label] = c.answerer->is_local();
    if (c.answerer->is_local() && !options.probe.empty()) r.probe_labels.push_back(c.label);
  }
  r.probe_cases = r.probe_labels.empty() ? std::vector<EvalCase>{} : options.probe;
  r.probe_rows.resize(r.probe_cases.size());

  // Progress counts answers, judged answers and probe answers.
  std::size_t judge_passes = 0;
  for (const ScorerSpec& s : options.scorers) judge_passes += s.needs_judge() ? 1 : 0;
  Progress p;
  p.total = contestants.size() * cases.size() * (1 + judge_passes) + r.probe_labels.size() * r.probe_cases.size();
  auto report = [&](const std::string& phase, std::size_t n) {
    p.phase = phase;
    p.done += n;
    p.elapsed_s = std::chrono::duration<double>(Clock::now() - t0).count();
    if (progress) progress(p);
  };

  std::vector<Scorer> scorers;
  for (const ScorerSpec& s : options.scorers)
    if (!s.needs_judge()) scorers.emplace_back(s);

  std::vector<Json> inputs;
  for (const EvalCase& c : cases) inputs.push_back(c.input);
  for (const Contestant& c : contestants) {
    if (cancelled(cancel)) break;
    const std::string phase = "answer " + c.label;
    report(phase, 0);
    std::vector<Answer> answers = answer_all(*c.answerer, inputs, cancel, [&](std::size_t n) { report(phase, n); });
    std::vector<std::string> texts(cases.size());
    std::vector<bool> ok(cases.size());
    for (std::size_t i = 0; i < cases.size(); ++i) {
      Scored& s = r.rows[i][c.label];
      s.answer = std::move(answers[i]);
      texts[i] = s.answer.text;
      ok[i] = s.answer.error.empty();
      for (const Scorer& sc : scorers)
        s.scores[sc.spec().name()] = ok[i] ? sc.score(cases[i], s.answer.text) : std::nullopt;
    }
    for (const ScorerSpec& spec : options.scorers) {
      if (!spec.needs_judge() || cancelled(cancel)) continue;
      report("judge " + c.label, 0);
      if (spec.kind == ScorerKind::Judge) {
        auto verdicts = judge_pairwise(*options.judge, cases, texts, ok, options.rubric, cancel);
        for (std::size_t i = 0; i < cases.size(); ++i) {
          Scored& s = r.rows[i][c.label];
          s.scores["judge"] = verdict_score(verdicts[i].verdict);
          s.judge = std::move(verdicts[i]);
        }
      } else {
        auto grades = judge_grade(*options.judge, cases, texts, ok, options.rubric, cancel);
        for (std::size_t i = 0; i < cases.size(); ++i) {
          Scored& s = r.rows[i][c.label];
          s.scores["judge-grade"] = grades[i].score ? std::optional<double>(*grades[i].score) : std::nullopt;
          s.grade = std::move(grades[i]);
        }
      }
      report("judge " + c.label, cases.size());
    }
  }

  // The forgetting probe: general prompts, scored against short references.
  if (!r.probe_labels.empty()) {
    const Scorer rouge(ScorerSpec{ScorerKind::Rouge, "", Json()});
    const Scorer f1(ScorerSpec{ScorerKind::F1, "", Json()});
    std::vector<Json> probe_inputs;
    for (const EvalCase& c : r.probe_cases) probe_inputs.push_back(c.input);
    for (const Contestant& c : contestants) {
      if (!c.answerer->is_local() || cancelled(cancel)) continue;
      const std::string phase = "probe " + c.label;
      std::vector<Answer> answers =
          answer_all(*c.answerer, probe_inputs, cancel, [&](std::size_t n) { report(phase, n); });
      for (std::size_t i = 0; i < r.probe_cases.size(); ++i) {
        Scored& s = r.probe_rows[i][c.label];
        s.answer = std::move(answers[i]);
        const bool ok = s.answer.error.empty();
        s.scores["rouge"] = ok ? rouge.score(r.probe_cases[i], s.answer.text) : std::nullopt;
        s.scores["f1"] = ok ? f1.score(r.probe_cases[i], s.answer.text) : std::nullopt;
      }
    }
  }
  r.cancelled = cancelled(cancel);
  r.elapsed_s = std::chrono::duration<double>(Clock::now() - t0).count();
  return r;
}

}  // namespace tunesmith::eval
