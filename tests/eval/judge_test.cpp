// The judge's rules with a scripted fake judge: both orders, disagreement = tie, one
// retry for invalid JSON, then failure (never a guess).
#include <catch2/catch.hpp>

#include "core/eval/judge.h"
#include "tests/eval/eval_test_util.h"

using namespace tunesmith::eval;
using tunesmith::test::FakeJudge;
using tunesmith::test::make_test_case;
using tunesmith::test::shown_first;

namespace {

ChatReply reply(const std::string& text) { return ChatReply{text, ""}; }
ChatReply winner(int w) { return reply(R"({"winner": ")" + std::to_string(w) + R"(", "reasoning": "because"})"); }

std::vector<PairwiseResult> judge_one(FakeJudge& j, const std::string& answer = "ANSWER") {
  const std::vector<EvalCase> cases = {make_test_case("question?", "REFERENCE")};
  return judge_pairwise(j, cases, {answer}, {true}, kDefaultRubric, nullptr);
}

}  // namespace

TEST_CASE("judge: both orders agree -> that verdict", "[eval][judge]") {
  // The judge prefers the answer wherever it is shown.
  FakeJudge j([](const Json& r, int) { return winner(shown_first(r, "ANSWER") ? 1 : 2); });
  const auto v = judge_one(j);
  CHECK(v[0].verdict == Verdict::Win);
  CHECK(v[0].calls == 2);
  CHECK(v[0].answer_first == "win");
  CHECK(v[0].reference_first == "win");
  REQUIRE(j.seen.size() == 2);
  // The two requests show the pair in both orders.
  CHECK(shown_first(Json::parse(j.seen[0]), "ANSWER"));
  CHECK(shown_first(Json::parse(j.seen[1]), "REFERENCE"));

  FakeJudge loses([](const Json& r, int) { return winner(shown_first(r, "REFERENCE") ? 1 : 2); });
  CHECK(judge_one(loses)[0].verdict == Verdict::Loss);
  FakeJudge ties([](const Json&, int) { return reply(R"({"winner":"tie","reasoning":"same"})"); });
  CHECK(judge_one(ties)[0].verdict == Verdict::Tie);
  CHECK(verdict_score(Verdict::Tie) == 0.5);
}

TEST_CASE("judge: position bias (orders disagree) is a tie", "[eval][judge]") {
  FakeJudge j([](const Json&, int) { return winner(1); });  // always the first shown
  const auto v = judge_one(j);
  CHECK(v[0].verdict == Verdict::Tie);
  CHECK(v[0].answer_first == "win");
  CHECK(v[0].reference_first == "loss");
  CHECK(v[0].reasoning.find("disagree") != std::string::npos);
}

TEST_CASE("judge: invalid JSON is asked once more, then recorded as a failure", "[eval][judge]") {
  // First reply of each request invalid, the second valid: a verdict after 4 calls.
  FakeJudge once([](const Json& r, int attempt) {
    if (attempt == 0) return reply("I think the first one is better.");
    return winner(shown_first(r, "ANSWER") ? 1 : 2);
  });
  const auto v = judge_one(once);
  CHECK(v[0].verdict == Verdict::Win);
  CHECK(v[0].calls == 4);

  // Never valid: failure after exactly two calls per order, with no verdict guessed.
  FakeJudge never([](const Json&, int) { return reply("{\"winner\": \"maybe\", \"reasoning\": \"?\"}"); });
  const auto f = judge_one(never);
  CHECK(f[0].verdict == Verdict::Failed);
  CHECK(f[0].calls == 4);
  CHECK(never.seen.size() == 4);
  CHECK(f[0].reasoning.find("not the JSON") != std::string::npos);
  CHECK_FALSE(verdict_score(Verdict::Failed).has_value());

  // A failed call (after the client's retries) is a failure too, and not re-asked here.
  FakeJudge down([](const Json&, int) { return ChatReply{"", "HTTP 500: server error"}; });
  const auto d = judge_one(down);
  CHECK(d[0].verdict == Verdict::Failed);
  CHECK(d[0].calls == 2);
  CHECK(d[0].reasoning.find("HTTP 500") != std::string::npos);
}

TEST_CASE("judge: replies parsed strictly", "[eval][judge]") {
  CHECK(parse_pairwise_reply(R"({"winner":"2","reasoning":"r"})")->winner == 2);
  CHECK(parse_pairwise_reply(R"({"winner":1,"reasoning":"r"})")->winner == 1);
  CHECK(parse_pairwise_reply("```json\n{\"winner\":\"tie\",\"reasoning\":\"r\"}\n```")->winner == 0);
  CHECK_FALSE(parse_pairwise_reply(R"({"winner":"3","reasoning":"r"})"));
  CHECK_FALSE(parse_pairwise_reply(R"({"winner":"1"})"));
  CHECK_FALSE(parse_pairwise_reply(R"(Sure! {"winner":"1","reasoning":"r"})"));
  CHECK(parse_grade_reply(R"({"score":7,"reasoning":"ok"})")->score == 7);
  CHECK_FALSE(parse_grade_reply(R"({"score":11,"reasoning":"ok"})"));
  CHECK_FALSE(parse_grade_reply(R"({"score":"7","reasoning":"ok"})"));
}

TEST_CASE("judge: single-answer grading with the same retry rule; no answer costs no call", "[eval][judge]") {
  FakeJudge j([](const Json&, int attempt) {
    return attempt == 0 ? reply("seven") : reply(R"({"score": 7, "reasoning": "fine"})");
  });
  const std::vector<EvalCase> cases = {make_test_case("q1", "r1"), make_test_case("q2", "r2")};
  const auto g = judge_grade(j, cases, {"a1", ""}, {true, false}, kDefaultRubric, nullptr);
  CHECK(g[0].score == 7);
  CHECK(g[0].calls == 2);
  CHECK_FALSE(g[1].score);
  CHECK(g[1].calls == 0);
  CHECK(j.seen.size() == 2);
}
