// The remote answerer and judge (core/cloud/chat_answerer) against the scripted loopback
// server (canned answers and verdicts, invalid JSON, failures, retries, concurrency) and
// against the contract mock (Prism) for a chat answer.
#include <catch2/catch.hpp>

#include <QTimer>

#include <map>

#include "core/cloud/chat_answerer.h"
#include "core/eval/evaluation.h"
#include "core/eval/summary.h"
#include "tests/cloud/prism_fixture.h"
#include "tests/cloud/scripted_server.h"

using namespace tunesmith;
using namespace tunesmith::cloud;
using tunesmith::test::HttpRequest;
using tunesmith::test::HttpResponse;
using tunesmith::test::ScriptedServer;

namespace {

HttpResponse chat_reply(const std::string& content, int prompt_tokens = 100, int completion_tokens = 50) {
  const Json body = {{"id", "chatcmpl-1"},
                     {"object", "chat.completion"},
                     {"created", 1},
                     {"model", "m"},
                     {"choices", Json::array({{{"index", 0},
                                               {"finish_reason", "stop"},
                                               {"message", {{"role", "assistant"}, {"content", content}}}}})},
                     {"usage",
                      {{"prompt_tokens", prompt_tokens},
                       {"completion_tokens", completion_tokens},
                       {"total_tokens", prompt_tokens + completion_tokens}}}};
  return HttpResponse::json(200, QByteArray::fromStdString(body.dump()));
}

Json request_json(const HttpRequest& r) { return Json::parse(r.body.toStdString()); }
std::string last_user(const Json& body) { return body["messages"].back()["content"].get<std::string>(); }

RemoteSettings settings_for(const ScriptedServer& s, int concurrency = 3) {
  RemoteSettings r;
  r.client.base_url = s.base_url();
  r.client.api_key = QStringLiteral("sk-test-not-a-real-key");
  r.client.timeout_ms = 5000;
  r.client.retry_delay_scale = 0.02;
  r.model = QStringLiteral("gpt-4o-mini");
  r.spec = "endpoint:" + s.base_url().toStdString() + "#gpt-4o-mini";
  r.concurrency = concurrency;
  return r;
}

std::vector<Json> conversations(int n) {
  std::vector<Json> c;
  for (int i = 0; i < n; ++i)
    c.push_back(Json::array({{{"role", "user"}, {"content", "question " + std::to_string(i)}}}));
  return c;
}

eval::EvalCase make_case(const std::string& q, const std::string& ref) {
  return eval::make_case(Json{{"messages", Json::array({{{"role", "user"}, {"content", q}},
                                                        {{"role", "assistant"}, {"content", ref}}})}},
                         1, "t:1");
}

}  // namespace

TEST_CASE("remote answerer: answers in order, tokens and cost from the price table", "[eval][cloud]") {
  ScriptedServer server;
  server.handle([](const HttpRequest& r) {
    const Json body = request_json(r);
    return chat_reply("answer to " + last_user(body));
  });
  RemoteSettings s = settings_for(server);
  estimate::PriceEntry price;
  price.model = "gpt-4o-mini";
  price.input_per_1m = 0.30;
  price.output_per_1m = 1.20;
  s.price = price;
  s.max_tokens = 64;
  ChatAnswerer a(s);
  const auto answers = a.answer(conversations(7), nullptr);
  REQUIRE(answers.size() == 7);
  for (int i = 0; i < 7; ++i) {
    CHECK(answers[i].error.empty());
    CHECK(answers[i].text == "answer to question " + std::to_string(i));
    CHECK(answers[i].prompt_tokens == 100);
    CHECK(answers[i].completion_tokens == 50);
    REQUIRE(answers[i].cost_usd);
    CHECK(*answers[i].cost_usd == Approx(100 * 0.30 / 1e6 + 50 * 1.20 / 1e6));  // $0.00009
    CHECK(answers[i].latency_s > 0);
  }
  REQUIRE(server.requests().size() == 7);
  const Json first = request_json(server.requests()[0]);
  CHECK(first["model"] == "gpt-4o-mini");
  CHECK(first["temperature"] == 0.0);  // greedy-like unless a temperature is given
  CHECK(first["max_completion_tokens"] == 64);
  CHECK(server.requests()[0].headers.value("authorization") == "Bearer sk-test-not-a-real-key");
}

