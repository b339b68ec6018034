// Retries, timeouts, cancellation, pagination, uploads and job progressions against a
// scripted loopback server (scripted_server.h): what the contract mock cannot script.
#include <catch2/catch.hpp>

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QTimer>

#include "core/cloud/api_key.h"
#include "core/cloud/openai_client.h"
#include "core/cloud/openai_job.h"
#include "core/cloud/synthetic.h"
#include "tests/cloud/scripted_server.h"
#include "tests/support/test_paths.h"

using namespace tunesmith::cloud;
using tunesmith::test::HttpRequest;
using tunesmith::test::HttpResponse;
using tunesmith::test::ScriptedServer;

namespace {

QString fake_key() { return QStringLiteral("sk-") + QString(22, QLatin1Char('Q')) + QStringLiteral("7"); }

ClientOptions options_for(const ScriptedServer& s, QStringList* log = nullptr) {
  ClientOptions o;
  o.base_url = s.base_url();
  o.api_key = fake_key();
  o.timeout_ms = 5000;
  o.retry_delay_scale = 0.02;  // keep the SDK's schedule, 50 times faster
  if (log) o.log = [log](const QString& line) { log->append(line); };
  return o;
}

HttpResponse error_response(int status, const char* message, QList<QPair<QByteArray, QByteArray>> headers = {}) {
  HttpResponse r = HttpResponse::json(
      status, QByteArray(R"({"error":{"message":")") + message + R"(","type":"server_error","param":null,"code":null}})");
  r.headers = std::move(headers);
  return r;
}

}  // namespace

TEST_CASE("429 with retry-after-ms is retried after that delay") {
  ScriptedServer server;
  server.script({error_response(429, "Rate limit reached", {{"retry-after-ms", "300"}}),
                 HttpResponse::json(200, R"({"object":"list","data":[]})")});
  ClientOptions o = options_for(server);
  o.retry_delay_scale = 1.0;  // the server's delay as is
  OpenAIClient client(o);
  QElapsedTimer t;
  t.start();
  const Result r = wait(client.list_models());
  CHECK(r.ok());
  CHECK(r.attempts == 2);
  CHECK(t.elapsed() >= 280);
  REQUIRE(server.requests().size() == 2);
  CHECK(server.requests()[1].headers.value("x-stainless-retry-count") == "1");
}

TEST_CASE("500 then 200 succeeds; three 500s fail after two retries with the server's message") {
  ScriptedServer server;
  server.script({error_response(500, "boom"), HttpResponse::json(200, R"({"id":"gpt-x","object":"model"})")});
  OpenAIClient client(options_for(server));
  const Result ok = wait(client.retrieve_model(QStringLiteral("gpt-x")));
  CHECK(ok.ok());
  CHECK(ok.json["id"] == "gpt-x");

  ScriptedServer always;
  always.script({error_response(503, "overloaded")});
  OpenAIClient c2(options_for(always));
  const Result bad = wait(c2.list_models());
  CHECK(bad.error.kind == ApiError::Kind::Http);
  CHECK(bad.error.status == 503);
  CHECK(bad.error.message == QStringLiteral("overloaded"));
  CHECK(bad.attempts == 3);
  CHECK(always.requests().size() == 3);
}

TEST_CASE("x-should-retry: false stops retries; 400 and 401 are not retried") {
  ScriptedServer server;
  server.script({error_response(500, "no", {{"x-should-retry", "false"}})});
  OpenAIClient client(options_for(server));
  CHECK(wait(client.list_models()).attempts == 1);

  ScriptedServer s401;
  s401.script({error_response(401, "Incorrect API key provided")});
  OpenAIClient c401(options_for(s401));
  const Result r = wait(c401.list_models());
  CHECK(r.attempts == 1);
  CHECK(r.error.describe().contains(QStringLiteral("invalid API key")));

  ScriptedServer s400;
  s400.script({error_response(400, "bad"), HttpResponse::json(200, "{}")});
  s400.script({error_response(400, "bad")});
  OpenAIClient c400(options_for(s400));
  CHECK(wait(c400.list_models()).attempts == 1);

  ScriptedServer forced;
  forced.script({error_response(400, "try again", {{"x-should-retry", "true"}}), HttpResponse::json(200, "{}")});
  OpenAIClient cf(options_for(forced));
  CHECK(wait(cf.list_models()).ok());
}

TEST_CASE("a request that hangs times out, is retried, then fails as a timeout") {
  ScriptedServer server;
  HttpResponse hang;
  hang.hang = true;
  server.script({hang});
  ClientOptions o = options_for(server);
  o.timeout_ms = 200;
  o.max_retries = 1;
  OpenAIClient client(o);
  QElapsedTimer t;
  t.start();
  const Result r = wait(client.list_models());
  CHECK(r.error.kind == ApiError::Kind::Timeout);
  CHECK(r.attempts == 2);
  CHECK(t.elapsed() >= 350);  // two 200 ms attempts (timers are coarse)
  CHECK(t.elapsed() < 4000);
}

TEST_CASE("a timeout followed by an answer succeeds") {
  ScriptedServer server;
  HttpResponse hang;
  hang.hang = true;
  server.script({hang, HttpResponse::json(200, R"({"object":"list","data":[]})")});
  ClientOptions o = options_for(server);
  o.timeout_ms = 200;
  OpenAIClient client(o);
  CHECK(wait(client.list_models()).ok());
}

TEST_CASE("cancel aborts a request in flight and a pending retry") {
  ScriptedServer server;
  HttpResponse hang;
  hang.hang = true;
  server.script({hang});
  OpenAIClient client(options_for(server));
  Call* call = client.list_models();
  QTimer::singleShot(100, call, [call] { call->cancel(); });
  QElapsedTimer t;
  t.start();
  const Result r = wait(call);
  CHECK(r.error.kind == ApiError::Kind::Cancelled);
  CHECK(t.elapsed() < 3000);

  ScriptedServer s2;
  s2.script({error_response(429, "slow down", {{"retry-after", "60"}})});
  ClientOptions o = options_for(s2);
  o.retry_delay_scale = 1.0;
  OpenAIClient c2(o);
  Call* waiting = c2.list_models();
  QTimer::singleShot(300, waiting, [waiting] { waiting->cancel(); });
  t.restart();
  CHECK(wait(waiting).error.kind == ApiError::Kind::Cancelled);
  CHECK(t.elapsed() < 5000);
}

TEST_CASE("connection errors are retried, then reported as network errors") {
  ClientOptions o;
  o.base_url = QStringLiteral("http://127.0.0.1:1/v1");  // nothing listens on port 1
  o.retry_delay_scale = 0.02;
  o.timeout_ms = 3000;
  OpenAIClient client(o);
  const Result r = wait(client.list_models());
  CHECK(r.error.kind == ApiError::Kind::Network);
  CHECK(r.attempts == 3);

  ScriptedServer server;
  HttpResponse drop;
  drop.close_without_answer = true;
  server.script({drop, HttpResponse::json(200, R"({"data":[]})")});
  OpenAIClient c2(options_for(server));
  CHECK(wait(c2.list_models()).ok());
}

TEST_CASE("the key goes in the Authorization header and never into a log line") {
  ScriptedServer server;
  server.script({error_response(500, "x"), HttpResponse::json(200, R"({"data":[]})")});
  QStringList log;
  OpenAIClient client(options_for(server, &log));
  REQUIRE(wait(client.list_models()).ok());
  CHECK(server.requests()[0].headers.value("authorization") == "Bearer " + fake_key().toUtf8());
  REQUIRE_FALSE(log.isEmpty());
  for (const QString& line : log) CHECK_FALSE(line.contains(fake_key()));
  CHECK(log.join(QLatin1Char('\n')).contains(QStringLiteral("Authorization: [redacted]")));
}

TEST_CASE("list_all follows the cursor and stops at the page bound") {
  ScriptedServer server;
  server.handle([](const HttpRequest& req) {
    int page = 0;
    if (req.query.contains("after=job-2")) page = 1;
    if (req.query.contains("after=job-4")) page = 2;
    const QByteArray more = page < 2 ? "true" : "false";
    const QByteArray a = "job-" + QByteArray::number(page * 2 + 1), b = "job-" + QByteArray::number(page * 2 + 2);
    return HttpResponse::json(200, R"({"object":"list","data":[{"id":")" + a + R"("},{"id":")" + b +
                                       R"("}],"has_more":)" + more + "}");
  });
  OpenAIClient client(options_for(server));
  auto page = [&](const QString& after) {
    ListParams p;
    p.limit = 2;
    p.after = after;
    return client.list_jobs(p);
  };
  const AllPages all = list_all(page);
  CHECK(all.pages == 3);
  CHECK(all.data.size() == 6);
  CHECK_FALSE(all.truncated);
  const AllPages bounded = list_all(page, 2);
  CHECK(bounded.pages == 2);
  CHECK(bounded.data.size() == 4);
  CHECK(bounded.truncated);
  CHECK(server.requests()[0].query.contains("limit=2"));
}

