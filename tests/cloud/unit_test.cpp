// Pure parts of the client: retry rules, redaction, error objects, request bodies,
// typed views.
#include <catch2/catch.hpp>

#include <QDateTime>

#include "core/cloud/api_error.h"
#include "core/cloud/openai_client.h"
#include "core/cloud/openai_types.h"
#include "core/cloud/redact.h"
#include "core/cloud/retry.h"

using namespace tunesmith::cloud;

namespace {
// A key-shaped string built at run time (no key-looking literal in the repository).
QString fake_key() { return QStringLiteral("sk-") + QString(24, QLatin1Char('Z')) + QStringLiteral("x9"); }
}  // namespace

TEST_CASE("retry on 408, 409, 429 and 5xx unless x-should-retry says otherwise") {
  for (int s : {408, 409, 429, 500, 502, 503, 504}) CHECK(should_retry_status(s, {}));
  for (int s : {400, 401, 403, 404, 422}) CHECK_FALSE(should_retry_status(s, {}));
  CHECK(should_retry_status(400, {"true", {}, {}}));
  CHECK_FALSE(should_retry_status(500, {"false", {}, {}}));
}

TEST_CASE("retry delay: retry-after-ms, then retry-after, then exponential backoff") {
  const QDateTime now = QDateTime::fromString(QStringLiteral("2026-01-01T00:00:00Z"), Qt::ISODate);
  CHECK(retry_delay_s(0, {{}, "1500", "30"}, 0.0, now) == Approx(1.5));
  CHECK(retry_delay_s(0, {{}, {}, "3"}, 0.0, now) == Approx(3.0));
  CHECK(retry_delay_s(0, {{}, {}, "Thu, 01 Jan 2026 00:00:10 GMT"}, 0.0, now) == Approx(10.0));
  // Out of range (> 120 s or negative) falls back to the backoff.
  CHECK(retry_delay_s(0, {{}, {}, "500"}, 0.0, now) == Approx(0.5));
  CHECK(retry_delay_s(0, {{}, "-5", {}}, 0.0, now) == Approx(0.5));
  CHECK(retry_delay_s(1, {}, 0.0, now) == Approx(1.0));
  CHECK(retry_delay_s(2, {}, 0.0, now) == Approx(2.0));
  CHECK(retry_delay_s(10, {}, 0.0, now) == Approx(8.0));        // capped
  CHECK(retry_delay_s(0, {}, 1.0, now) == Approx(0.5 * 0.75));  // at most 25 % jitter
}

TEST_CASE("log lines never carry the key") {
  const QString key = fake_key();
  CHECK_FALSE(redact_line(QStringLiteral("Authorization: Bearer ") + key).contains(key));
  CHECK_FALSE(redact_line(QStringLiteral("failed with key ") + key + QStringLiteral(" in body")).contains(key));
  CHECK_FALSE(redact_line(QStringLiteral("curl -H 'authorization: Bearer abc.def'")).contains(QStringLiteral("abc.def")));
  const QString headers = format_headers_redacted({{"Authorization", "Bearer " + key.toUtf8()}, {"Accept", "application/json"}});
  CHECK_FALSE(headers.contains(key));
  CHECK(headers.contains(QStringLiteral("Authorization: [redacted]")));
  CHECK(headers.contains(QStringLiteral("Accept: application/json")));
  CHECK_FALSE(mask_key(key).contains(key.mid(3, 10)));
}

TEST_CASE("OpenAI error objects become typed errors with the server's message") {
  const ApiError e = http_error(401, R"({"error":{"message":"Incorrect API key provided","type":"invalid_request_error","param":null,"code":"invalid_api_key"}})");
  CHECK(e.kind == ApiError::Kind::Http);
  CHECK(e.status == 401);
  CHECK(e.type == QStringLiteral("invalid_request_error"));
  CHECK(e.code == QStringLiteral("invalid_api_key"));
  CHECK(e.message == QStringLiteral("Incorrect API key provided"));
  CHECK(e.describe().contains(QStringLiteral("invalid API key")));
  CHECK(e.describe().contains(QStringLiteral("Incorrect API key provided")));

  const ApiError rate = http_error(429, R"({"error":{"message":"Rate limit reached","type":"requests","param":null,"code":"rate_limit_exceeded"}})");
  CHECK(rate.describe().contains(QStringLiteral("rate limit or quota")));
  const ApiError quota = http_error(429, R"({"error":{"message":"You exceeded your current quota","type":"insufficient_quota","param":null,"code":"insufficient_quota"}})");
  CHECK(quota.describe().contains(QStringLiteral("quota")));

  const ApiError problem = http_error(422, R"({"type":"x","title":"Invalid request","status":422,"detail":"d","validation":[{"message":"Request body must have required property 'training_file'"}]})");
  CHECK(problem.message.contains(QStringLiteral("training_file")));

  const ApiError text = http_error(502, "Bad gateway", QStringLiteral("Bad Gateway"));
  CHECK(text.message == QStringLiteral("Bad gateway"));
}

