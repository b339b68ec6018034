#include <catch2/catch.hpp>

#include <sys/resource.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "core/data/dataset.h"
#include "core/data/example_shape.h"
#include "core/data/normalize.h"
#include "core/data/validate.h"
#include "tests/support/test_paths.h"

using namespace tunesmith::data;
using tunesmith::test::scratch_dir;
using tunesmith::test::write_text;

namespace {

// A valid example: user asks, assistant answers.
std::string ex(const std::string& user = "What are your hours?", const std::string& answer = "9 to 5, Monday to Friday.") {
  return R"({"messages":[{"role":"system","content":"You are Acme support."},{"role":"user","content":")" + user +
         R"("},{"role":"assistant","content":")" + answer + R"("}]})";
}

// `lines` plus enough distinct valid examples that the dataset-size rule stays quiet.
std::string with_filler(const std::string& lines, int filler = 500) {
  std::string out = lines;
  if (!out.empty() && out.back() != '\n') out += '\n';
  for (int i = 0; i < filler; ++i) out += ex("question " + std::to_string(i), "answer " + std::to_string(i)) + "\n";
  return out;
}

std::vector<Finding> validate_text(const std::string& content, ValidationOptions options = {}) {
  auto path = write_text(scratch_dir("validate") + "/data.jsonl", content);
  return validate_file(path, options);
}

std::vector<Finding> of(const std::vector<Finding>& all, const std::string& category) {
  std::vector<Finding> out;
  std::copy_if(all.begin(), all.end(), std::back_inserter(out), [&](const Finding& f) { return f.category == category; });
  return out;
}

// Exactly one finding of `category`, on `line`, with `severity`.
void require_one(const std::vector<Finding>& all, const std::string& category, std::size_t line, Severity severity) {
  auto found = of(all, category);
  INFO("category " << category);
  for (const auto& f : all) INFO(format_finding(f));
  REQUIRE(found.size() == 1);
  CHECK(found[0].line == line);
  CHECK(found[0].severity == severity);
}

std::size_t errors(const std::vector<Finding>& all) { return count_findings(all).errors; }

}  // namespace

TEST_CASE("a clean file has no findings at all", "[validate]") {
  auto f = validate_text(with_filler(""));
  for (const auto& x : f) INFO(format_finding(x));
  CHECK(f.empty());
}

TEST_CASE("invalid JSON is reported with line and column", "[validate]") {
  auto f = validate_text(with_filler(ex() + "\n" + R"({"messages": [})" + "\n"));
  require_one(f, "invalid-json", 2, Severity::Error);
  CHECK(of(f, "invalid-json")[0].column == 15);
  CHECK_THAT(of(f, "invalid-json")[0].message, Catch::StartsWith("invalid JSON: "));
}

TEST_CASE("a line that is JSON but not an object", "[validate]") {
  auto f = validate_text(with_filler("[1, 2]\n\"text\"\n"));
  REQUIRE(of(f, "not-an-object").size() == 2);
  CHECK_THAT(of(f, "not-an-object")[0].message, Catch::Contains("a list"));
}

TEST_CASE("missing, mistyped or empty messages", "[validate]") {
  auto f = validate_text(with_filler(R"({"prompt":"a","completion":"b"})"
                                     "\n"
                                     R"({"messages":"hi"})"
                                     "\n"
                                     R"({"messages":[]})"));
  auto m = of(f, "missing-messages");
  REQUIRE(m.size() == 3);
  CHECK_THAT(m[0].message, Catch::Contains("legacy"));
  CHECK_THAT(m[1].message, Catch::Contains("a string"));
  CHECK_THAT(m[2].message, Catch::Contains("empty"));
}

TEST_CASE("a message that is not an object", "[validate]") {
  auto f = validate_text(with_filler(R"({"messages":["hi",{"role":"assistant","content":"x"}]})"));
  require_one(f, "message-not-object", 1, Severity::Error);
}

