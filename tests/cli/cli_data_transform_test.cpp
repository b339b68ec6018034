#include <catch2/catch.hpp>

#include <filesystem>
#include <string>

#include "tests/support/test_paths.h"

using namespace tunesmith::test;

namespace {
std::string q(const std::string& s) { return "'" + s + "'"; }
std::string example(const std::string& user, const std::string& assistant) {
  return R"({"messages": [{"role": "user", "content": ")" + user + R"("}, {"role": "assistant", "content": ")" +
         assistant + "\"}]}\n";
}
std::string many(int from, int count) {
  std::string s;
  for (int i = from; i < from + count; ++i) s += example("question number " + std::to_string(i) + " about topic " +
                                                            std::to_string(i * 7), "answer " + std::to_string(i));
  return s;
}
}  // namespace

TEST_CASE("data import: exit 0 with skipped records, 1 when nothing read, 2 on usage", "[cli][import]") {
  const auto dir = scratch_dir("cli-import");
  const auto csv = write_text(dir + "/in.csv", "prompt,response\nhi,hello\n\"unterminated,x\n");
  auto r = run_command(cli_path() + " data import " + q(csv) + " --format csv --out " + q(dir + "/out.jsonl"));
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.err, Catch::Contains("in.csv:3: error: [unterminated-quote]"));
  CHECK(read_text(dir + "/out.jsonl") ==
        R"({"messages":[{"role":"user","content":"hi"},{"role":"assistant","content":"hello"}]})"
        "\n");

  const auto bad = write_text(dir + "/bad.jsonl", "{nope\n[1]\n");
  r = run_command(cli_path() + " data import " + q(bad) + " --format openai --out " + q(dir + "/none.jsonl"));
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.err, Catch::Contains("bad.jsonl:1:"));
  CHECK_FALSE(std::filesystem::exists(dir + "/none.jsonl"));

  const auto line = std::string(R"({"messages": [{"role": "user", "content": "x"}], "weight": 1,   "extra": {"a": 1}})");
  const auto ok = write_text(dir + "/ok.jsonl", line + "\n");
  r = run_command(cli_path() + " data import " + q(ok) + " --format openai --out " + q(dir + "/rt.jsonl"));
  CHECK(r.exit_code == 0);
  CHECK(read_text(dir + "/rt.jsonl") == line + "\n");

  const auto sg = write_text(dir + "/sg.json", R"([{"conversations": [{"from": "human", "value": "a"}, {"from": "gpt", "value": "b"}]}])");
  r = run_command(cli_path() + " data import " + q(sg) + " --format sharegpt --system S --out " + q(dir + "/sg.jsonl"));
  CHECK(r.exit_code == 0);
  CHECK_THAT(read_text(dir + "/sg.jsonl"), Catch::Contains(R"("role":"system","content":"S")"));

  CHECK(run_command(cli_path() + " data import --help").exit_code == 0);
  CHECK(run_command(cli_path() + " data import " + q(ok) + " --out x.jsonl").exit_code == 2);  // no --format
  CHECK(run_command(cli_path() + " data import " + q(ok) + " --format xml --out x.jsonl").exit_code == 2);
  CHECK(run_command(cli_path() + " data import " + q(ok) + " --format openai").exit_code == 2);  // no --out
  CHECK(run_command(cli_path() + " data import " + q(dir + "/missing.csv") + " --format csv --out x.jsonl").exit_code ==
        2);
  CHECK(run_command(cli_path() + " data import " + q(ok) + " --format openai --user-column a --out x.jsonl")
            .exit_code == 2);
  const auto unknown_cols = write_text(dir + "/cols.csv", "a,b\nx,y\n");
  CHECK(run_command(cli_path() + " data import " + q(unknown_cols) + " --format csv --out " + q(dir + "/c.jsonl"))
            .exit_code == 2);
  CHECK(run_command(cli_path() + " data import " + q(unknown_cols) +
                    " --format csv --user-column a --assistant-column 2 --out " + q(dir + "/c.jsonl"))
            .exit_code == 0);
}