TEST_CASE("multipart upload sends purpose and file with progress") {
  ScriptedServer server;
  server.script({HttpResponse::json(200, R"({"id":"file-1","object":"file","bytes":60,"filename":"train.jsonl","purpose":"fine-tune"})")});
  const std::string dir = tunesmith::test::scratch_dir("cloud_upload");
  const std::string path = tunesmith::test::write_text(dir + "/train.jsonl",
      R"({"messages":[{"role":"user","content":"hi"},{"role":"assistant","content":"hello"}]})" "\n");
  OpenAIClient client(options_for(server));
  Call* call = client.upload_file(QString::fromStdString(path));
  qint64 last_sent = -1;
  QObject::connect(call, &Call::upload_progress, [&](qint64 sent, qint64) { last_sent = sent; });
  const Result r = wait(call);
  REQUIRE(r.ok());
  CHECK(parse_file(r.json).id == "file-1");
  CHECK(last_sent > 0);
  const HttpRequest& req = server.requests().at(0);
  CHECK(req.method == "POST");
  CHECK(req.path == "/v1/files");
  CHECK(req.headers.value("content-type").startsWith("multipart/form-data"));
  CHECK(req.body.contains("name=\"purpose\""));
  CHECK(req.body.contains("fine-tune"));
  CHECK(req.body.contains("filename=\"train.jsonl\""));
  CHECK(req.body.contains("\"assistant\""));

  const Result missing = wait(client.upload_file(QStringLiteral("/nonexistent/file.jsonl")));
  CHECK(missing.error.kind == ApiError::Kind::Usage);
}