TEST_CASE("missing and unrecognized roles; function is deprecated", "[validate]") {
  auto f = validate_text(with_filler(
      R"({"messages":[{"content":"hi"},{"role":"assistant","content":"x"}]})"
      "\n"
      R"({"messages":[{"role":"bot","content":"hi"},{"role":"assistant","content":"x"}]})"
      "\n"
      R"({"messages":[{"role":7,"content":"hi"},{"role":"assistant","content":"x"}]})"
      "\n"
      R"({"messages":[{"role":"user","content":"hi"},{"role":"assistant","content":null,"function_call":{"name":"f"}},{"role":"function","name":"f","content":"1"},{"role":"assistant","content":"one"}]})"));
  require_one(f, "missing-role", 1, Severity::Error);
  auto unknown = of(f, "unknown-role");
  REQUIRE(unknown.size() == 2);
  CHECK(unknown[0].line == 2);
  CHECK_THAT(unknown[0].message, Catch::Contains("\"bot\""));
  CHECK(unknown[1].line == 3);
  require_one(f, "deprecated-role", 4, Severity::Warning);
  CHECK(errors(of(f, "missing-content")) == 0);
  CHECK(of(f, "content-type").empty());  // null content is fine next to function_call
}

TEST_CASE("missing or wrongly typed content", "[validate]") {
  auto f = validate_text(with_filler(
      R"({"messages":[{"role":"user"},{"role":"assistant","content":"x"}]})"
      "\n"
      R"({"messages":[{"role":"user","content":42},{"role":"assistant","content":"x"}]})"
      "\n"
      R"({"messages":[{"role":"user","content":null},{"role":"assistant","content":"x"}]})"
      "\n"
      R"({"messages":[{"role":"user","content":[{"type":"text","text":"a"},"b"]},{"role":"assistant","content":"x"}]})"
      "\n"
      R"({"messages":[{"role":"user","content":[{"type":"text","text":"look"},{"type":"image_url","image_url":{"url":"https://x/y.png"}}]},{"role":"assistant","content":[{"type":"text","text":"a cat"}]}]})"
      "\n"
      R"({"messages":[{"role":"user","content":"add"},{"role":"assistant","content":null,"tool_calls":[{"id":"c","type":"function","function":{"name":"add","arguments":"{}"}}]},{"role":"tool","tool_call_id":"c","content":"3"},{"role":"assistant","content":"3"}]})"
      "\n"
      R"({"messages":[{"role":"user","content":"add"},{"role":"assistant","tool_calls":[{"id":"c"}]},{"role":"tool","tool_call_id":"c","content":"3"},{"role":"assistant","content":"3"}]})"));
  require_one(f, "missing-content", 1, Severity::Error);
  auto types = of(f, "content-type");
  REQUIRE(types.size() == 3);
  CHECK(types[0].line == 2);
  CHECK_THAT(types[0].message, Catch::Contains("a number"));
  CHECK(types[1].line == 3);
  CHECK(types[2].line == 4);
  CHECK_THAT(types[2].message, Catch::Contains("part 2"));
  CHECK(errors(f) == 4);  // lines 5 to 7 are valid
}

TEST_CASE("unrecognized message keys warn; example-level keys are fine", "[validate]") {
  auto f = validate_text(with_filler(
      R"({"messages":[{"role":"user","content":"hi","mood":"happy"},{"role":"assistant","content":"x","name":"bob","refusal":null}]})"
      "\n"
      R"({"tools":[],"functions":[],"metadata":{"a":1},"expected":["x"],"parallel_tool_calls":false,"messages":[{"role":"user","content":"hi"},{"role":"assistant","content":"y"}]})"));
  require_one(f, "unknown-key", 1, Severity::Warning);
  CHECK_THAT(of(f, "unknown-key")[0].message, Catch::Contains("\"mood\""));
  CHECK(errors(f) == 0);
}

