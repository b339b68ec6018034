#include <catch2/catch.hpp>

#include <string>

#include "core/data/stats.h"
#include "tests/support/test_paths.h"

using namespace tunesmith::data;
using tunesmith::test::scratch_dir;
using tunesmith::test::write_text;

namespace {
std::string msg(const std::string& role, const std::string& text) {
  return R"({"role":")" + role + R"(","content":")" + text + "\"}";
}
}  // namespace

TEST_CASE("stats count examples, messages, characters and tokens per role", "[stats]") {
  // Estimated tokens: ceil(bytes / 4). Example tokens: 3 + per message (3 + role + text).
  std::string content =
      "{\"messages\":[" + msg("system", "Be kind.") + "," + msg("user", "héllo") + "," + msg("assistant", "12345678") + "]}\n" +
      "\n" + "{\"messages\":[" + msg("user", "hi") + "," + msg("assistant", std::string(400, 'a')) + "]}\n" +
      "not json\n";
  auto path = write_text(scratch_dir("stats") + "/d.jsonl", content);
  StatsOptions options;
  options.max_tokens = 100;
  DatasetStats s = compute_stats(path, options);
  CHECK(s.examples == 2);
  CHECK(s.unreadable_lines == 1);
  CHECK(s.messages_min == 2);
  CHECK(s.messages_max == 3);
  CHECK(s.messages_mean() == Approx(2.5));
  const auto& user = s.by_role[static_cast<std::size_t>(Role::User)];
  CHECK(user.messages == 2);
  CHECK(user.chars == 7);   // "héllo" is 5 characters, 6 bytes
  CHECK(user.tokens == 3);  // ceil(6/4) + ceil(2/4)
  CHECK(s.assistant_tokens() == 2 + 100);
  CHECK(s.estimated);
  // Example 1: 3 + (3+2+2) + (3+1+2) + (3+3+2) = 24; example 2: 3 + (3+1+1) + (3+3+100) = 114.
  REQUIRE(s.example_tokens == std::vector<std::uint32_t>{24, 114});
  CHECK(s.total_tokens == 138);
  CHECK(s.truncated == 1);
  CHECK(s.billable_tokens == 24 + 100);
  CHECK(s.percentile(50) == 24);
  CHECK(s.percentile(90) == 114);
  CHECK(s.percentile(100) == 114);

  auto bins = length_histogram(s);
  REQUIRE(bins.size() == 3);  // 17-32, 33-64, 65-128
  CHECK(bins[0].low == 17);
  CHECK(bins[0].count == 1);
  CHECK(bins[1].count == 0);
  CHECK(bins[2].high == 128);
  CHECK(bins[2].count == 1);

  std::string text = format_stats(s);
  CHECK_THAT(text, Catch::Contains("estimated"));
  CHECK_THAT(text, Catch::Contains("p50 24"));
  CHECK_THAT(text, Catch::Contains("billable tokens:     124 per epoch"));

  Json j = stats_json(s);
  CHECK(j["examples"] == 2);
  CHECK(j["tokens_estimated"] == true);
  CHECK(j["roles"]["assistant"]["tokens"] == 102);
  CHECK(j["example_tokens"]["p99"] == 114);
  CHECK(j["billable_tokens_per_epoch"] == 124);
  CHECK(j["truncated_examples"] == 1);
}

TEST_CASE("stats of a loaded dataset match the streamed ones", "[stats]") {
  std::string content;
  for (int i = 0; i < 50; ++i)
    content += "{\"messages\":[" + msg("user", std::string(i, 'q')) + "," + msg("assistant", std::string(3 * i, 'a')) + "]}\n";
  auto path = write_text(scratch_dir("stats") + "/d.jsonl", content);
  auto streamed = compute_stats(path, {});
  auto loaded = compute_stats(load_jsonl(path).dataset, {});
  CHECK(stats_json(streamed) == stats_json(loaded));
  CHECK(streamed.max_tokens == kOpenAIMaxTokens);
  StatsOptions local;
  local.target = Target::Local;
  CHECK(compute_stats(path, local).max_tokens == kLocalMaxTokens);
}

TEST_CASE("stats of a file that is not JSONL", "[stats]") {
  auto dir = scratch_dir("stats-bad");
  auto empty = compute_stats(write_text(dir + "/e.jsonl", ""), {});
  REQUIRE(empty.not_jsonl);
  CHECK(empty.not_jsonl->category == "empty-file");
  CHECK(empty.examples == 0);
  auto binary = compute_stats(write_text(dir + "/b.jsonl", std::string("\0\0\0\1", 4)), {});
  REQUIRE(binary.not_jsonl);
  CHECK(binary.not_jsonl->category == "not-text");
  CHECK(format_stats(binary).find("examples:            0") != std::string::npos);
}
