#include "core/eval/judge.h"

#include <functional>

namespace tunesmith::eval {
namespace {

constexpr const char* kPairwiseFormat =
    "Reply with a JSON object only, no other text: {\"winner\": \"1\" | \"2\" | \"tie\", \"reasoning\": "
    "\"one or two sentences\"}.";
constexpr const char* kGradeFormat =
    "Reply with a JSON object only, no other text: {\"score\": an integer from 1 (useless) to 10 "
    "(perfect), \"reasoning\": \"one or two sentences\"}.";

// The reply as a JSON object: the whole text, or the body of one ```json fence around
// all of it (a common wrapping, not a guess: nothing outside the fence is dropped but
// whitespace). nullopt otherwise.
std::optional<Json> reply_object(const std::string& text) {
  std::string t = text;
  auto trim = [](std::string& s) {
    const auto b = s.find_first_not_of(" \t\r\n");
    const auto e = s.find_last_not_of(" \t\r\n");
    s = b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
  };
  trim(t);
  if (t.rfind("```", 0) == 0 && t.size() >= 6 && t.compare(t.size() - 3, 3, "```") == 0) {
    const auto nl = t.find('\n');
    if (nl == std::string::npos) return std::nullopt;
    t = t.substr(nl + 1, t.size() - 3 - (nl + 1));
    trim(t);
  }
  try {
    Json j = Json::parse(t);
    if (!j.is_object()) return std::nullopt;
    return j;
  } catch (const Json::parse_error&) {
    return std::nullopt;
  }
}

// Asks every request; the ones whose reply does not parse are asked exactly once more.
// Returns per request the parsed value (nullopt: failed) and what went wrong.
template <typename T>
struct Asked {
  std::optional<T> value;
  std::string problem;
  int calls = 0;
};

template <typename T>
std::vector<Asked<T>> ask_with_one_retry(Judge& judge, const std::vector<Json>& requests,
                                         const std::function<std::optional<T>(const std::string&)>& parse,
                                         const std::atomic<bool>* cancel) {
  std::vector<Asked<T>> out(requests.size());
  std::vector<std::size_t> pending(requests.size());
  for (std::size_t i = 0; i < requests.size(); ++i) pending[i] = i;
  for (int attempt = 0; attempt < 2 && !pending.empty(); ++attempt) {
    if (cancel && cancel->load()) break;
    std::vector<Json> batch;
    for (std::size_t i : pending) batch.push_back(requests[i]);
    const std::vector<ChatReply> replies = judge.complete(batch, cancel);
    std::vector<std::size_t> again;
    for (std::size_t k = 0; k < pending.size(); ++k) {
      Asked<T>& a = out[pending[k]];
      ++a.calls;
      const ChatReply& r = k < replies.size() ? replies[k] : ChatReply{"", "no reply"};
      if (!r.error.empty()) {
        // A failed call was already retried by the client: not asked again here.
        a.problem = "judge call failed: " + r.error;
        continue;
      }
      if (auto v = parse(r.text)) {
        a.value = std::move(v);
        a.problem.clear();
      } else {
        a.problem = "judge reply is not the JSON asked for" + std::string(attempt == 0 ? "" : " (twice)") + ": " +
                    r.text.substr(0, 200);
        again.push_back(pending[k]);
      }
    }
    pending = std::move(again);
  }
  return out;
}

std::string user_block(const EvalCase& c) { return "[Conversation]\n" + conversation_text(c.input); }

}  // namespace

const char* verdict_name(Verdict v) {
  switch (v) {
    case Verdict::Win: return "win";
    case Verdict::Tie: return "tie";
    case Verdict::Loss: return "loss";
    case Verdict::Failed: return "failed";
  }
  return "failed";
}

std::optional<double> verdict_score(Verdict v) {
  switch (v) {
    case Verdict::Win: return 1.0;
    case Verdict::Tie: return 0.5;
    case Verdict::Loss: return 0.0;
    case Verdict::Failed: return std::nullopt;
  }
  return std::nullopt;
}

Json pairwise_request(const EvalCase& c, const std::string& first, const std::string& second,
                      const std::string& rubric) {
  const std::string system = "You are an impartial judge comparing two responses to the same conversation. " +
                             rubric + " " + kPairwiseFormat;
  const std::string user = user_block(c) + "\n\n[Response 1]\n" + first + "\n\n[Response 2]\n" + second;
  return Json::array({{{"role", "system"}, {"content", system}}, {{"role", "user"}, {"content", user}}});
}

Json grade_request(const EvalCase& c, const std::string& answer, const std::string& rubric) {
  std::string system = "You are an impartial judge grading one response to a conversation. " + rubric;
  if (c.has_reference) system += " A reference answer is given for comparison.";
  system += std::string(" ") + kGradeFormat;
  std::string user = user_block(c);
  if (c.has_reference) user += "\n\n[Reference answer]\n" + c.reference;
  user += "\n\n[Response]\n" + answer;
  return Json::array({{{"role", "system"}, {"content", system}}, {{"role", "user"}, {"content", user}}});
}

std::optional<ParsedPairwise> parse_pairwise_reply(const std::string& text) {
  const std::optional<Json> j = reply_object(text);
  if (!j || !j->contains("winner") || !j->contains("reasoning") || !(*j)["reasoning"].is_string())
    return std::nullopt;
  const Json& w = (*j)["winner"];
  ParsedPairwise p;
  p.reasoning = (*j)["reasoning"].get<std::string>();
  if (w.is_string()) {
    const std::string s = w.get<std::string>();
    if (s == "1") p.winner = 1;
    else if (s == "2") p.winner = 2;
    else if (s == "tie") p.winner = 0;
    else return std::nullopt;
  } else if (w.is_number_integer() && (w.get<int>() == 1 || w.get<int>() == 2)) {
    p.winner = w.get<int>();
  } else {
    return std::nullopt;
  }
  return p;
}

std::optional<ParsedGrade> parse_grade_reply(const std::string& text) {
  const std::optional<Json> j = reply_object(text);
  if (!j || !j->contains("score") || !(*j)["score"].is_number_integer() || !j->contains("reasoning") ||
      !(*j)["reasoning"].is_string())
    return std::nullopt;
  const int s = (*j)["score"].get<int>();
  if (s < 1 || s > 10) return std::nullopt;
  return ParsedGrade{s, (*j)["reasoning"].get<std::string>()};
}

std::vector<PairwiseResult> judge_pairwise(Judge& judge, const std::vector<EvalCase>& cases,
                                           const std::vector<std::string>& answers,
                                           const std::vector<bool>& answer_ok, const std::string& rubric,
                                           const std::atomic<bool>* cancel) {
  std::vector<PairwiseResult> out(cases.size());
  // Requests 2k (answer first) and 2k+1 (reference first) for the k-th judged case.
  std::vector<Json> requests;
  std::vector<std::size_t> judged;
  for (std::size_t i = 0; i < cases.size(); ++i) {
    if (!answer_ok[i]) {
      out[i].reasoning = "no answer to judge";
      continue;
    }
    if (!cases[i].has_reference) {
      out[i].reasoning = "the case has no reference answer";
      continue;
    }
    judged.push_back(i);
    requests.push_back(pairwise_request(cases[i], answers[i], cases[i].reference, rubric));
    requests.push_back(pairwise_request(cases[i], cases[i].reference, answers[i], rubric));
  }
  const auto asked = ask_with_one_retry<ParsedPairwise>(judge, requests, parse_pairwise_reply, cancel);
  // The answer's outcome in one order: it was Response `answer_pos`.
  auto outcome = [](const ParsedPairwise& p, int answer_pos) {
    if (p.winner == 0) return Verdict::Tie;
    return p.winner == answer_pos ? Verdict::Win : Verdict::Loss;
  };
  for (std::size_t k = 0; k < judged.size(); ++k) {
    PairwiseResult& r = out[judged[k]];
    const auto& a = asked[2 * k];
    const auto& b = asked[2 * k + 1];
    r.calls = a.calls + b.calls;
    r.answer_first = a.value ? verdict_name(outcome(*a.value, 1)) : "failed";
    r.reference_first = b.value ? verdict_name(outcome(*b.value, 2)) : "failed";
    if (!a.value || !b.value) {
      r.verdict = Verdict::Failed;
      r.reasoning = !a.value ? a.problem : b.problem;
      continue;
    }
    const Verdict va = outcome(*a.value, 1), vb = outcome(*b.value, 2);
    // Position bias cancels only if both orders agree; otherwise neither is trusted.
    r.verdict = va == vb ? va : Verdict::Tie;
    r.reasoning = "answer first: " + a.value->reasoning + " | reference first: " + b.value->reasoning;
    if (va != vb) r.reasoning = "orders disagree (tie). " + r.reasoning;
  }
  return out;
}

std::vector<GradeResult> judge_grade(Judge& judge, const std::vector<EvalCase>& cases,
                                     const std::vector<std::string>& answers, const std::vector<bool>& answer_ok,
                                     const std::string& rubric, const std::atomic<bool>* cancel) {
  std::vector<GradeResult> out(cases.size());
  std::vector<Json> requests;
  std::vector<std::size_t> graded;
  for (std::size_t i = 0; i < cases.size(); ++i) {
    if (!answer_ok[i]) {
      out[i].reasoning = "no answer to grade";
      continue;
    }
    graded.push_back(i);
    requests.push_back(grade_request(cases[i], answers[i], rubric));
  }
  const auto asked = ask_with_one_retry<ParsedGrade>(judge, requests, parse_grade_reply, cancel);
  for (std::size_t k = 0; k < graded.size(); ++k) {
    GradeResult& r = out[graded[k]];
    r.calls = asked[k].calls;
    if (asked[k].value) {
      r.score = asked[k].value->score;
      r.reasoning = asked[k].value->reasoning;
    } else {
      r.reasoning = asked[k].problem;
    }
  }
  return out;
}

}  // namespace tunesmith::eval