TEST_CASE("no assistant message, empty assistant content", "[validate]") {
  auto f = validate_text(with_filler(R"({"messages":[{"role":"user","content":"hi"}]})"
                                     "\n"
                                     R"({"messages":[{"role":"user","content":"hi"},{"role":"assistant","content":"  "}]})"));
  require_one(f, "missing-assistant", 1, Severity::Error);
  require_one(f, "empty-assistant-content", 2, Severity::Error);
}

TEST_CASE("weight must be 0 or 1", "[validate]") {
  auto f = validate_text(with_filler(
      R"({"messages":[{"role":"user","content":"hi"},{"role":"assistant","content":"a","weight":0},{"role":"user","content":"again"},{"role":"assistant","content":"b","weight":1}]})"
      "\n"
      R"({"messages":[{"role":"user","content":"hi"},{"role":"assistant","content":"a","weight":0.5}]})"
      "\n"
      R"({"messages":[{"role":"user","content":"hi"},{"role":"assistant","content":"a","weight":"1"}]})"));
  auto w = of(f, "invalid-weight");
  REQUIRE(w.size() == 2);
  CHECK(w[0].line == 2);
  CHECK_THAT(w[0].message, Catch::Contains("not 0.5"));
  CHECK(w[1].line == 3);
  CHECK_THAT(w[1].message, Catch::Contains("a string"));
}

TEST_CASE("roles out of order warn once per example", "[validate]") {
  auto f = validate_text(with_filler(
      R"({"messages":[{"role":"user","content":"hi"},{"role":"system","content":"late"},{"role":"assistant","content":"x"}]})"
      "\n"
      R"({"messages":[{"role":"user","content":"hi"},{"role":"user","content":"again"},{"role":"assistant","content":"x"}]})"
      "\n"
      R"({"messages":[{"role":"user","content":"hi"},{"role":"tool","content":"1"},{"role":"assistant","content":"x"}]})"
      "\n"
      R"({"messages":[{"role":"user","content":"hi"},{"role":"assistant","content":"x"},{"role":"user","content":"thanks"}]})"
      "\n"
      R"({"messages":[{"role":"developer","content":"be brief"},{"role":"user","content":"hi"},{"role":"assistant","content":"x"}]})"));
  auto order = of(f, "role-order");
  REQUIRE(order.size() == 4);
  for (std::size_t i = 0; i < 4; ++i) {
    CHECK(order[i].line == i + 1);
    CHECK(order[i].severity == Severity::Warning);
  }
  CHECK(errors(f) == 0);
}

TEST_CASE("duplicates ignore case and spacing", "[validate]") {
  auto f = validate_text(with_filler(ex("Where is  my ORDER?", "On its way.") + "\n" + ex("where is my order?", "on its way.")));
  require_one(f, "duplicate", 2, Severity::Warning);
  CHECK_THAT(of(f, "duplicate")[0].message, Catch::Contains("line 1"));
}

TEST_CASE("examples over the token limit", "[validate]") {
  ValidationOptions options;
  options.max_tokens = 50;
  auto f = validate_text(with_filler(ex("hi", std::string(400, 'a'))), options);
  require_one(f, "too-many-tokens", 1, Severity::Warning);
  CHECK_THAT(of(f, "too-many-tokens")[0].message, Catch::Contains("estimated"));
  CHECK(of(validate_text(with_filler(ex("hi", std::string(400, 'a')))), "too-many-tokens").empty());  // 65536 default
}

TEST_CASE("dataset size follows the OpenAI guide; local relaxes it", "[validate]") {
  auto size_finding = [](int n, Target target) {
    ValidationOptions options;
    options.target = target;
    auto f = of(validate_text(with_filler("", n), options), "dataset-size");
    REQUIRE(f.size() <= 1);
    return f;
  };
  CHECK(size_finding(9, Target::OpenAI)[0].severity == Severity::Error);
  CHECK(size_finding(10, Target::OpenAI)[0].severity == Severity::Warning);
  CHECK(size_finding(49, Target::OpenAI)[0].severity == Severity::Warning);
  CHECK(size_finding(50, Target::OpenAI)[0].severity == Severity::Note);
  CHECK(size_finding(100, Target::OpenAI)[0].severity == Severity::Note);
  CHECK_THAT(size_finding(100, Target::OpenAI)[0].message, Catch::Contains("500"));
  CHECK(size_finding(500, Target::OpenAI).empty());
  CHECK(size_finding(9, Target::Local)[0].severity == Severity::Warning);
  CHECK(size_finding(60, Target::Local)[0].severity == Severity::Note);
  CHECK(size_finding(100, Target::Local).empty());
  CHECK(size_finding(9, Target::OpenAI)[0].line == 0);
}

