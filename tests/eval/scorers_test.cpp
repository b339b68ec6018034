// Scorers with hand-computed values.
#include <catch2/catch.hpp>

#include "core/eval/json_schema.h"
#include "core/eval/scorers.h"
#include "core/eval/text_metrics.h"
#include "tests/eval/eval_test_util.h"

using namespace tunesmith::eval;
using tunesmith::test::make_test_case;

TEST_CASE("contains: every expected phrase, case-insensitive; no expected is not scored", "[eval][scorers]") {
  CHECK(score_contains(std::vector<std::string>{"12 characters"}, "Passwords need 12 CHARACTERS at least.") == 1.0);
  CHECK(score_contains(std::vector<std::string>{"SMS", "security key"}, "We do not support sms.") == 0.0);
  CHECK(score_contains(std::vector<std::string>{"SMS", "security key"}, "No SMS; use a Security Key.") == 1.0);
  CHECK_FALSE(score_contains(std::nullopt, "anything").has_value());
  CHECK_FALSE(score_contains(std::vector<std::string>{}, "anything").has_value());

  const Scorer contains(parse_scorer("contains"));
  CHECK_FALSE(contains.score(make_test_case("q", "r"), "r").has_value());
  CHECK(contains.score(make_test_case("q", "r", "seven days"), "Valid for Seven Days.") == 1.0);
}

TEST_CASE("exact: SQuAD normalization", "[eval][scorers]") {
  CHECK(normalize_answer("  The PARIS!  ") == "paris");
  CHECK(score_exact("The Paris!", "paris") == 1.0);
  CHECK(score_exact("Paris, France", "Paris") == 0.0);
  const Scorer exact(parse_scorer("exact"));
  CHECK(exact.score(make_test_case("q", "An apple."), "apple") == 1.0);
}

TEST_CASE("rouge-L F by hand", "[eval][scorers]") {
  // LCS(the cat sat on the mat, the cat is on the mat) = 5 of 6 and 6: F = 5/6.
  CHECK(rouge_l_f("the cat sat on the mat", "the cat is on the mat") == Approx(5.0 / 6.0));
  // a b c d vs b d e: LCS 2, P = 2/4, R = 2/3, F = 2PR/(P+R) = 4/7.
  CHECK(rouge_l_f("a b c d", "b d e") == Approx(4.0 / 7.0));
  CHECK(rouge_l_f("", "x") == 0.0);
  CHECK(rouge_l_f("Hello, World", "hello world") == Approx(1.0));
}

TEST_CASE("token F1 by hand", "[eval][scorers]") {
  // [cat sat] vs [cat sat down] (articles dropped): P 1, R 2/3, F 0.8.
  CHECK(token_f1("the cat sat", "a cat sat down") == Approx(0.8));
  CHECK(token_f1("dog", "cat") == 0.0);
  CHECK(token_f1("", "") == 1.0);
  const Scorer f1(parse_scorer("f1"));
  tunesmith::eval::EvalCase no_ref = tunesmith::eval::make_case(
      Json::parse(R"({"messages":[{"role":"user","content":"hi"}]})"), 3, "x:3");
  CHECK_FALSE(no_ref.has_reference);
  CHECK_FALSE(f1.score(no_ref, "hello").has_value());
}

TEST_CASE("regex scorer, compiled once; a broken pattern is refused", "[eval][scorers]") {
  const Scorer r(parse_scorer("regex:(?i)hello"));
  CHECK(r.score(make_test_case("q", "r"), "Say HELLO there") == 1.0);
  const Scorer digits(parse_scorer("regex:^\\d+$"));
  CHECK(digits.score(make_test_case("q", "r"), "abc") == 0.0);
  CHECK(digits.score(make_test_case("q", "r"), "123") == 1.0);
  CHECK_THROWS_AS(parse_scorer("regex:("), std::invalid_argument);
  CHECK_THROWS_AS(parse_scorer("bleu"), std::invalid_argument);
}

TEST_CASE("json scorer: validity, fences, schema subset", "[eval][scorers]") {
  CHECK(score_json(R"({"a": 1})", Json()) == 1.0);
  CHECK(score_json("```json\n{\"a\": 1}\n```", Json()) == 1.0);
  CHECK(score_json("not json", Json()) == 0.0);
  const Json schema = Json::parse(
      R"({"type":"object","required":["a"],"properties":{"a":{"type":"integer","minimum":1}},"additionalProperties":false})");
  CHECK(score_json(R"({"a": 2})", schema) == 1.0);
  CHECK(score_json(R"({"a": "x"})", schema) == 0.0);
  CHECK(score_json(R"({"a": 0})", schema) == 0.0);
  CHECK(score_json(R"({"a": 2, "b": 1})", schema) == 0.0);
  CHECK(score_json(R"({})", schema) == 0.0);
  CHECK(schema_violation(Json::parse(R"({"a":"x"})"), schema) == "/a: expected \"integer\"");
  CHECK_THROWS_AS(check_schema(Json::parse(R"({"type":"string","pattern":"x"})")), std::invalid_argument);
}

TEST_CASE("cases: input up to the last assistant message, reference, expected", "[eval][scorers]") {
  const Json ex = Json::parse(R"({"id":"c1","messages":[{"role":"system","content":"S"},{"role":"user","content":"u1"},
      {"role":"assistant","content":"a1"},{"role":"user","content":"u2"},{"role":"assistant","content":"a2"}],
      "expected":["x","y"]})");
  const EvalCase c = make_case(ex, 4, "f:4");
  CHECK(c.id == "c1");
  CHECK(c.input.size() == 4);
  CHECK(c.reference == "a2");
  CHECK(c.system_prompt == "S");
  REQUIRE(c.expected);
  CHECK(c.expected->size() == 2);
  CHECK(last_user_text(c.input) == "u2");
  CHECK_THROWS_WITH(make_case(Json::parse(R"({"messages":[{"role":"assistant","content":"a"}]})"), 7, "f:7"),
                    Catch::Contains("f:7") && Catch::Contains("no user message"));
  CHECK_THROWS_WITH(make_case(Json::parse(R"({"messages":[{"role":"user","content":"a"}],"expected":3})"), 2, "f:2"),
                    Catch::Contains("expected"));
}