namespace {

// A job that goes validating_files -> running (metrics events, a checkpoint) -> final.
struct JobScript {
  int polls = 0;
  QByteArray final_status = "succeeded";
  HttpResponse operator()(const HttpRequest& req) {
    const QByteArray p = req.path;
    if (req.method == "POST" && p == "/v1/fine_tuning/jobs") return job("validating_files");
    if (req.method == "POST" && p.endsWith("/cancel")) {
      final_status = "cancelled";
      return job("running");
    }
    if (p == "/v1/fine_tuning/jobs/ftjob-1") {
      ++polls;
      if (polls == 1) return job("validating_files");
      if (polls <= 3) return job("running");
      return job(final_status);
    }
    if (p.endsWith("/events")) {
      QByteArray data = R"({"id":"ev-1","created_at":100,"level":"info","message":"Validating training file","type":"message"})";
      if (polls >= 2)
        data = R"({"id":"ev-2","created_at":110,"level":"info","message":"Step 1/2: training loss=1.20","type":"metrics","data":{"step":1,"total_steps":2,"train_loss":1.2,"train_mean_token_accuracy":0.5}},)" + data;
      if (polls >= 3)
        data = R"({"id":"ev-3","created_at":120,"level":"info","message":"Step 2/2","type":"metrics","data":{"step":2,"total_steps":2,"train_loss":0.8,"valid_loss":0.9}},)" + data;
      return HttpResponse::json(200, R"({"object":"list","data":[)" + data + R"(],"has_more":false})");
    }
    if (p.endsWith("/checkpoints")) {
      if (polls < 3) return HttpResponse::json(200, R"({"object":"list","data":[],"has_more":false})");
      return HttpResponse::json(200, R"({"object":"list","data":[{"id":"ckpt-1","object":"fine_tuning.job.checkpoint","created_at":121,
        "fine_tuned_model_checkpoint":"ft:gpt-4o-mini:org::abc:ckpt-step-2","fine_tuning_job_id":"ftjob-1","step_number":2,
        "metrics":{"step":2,"train_loss":0.8,"valid_loss":0.9,"full_valid_loss":0.95,"full_valid_mean_token_accuracy":0.7}}],"has_more":false})");
    }
    return HttpResponse::json(404, R"({"error":{"message":"no route","type":"invalid_request_error","param":null,"code":null}})");
  }
  HttpResponse job(const QByteArray& status) const {
    QByteArray extra = "\"error\":null,\"fine_tuned_model\":null,\"trained_tokens\":null";
    if (status == "succeeded") extra = R"("error":null,"fine_tuned_model":"ft:gpt-4o-mini:org::abc","trained_tokens":1234)";
    if (status == "failed")
      extra = R"("error":{"code":"invalid_training_file","message":"The training file has 3 invalid lines","param":"training_file"},"fine_tuned_model":null,"trained_tokens":null)";
    return HttpResponse::json(200, R"({"id":"ftjob-1","object":"fine_tuning.job","model":"gpt-4o-mini","created_at":100,"status":")" +
                                       status + R"(","training_file":"file-1","validation_file":null,"result_files":[],"seed":1,)" + extra + "}");
  }
};

