// `tunesmith-cli openai ...` as a user runs it, against the contract mock (Prism serving
// OpenAI's OpenAPI spec). Tagged [prism]: one ctest runs them all, so the mock starts
// once. The fake key must never appear in any output.
#include <catch2/catch.hpp>

#include <filesystem>

#include "tests/cloud/prism_fixture.h"
#include "tests/support/test_paths.h"

using tunesmith::test::CommandResult;

namespace {

// Built at run time: no key-shaped literal in the repository.
std::string fake_key() { return "sk-" + std::string("test-") + std::string(20, 'k') + "42"; }

CommandResult openai(const std::string& args, const std::string& input = {}) {
  const std::string url = tunesmith::test::PrismServer::instance().url();
  const CommandResult r = tunesmith::test::run_command(
      "OPENAI_API_KEY=" + fake_key() + " " + tunesmith::test::cli_path() + " openai --base-url " + url + " " + args, input);
  INFO("stdout: " << r.out << "\nstderr: " << r.err);
  CHECK(r.out.find(fake_key()) == std::string::npos);
  CHECK(r.err.find(fake_key()) == std::string::npos);
  return r;
}

std::string train_file(const std::string& content) {
  return tunesmith::test::write_text(tunesmith::test::scratch_dir("cli_openai") + "/train.jsonl", content);
}

constexpr const char* kClean =
    R"({"messages":[{"role":"user","content":"Where is my order?"},{"role":"assistant","content":"Let me check."}]})" "\n";

}  // namespace

TEST_CASE("cli openai: models and listings print JSON and exit 0", "[prism]") {
  auto r = openai("models");
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("\"data\"") != std::string::npos);
  r = openai("files list --limit 5");
  CHECK(r.exit_code == 0);
  r = openai("jobs list --limit 2 --all");
  CHECK(r.exit_code == 0);
  r = openai("jobs get ftjob-abc123");
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("\"status\"") != std::string::npos);
  for (const char* sub : {"cancel", "pause", "resume", "events", "checkpoints"}) {
    r = openai(std::string("jobs ") + sub + " ftjob-abc123");
    CHECK(r.exit_code == 0);
  }
}

TEST_CASE("cli openai: upload and job creation", "[prism]") {
  auto r = openai("files upload " + train_file(kClean));
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("\"id\"") != std::string::npos);
  r = openai("jobs create --model gpt-4o-mini --training-file file-abc --epochs 3 --batch-size auto --suffix acme --seed 1 --metadata team=support");
  CHECK(r.exit_code == 0);
}

TEST_CASE("cli openai: the server's validation error is printed and the exit code says so", "[prism]") {
  auto r = openai("jobs create --model gpt-4o-mini --training-file file-abc --epochs 0");
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("n_epochs") != std::string::npos);
  r = openai("jobs create --model gpt-4o-mini --training-file file-abc --suffix " + std::string(65, 's'));
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("suffix") != std::string::npos);
  r = openai("jobs create --model gpt-4o-mini");
  CHECK(r.exit_code == 2);  // usage: --training-file is required
}

TEST_CASE("cli openai: upload refuses personal data unless allowed, and offers a redacted copy", "[prism]") {
  const std::string pii = R"({"messages":[{"role":"user","content":"I am jane@example.com, card 4111 1111 1111 1111"},{"role":"assistant","content":"Thanks."}]})" "\n";
  const std::string path = train_file(pii);
  auto r = openai("files upload " + path);
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("[pii-email]") != std::string::npos);
  CHECK(r.err.find("[pii-card-number]") != std::string::npos);
  CHECK(r.err.find("jane@example.com") == std::string::npos);  // masked
  const std::string red = path + ".redacted.jsonl";
  r = openai("files upload " + path + " --redact-to " + red);
  CHECK(r.exit_code == 1);
  const std::string text = tunesmith::test::read_text(red);
  CHECK(text.find("[EMAIL]") != std::string::npos);
  CHECK(text.find("[CARD_NUMBER]") != std::string::npos);
  r = openai("files upload " + path + " --allow-pii");
  CHECK(r.exit_code == 0);
}

TEST_CASE("cli openai: a key in the data or the environment is never printed", "[prism]") {
  const std::string leaked = std::string(R"({"messages":[{"role":"user","content":"my key is )") + fake_key() +
                             R"("},{"role":"assistant","content":"Do not share keys."}]})" "\n";
  auto r = openai("files upload " + train_file(leaked));  // the checks in openai() do the work
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("[pii-secret]") != std::string::npos);
  r = openai("models --verbose");
  CHECK(r.exit_code == 0);
  CHECK(r.err.find("[redacted]") != std::string::npos);
}

TEST_CASE("cli openai: a multi-MB upload to the contract mock reports progress", "[prism]") {
  std::string content;
  for (int i = 0; content.size() < (std::size_t{3} << 20); ++i)
    content += R"({"messages":[{"role":"user","content":"Where is my order? I ordered it last spring."},{"role":"assistant","content":"Let me check the warehouse records for you."}]})" "\n";
  auto r = openai("files upload " + train_file(content));
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("\"id\"") != std::string::npos);
  CHECK(r.err.find("uploading train.jsonl: 100% (") != std::string::npos);
  std::size_t steps = 0;
  for (std::size_t p = 0; (p = r.err.find("uploading train.jsonl: ", p)) != std::string::npos; ++p) ++steps;
  CHECK(steps >= 2);  // progress before the end, not only the final line
}

TEST_CASE("cli openai: generate-data sends contract-valid requests and writes nothing unparseable", "[prism]") {
  // The mock answers with the spec's example chat completion, whose content is prose, not
  // the JSON the generator asked for: every request must pass the contract (no 422), no
  // candidate parses, and no output file appears.
  const std::string out = tunesmith::test::scratch_dir("cli_openai_generate") + "/synthetic.jsonl";
  auto r = openai("generate-data --task 'Answer support questions' --count 2 --model gpt-4.1 --out " + out);
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("422") == std::string::npos);
  CHECK(r.err.find("wrote 0 example(s)") != std::string::npos);
  CHECK(r.err.find("4 requests") != std::string::npos);  // bounded: 2 * ceil(2 / 5) + 2
  CHECK_FALSE(std::filesystem::exists(out));
}
