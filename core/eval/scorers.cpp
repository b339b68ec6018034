#include "core/eval/scorers.h"

#include <stdexcept>

#include "core/eval/json_schema.h"
#include "core/eval/text_metrics.h"
#include "core/text/regex.h"

namespace tunesmith::eval {

struct Scorer::Compiled {
  std::unique_ptr<text::detail::Regex> regex;
};

std::string ScorerSpec::name() const {
  switch (kind) {
    case ScorerKind::Contains: return "contains";
    case ScorerKind::Exact: return "exact";
    case ScorerKind::Regex: return "regex";
    case ScorerKind::Json: return "json";
    case ScorerKind::Rouge: return "rouge";
    case ScorerKind::F1: return "f1";
    case ScorerKind::Judge: return "judge";
    case ScorerKind::JudgeGrade: return "judge-grade";
  }
  return "?";
}

bool ScorerSpec::binary() const {
  return kind == ScorerKind::Contains || kind == ScorerKind::Exact || kind == ScorerKind::Regex ||
         kind == ScorerKind::Json;
}

ScorerSpec parse_scorer(const std::string& spec) {
  ScorerSpec s;
  if (spec == "contains") s.kind = ScorerKind::Contains;
  else if (spec == "exact") s.kind = ScorerKind::Exact;
  else if (spec == "json") s.kind = ScorerKind::Json;
  else if (spec == "rouge") s.kind = ScorerKind::Rouge;
  else if (spec == "f1") s.kind = ScorerKind::F1;
  else if (spec == "judge") s.kind = ScorerKind::Judge;
  else if (spec == "judge-grade") s.kind = ScorerKind::JudgeGrade;
  else if (spec.rfind("regex:", 0) == 0) {
    s.kind = ScorerKind::Regex;
    s.pattern = spec.substr(6);
    if (s.pattern.empty()) throw std::invalid_argument("scorer 'regex:': the pattern is empty");
    text::detail::Regex check(s.pattern);  // throws with the PCRE2 error
  } else {
    throw std::invalid_argument("unknown scorer '" + spec +
                                "' (contains, exact, regex:PATTERN, json, rouge, f1, judge, judge-grade)");
  }
  return s;
}

Scorer::Scorer(ScorerSpec spec) : spec_(std::move(spec)), compiled_(std::make_unique<Compiled>()) {
  if (spec_.kind == ScorerKind::Regex) compiled_->regex = std::make_unique<text::detail::Regex>(spec_.pattern);
  if (spec_.kind == ScorerKind::Json && !spec_.schema.is_null()) check_schema(spec_.schema);
}
Scorer::~Scorer() = default;
Scorer::Scorer(Scorer&&) noexcept = default;

std::optional<double> score_contains(const std::optional<std::vector<std::string>>& expected,
                                     const std::string& answer) {
  if (!expected || expected->empty()) return std::nullopt;
  const std::string a = ascii_lower(answer);
  for (const std::string& phrase : *expected)
    if (a.find(ascii_lower(phrase)) == std::string::npos) return 0.0;
  return 1.0;
}

double score_exact(const std::string& answer, const std::string& reference) {
  return normalize_answer(answer) == normalize_answer(reference) ? 1.0 : 0.0;
}

double score_json(const std::string& answer, const data::Json& schema) {
  std::string t = answer;
  const auto b = t.find_first_not_of(" \t\r\n"), e = t.find_last_not_of(" \t\r\n");
  t = b == std::string::npos ? std::string() : t.substr(b, e - b + 1);
  // Chat models often fence JSON; a fence around the whole answer is unwrapped.
  if (t.rfind("```", 0) == 0 && t.size() >= 6 && t.compare(t.size() - 3, 3, "```") == 0) {
    const auto nl = t.find('\n');
    t = nl == std::string::npos ? std::string() : t.substr(nl + 1, t.size() - 3 - (nl + 1));
  }
  data::Json value;
  try {
    value = data::Json::parse(t);
  } catch (const data::Json::parse_error&) {
    return 0.0;
  }
  if (schema.is_null()) return 1.0;
  return schema_violation(value, schema).empty() ? 1.0 : 0.0;
}

std::optional<double> Scorer::score(const EvalCase& c, const std::string& answer) const {
  switch (spec_.kind) {
    case ScorerKind::Contains: return score_contains(c.expected, answer);
    case ScorerKind::Exact:
      if (!c.has_reference) return std::nullopt;
      return score_exact(answer, c.reference);
    case ScorerKind::Regex: {
      std::vector<std::pair<uint32_t, uint32_t>> matches;
      compiled_->regex->find_all(answer, matches);
      return matches.empty() ? 0.0 : 1.0;
    }
    case ScorerKind::Json: return score_json(answer, spec_.schema);
    case ScorerKind::Rouge:
      if (!c.has_reference) return std::nullopt;
      return rouge_l_f(answer, c.reference);
    case ScorerKind::F1:
      if (!c.has_reference) return std::nullopt;
      return token_f1(answer, c.reference);
    case ScorerKind::Judge:
    case ScorerKind::JudgeGrade: break;
  }
  throw std::logic_error("the judge scorers run through the engine's judge, not Scorer::score");
}

}  // namespace tunesmith::eval
