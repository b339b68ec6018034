#include <catch2/catch.hpp>

#include <string>

#include "core/data/dataset.h"
#include "core/data/import.h"
#include "core/data/import_csv.h"
#include "core/data/json_records.h"
#include "tests/support/test_paths.h"

using namespace tunesmith::data;
using tunesmith::test::read_text;
using tunesmith::test::scratch_dir;
using tunesmith::test::write_text;

namespace {
ImportResult import_text(const std::string& content, ImportFormat format, const ImportOptions& options = {},
                         const char* name = "in.txt") {
  const std::string path = write_text(scratch_dir("import") + "/" + name, content);
  return import_file(path, format, options);
}
std::size_t errors(const ImportResult& r) { return count_findings(r.findings).errors; }
bool has_error_at(const ImportResult& r, std::size_t line, const std::string& category) {
  for (const auto& f : r.findings)
    if (f.severity == Severity::Error && f.line == line && f.category == category) return true;
  return false;
}
}  // namespace

TEST_CASE("CSV parser: RFC 4180 quoting, embedded newlines, CRLF, BOM", "[import][csv]") {
  const std::string text = "\xEF\xBB\xBFprompt,completion\r\n\"a, b\",\"say \"\"hi\"\"\r\nnext line\"\r\nplain,x\r\n";
  CsvTable t = parse_csv(text, 0, "f.csv");
  REQUIRE(t.findings.empty());
  REQUIRE(t.records.size() == 3);
  CHECK(t.records[0].fields == std::vector<std::string>{"prompt", "completion"});  // BOM gone
  CHECK(t.records[1].fields == std::vector<std::string>{"a, b", "say \"hi\"\nnext line"});
  CHECK(t.records[1].line == 2);
  CHECK(t.records[2].line == 4);  // the embedded line break counts
  CHECK(t.records[2].fields == std::vector<std::string>{"plain", "x"});
}

TEST_CASE("CSV delimiter detection", "[import][csv]") {
  CHECK(detect_csv_delimiter("question;answer\nq;a\n") == ';');
  CHECK(detect_csv_delimiter("question\tanswer\n") == '\t');
  CHECK(detect_csv_delimiter("\"a;b;c\",answer\n") == ',');  // quoted semicolons do not count
  CHECK(detect_csv_delimiter("single\n") == ',');
}

TEST_CASE("CSV import maps columns by header and reports bad rows with lines", "[import][csv]") {
  const std::string csv =
      "id,Question,Answer,System\n"
      "1,What is 2+2?,4,You are a calculator.\n"
      "2,\"Multi\nline\",\"yes, really\",\n"
      "3,too,many,fields,here\n"
      "4,,empty user,\n"
      "5,Fine?,Fine.,\n";
  ImportOptions opt;
  opt.system_prompt = "Default system.";
  auto r = import_text(csv, ImportFormat::Csv, opt, "data.csv");
  REQUIRE(r.examples.size() == 3);
  CHECK(r.examples[0].role(0) == "system");
  CHECK(r.examples[0].text(0) == "You are a calculator.");  // the row's own system wins
  CHECK(r.examples[0].text(1) == "What is 2+2?");
  CHECK(r.examples[0].text(2) == "4");
  CHECK(r.examples[1].text(0) == "Default system.");  // --system fills in
  CHECK(r.examples[1].text(1) == "Multi\nline");
  CHECK(r.examples[1].text(2) == "yes, really");
  CHECK(errors(r) == 2);
  CHECK(has_error_at(r, 5, "column-count"));
  CHECK(has_error_at(r, 6, "empty-cell"));
}

TEST_CASE("CSV import: unterminated quote keeps earlier rows", "[import][csv]") {
  auto r = import_text("user,assistant\nhi,hello\n\"broken,never closed\nmore,rows\n", ImportFormat::Csv);
  REQUIRE(r.examples.size() == 1);
  CHECK(has_error_at(r, 3, "unterminated-quote"));
}

TEST_CASE("CSV import: semicolons, instruction+input, explicit columns, errors", "[import][csv]") {
  auto r = import_text("instruction;input;output\nTranslate;Hallo;Hello\nGreet;;Hi\n", ImportFormat::Csv);
  REQUIRE(r.examples.size() == 2);
  CHECK(r.examples[0].text(0) == "Translate\n\nHallo");
  CHECK(r.examples[1].text(0) == "Greet");

  ImportOptions opt;
  opt.csv_columns.user = "b";
  opt.csv_columns.assistant = "3";
  auto e = import_text("a,b,c\nx,y,z\n", ImportFormat::Csv, opt);
  REQUIRE(e.examples.size() == 1);
  CHECK(e.examples[0].text(0) == "y");
  CHECK(e.examples[0].text(1) == "z");

  CHECK_THROWS_AS(import_text("a,b\nx,y\n", ImportFormat::Csv), ImportOptionError);  // no known header
  ImportOptions bad;
  bad.csv_columns.user = "nope";
  CHECK_THROWS_AS(import_text("user,assistant\nx,y\n", ImportFormat::Csv, bad), ImportOptionError);

  ImportOptions no_header;
  no_header.csv_header = false;
  auto nh = import_text("x,y\nz,w\n", ImportFormat::Csv, no_header);
  CHECK(nh.examples.size() == 2);

  auto stray = import_text("user,assistant\n\"a\"b,c\nok,fine\n", ImportFormat::Csv);
  CHECK(stray.examples.size() == 1);
  CHECK(has_error_at(stray, 2, "malformed-quote"));
}

