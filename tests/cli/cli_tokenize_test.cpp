// tunesmith-cli tokenize: the line protocol of shared/reference/tokenize.mjs.
#include <catch2/catch.hpp>

#include <sstream>

#include "core/data/json.h"
#include "tests/support/test_paths.h"

using namespace tunesmith::test;
using tunesmith::data::Json;

namespace {

// A small SentencePiece-style tokenizer: BOS from TemplateProcessing, byte fallback.
std::string write_tokenizer() {
  Json vocab = {{"<unk>", 0}, {"<s>", 1}, {"</s>", 2}, {"▁", 3}, {"a", 4}, {"b", 5}, {"▁a", 6}, {"<0xE2>", 7}, {"<0x82>", 8}, {"<0xAC>", 9}};
  auto added = [](int id, const char* c) {
    return Json{{"id", id}, {"content", c}, {"special", true}, {"normalized", false}, {"lstrip", false}, {"rstrip", false}, {"single_word", false}};
  };
  Json normalizer = {{"type", "Sequence"},
                     {"normalizers", Json::array({Json{{"type", "Prepend"}, {"prepend", "▁"}},
                                                  Json{{"type", "Replace"}, {"pattern", {{"String", " "}}}, {"content", "▁"}}})}};
  Json post = {{"type", "TemplateProcessing"},
               {"single", Json::array({Json{{"SpecialToken", {{"id", "<s>"}, {"type_id", 0}}}}, Json{{"Sequence", {{"id", "A"}, {"type_id", 0}}}}})},
               {"pair", Json::array()},
               {"special_tokens", {{"<s>", {{"id", "<s>"}, {"ids", {1}}, {"tokens", {"<s>"}}}}}}};
  Json decoder = {{"type", "Sequence"},
                  {"decoders", Json::array({Json{{"type", "Replace"}, {"pattern", {{"String", "▁"}}}, {"content", " "}},
                                            Json{{"type", "ByteFallback"}}, Json{{"type", "Fuse"}},
                                            Json{{"type", "Strip"}, {"content", " "}, {"start", 1}, {"stop", 0}}})}};
  Json model = {{"type", "BPE"}, {"dropout", nullptr}, {"unk_token", "<unk>"}, {"continuing_subword_prefix", nullptr},
                {"end_of_word_suffix", nullptr}, {"fuse_unk", true}, {"byte_fallback", true}, {"vocab", vocab},
                {"merges", Json::array({"▁ a"})}};
  Json tj = {{"version", "1.0"}, {"truncation", nullptr}, {"padding", nullptr},
             {"added_tokens", Json::array({added(0, "<unk>"), added(1, "<s>"), added(2, "</s>")})},
             {"normalizer", normalizer}, {"pre_tokenizer", nullptr}, {"post_processor", post}, {"decoder", decoder},
             {"model", model}};
  std::string dir = scratch_dir("cli-tokenize");
  write_text(dir + "/tokenizer.json", tj.dump());
  return dir;
}

std::vector<Json> lines(const std::string& out) {
  std::vector<Json> v;
  std::istringstream ss(out);
  std::string line;
  while (std::getline(ss, line)) v.push_back(Json::parse(line));
  return v;
}

}  // namespace

TEST_CASE("tokenize: encode lines, blank lines skipped, error lines", "[cli][tokenize]") {
  const std::string dir = write_tokenizer();
  auto r = run_command(cli_path() + " tokenize --tokenizer " + dir,
                       "{\"text\": \"a b\"}\n\n   \n{\"text\": \"a b\", \"add_special_tokens\": false}\r\n"
                       "not json\n{\"ids\": [1]}\n{\"text\": \"a\\u20ac\"}\n{\"text\": \"\"}\n");
  REQUIRE(r.exit_code == 0);
  auto out = lines(r.out);
  REQUIRE(out.size() == 6);
  CHECK(out[0] == Json::parse(R"({"ids":[1,6,3,5]})"));
  CHECK(out[1] == Json::parse(R"({"ids":[6,3,5]})"));
  CHECK(out[2].contains("error"));
  CHECK(out[3].contains("error"));  // no "text"
  CHECK(out[4] == Json::parse(R"({"ids":[1,6,7,8,9]})"));
  CHECK(out[5] == Json::parse(R"({"ids":[1]})"));
  // The exact bytes of a line, as JSON.stringify writes them.
  CHECK(r.out.substr(0, r.out.find('\n')) == R"({"ids":[1,6,3,5]})");
}

TEST_CASE("tokenize --no-special-tokens, --tokens, --offsets", "[cli][tokenize]") {
  const std::string dir = write_tokenizer();
  auto r = run_command(cli_path() + " tokenize --no-special-tokens --tokens --offsets --tokenizer " + dir + "/tokenizer.json",
                       "{\"text\": \"a b\"}\n{\"text\": \"a\", \"add_special_tokens\": true}\n");
  REQUIRE(r.exit_code == 0);
  auto out = lines(r.out);
  REQUIRE(out.size() == 2);
  CHECK(out[0]["ids"] == Json::parse("[6,3,5]"));
  CHECK(out[0]["tokens"] == Json::parse(R"(["▁a","▁","b"])"));
  CHECK(out[0]["offsets"] == Json::parse("[[0,1],[1,2],[2,3]]"));
  CHECK(out[1]["ids"] == Json::parse("[1,6]"));
}

TEST_CASE("tokenize --decode", "[cli][tokenize]") {
  const std::string dir = write_tokenizer();
  auto r = run_command(cli_path() + " tokenize --decode --tokenizer " + dir,
                       "{\"ids\": [1, 6, 3, 5]}\n{\"ids\": [1, 6, 3, 5], \"skip_special_tokens\": true}\n"
                       "{\"ids\": [6, 7, 8, 9]}\n{\"ids\": [6, 7]}\n{\"ids\": \"x\"}\n{\"ids\": [6, 999]}\n");
  REQUIRE(r.exit_code == 0);
  auto out = lines(r.out);
  REQUIRE(out.size() == 6);
  CHECK(out[0]["text"] == "<s> a b");
  CHECK(out[1]["text"] == "a b");
  CHECK(out[2]["text"] == "a€");
  CHECK(out[3]["text"] == "a\xEF\xBF\xBD");
  CHECK(out[4].contains("error"));
  CHECK(out[5]["text"] == "a");
}

TEST_CASE("tokenize usage and load errors", "[cli][tokenize]") {
  CHECK(run_command(cli_path() + " tokenize").exit_code == 2);  // --tokenizer missing
  CHECK(run_command(cli_path() + " tokenize --help").exit_code == 0);
  CHECK(run_command(cli_path() + " tokenize --bogus").exit_code == 2);
  CHECK(run_command(cli_path() + " tokenize --tokenizer /nonexistent").exit_code == 2);
  const std::string dir = scratch_dir("cli-tokenize-bad");
  write_text(dir + "/tokenizer.json", R"({"model": {"type": "Unigram"}})");
  auto r = run_command(cli_path() + " tokenize --tokenizer " + dir);
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.err, Catch::Contains("tokenizer.json") && Catch::Contains("Unigram"));
}
