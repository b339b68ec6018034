// `data validate` and `data stats` through the built tunesmith-cli: exit codes, the
// compiler format, --json documents, the --tokenizer flag.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "core/data/json.h"
#include "tests/support/test_paths.h"

using namespace tunesmith::test;
using tunesmith::data::Json;

namespace {

std::string example(int i, const std::string& answer = "") {
  return R"({"messages":[{"role":"user","content":"question )" + std::to_string(i) +
         R"("},{"role":"assistant","content":")" + (answer.empty() ? "answer " + std::to_string(i) : answer) + "\"}]}\n";
}

std::string examples(int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += example(i);
  return out;
}

std::string validate(const std::string& args) { return cli_path() + " data validate " + args; }

// A byte-level BPE tokenizer.json without merges: one token per UTF-8 byte.
std::string byte_tokenizer_json() {
  std::vector<int> bs;
  for (int b = '!'; b <= '~'; ++b) bs.push_back(b);
  for (int b = 0xA1; b <= 0xAC; ++b) bs.push_back(b);
  for (int b = 0xAE; b <= 0xFF; ++b) bs.push_back(b);
  std::vector<int> cs = bs;
  for (int b = 0, n = 0; b < 256; ++b)
    if (std::find(bs.begin(), bs.end(), b) == bs.end()) {
      bs.push_back(b);
      cs.push_back(256 + n++);
    }
  Json vocab = Json::object();
  for (std::size_t i = 0; i < cs.size(); ++i) {
    std::string ch;  // code point cs[i] as UTF-8 (all below U+0800)
    if (cs[i] < 0x80) ch += static_cast<char>(cs[i]);
    else ch += {static_cast<char>(0xC0 | (cs[i] >> 6)), static_cast<char>(0x80 | (cs[i] & 0x3F))};
    vocab[ch] = i;
  }
  Json tok = {{"version", "1.0"},
              {"truncation", nullptr},
              {"padding", nullptr},
              {"added_tokens", Json::array()},
              {"normalizer", nullptr},
              {"pre_tokenizer", {{"type", "ByteLevel"}, {"add_prefix_space", false}, {"trim_offsets", true}, {"use_regex", true}}},
              {"post_processor", nullptr},
              {"decoder", {{"type", "ByteLevel"}, {"add_prefix_space", true}, {"trim_offsets", true}, {"use_regex", true}}},
              {"model", {{"type", "BPE"}, {"dropout", nullptr}, {"unk_token", nullptr}, {"continuing_subword_prefix", nullptr},
                         {"end_of_word_suffix", nullptr}, {"fuse_unk", false}, {"byte_fallback", false},
                         {"ignore_merges", false}, {"vocab", vocab}, {"merges", Json::array()}}}};
  return tok.dump();
}

}  // namespace

TEST_CASE("data validate: exit 0 for a clean file, warnings and notes alone", "[cli][validate]") {
  auto dir = scratch_dir("cli-validate");
  auto r = run_command(validate(write_text(dir + "/ok.jsonl", examples(600))));
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("600 examples, 0 errors, 0 warnings, 0 notes"));
  // A duplicate (warning) and 60 examples (a note) still exit 0.
  r = run_command(validate(write_text(dir + "/warn.jsonl", examples(59) + example(0))));
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains(dir + "/warn.jsonl:60: warning: [duplicate] duplicate of the example on line 1"));
  CHECK_THAT(r.out, Catch::Contains(dir + "/warn.jsonl: note: [dataset-size]"));
}

TEST_CASE("data validate: exit 1 with compiler-format errors", "[cli][validate]") {
  auto dir = scratch_dir("cli-validate");
  auto file = write_text(dir + "/bad.jsonl", examples(20) + "{\"messages\": [}\n" +
                                                 R"({"messages":[{"role":"user","content":"hi"}]})" "\n");
  auto r = run_command(validate(file));
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.out, Catch::Contains(file + ":21:15: error: [invalid-json] invalid JSON: "));
  CHECK_THAT(r.out, Catch::Contains(file + ":22: error: [missing-assistant] "));
  CHECK_THAT(r.out, Catch::Contains(file + ":22: warning: [role-order] "));
  // Ten examples are an error for OpenAI, a warning for local training.
  auto small = write_text(dir + "/small.jsonl", examples(5));
  CHECK(run_command(validate(small)).exit_code == 1);
  CHECK(run_command(validate(small + " --target local")).exit_code == 0);
  CHECK(run_command(validate("--target=local " + small)).exit_code == 0);
}

TEST_CASE("data validate: usage errors and missing files exit 2", "[cli][validate]") {
  auto dir = scratch_dir("cli-validate");
  auto ok = write_text(dir + "/ok.jsonl", examples(600));
  CHECK(run_command(validate("")).exit_code == 2);
  CHECK(run_command(validate(dir + "/missing.jsonl")).exit_code == 2);
  auto r = run_command(validate(ok + " " + dir + "/missing.jsonl"));
  CHECK(r.exit_code == 2);  // the readable file is still reported
  CHECK_THAT(r.out, Catch::Contains("600 examples"));
  CHECK_THAT(r.err, Catch::Contains("missing.jsonl"));
  CHECK(run_command(validate(ok + " --target azure")).exit_code == 2);
  CHECK(run_command(validate(ok + " --max-tokens 0")).exit_code == 2);
  CHECK(run_command(validate(ok + " --max-tokens lots")).exit_code == 2);
  CHECK(run_command(validate(ok + " --bogus")).exit_code == 2);
  CHECK(run_command(validate(ok + " --tokenizer " + dir + "/no-such-dir")).exit_code == 2);
  CHECK(run_command(validate(dir)).exit_code == 2);  // a folder
  r = run_command(validate("--help"));
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("--max-tokens"));
}