std::vector<tunesmith::jobs::JobEvent> run_job(tunesmith::jobs::Job& job, std::function<void()> after_start = {}) {
  std::vector<tunesmith::jobs::JobEvent> events;
  QEventLoop loop;
  QTimer guard;
  guard.setSingleShot(true);
  QObject::connect(&guard, &QTimer::timeout, &loop, &QEventLoop::quit);
  job.set_event_callback([&](const tunesmith::jobs::JobEvent& e) {
    events.push_back(e);
    if (std::holds_alternative<tunesmith::jobs::Finished>(e) || std::holds_alternative<tunesmith::jobs::Failed>(e) ||
        std::holds_alternative<tunesmith::jobs::Cancelled>(e))
      loop.quit();
  });
  job.start();
  if (after_start) after_start();
  guard.start(10000);
  loop.exec();
  return events;
}

template <class T>
std::vector<T> of_type(const std::vector<tunesmith::jobs::JobEvent>& events) {
  std::vector<T> out;
  for (const auto& e : events)
    if (auto* p = std::get_if<T>(&e)) out.push_back(*p);
  return out;
}

OpenAIJobOptions fast_polls() {
  OpenAIJobOptions o;
  o.poll_interval_ms = 20;
  o.max_poll_interval_ms = 50;
  return o;
}

}  // namespace

TEST_CASE("an OpenAI job reports validating_files -> running -> succeeded through the job interface") {
  using namespace tunesmith::jobs;
  ScriptedServer server;
  JobScript script;
  server.handle(std::ref(script));
  OpenAIClient client(options_for(server));
  JobCreate spec;
  spec.model = QStringLiteral("gpt-4o-mini");
  spec.training_file = QStringLiteral("file-1");
  OpenAIFineTuneJob job(&client, spec, fast_polls());
  const auto events = run_job(job);
  REQUIRE_FALSE(events.empty());
  REQUIRE(std::holds_alternative<Started>(events.front()));
  CHECK(std::get<Started>(events.front()).id == "ftjob-1");
  const auto steps = of_type<Step>(events);
  REQUIRE(steps.size() == 2);
  CHECK(steps[0].step == 1);
  CHECK(steps[0].loss == Approx(1.2));
  CHECK(steps[0].total_steps == 2);
  CHECK(steps[0].accuracy == Approx(0.5));
  CHECK(steps[1].loss == Approx(0.8));
  const auto evals = of_type<Eval>(events);
  REQUIRE(evals.size() == 2);  // valid_loss from the metrics event, full_valid_loss from the checkpoint
  CHECK(evals[0].val_loss == Approx(0.9));
  CHECK(evals[1].full);
  CHECK(evals[1].val_loss == Approx(0.95));
  const auto ckpts = of_type<Checkpoint>(events);
  REQUIRE(ckpts.size() == 1);
  CHECK(ckpts[0].location == "ft:gpt-4o-mini:org::abc:ckpt-step-2");
  CHECK(ckpts[0].metrics.at("train_loss") == Approx(0.8));
  std::vector<std::string> statuses;
  for (const auto& l : of_type<Log>(events))
    if (l.message.rfind("status: ", 0) == 0) statuses.push_back(l.message.substr(8));
  CHECK(statuses == std::vector<std::string>{"validating_files", "running", "succeeded"});
  REQUIRE(std::holds_alternative<Finished>(events.back()));
  CHECK(std::get<Finished>(events.back()).model == "ft:gpt-4o-mini:org::abc");
  CHECK(std::get<Finished>(events.back()).trained_tokens == 1234);
  CHECK(job.state() == JobState::Succeeded);
  // Each event is reported once, however many polls saw it.
  CHECK(of_type<Log>(events).size() == 1 + statuses.size());
}

TEST_CASE("a failed OpenAI job ends with Failed and the server's error message") {
  using namespace tunesmith::jobs;
  ScriptedServer server;
  JobScript script;
  script.final_status = "failed";
  server.handle(std::ref(script));
  OpenAIClient client(options_for(server));
  auto* job = OpenAIFineTuneJob::attach(&client, QStringLiteral("ftjob-1"), fast_polls());
  const auto events = run_job(*job);
  REQUIRE(std::holds_alternative<Failed>(events.back()));
  CHECK(std::get<Failed>(events.back()).message == "The training file has 3 invalid lines");
  CHECK(std::get<Failed>(events.back()).code == "invalid_training_file");
  CHECK(job->state() == JobState::Failed);
  delete job;
}