TEST_CASE("findings print in the compiler format", "[validate]") {
  auto dir = scratch_dir("format");
  auto path = write_text(dir + "/d.jsonl", with_filler(R"({"messages": [})"));
  auto f = validate_file(path, {});
  REQUIRE(f.size() == 1);
  CHECK_THAT(format_finding(f[0]), Catch::Matches(path + ":1:15: error: \\[invalid-json\\] invalid JSON: .+"));
  auto size = validate_file(write_text(dir + "/small.jsonl", ex() + "\n"), {});
  REQUIRE(size.size() == 1);
  CHECK(format_finding(size[0]) == dir + "/small.jsonl: error: [dataset-size] 1 example: OpenAI fine-tuning requires at least 10");
}

TEST_CASE("files that are not JSONL get one clear error", "[validate]") {
  SECTION("empty") {
    auto f = validate_text("");
    REQUIRE(f.size() == 1);
    CHECK(f[0].category == "empty-file");
    f = validate_text("\n  \n\n");
    REQUIRE(f.size() == 1);
    CHECK(f[0].category == "empty-file");
  }
  SECTION("binary") {
    std::string bytes = "\x7f" "ELF\x02\x01\x01";
    bytes += std::string(100, '\0') + "\x12\x34{\"messages\":[]}\n";
    auto f = validate_text(bytes);
    REQUIRE(f.size() == 1);
    CHECK(f[0].category == "not-text");
  }
  SECTION("UTF-16") {
    std::string utf16 = "\xFF\xFE";
    for (char c : ex()) utf16 += std::string{c, '\0'};
    auto f = validate_text(utf16);
    REQUIRE(f.size() == 1);
    CHECK_THAT(f[0].message, Catch::Contains("UTF-16"));
  }
  SECTION("invalid UTF-8 (Latin-1)") {
    auto f = validate_text(with_filler(ex("caf\xE9", "oui")));
    REQUIRE(f.size() == 1);
    CHECK(f[0].category == "not-utf8");
    CHECK(f[0].line == 1);
    CHECK(f[0].column > 1);
  }
  SECTION("a single 5 MB line") {
    std::string big(5 << 20, 'x');
    auto f = validate_text(big);
    REQUIRE(f.size() == 1);
    CHECK(f[0].category == "invalid-json");
    CHECK(f[0].message.size() < 300);
    std::string array = "[" + ex();
    while (array.size() < (5u << 20)) array += "," + ex();
    f = validate_text(array + "]");
    REQUIRE(f.size() == 1);
    CHECK(f[0].category == "not-an-object");
  }
  SECTION("a text file that is not JSONL stops after a few lines") {
    std::string csv;
    for (int i = 0; i < 5000; ++i) csv += "question,answer," + std::to_string(i) + "\n";
    auto f = validate_text(csv);
    CHECK(f.size() == kMaxConsecutiveBadLines + 1);
    CHECK(f.back().category == "too-many-errors");
  }
}

TEST_CASE("bad bytes past the sniffed start are reported per line", "[validate]") {
  std::string content = with_filler("", 600);  // > 64 KiB of good lines first
  REQUIRE(content.size() > (64u << 10));
  content += ex("caf\xE9", "x") + "\n" + ex(std::string("a\0b", 3), "y") + "\n";
  auto f = validate_text(with_filler(content, 0));
  require_one(f, "invalid-utf8", 601, Severity::Error);
  CHECK(of(f, "invalid-utf8")[0].column > 0);
  // The NUL line: either "not-text" or an invalid-JSON line, never a crash.
  CHECK(errors(f) == 2);
}