TEST_CASE("data validate --json prints one document", "[cli][validate]") {
  auto dir = scratch_dir("cli-validate");
  auto a = write_text(dir + "/a.jsonl", examples(600));
  auto b = write_text(dir + "/b.jsonl", examples(5) + "[1]\n" + "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}\n");
  auto r = run_command(validate(a + " " + b + " --json"));
  CHECK(r.exit_code == 1);
  Json doc = Json::parse(r.out);  // throws (fails the test) unless it is one JSON document
  CHECK(doc["examples"] == 606);
  CHECK(doc["tokens_estimated"] == true);
  CHECK(doc["target"] == "openai");
  CHECK(doc["max_tokens"] == 65536);
  REQUIRE(doc["files"].size() == 2);
  CHECK(doc["files"][0]["errors"] == 0);
  CHECK(doc["files"][1]["examples"] == 6);
  CHECK(doc["counts"]["errors"].get<int>() >= 2);
  bool saw_not_object = false;
  for (const auto& f : doc["findings"]) {
    CHECK(f.contains("severity"));
    CHECK(f.contains("category"));
    CHECK(f.contains("message"));
    CHECK(f["file"] == b);
    if (f["category"] == "not-an-object") {
      saw_not_object = true;
      CHECK(f["line"] == 6);
      CHECK(f["column"] == 1);
    }
  }
  CHECK(saw_not_object);
  // Missing file in JSON mode: still one document, exit 2.
  r = run_command(validate(a + " " + dir + "/missing.jsonl --json"));
  CHECK(r.exit_code == 2);
  CHECK(Json::parse(r.out)["files"][1].contains("io_error"));
}

TEST_CASE("data validate: files that are not JSONL give one error", "[cli][validate]") {
  auto dir = scratch_dir("cli-validate");
  auto count_lines = [](const std::string& s) { return std::count(s.begin(), s.end(), '\n'); };
  for (const auto& [name, content] : std::vector<std::pair<std::string, std::string>>{
           {"empty", ""}, {"binary", std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16)}, {"latin1", "{\"a\":\"caf\xE9\"}\n"}}) {
    auto r = run_command(validate(write_text(dir + "/" + name, content)));
    INFO(name << ": " << r.out);
    CHECK(r.exit_code == 1);
    CHECK(count_lines(r.out) == 2);  // the finding and the summary
  }
}

TEST_CASE("data stats: text, --json and exit codes", "[cli][stats]") {
  auto dir = scratch_dir("cli-stats");
  auto file = write_text(dir + "/d.jsonl", examples(30) + example(99, std::string(400, 'x')));
  auto r = run_command(cli_path() + " data stats " + file);
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("examples:            31"));
  CHECK_THAT(r.out, Catch::Contains("estimated"));
  CHECK_THAT(r.out, Catch::Contains("p50"));
  CHECK_THAT(r.out, Catch::Contains("billable tokens"));
  r = run_command(cli_path() + " data stats " + file + " --json --max-tokens 50");
  CHECK(r.exit_code == 0);
  Json doc = Json::parse(r.out);
  CHECK(doc["examples"] == 31);
  CHECK(doc["truncated_examples"] == 1);
  CHECK(doc["max_tokens"] == 50);
  CHECK(doc["roles"]["assistant"]["messages"] == 31);
  CHECK(run_command(cli_path() + " data stats " + write_text(dir + "/e.jsonl", "")).exit_code == 1);
  CHECK(run_command(cli_path() + " data stats " + dir + "/missing.jsonl").exit_code == 2);
  CHECK(run_command(cli_path() + " data stats " + file + " " + file).exit_code == 2);
}

TEST_CASE("data validate and stats count real tokens with --tokenizer", "[cli][stats][tokenizer]") {
  auto dir = scratch_dir("cli-tokenizer");
  write_text(dir + "/tok/tokenizer.json", byte_tokenizer_json());
  auto file = write_text(dir + "/d.jsonl", examples(20) + example(99, std::string(100, 'a')));
  auto r = run_command(cli_path() + " data stats " + file + " --tokenizer " + dir + "/tok --json");
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  Json doc = Json::parse(r.out);
  CHECK(doc["tokens_estimated"] == false);
  // One token a byte: "answer 0".."answer 19" and 100 'a's.
  CHECK(doc["roles"]["assistant"]["tokens"] == 10 * 8 + 10 * 9 + 100);
  r = run_command(validate(file + " --tokenizer " + dir + "/tok --max-tokens 100 --json"));
  Json v = Json::parse(r.out);
  CHECK(v["tokens_estimated"] == false);
  bool over = false;
  for (const auto& f : v["findings"])
    if (f["category"] == "too-many-tokens") {
      over = true;
      CHECK(f["line"] == 21);
      CHECK(f["message"].get<std::string>().find("estimated") == std::string::npos);
    }
  CHECK(over);
}
