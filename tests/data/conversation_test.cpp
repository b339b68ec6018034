#include <catch2/catch.hpp>

#include "core/data/atomic_file.h"
#include "core/data/conversation.h"
#include "core/data/dataset.h"
#include "core/data/io_error.h"

#include <filesystem>
#include "tests/support/test_paths.h"

using namespace tunesmith::data;
using tunesmith::test::read_text;
using tunesmith::test::scratch_dir;
using tunesmith::test::write_text;

TEST_CASE("an untouched example is written back byte for byte", "[conversation]") {
  const std::string line =
      R"({"messages": [{"role":"user","content":"Hi","name":"bob"},{"role":"assistant","content":null,"tool_calls":[{"id":"c1","type":"function","function":{"name":"f","arguments":"{}"}}]}],  "weight": 1, "zzz": {"nested": [1, 2.50, "\u00e9"]}})";
  auto c = Conversation::from_jsonl(line);
  CHECK_FALSE(c.is_modified());
  CHECK(c.to_jsonl() == line);
  CHECK(c.message_count() == 2);
  CHECK(c.role(0) == "user");
  CHECK(c.text(1).empty());
}

TEST_CASE("editing one message keeps every other field and the key order", "[conversation]") {
  auto c = Conversation::from_jsonl(
      R"({"z_first":true,"messages":[{"role":"user","content":"Hi","name":"bob","weight":0}],"tools":[{"type":"function"}],"metadata":{"a":1}})");
  c.set_text(0, "Hello");
  CHECK(c.is_modified());
  CHECK(c.to_jsonl() ==
        R"({"z_first":true,"messages":[{"role":"user","content":"Hello","name":"bob","weight":0}],"tools":[{"type":"function"}],"metadata":{"a":1}})");
}

TEST_CASE("content parts are read as their text", "[conversation]") {
  auto c = Conversation::from_jsonl(
      R"({"messages":[{"role":"user","content":[{"type":"text","text":"a"},{"type":"image_url","image_url":{"url":"x"}},{"type":"text","text":"b"}]}]})");
  CHECK(c.text(0) == "a\nb");
}

TEST_CASE("message edits: insert, move, remove, system prompt", "[conversation]") {
  Conversation c;
  c.insert_message(0, "user", "q");
  c.insert_message(1, "assistant", "a");
  c.set_system_prompt("You help.");
  REQUIRE(c.message_count() == 3);
  CHECK(c.role(0) == "system");
  c.set_system_prompt("You help more.");
  CHECK(c.message_count() == 3);
  CHECK(c.text(0) == "You help more.");
  c.move_message(2, 1);
  CHECK(c.role(1) == "assistant");
  c.remove_message(0);
  CHECK(c.message_count() == 2);
  CHECK(c.first_text("user") == "q");
  CHECK_THROWS_AS(c.remove_message(7), std::out_of_range);
}

TEST_CASE("expected accepts a phrase or a list of phrases", "[conversation]") {
  CHECK(Conversation::from_jsonl(R"({"messages":[],"expected":"refund"})").expected() ==
        std::vector<std::string>{"refund"});
  CHECK(Conversation::from_jsonl(R"({"messages":[],"expected":["a","b"]})").expected() ==
        std::vector<std::string>{"a", "b"});
  CHECK(Conversation::from_jsonl(R"({"messages":[]})").expected().empty());
}

TEST_CASE("roles", "[conversation]") {
  for (auto r : {"system", "developer", "user", "assistant", "tool", "function"})
    CHECK(role_name(*role_from_string(r)) == r);
  CHECK_FALSE(role_from_string("bot"));
}

TEST_CASE("load and save a dataset: bad lines become findings, the rest round-trips", "[dataset]") {
  auto dir = scratch_dir("dataset");
  const std::string good1 = R"({"messages":[{"role":"user","content":"x"}],"extra":[1,2]})";
  const std::string good2 = R"({"messages":[]} )";
  auto path = write_text(dir + "/d.jsonl", good1 + "\n{\"messages\": [}\n\n[1,2]\n" + good2 + "\n");
  auto r = load_jsonl(path);
  REQUIRE(r.dataset.examples.size() == 2);
  CHECK(r.dataset.lines == std::vector<std::size_t>{1, 5});
  REQUIRE(r.findings.size() == 2);
  CHECK(r.findings[0].category == "invalid-json");
  CHECK(r.findings[0].line == 2);
  CHECK(r.findings[0].column == 15);
  CHECK(r.findings[1].category == "not-an-object");
  CHECK(r.findings[1].line == 4);
  save_jsonl(dir + "/out.jsonl", r.dataset.examples);
  CHECK(read_text(dir + "/out.jsonl") == good1 + "\n" + good2 + "\n");
}

TEST_CASE("atomic writes replace the file and leave no temporary behind", "[atomic]") {
  auto dir = scratch_dir("atomic");
  write_file_atomic(dir + "/f.txt", "one");
  write_file_atomic(dir + "/f.txt", "two");
  CHECK(read_text(dir + "/f.txt") == "two");
  {
    AtomicFileWriter w(dir + "/f.txt");
    w.write("three, never committed");
  }  // destroyed without commit: like a crash before rename
  CHECK(read_text(dir + "/f.txt") == "two");
  int entries = 0;
  for ([[maybe_unused]] auto& e : std::filesystem::directory_iterator(dir)) ++entries;
  CHECK(entries == 1);
  CHECK_THROWS_AS(write_file_atomic(dir + "/no/such/folder/f.txt", "x"), IoError);
}
