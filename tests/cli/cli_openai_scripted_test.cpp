// `tunesmith-cli openai ...` against a scripted loopback server (canned chat replies, an
// upload of several MB) and without a keychain service. The CLI runs as a QProcess so
// the server keeps answering from this process's event loop. Tagged [scripted]: no
// contract mock needed, so these run in the default ctest set.
#include <catch2/catch.hpp>

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QProcess>
#include <QProcessEnvironment>
#include <QTimer>

#include <filesystem>
#include <set>

#include <nlohmann/json.hpp>

#include "core/data/dataset.h"
#include "core/data/validate.h"
#include "tests/cloud/scripted_server.h"
#include "tests/support/test_paths.h"

using tunesmith::test::HttpRequest;
using tunesmith::test::HttpResponse;
using tunesmith::test::ScriptedServer;
using Json = nlohmann::json;

namespace {

// Built at run time: no key-shaped literal in the repository.
std::string fake_key() { return "sk-" + std::string("test-") + std::string(20, 'q') + "77"; }

void ensure_app() {
  static int argc = 1;
  static char name[] = "test_cli_openai";
  static char* argv[] = {name, nullptr};
  if (!QCoreApplication::instance()) new QCoreApplication(argc, argv);  // lives for the process
}

struct Run {
  int exit_code = -1;
  std::string out, err;
  qint64 ms = 0;
};

// An environment in which no keychain service can answer: the D-Bus session bus points
// nowhere (so the test never touches a developer's real keychain).
QProcessEnvironment base_env(bool with_key) {
  QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
  env.insert(QStringLiteral("DBUS_SESSION_BUS_ADDRESS"), QStringLiteral("unix:path=/nonexistent/tunesmith-test-bus"));
  env.remove(QStringLiteral("OPENAI_API_KEY"));
  if (with_key) env.insert(QStringLiteral("OPENAI_API_KEY"), QString::fromStdString(fake_key()));
  return env;
}

// Runs the CLI while this event loop serves the scripted server; 60 s at most.
Run cli(const QStringList& args, const QProcessEnvironment& env, const QByteArray& input = {}) {
  ensure_app();
  QProcess p;
  p.setProcessEnvironment(env);
  QEventLoop loop;
  QObject::connect(&p, &QProcess::finished, &loop, &QEventLoop::quit);
  QElapsedTimer clock;
  clock.start();
  p.start(QString::fromStdString(tunesmith::test::cli_path()), QStringList{QStringLiteral("openai")} + args);
  p.write(input);
  p.closeWriteChannel();
  QTimer::singleShot(60000, &loop, &QEventLoop::quit);
  if (p.state() != QProcess::NotRunning) loop.exec();
  if (p.state() != QProcess::NotRunning) {
    p.kill();
    p.waitForFinished(5000);
  }
  Run r;
  r.exit_code = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
  r.out = p.readAllStandardOutput().toStdString();
  r.err = p.readAllStandardError().toStdString();
  r.ms = clock.elapsed();
  INFO("stdout: " << r.out << "\nstderr: " << r.err);
  CHECK(r.out.find(fake_key()) == std::string::npos);
  CHECK(r.err.find(fake_key()) == std::string::npos);
  return r;
}

HttpResponse chat_reply(const std::string& content_json) {
  const std::string escaped = Json(content_json).dump();
  return HttpResponse::json(200, QByteArray::fromStdString(
      R"({"id":"c","object":"chat.completion","created":1,"model":"m","choices":[{"index":0,"finish_reason":"stop","message":{"role":"assistant","content":)" +
      escaped + "}}]}"));
}

// "a", "b", ... "ba": distinct words without digits (digit runs look like phone numbers
// to the personal-data scan).
std::string letters(std::size_t i) {
  std::string s;
  do {
    s.insert(s.begin(), static_cast<char>('a' + i % 26));
    i /= 26;
  } while (i);
  return s;
}

}  // namespace

TEST_CASE("cli openai key: without a keychain service, set/clear fail fast and clean, status says none", "[scripted]") {
  Run r = cli({"key", "set"}, base_env(false), QByteArray::fromStdString(fake_key() + "\n"));
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("keychain") != std::string::npos);
  CHECK(r.err.find("OPENAI_API_KEY") != std::string::npos);  // says what to do instead
  CHECK(r.ms < 15000);

  r = cli({"key", "clear"}, base_env(false));
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("keychain") != std::string::npos);
  CHECK(r.ms < 15000);

  r = cli({"key", "status"}, base_env(false));
  CHECK(r.exit_code == 0);
  const Json status = Json::parse(r.out);
  CHECK(status["source"] == "none");
  CHECK_FALSE(status.value("note", std::string()).empty());  // why the keychain gave nothing
  CHECK(r.ms < 15000);

  r = cli({"key", "status"}, base_env(true));
  CHECK(r.exit_code == 0);
  CHECK(Json::parse(r.out)["source"] == "environment");
}

TEST_CASE("cli openai key: the key is never taken from the command line, nor an empty one", "[scripted]") {
  Run r = cli({"key", "set", QString::fromStdString(fake_key())}, base_env(false));  // the check in cli() matters
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("stdin") != std::string::npos);
  r = cli({"key", "set"}, base_env(false), "\n");
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("no key") != std::string::npos);
}