TEST_CASE("remote answerer: a failing call is that answer's error; 5xx retried by the client", "[eval][cloud]") {
  ScriptedServer server;
  int calls_for_2 = 0;
  server.handle([&](const HttpRequest& r) {
    const std::string q = last_user(request_json(r));
    if (q == "question 1") return HttpResponse::json(400, R"({"error":{"message":"bad request","type":"invalid_request_error"}})");
    if (q == "question 2" && calls_for_2++ == 0) return HttpResponse::json(500, R"({"error":{"message":"oops"}})");
    return chat_reply("ok");
  });
  ChatAnswerer a(settings_for(server, 1));
  const auto answers = a.answer(conversations(3), nullptr);
  CHECK(answers[0].error.empty());
  CHECK(answers[1].error.find("bad request") != std::string::npos);
  CHECK(answers[2].error.empty());  // retried after the 500
  CHECK(calls_for_2 == 2);
  CHECK_FALSE(answers[0].cost_usd);  // no price: an endpoint
}

TEST_CASE("remote judge: canned verdicts in both orders through the chat API", "[eval][cloud]") {
  ScriptedServer server;
  server.handle([](const HttpRequest& r) {
    const std::string u = last_user(request_json(r));
    const bool answer_first = u.find("[Response 1]\nGOOD") != std::string::npos;
    return chat_reply(answer_first ? R"({"winner":"1","reasoning":"more complete"})"
                                   : R"({"winner":"2","reasoning":"more complete"})");
  });
  auto judge = std::make_shared<ChatJudge>(settings_for(server));
  const std::vector<eval::EvalCase> cases = {make_case("q", "REF")};
  const auto v = eval::judge_pairwise(*judge, cases, {"GOOD"}, {true}, eval::kDefaultRubric, nullptr);
  CHECK(v[0].verdict == eval::Verdict::Win);
  CHECK(v[0].reasoning.find("more complete") != std::string::npos);
  REQUIRE(server.requests().size() == 2);
  const Json body = request_json(server.requests()[0]);
  CHECK(body["response_format"]["type"] == "json_object");
  CHECK(body["messages"][0]["role"] == "system");
}

TEST_CASE("remote judge: invalid JSON retried once, then a failure; never guessed", "[eval][cloud]") {
  ScriptedServer server;
  server.handle([](const HttpRequest&) { return chat_reply("Response 1 is clearly better."); });
  ChatJudge judge(settings_for(server));
  const std::vector<eval::EvalCase> cases = {make_case("q", "REF")};
  const auto v = eval::judge_pairwise(judge, cases, {"ANS"}, {true}, eval::kDefaultRubric, nullptr);
  CHECK(v[0].verdict == eval::Verdict::Failed);
  CHECK(server.requests().size() == 4);  // two orders, each asked twice
  CHECK(v[0].reasoning.find("not the JSON") != std::string::npos);

  // Invalid first, valid second: a verdict.
  ScriptedServer second;
  std::map<std::string, int> seen;
  second.handle([&](const HttpRequest& r) {
    const std::string u = last_user(request_json(r));
    if (seen[u]++ == 0) return chat_reply("{not json");
    return chat_reply(R"({"winner":"tie","reasoning":"equal"})");
  });
  ChatJudge judge2(settings_for(second));
  const auto t = eval::judge_pairwise(judge2, cases, {"ANS"}, {true}, eval::kDefaultRubric, nullptr);
  CHECK(t[0].verdict == eval::Verdict::Tie);
  CHECK(second.requests().size() == 4);
}