TEST_CASE("job create body uses method supervised with auto or values") {
  JobCreate j;
  j.model = QStringLiteral("gpt-4o-mini-2024-07-18");
  j.training_file = QStringLiteral("file-abc");
  j.hyperparameters.n_epochs = 3;
  j.suffix = QStringLiteral("acme");
  j.seed = 7;
  j.metadata = Json{{"project", "demo"}};
  const Json b = job_create_body(j);
  CHECK(b["model"] == "gpt-4o-mini-2024-07-18");
  CHECK(b["training_file"] == "file-abc");
  CHECK_FALSE(b.contains("validation_file"));
  CHECK(b["suffix"] == "acme");
  CHECK(b["seed"] == 7);
  CHECK(b["metadata"]["project"] == "demo");
  CHECK(b["method"]["type"] == "supervised");
  CHECK(b["method"]["supervised"]["hyperparameters"]["n_epochs"] == 3);
  CHECK_FALSE(b["method"]["supervised"]["hyperparameters"].contains("batch_size"));
  j.send_auto = true;
  const Json a = job_create_body(j);
  CHECK(a["method"]["supervised"]["hyperparameters"]["batch_size"] == "auto");
  CHECK(a["method"]["supervised"]["hyperparameters"]["learning_rate_multiplier"] == "auto");
}

TEST_CASE("chat bodies for text, json_object and json_schema") {
  const Json msgs = Json::array({Json{{"role", "user"}, {"content", "hi"}}});
  CHECK_FALSE(chat_body(QStringLiteral("m"), msgs).contains("response_format"));
  ResponseFormat f;
  f.type = ResponseFormat::Type::JsonObject;
  CHECK(chat_body(QStringLiteral("m"), msgs, f)["response_format"]["type"] == "json_object");
  f.type = ResponseFormat::Type::JsonSchema;
  f.schema_name = QStringLiteral("answer");
  f.schema = Json{{"type", "object"}};
  const Json b = chat_body(QStringLiteral("m"), msgs, f, 0.0, 50);
  CHECK(b["response_format"]["json_schema"]["name"] == "answer");
  CHECK(b["temperature"] == 0.0);
  CHECK(b["max_completion_tokens"] == 50);
  CHECK(chat_text(Json::parse(R"({"choices":[{"message":{"role":"assistant","content":"yes"}}]})")) == QStringLiteral("yes"));
  CHECK(chat_text(Json::object()).isEmpty());
}

TEST_CASE("typed views read jobs, checkpoints and pages leniently") {
  const Json job = Json::parse(R"({"id":"ftjob-1","status":"failed","model":"gpt-4o-mini","created_at":10,
    "error":{"code":"invalid_training_file","message":"bad line 3","param":"training_file"},
    "method":{"type":"supervised","supervised":{"hyperparameters":{"n_epochs":4,"batch_size":"auto"}}},
    "trained_tokens":null,"fine_tuned_model":null,"result_files":["file-r"]})");
  const FineTuningJob j = parse_job(job);
  CHECK(j.id == "ftjob-1");
  CHECK(j.method == "supervised");
  CHECK(j.n_epochs == 4);
  CHECK(j.batch_size == "auto");
  REQUIRE(j.error);
  CHECK(j.error->message == "bad line 3");
  CHECK_FALSE(j.trained_tokens);
  CHECK(j.result_files.size() == 1);
  CHECK(is_terminal_status("failed"));
  CHECK_FALSE(is_terminal_status("validating_files"));

  const auto page = parse_checkpoint_page(Json::parse(R"({"data":[{"id":"c1","step_number":88,
    "fine_tuned_model_checkpoint":"ft:x:ckpt-step-88","metrics":{"train_loss":0.47,"valid_loss":0.5,"full_valid_loss":0.55}}],
    "has_more":true})"));
  REQUIRE(page.data.size() == 1);
  CHECK(page.data[0].metrics.at("full_valid_loss") == Approx(0.55));
  CHECK(page.has_more);
  CHECK(page.last_id == "c1");
}

TEST_CASE("url_for appends paths to the base URL like the SDK's base_url") {
  ClientOptions o;
  o.base_url = QStringLiteral("http://localhost:11434/v1/");
  OpenAIClient c(o);
  CHECK(c.url_for(QStringLiteral("/models")).toString() == QStringLiteral("http://localhost:11434/v1/models"));
  o.base_url = QStringLiteral("http://host/proxy/openai/v1");
  OpenAIClient d(o);
  CHECK(d.url_for(QStringLiteral("files")).toString() == QStringLiteral("http://host/proxy/openai/v1/files"));
}