TEST_CASE("cli openai files upload: a multi-MB upload reports progress on stderr", "[scripted]") {
  ensure_app();
  std::string content;
  for (std::size_t i = 0; content.size() < (std::size_t{4} << 20); ++i)
    content += R"({"messages":[{"role":"user","content":"Where is parcel )" + letters(i) +
               R"(? It was promised for the spring."},{"role":"assistant","content":"Parcel )" + letters(i) +
               R"( left the warehouse and should arrive within the week."}]})" "\n";
  const std::string path =
      tunesmith::test::write_text(tunesmith::test::scratch_dir("cli_openai_upload") + "/big.jsonl", content);
  ScriptedServer server;
  server.handle([](const HttpRequest&) {
    return HttpResponse::json(200, R"({"id":"file-big","object":"file","bytes":1,"created_at":1,"filename":"big.jsonl","purpose":"fine-tune"})");
  });
  const Run r = cli({"--base-url", server.base_url(), "files", "upload", QString::fromStdString(path)}, base_env(true));
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("file-big") != std::string::npos);
  REQUIRE(server.requests().size() == 1);
  CHECK(server.requests()[0].body.size() > (4 << 20));
  // Not a terminal: plain lines, one per 10% step; the last says 100%.
  std::set<std::string> lines;
  std::size_t pos = 0;
  while ((pos = r.err.find("uploading big.jsonl: ", pos)) != std::string::npos) {
    const std::size_t end = r.err.find('\n', pos);
    lines.insert(r.err.substr(pos, end - pos));
    pos = end;
  }
  INFO(r.err);
  CHECK(lines.size() >= 3);  // the start, some steps between, the end
  CHECK(lines.size() <= 11);
  CHECK(r.err.find("uploading big.jsonl: 100% (") != std::string::npos);
  CHECK(r.err.find('\r') == std::string::npos);
}

TEST_CASE("cli openai generate-data: writes valid OpenAI JSONL, reports and skips invalid examples", "[scripted]") {
  ensure_app();
  ScriptedServer server;
  server.script({chat_reply(R"({"examples":[
      {"messages":[{"role":"user","content":"Where is my order?"},{"role":"assistant","content":"Let me check."}]},
      {"messages":[{"role":"user","content":"Refund please"}]},
      {"messages":[{"role":"robot","content":"beep"},{"role":"assistant","content":"boop"}]},
      {"messages":[{"role":"user","content":"Can I pay by invoice?"},{"role":"assistant","content":"Yes, for business accounts."}]}]})"),
                 chat_reply(R"({"examples":[
      {"messages":[{"role":"user","content":"Do you ship abroad?"},{"role":"assistant","content":"To 30 countries."}]},
      {"messages":[{"role":"user","content":"Can I change my address?"},{"role":"assistant","content":"Yes, in settings."}]}]})")});
  const std::string dir = tunesmith::test::scratch_dir("cli_openai_generate");
  const std::string out = dir + "/synthetic.jsonl";
  const Run r = cli({"--base-url", server.base_url(), "generate-data", "--task", "Answer Acme support questions", "--count",
                     "4", "--per-request", "4", "--model", "gpt-4.1", "--system", "You are Acme's support assistant.",
                     "--out", QString::fromStdString(out)},
                    base_env(true));
  CHECK(r.exit_code == 0);
  CHECK(server.requests().size() == 2);
  // Each invalid example is named with the validator's reason.
  CHECK(r.err.find("skipped an invalid generated example: request 1, example 2:") != std::string::npos);
  CHECK(r.err.find("skipped an invalid generated example: request 1, example 3:") != std::string::npos);
  CHECK(r.err.find("2 invalid") != std::string::npos);

  // The file is OpenAI chat JSONL that the validator accepts, and holds no invalid example.
  const auto loaded = tunesmith::data::load_jsonl(out);
  REQUIRE(loaded.dataset.examples.size() == 4);
  tunesmith::data::ValidationOptions vo;
  vo.target = tunesmith::data::Target::OpenAI;
  for (const auto& f : tunesmith::data::validate_dataset(loaded.dataset, vo)) {
    INFO(f.category << ": " << f.message);
    CHECK((f.severity != tunesmith::data::Severity::Error || f.category == "dataset-size"));
  }
  const std::string text = tunesmith::test::read_text(out);
  CHECK(text.find("Refund please") == std::string::npos);
  CHECK(text.find("robot") == std::string::npos);
  std::size_t lines = 0;
  std::size_t start = 0;
  for (std::size_t nl; (nl = text.find('\n', start)) != std::string::npos; start = nl + 1, ++lines) {
    const Json j = Json::parse(text.substr(start, nl - start));
    CHECK(j.size() == 1);  // only "messages"
    CHECK(j["messages"][0]["role"] == "system");
  }
  CHECK(lines == 4);
}

TEST_CASE("cli openai generate-data: when every candidate is invalid, nothing is written and the exit code says so", "[scripted]") {
  ensure_app();
  ScriptedServer server;
  server.script({chat_reply(R"({"examples":[{"messages":[{"role":"user","content":"Only a question"}]}]})")});
  const std::string out = tunesmith::test::scratch_dir("cli_openai_generate_bad") + "/synthetic.jsonl";
  const Run r = cli({"--base-url", server.base_url(), "generate-data", "--task", "t", "--count", "1", "--model", "m",
                     "--out", QString::fromStdString(out)},
                    base_env(true));
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("skipped an invalid generated example") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(out));
  CHECK(server.requests().size() == 4);  // bounded: 2 * ceil(1 / 5) + 2 requests, then it stops
}
