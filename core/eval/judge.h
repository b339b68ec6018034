#pragma once
// LLM-as-judge. The Judge is a chat model seen through one call (messages in, text out);
// core/cloud implements it on the chat completions API. The judging itself is here,
// Qt-free, so its rules are tested without a network:
//
// Pairwise against the reference (the test example's own answer), with a rubric: the
// judge sees the conversation and two responses and answers JSON
//   {"winner": "1" | "2" | "tie", "reasoning": "..."}
// Every pair is judged in both orders (answer first, then reference first) to cancel
// position bias; the verdicts must agree, otherwise the case is a tie. A reply that is
// not valid JSON of that shape is asked once more; if the second reply is not valid
// either (or the call fails), the case is recorded as a failure, never guessed.
//
// Single-answer grading (optional): {"score": 1..10, "reasoning": "..."}, same retry rule.
#include <atomic>
#include <optional>
#include <string>
#include <vector>

#include "core/data/json.h"
#include "core/eval/eval_case.h"

namespace tunesmith::eval {

struct ChatReply {
  std::string text;
  std::string error;  // non-empty: the call failed (after the client's retries)
};

class Judge {
 public:
  virtual ~Judge() = default;
  virtual std::string describe() const = 0;  // "openai:gpt-4o", ...
  // One reply per request (a messages array), in order. Requests ask for a JSON object.
  virtual std::vector<ChatReply> complete(const std::vector<Json>& requests, const std::atomic<bool>* cancel) = 0;
};

inline constexpr const char* kDefaultRubric =
    "Judge which response better answers the user's last message in the conversation: it must be "
    "factually correct and consistent with the conversation (including its system prompt), complete "
    "without padding, and helpful in tone. Length alone is not a merit.";

enum class Verdict { Win, Tie, Loss, Failed };  // the answer against the reference
const char* verdict_name(Verdict v);             // "win", "tie", "loss", "failed"
std::optional<double> verdict_score(Verdict v);  // 1, 0.5, 0, nullopt

struct PairwiseResult {
  Verdict verdict = Verdict::Failed;
  std::string reasoning;  // both orders' reasoning, or why it failed
  // Each order's outcome for the answer ("win"/"tie"/"loss"/"failed").
  std::string answer_first, reference_first;
  int calls = 0;  // judge calls made (2 to 4)
};

struct GradeResult {
  std::optional<int> score;  // 1..10; nullopt: failed
  std::string reasoning;
  int calls = 0;
};

// The judge's request for one order (`first` shown as Response 1).
Json pairwise_request(const EvalCase& c, const std::string& first, const std::string& second, const std::string& rubric);
Json grade_request(const EvalCase& c, const std::string& answer, const std::string& rubric);

// Parses a pairwise reply: 1 or 2 (the winning response), 0 for a tie; nullopt when the
// reply is not a JSON object with a valid "winner" and a string "reasoning".
struct ParsedPairwise {
  int winner = 0;
  std::string reasoning;
};
std::optional<ParsedPairwise> parse_pairwise_reply(const std::string& text);
struct ParsedGrade {
  int score = 0;
  std::string reasoning;
};
std::optional<ParsedGrade> parse_grade_reply(const std::string& text);

// Judges answers[i] against cases[i].reference (answers with an error or cases without a
// reference come back Failed with the reason, and cost no call).
std::vector<PairwiseResult> judge_pairwise(Judge& judge, const std::vector<EvalCase>& cases,
                                           const std::vector<std::string>& answers,
                                           const std::vector<bool>& answer_ok, const std::string& rubric,
                                           const std::atomic<bool>* cancel);
std::vector<GradeResult> judge_grade(Judge& judge, const std::vector<EvalCase>& cases,
                                     const std::vector<std::string>& answers, const std::vector<bool>& answer_ok,
                                     const std::string& rubric, const std::atomic<bool>* cancel);

}  // namespace tunesmith::eval