TEST_CASE("cancelling an OpenAI job posts cancel and ends with Cancelled") {
  using namespace tunesmith::jobs;
  ScriptedServer server;
  JobScript script;
  server.handle(std::ref(script));
  OpenAIClient client(options_for(server));
  auto* job = OpenAIFineTuneJob::attach(&client, QStringLiteral("ftjob-1"), fast_polls());
  const auto events = run_job(*job, [job] { QTimer::singleShot(10, [job] { job->cancel(); }); });
  REQUIRE(std::holds_alternative<Cancelled>(events.back()));
  bool posted = false;
  for (const auto& r : server.requests()) posted |= r.method == "POST" && r.path.endsWith("/cancel");
  CHECK(posted);
  delete job;
}

TEST_CASE("a job whose creation is refused fails with the validation message") {
  using namespace tunesmith::jobs;
  ScriptedServer server;
  server.script({HttpResponse::json(400, R"({"error":{"message":"invalid training_file: file-x","type":"invalid_request_error","param":"training_file","code":null}})")});
  OpenAIClient client(options_for(server));
  JobCreate spec;
  spec.model = QStringLiteral("gpt-4o-mini");
  spec.training_file = QStringLiteral("file-x");
  OpenAIFineTuneJob job(&client, spec, fast_polls());
  const auto events = run_job(job);
  REQUIRE(events.size() == 1);
  REQUIRE(std::holds_alternative<Failed>(events[0]));
  CHECK(std::get<Failed>(events[0]).message.find("invalid training_file") != std::string::npos);
}

TEST_CASE("synthetic generation keeps valid, new examples only") {
  ScriptedServer server;
  auto reply = [](const QByteArray& content_json) {
    QByteArray escaped = QByteArray::fromStdString(Json(content_json.toStdString()).dump());
    return HttpResponse::json(200, R"({"id":"c","object":"chat.completion","created":1,"model":"m","choices":[{"index":0,"finish_reason":"stop","message":{"role":"assistant","content":)" +
                                       escaped + "}}]}");
  };
  server.script({reply(R"({"examples":[
      {"messages":[{"role":"user","content":"Where is my order?"},{"role":"assistant","content":"Let me check."}]},
      {"messages":[{"role":"user","content":"Where is my order?"},{"role":"assistant","content":"Let me check."}]},
      {"messages":[{"role":"user","content":"Refund please"}]},
      {"messages":[{"role":"user","content":"Existing question"},{"role":"assistant","content":"Existing answer"}]}]})"),
                 reply(R"({"examples":[{"messages":[{"role":"user","content":"Can I change my address?"},{"role":"assistant","content":"Yes, in settings."}]},
      {"messages":[{"role":"user","content":"Do you ship abroad?"},{"role":"assistant","content":"To 30 countries."}]}]})")});
  OpenAIClient client(options_for(server));
  std::vector<tunesmith::data::Conversation> existing;
  existing.emplace_back(Json::parse(R"({"messages":[{"role":"user","content":"Existing question"},{"role":"assistant","content":"Existing answer"}]})"));
  SyntheticSpec spec;
  spec.task = QStringLiteral("Answer Acme support questions");
  spec.count = 3;
  spec.per_request = 4;
  spec.system_prompt = QStringLiteral("You are Acme's support assistant.");
  SyntheticGenerator gen(&client, spec, existing);
  QEventLoop loop;
  QObject::connect(&gen, &SyntheticGenerator::finished, &loop, &QEventLoop::quit);
  gen.start();
  loop.exec();
  const SyntheticReport& rep = gen.report();
  CHECK(rep.error.ok());
  CHECK(rep.requested == 2);
  CHECK(rep.accepted.size() == 3);
  CHECK(rep.invalid == 1);     // no assistant message
  CHECK(rep.duplicates == 2);  // repeated in the batch, and in the existing data
  CHECK(rep.accepted[0].role(0) == "system");
  const Json first = Json::parse(server.requests()[0].body.toStdString());
  CHECK(first["response_format"]["type"] == "json_object");
}

TEST_CASE("OPENAI_API_KEY takes precedence and a missing keychain never blocks") {
  const QByteArray saved = qgetenv("OPENAI_API_KEY");
  qputenv("OPENAI_API_KEY", fake_key().toUtf8());
  KeyLookup k = resolve_api_key();
  CHECK(k.key == fake_key());
  CHECK(k.source == QStringLiteral("environment"));
  qunsetenv("OPENAI_API_KEY");
  QElapsedTimer t;
  t.start();
  k = resolve_api_key(1500);  // CI has no keychain service: an empty answer, in bounded time
  CHECK(t.elapsed() < 5000);
  if (k.key.isEmpty()) CHECK_FALSE(k.note.isEmpty());
  if (!saved.isEmpty()) qputenv("OPENAI_API_KEY", saved);
}