TEST_CASE("remote: an evaluation with an endpoint answerer and a judge", "[eval][cloud]") {
  ScriptedServer server;
  server.handle([](const HttpRequest& r) {
    const Json body = request_json(r);
    if (body.contains("response_format")) {
      const std::string u = last_user(body);
      // The judge: the answer mentioning "7 days" wins in both orders.
      const bool first_is_answer = u.find("[Response 1]\nValid 7 days") != std::string::npos;
      return chat_reply(first_is_answer ? R"({"winner":"1","reasoning":"r"})" : R"({"winner":"2","reasoning":"r"})");
    }
    return chat_reply("Valid 7 days", 20, 4);
  });
  auto answerer = std::make_shared<ChatAnswerer>(settings_for(server));
  eval::EvalOptions o;
  o.scorers = {eval::parse_scorer("contains"), eval::parse_scorer("judge")};
  o.judge = std::make_shared<ChatJudge>(settings_for(server));
  auto c = eval::make_case(Json::parse(R"({"messages":[{"role":"user","content":"How long?"},
      {"role":"assistant","content":"Links last a week."}],"expected":"7 days"})"), 1, "t:1");
  const eval::EvalResult r = eval::run_evaluation({c, c}, {{"a", answerer}}, o);
  const Json s = eval::summarize(r);
  CHECK(s["answerers"]["a"]["scores"]["contains"]["mean"] == 1.0);
  CHECK(s["answerers"]["a"]["judge"]["win"] == 2);
  CHECK(s["answerers"]["a"]["scores"]["judge"]["mean"] == 1.0);
  CHECK(s["answerers"]["a"]["latency"]["completion_tokens"] == 8);
  CHECK_FALSE(s["answerers"]["a"]["latency"].contains("tokens_per_s"));
}

TEST_CASE("remote: cancel aborts calls in flight and sends no more", "[eval][cloud]") {
  ScriptedServer server;
  HttpResponse hang;
  hang.hang = true;
  server.script({hang});
  std::atomic<bool> cancel{false};
  QTimer::singleShot(200, [&] { cancel = true; });
  ChatAnswerer a(settings_for(server, 2));
  const auto answers = a.answer(conversations(6), &cancel);
  for (const auto& x : answers) CHECK(x.error.find("ancel") != std::string::npos);
  CHECK(server.requests().size() <= 2);
}

TEST_CASE("spec parsing", "[eval][cloud]") {
  CHECK(parse_remote_spec("openai:gpt-4o-mini").model == "gpt-4o-mini");
  const RemoteSpec e = parse_remote_spec("endpoint:http://localhost:8000/v1#qwen");
  CHECK_FALSE(e.openai);
  CHECK(e.base_url == "http://localhost:8000/v1");
  CHECK(e.model == "qwen");
  CHECK_THROWS_AS(parse_remote_spec("endpoint:http://x"), std::invalid_argument);
  CHECK_THROWS_AS(parse_remote_spec("local:x"), std::invalid_argument);
}

TEST_CASE("prism: a chat answer from the contract mock", "[prism]") {
  RemoteSettings s;
  s.client.base_url = QString::fromStdString(tunesmith::test::PrismServer::instance().url());
  s.client.api_key = QStringLiteral("sk-mock");
  s.client.timeout_ms = 30000;
  s.client.max_retries = 0;
  s.model = QStringLiteral("gpt-4o-mini");
  s.spec = "openai:gpt-4o-mini";
  s.max_tokens = 32;
  ChatAnswerer a(s);
  const auto answers = a.answer(conversations(2), nullptr);
  REQUIRE(answers.size() == 2);
  for (const auto& x : answers) {
    INFO(x.error);
    CHECK(x.error.empty());  // the request passed the spec's validation
  }
  ChatJudge j(s);
  const auto replies = j.complete({Json::array({{{"role", "user"}, {"content", "judge this"}}})}, nullptr);
  CHECK(replies[0].error.empty());
}
