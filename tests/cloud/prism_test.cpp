// Every client call against OpenAI's published OpenAPI spec served by Prism (the
// contract mock, prism_fixture.h): valid requests succeed and parse; invalid ones come
// back as the server's validation error. Tagged [prism]: one ctest runs them all, so
// the mock starts once.
#include <catch2/catch.hpp>

#include "core/cloud/openai_client.h"
#include "core/cloud/openai_types.h"
#include "tests/cloud/prism_fixture.h"
#include "tests/support/test_paths.h"

using namespace tunesmith::cloud;

namespace {

OpenAIClient& client() {
  static OpenAIClient* c = [] {
    ClientOptions o;
    o.base_url = QString::fromStdString(tunesmith::test::PrismServer::instance().url());
    o.api_key = QStringLiteral("sk-mock");
    o.timeout_ms = 30000;
    o.max_retries = 0;  // the mock answers or refuses; nothing to retry
    return new OpenAIClient(o);
  }();
  return *c;
}

JobCreate valid_job() {
  JobCreate j;
  j.model = QStringLiteral("gpt-4o-mini-2024-07-18");
  j.training_file = QStringLiteral("file-abc123");
  return j;
}

void require_ok(const Result& r) {
  INFO(r.error.describe().toStdString() << "\n" << r.body.toStdString());
  REQUIRE(r.ok());
}

}  // namespace

TEST_CASE("prism: models list and retrieve", "[prism]") {
  const Result r = wait(client().list_models());
  require_ok(r);
  const auto page = parse_model_page(r.json);
  CHECK_FALSE(page.data.empty());
  const Result one = wait(client().retrieve_model(QStringLiteral("gpt-4o-mini")));
  require_ok(one);
  CHECK_FALSE(parse_model(one.json).id.empty());
}

TEST_CASE("prism: files upload, list, retrieve, delete", "[prism]") {
  const std::string dir = tunesmith::test::scratch_dir("prism_files");
  const std::string path = tunesmith::test::write_text(dir + "/train.jsonl",
      R"({"messages":[{"role":"user","content":"hi"},{"role":"assistant","content":"hello"}]})" "\n");
  const Result up = wait(client().upload_file(QString::fromStdString(path)));
  require_ok(up);
  CHECK_FALSE(parse_file(up.json).id.empty());

  ListParams p;
  p.limit = 10;
  p.purpose = QStringLiteral("fine-tune");
  p.order = QStringLiteral("desc");
  const Result list = wait(client().list_files(p));
  require_ok(list);
  CHECK(list.json["object"] == "list");
  parse_file_page(list.json);

  require_ok(wait(client().retrieve_file(QStringLiteral("file-abc123"))));
  const Result del = wait(client().delete_file(QStringLiteral("file-abc123")));
  require_ok(del);
  CHECK(del.json.contains("deleted"));

  ListParams bad;
  bad.order = QStringLiteral("sideways");
  const Result refused = wait(client().list_files(bad));
  CHECK(refused.error.status == 422);
}

TEST_CASE("prism: a valid job is created and parses", "[prism]") {
  JobCreate j = valid_job();
  j.validation_file = QStringLiteral("file-def456");
  j.suffix = QStringLiteral("acme-support");
  j.seed = 42;
  j.metadata = Json{{"project", "demo"}};
  j.hyperparameters.n_epochs = 3;
  j.hyperparameters.batch_size = 8;
  j.hyperparameters.learning_rate_multiplier = 0.5;
  const Result r = wait(client().create_job(j));
  require_ok(r);
  const FineTuningJob job = parse_job(r.json);
  CHECK_FALSE(job.id.empty());
  CHECK_FALSE(job.status.empty());

  JobCreate autos = valid_job();
  autos.send_auto = true;
  require_ok(wait(client().create_job(autos)));
}

TEST_CASE("prism: invalid jobs surface the server's validation error", "[prism]") {
  SECTION("missing training file") {
    Request req;
    req.method = "POST";
    req.path = QStringLiteral("/fine_tuning/jobs");
    req.json = Json{{"model", "gpt-4o-mini"}};
    const Result r = wait(client().send(req));
    CHECK(r.error.kind == ApiError::Kind::Http);
    CHECK(r.error.status == 422);
    CHECK(r.error.message.contains(QStringLiteral("training_file")));
  }
  SECTION("n_epochs 0") {
    JobCreate j = valid_job();
    j.hyperparameters.n_epochs = 0;
    const Result r = wait(client().create_job(j));
    CHECK(r.error.status == 422);
    CHECK(r.error.message.contains(QStringLiteral("n_epochs")));
  }
  SECTION("suffix of 65 characters") {
    JobCreate j = valid_job();
    j.suffix = QString(65, QLatin1Char('a'));
    const Result r = wait(client().create_job(j));
    CHECK(r.error.status == 422);
    CHECK(r.error.message.contains(QStringLiteral("suffix")));
  }
  SECTION("batch size over 256") {
    JobCreate j = valid_job();
    j.hyperparameters.batch_size = 1000;
    CHECK(wait(client().create_job(j)).error.status == 422);
  }
}

TEST_CASE("prism: jobs list, retrieve, cancel, pause, resume, events, checkpoints", "[prism]") {
  ListParams p;
  p.limit = 5;
  p.after = QStringLiteral("ftjob-abc");
  const Result list = wait(client().list_jobs(p));
  require_ok(list);
  parse_job_page(list.json);
  const QString id = QStringLiteral("ftjob-abc123");
  for (Call* call : {client().retrieve_job(id), client().cancel_job(id), client().pause_job(id), client().resume_job(id)}) {
    const Result r = wait(call);
    require_ok(r);
    CHECK_FALSE(parse_job(r.json).id.empty());
  }
  ListParams ep;
  ep.limit = 20;
  const Result events = wait(client().list_job_events(id, ep));
  require_ok(events);
  parse_event_page(events.json);
  const Result ckpts = wait(client().list_job_checkpoints(id, ep));
  require_ok(ckpts);
  const auto page = parse_checkpoint_page(ckpts.json);
  for (const auto& c : page.data) CHECK(c.step_number >= 0);
}

TEST_CASE("prism: chat completions with text, json_object and json_schema", "[prism]") {
  const Json msgs = Json::array({Json{{"role", "system"}, {"content", "Be brief."}}, Json{{"role", "user"}, {"content", "hi"}}});
  require_ok(wait(client().chat(chat_body(QStringLiteral("gpt-4o-mini"), msgs))));
  ResponseFormat f;
  f.type = ResponseFormat::Type::JsonObject;
  require_ok(wait(client().chat(chat_body(QStringLiteral("gpt-4o-mini"), msgs, f, 0.0, 100))));
  f.type = ResponseFormat::Type::JsonSchema;
  f.schema_name = QStringLiteral("answer");
  f.schema = Json::parse(R"({"type":"object","properties":{"text":{"type":"string"}},"required":["text"],"additionalProperties":false})");
  require_ok(wait(client().chat(chat_body(QStringLiteral("gpt-4o-mini"), msgs, f))));

  Json bad = chat_body(QStringLiteral("gpt-4o-mini"), msgs);
  bad.erase("messages");
  CHECK(wait(client().chat(bad)).error.status == 422);
}

TEST_CASE("prism: a request without a key is refused with 401 and the invalid-key hint", "[prism]") {
  ClientOptions o = client().options();
  o.api_key.clear();
  OpenAIClient anonymous(o);
  const Result r = wait(anonymous.list_models());
  CHECK(r.error.status == 401);
  CHECK(r.error.describe().contains(QStringLiteral("invalid API key")));
}