TEST_CASE("Alpaca import: array with history and input, bad records reported", "[import][alpaca]") {
  const std::string json = R"([
  {"instruction": "Summarize", "input": "A long text.", "output": "Short.", "system": "Be brief."},
  {"instruction": "And now?", "output": "Done.",
   "history": [["Hi", "Hello"], ["How are you?", "Fine"]]},
  {"instruction": "No output"},
  {"instruction": "Bad history", "output": "x", "history": [["only one"]]},
  {"instruction": "Last", "output": "ok", "category": "misc"}
])";
  auto r = import_text(json, ImportFormat::Alpaca, {}, "a.json");
  REQUIRE(r.examples.size() == 3);
  const auto& a = r.examples[0];
  CHECK(a.role(0) == "system");
  CHECK(a.text(1) == "Summarize\n\nA long text.");
  CHECK(a.text(2) == "Short.");
  const auto& b = r.examples[1];
  REQUIRE(b.message_count() == 6);
  CHECK(b.role(0) == "user");
  CHECK(b.text(0) == "Hi");
  CHECK(b.text(1) == "Hello");
  CHECK(b.text(3) == "Fine");
  CHECK(b.text(4) == "And now?");
  CHECK(b.role(5) == "assistant");
  CHECK(has_error_at(r, 5, "alpaca-record"));
  CHECK(has_error_at(r, 6, "alpaca-record"));
  CHECK(errors(r) == 2);
}

TEST_CASE("Alpaca import: JSONL with an invalid line", "[import][alpaca]") {
  auto r = import_text("{\"instruction\":\"a\",\"output\":\"b\"}\n{not json\n\n{\"instruction\":\"c\",\"output\":\"d\"}\n",
                       ImportFormat::Alpaca);
  CHECK(r.examples.size() == 2);
  CHECK(has_error_at(r, 2, "invalid-json"));
}

TEST_CASE("JSON array records: a broken element does not cost its neighbours", "[import]") {
  auto recs = split_json_records("[{\"a\": 1},\n {\"b\": ]},\n {\"c\": \"]\"}]", "x.json");
  REQUIRE(recs.records.size() == 2);
  CHECK(recs.records[1].line == 3);
  REQUIRE(recs.findings.size() == 1);
  CHECK(recs.findings[0].line == 2);
}

TEST_CASE("ShareGPT import: roles, system key, tool calls, unknown speakers", "[import][sharegpt]") {
  const std::string jsonl =
      R"({"system": "Sys.", "conversations": [{"from": "human", "value": "Q"}, {"from": "gpt", "value": "A"}, {"from": "user", "value": "Q2"}, {"from": "chatgpt", "value": "A2"}]})"
      "\n"
      R"({"conversations": [{"from": "human", "value": "Weather?"}, {"from": "function_call", "value": "{\"name\": \"weather\", \"arguments\": {\"city\": \"Oslo\"}}"}, {"from": "observation", "value": "12C"}, {"from": "gpt", "value": "12 degrees."}], "tools": "[{\"name\": \"weather\", \"parameters\": {}}]"})"
      "\n"
      R"({"conversations": [{"from": "narrator", "value": "?"}]})"
      "\n"
      R"({"conversations": [{"from": "system", "value": "S"}, {"from": "bing", "value": "B"}]})"
      "\n";
  auto r = import_text(jsonl, ImportFormat::ShareGpt);
  REQUIRE(r.examples.size() == 3);
  const auto& a = r.examples[0];
  REQUIRE(a.message_count() == 5);
  CHECK(a.role(0) == "system");
  CHECK(a.text(0) == "Sys.");
  CHECK(a.role(1) == "user");
  CHECK(a.role(2) == "assistant");
  CHECK(a.role(4) == "assistant");
  const auto& t = r.examples[1];
  REQUIRE(t.message_count() == 4);
  CHECK(t.role(1) == "assistant");
  CHECK(t.message(1)["content"].is_null());
  CHECK(t.message(1)["tool_calls"][0]["function"]["name"] == "weather");
  CHECK(t.message(1)["tool_calls"][0]["function"]["arguments"] == R"({"city":"Oslo"})");
  CHECK(t.role(2) == "tool");
  CHECK(t.message(2)["tool_call_id"] == t.message(1)["tool_calls"][0]["id"]);
  CHECK(t.json()["tools"][0]["type"] == "function");
  CHECK(has_error_at(r, 3, "sharegpt-record"));
  CHECK(r.examples[2].role(1) == "assistant");
}

TEST_CASE("OpenAI import round-trips unknown fields byte for byte", "[import][openai]") {
  const std::string line1 =
      R"({"messages": [{"role": "user", "content": "hi", "name": "x"}],  "weight": 0, "metadata": {"k": [1, 2.50]}, "zzz": null})";
  const std::string line2 = R"({"messages":[{"role":"assistant","content":null,"tool_calls":[]}],"tools":[]})";
  const std::string dir = scratch_dir("openai");
  const std::string in = write_text(dir + "/in.jsonl", line1 + "\n{broken\n" + line2 + "\n{\"no\": \"messages\"}\n");
  auto r = import_file(in, ImportFormat::OpenAi, {});
  REQUIRE(r.examples.size() == 2);
  CHECK(errors(r) == 2);
  save_jsonl(dir + "/out.jsonl", r.examples);
  CHECK(read_text(dir + "/out.jsonl") == line1 + "\n" + line2 + "\n");

  ImportOptions opt;
  opt.system_prompt = "S";
  auto s = import_file(in, ImportFormat::OpenAi, opt);
  REQUIRE(s.examples.size() == 2);
  CHECK(s.examples[0].role(0) == "system");
  CHECK(s.examples[0].json()["metadata"]["k"][1] == 2.5);  // still there after the edit
}