TEST_CASE("validate_dataset agrees with validate_file", "[validate]") {
  std::string content = with_filler(
      ex() + "\n" + ex() + "\n" +
          R"({"messages":[{"role":"bot","content":"x","x":1},{"role":"assistant","content":"","weight":2}]})" "\n"
          R"({"messages":[{"role":"user","content":[{"type":"text","text":"A"},{"type":"text","text":"b"}]},{"role":"assistant","content":"c"},{"role":"user","content":"d"}]})" "\n"
          R"({"messages":[{"role":"user","content":"A\nb"},{"role":"assistant","content":"c"},{"role":"user","content":"D"}]})" "\n"
          R"({"messages":[3,{"role":"tool","content":null}],"metadata":{}})" "\n" +
          R"({"messages":[{"role":"user","content":"long"},{"role":"assistant","content":")" + std::string(300, 'z') + "\"}]}\n",
      30);
  auto path = write_text(scratch_dir("agree") + "/d.jsonl", content);
  ValidationOptions options;
  options.max_tokens = 40;
  auto from_file = validate_file(path, options);
  auto loaded = load_jsonl(path);
  REQUIRE(loaded.findings.empty());
  auto from_dataset = validate_dataset(loaded.dataset, options);
  REQUIRE(from_file.size() == from_dataset.size());
  CHECK(from_file.size() >= 8);
  for (std::size_t i = 0; i < from_file.size(); ++i) {
    INFO(format_finding(from_file[i]) << "\nvs\n" << format_finding(from_dataset[i]));
    CHECK(format_finding(from_file[i]) == format_finding(from_dataset[i]));
    CHECK(from_file[i].example == from_dataset[i].example);
  }
}

TEST_CASE("the shape hash is stable_hash(normalized_example())", "[validate]") {
  for (const char* line : {R"({"messages":[{"role":"user","content":"Hi  There"},{"role":"assistant","content":[{"type":"text","text":"a"},{"type":"image_url"},{"type":"text","text":"B"}]}]})",
                           R"({"messages":[7,{"role":3,"content":{"a":1}},{"content":"x"}]})"}) {
    auto c = Conversation::from_jsonl(line);
    ExampleShape shape;
    shape_of(c.json(), shape);
    std::string scratch;
    CHECK(normalized_hash(shape, scratch) == stable_hash(normalized_example(c)));
  }
}

TEST_CASE("append_normalized matches normalize_text", "[validate]") {
  std::string bytes;
  for (int i = 0; i < 4000; ++i) bytes += static_cast<char>((i * 7919 + i / 13) % 256);
  for (std::string text : {std::string(""), std::string("  A  b\tC\n\n"), std::string(" \r\n "), std::string("Ünï  CODE"), bytes}) {
    std::string out = "x";
    append_normalized(out, text);
    CHECK(out == "x" + normalize_text(text));
  }
}

TEST_CASE("100k examples validate in bounded memory", "[validate][memory]") {
  auto path = scratch_dir("big") + "/big.jsonl";
  {
    std::ofstream out(path, std::ios::binary);
    std::string answer(380, 'a');
    for (int i = 0; i < 100000; ++i)
      out << ex("question number " + std::to_string(i) + " about the Acme rocket skates?", answer) << '\n';
  }
  std::uintmax_t size = std::filesystem::file_size(path);
  REQUIRE(size > (48u << 20));
  rusage before{}, after{};
  getrusage(RUSAGE_SELF, &before);
  auto report = validate_file_report(path, {});
  getrusage(RUSAGE_SELF, &after);
  CHECK(report.examples == 100000);
  CHECK(errors(report.findings) == 0);
  long growth_kb = after.ru_maxrss - before.ru_maxrss;
  INFO("max RSS grew by " << growth_kb << " KiB for a " << (size >> 20) << " MiB file");
  CHECK(growth_kb < 64 * 1024);
}
