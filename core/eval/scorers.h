#pragma once
// Scorers: one number per (case, answer), or null when the scorer does not apply (no
// `expected` phrases, no reference). The judge scorers are run by the engine through a
// Judge (judge.h); the rest are pure functions here.
//
//   contains       1 when every `expected` phrase occurs in the answer (ASCII case-
//                  insensitive), else 0; null without `expected` (as the fine-tuning
//                  guide's evaluation: the key facts of the answer)
//   exact          1 when the SQuAD-normalized answer equals the normalized reference
//   regex:PATTERN  1 when PATTERN (PCRE2, Perl syntax, e.g. (?i) for case-insensitive)
//                  matches anywhere in the answer
//   json           1 when the answer (trimmed, or one ```json fence) is valid JSON and
//                  conforms to the schema, when one is given
//   rouge          ROUGE-L F against the reference
//   f1             token F1 against the reference
//   judge          pairwise against the reference: win 1, tie 0.5, loss 0, failure null
//   judge-grade    the judge's 1-10 grade of the answer alone
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/data/json.h"
#include "core/eval/eval_case.h"

namespace tunesmith::eval {

enum class ScorerKind { Contains, Exact, Regex, Json, Rouge, F1, Judge, JudgeGrade };

struct ScorerSpec {
  ScorerKind kind = ScorerKind::Contains;
  std::string pattern;     // regex only
  data::Json schema;       // json only; null: validity alone
  // The key in results and summaries: "contains", "regex", "judge-grade", ...
  std::string name() const;
  bool binary() const;     // reported as accuracy (0/1 per case)
  bool needs_judge() const { return kind == ScorerKind::Judge || kind == ScorerKind::JudgeGrade; }
};

// "contains" | "exact" | "regex:PATTERN" | "json" | "rouge" | "f1" | "judge" | "judge-grade".
// Throws std::invalid_argument naming the spec (and the regex error).
ScorerSpec parse_scorer(const std::string& spec);

// A scorer ready to run (the regex compiled once).
class Scorer {
 public:
  explicit Scorer(ScorerSpec spec);
  ~Scorer();
  Scorer(Scorer&&) noexcept;
  const ScorerSpec& spec() const { return spec_; }
  // Not for the judge scorers (throws std::logic_error).
  std::optional<double> score(const EvalCase& c, const std::string& answer) const;

 private:
  ScorerSpec spec_;
  struct Compiled;
  std::unique_ptr<Compiled> compiled_;
};

// The pure scorers, for tests and callers that need one number.
std::optional<double> score_contains(const std::optional<std::vector<std::string>>& expected, const std::string& answer);
double score_exact(const std::string& answer, const std::string& reference);
double score_json(const std::string& answer, const data::Json& schema);

}  // namespace tunesmith::eval