TEST_CASE("data split writes the parts; leakage finds nothing between them", "[cli][split]") {
  const auto dir = scratch_dir("cli-split");
  std::string data = many(0, 60) + many(0, 10);  // 10 exact copies
  const auto in = write_text(dir + "/all.jsonl", data);
  auto r = run_command(cli_path() + " data split " + q(in) + " --test 0.2 --val 5 --seed 3 --out-dir " + q(dir + "/s"));
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("test.jsonl: 14 examples"));
  CHECK_THAT(r.out, Catch::Contains("val.jsonl: 5 examples"));
  const auto first = read_text(dir + "/s/test.jsonl");
  r = run_command(cli_path() + " data split " + q(in) + " --out-dir " + q(dir + "/s2") + " --seed 3 --val 5 --test 0.2");
  CHECK(r.exit_code == 0);
  CHECK(read_text(dir + "/s2/test.jsonl") == first);
  CHECK(read_text(dir + "/s2/train.jsonl") == read_text(dir + "/s/train.jsonl"));

  r = run_command(cli_path() + " data leakage " + q(dir + "/s/train.jsonl") + " " + q(dir + "/s/test.jsonl") +
                  " --near 0.8");
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("no leakage"));

  CHECK(run_command(cli_path() + " data split " + q(in) + " --test 1.5 --out-dir " + q(dir + "/x")).exit_code == 2);
  CHECK(run_command(cli_path() + " data split " + q(in) + " --out-dir " + q(dir + "/x")).exit_code == 2);
  CHECK(run_command(cli_path() + " data split " + q(in) + " --test 70 --out-dir " + q(dir + "/x")).exit_code == 1);
  const auto broken = write_text(dir + "/broken.jsonl", many(0, 5) + "{oops\n");
  CHECK(run_command(cli_path() + " data split " + q(broken) + " --test 1 --out-dir " + q(dir + "/y")).exit_code == 1);
  CHECK(run_command(cli_path() + " data split --help").exit_code == 0);
}

TEST_CASE("data dedupe and data leakage exit codes and reports", "[cli][dedupe][leakage]") {
  const auto dir = scratch_dir("cli-dedupe");
  const auto in = write_text(dir + "/in.jsonl", many(0, 5) + example("QUESTION number 1   about topic 7", "Answer 1"));
  auto r = run_command(cli_path() + " data dedupe " + q(in) + " --out " + q(dir + "/out.jsonl"));
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("in.jsonl:6: note: [duplicate] exact duplicate of line 2"));
  CHECK(read_text(dir + "/out.jsonl") == many(0, 5));
  CHECK(run_command(cli_path() + " data dedupe " + q(in) + " --out x.jsonl --near 2").exit_code == 2);
  CHECK(run_command(cli_path() + " data dedupe " + q(in)).exit_code == 2);

  const auto train = write_text(dir + "/train.jsonl", many(0, 20));
  const auto test = write_text(dir + "/test.jsonl", many(100, 3) + many(5, 1));
  r = run_command(cli_path() + " data leakage " + q(train) + " " + q(test));
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.out, Catch::Contains("test.jsonl:4: error: [leakage] exact duplicate of " + train + ":6"));
  r = run_command(cli_path() + " data leakage " + q(train) + " " + q(test) + " --json --near 0.9");
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.out, Catch::Contains("\"test_line\": 4"));
  CHECK_THAT(r.out, Catch::Contains("\"train_line\": 6"));
  CHECK_THAT(r.out, Catch::Contains("\"clean\": false"));
  const auto clean = write_text(dir + "/clean.jsonl", many(100, 3));
  r = run_command(cli_path() + " data leakage " + q(train) + " " + q(clean) + " --json");
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("\"clean\": true"));
  CHECK(run_command(cli_path() + " data leakage " + q(train)).exit_code == 2);
  CHECK(run_command(cli_path() + " data leakage " + q(train) + " " + q(dir + "/missing.jsonl")).exit_code == 2);
}
