// Chat templates: the Jinja features real templates use (expected outputs recorded from
// Python Jinja2 configured as transformers configures it), loading tokenizer_config.json,
// the built-in templates, and hostile templates that must end with an error naming a
// template line and column, quickly, never a hang or a crash.
#include <catch2/catch.hpp>

#include <chrono>
#include <sstream>

#include "core/data/json.h"
#include "core/text/chat_template.h"
#include "tests/support/test_paths.h"

namespace {

using tunesmith::data::Json;
using tunesmith::text::ChatTemplate;
using tunesmith::text::ChatTemplateError;
using tunesmith::text::TokenizerConfig;

TokenizerConfig config_with(const Json& extra = Json::object()) {
  Json c = {{"bos_token", "<s>"}, {"eos_token", {{"__type", "AddedToken"}, {"content", "</s>"}}}};
  c.update(extra);
  return TokenizerConfig::from_json(c);
}

ChatTemplate make(const std::string& source, const TokenizerConfig& config = config_with()) {
  return ChatTemplate::from_source(source, "t.jinja", config);
}

// The variables tests/text/data/jinja_features.jsonl was recorded with.
const Json& feature_vars() {
  static const Json v = Json::parse(R"({
    "d": {"a": 1, "b": [1, 2.5, null, true, "x"], "c": {"n": "é"}}, "s": "Hello, World", "u": "héllo wörld",
    "n": null, "t": true, "f": false, "i": 7, "x": 2.5, "l": [3, 1, 2], "e": []})");
  return v;
}

const Json& feature_messages() {
  static const Json m = Json::parse(R"([{"role": "user", "content": "Hi"}, {"role": "assistant", "content": " Hello there "}])");
  return m;
}

struct Outcome {
  std::string text;
  std::string error;
  int line = 0;
  int column = 0;
};

Outcome run(const std::string& source, const Json& messages = feature_messages(), const Json& vars = feature_vars(),
            tunesmith::text::jinja::RenderLimits limits = {}) {
  Outcome o;
  try {
    ChatTemplate t = make(source, TokenizerConfig::from_json({{"bos_token", "<s>"}}));
    t.set_limits(limits);
    t.set_now(tunesmith::text::parse_iso_time("2024-07-26T00:00:00Z"));
    o.text = t.render(messages, false, vars);
  } catch (const ChatTemplateError& e) {
    o.error = e.what();
    o.line = e.line;
    o.column = e.column;
  }
  return o;
}

}  // namespace

TEST_CASE("jinja features match Python Jinja2 (recorded cases)", "[template]") {
  std::istringstream lines(tunesmith::test::read_text(tunesmith::test::source_path("tests/text/data/jinja_features.jsonl")));
  std::string line;
  int cases = 0;
  while (std::getline(lines, line)) {
    if (line.empty()) continue;
    Json c = Json::parse(line);
    const std::string src = c["src"];
    Outcome o = run(src);
    INFO("template: " << src);
    if (c.contains("error")) {
      INFO("Jinja2: " << c["error"].get<std::string>() << "; ours rendered: " << Json(o.text).dump());
      CHECK(!o.error.empty());
    } else {
      INFO("ours: " << (o.error.empty() ? Json(o.text).dump() : "error: " + o.error));
      CHECK(o.error.empty());
      CHECK(o.text == c["out"].get<std::string>());
    }
    ++cases;
  }
  CHECK(cases > 50);
}

TEST_CASE("template errors name the file, line and column", "[template]") {
  SECTION("syntax error") {
    Outcome o = run("line one\n{% if x %}\n  {{ 1 + }}\n{% endif %}");
    REQUIRE(!o.error.empty());
    CHECK(o.line == 3);
    CHECK(o.column == 10);
    CHECK_THAT(o.error, Catch::StartsWith("t.jinja:3:10: "));
  }
  SECTION("runtime error") {
    Outcome o = run("ok\n  {{ zz.attr }}");
    REQUIRE(!o.error.empty());
    CHECK(o.line == 2);
    CHECK_THAT(o.error, Catch::Contains("'zz' is undefined"));
  }
  SECTION("raise_exception") {
    Outcome o = run("{% if true %}\n{{ raise_exception('roles must alternate') }}{% endif %}");
    CHECK(o.line == 2);
    CHECK_THAT(o.error, Catch::Contains("roles must alternate"));
  }
  SECTION("unterminated tags, blocks, strings and comments") {
    for (const char* src : {"abc {{ x", "{% for m in messages %}x", "{% if true %}x{% else %}", "{{ 'abc }}", "{# never closed",
                            "{% macro f() %}", "{% raw %}x", "{{ (1 }}", "{{ x ]] }}", "{% endfor %}", "{% set %}"}) {
      Outcome o = run(src);
      INFO(src);
      CHECK(!o.error.empty());
      CHECK(o.line == 1);
      CHECK(o.column >= 1);
    }
  }
}

TEST_CASE("hostile templates end with an error quickly", "[template][limits]") {
  using clock = std::chrono::steady_clock;
  tunesmith::text::jinja::RenderLimits limits;
  limits.max_steps = 2'000'000;
  limits.max_output = 4u << 20;
  struct Case {
    const char* name;
    std::string source;
    int line;
  };
  std::string deep_parens = std::string(5000, '(') + "1" + std::string(5000, ')');
  std::string deep_ifs;
  for (int i = 0; i < 2000; ++i) deep_ifs += "{% if true %}";
  std::string deep_not = "{{ " + [] {
    std::string s;
    for (int i = 0; i < 5000; ++i) s += "not ";
    return s;
  }() + "x }}";
  std::string deep_list = "{{ " + std::string(3000, '[') + std::string(3000, ']') + " }}";
  std::string deep_filters = "{{ x";
  for (int i = 0; i < 3000; ++i) deep_filters += " | trim";
  deep_filters += " }}";
  const std::vector<Case> cases = {
      {"infinite macro recursion", "{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}\n{{ f(0) }}", 1},
      {"mutual recursion", "{% macro a() %}{{ b() }}{% endmacro %}{% macro b() %}{{ a() }}{% endmacro %}\n\n{{ a() }}", 1},
      {"huge nested loops", "{% for i in range(100000) %}\n{% for j in range(100000) %}{% endfor %}{% endfor %}", 2},
      {"huge range", "{{ range(1000000000) | length }}", 1},
      {"output bomb", "{% for i in range(100000) %}{% for j in range(100000) %}xxxxxxxxxxxxxxxx{% endfor %}{% endfor %}", 1},
      {"string bomb", "{% set s = 'x' * 1000000 %}{% set s = s + s %}{% set s = s * 1000 %}{{ s }}", 1},
      {"repeated doubling", "{% set ns = namespace(s='ab') %}{% for i in range(100) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}", 1},
      {"list bomb", "{{ [1] * 1000000000 }}", 1},
      {"integer overflow", "{{ 2 ** 100000 }}", 1},
      {"deep parentheses", "{{ " + deep_parens + " }}", 1},
      {"deep ifs", deep_ifs, 1},
      {"deep not", deep_not, 1},
      {"deep list literal", deep_list, 1},
      {"deep filter chain is fine or an error", deep_filters, 1},
      {"macro recursion through caller",
       "{% macro f() %}{% call f() %}x{% endcall %}{% endmacro %}{{ f() }}", 1},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    auto start = clock::now();
    Outcome o = run(c.source, feature_messages(), feature_vars(), limits);
    double seconds = std::chrono::duration<double>(clock::now() - start).count();
    CHECK(seconds < 5.0);
    if (std::string(c.name).find("is fine") != std::string::npos) continue;
    CHECK(!o.error.empty());
    CHECK(o.line >= 1);
    CHECK(o.column >= 1);
    CHECK(o.text.empty());
  }
}

TEST_CASE("tokenizer_config.json: special tokens, AddedToken objects, template lists", "[template]") {
  Json cfg = {{"bos_token", {{"__type", "AddedToken"}, {"content", "<s>"}, {"lstrip", false}}},
              {"eos_token", "</s>"},
              {"pad_token", nullptr},
              {"unk_token", ""},
              {"additional_special_tokens", {"<a>", {{"content", "<b>"}}}},
              {"add_bos_token", true},
              {"chat_template", Json::array({{{"name", "default"}, {"template", "D{{ bos_token }}{{ eos_token }}{{ pad_token is defined }}{{ unk_token is defined }}{{ additional_special_tokens }}"}},
                                             {{"name", "tool_use"}, {"template", "T{{ tools | length if tools is not none else 0 }}"}}})}};
  auto config = TokenizerConfig::from_json(cfg);
  CHECK(config.add_bos_token == true);
  CHECK(config.token("bos_token") == "<s>");
  CHECK_FALSE(config.token("pad_token"));
  auto t = ChatTemplate::from_config(config, "tokenizer_config.json");
  Json msgs = Json::array();
  CHECK(t.render(msgs, false) == "D<s></s>FalseFalse['<a>', '<b>']");
  CHECK(t.render(msgs, false, {{"tools", {1, 2}}}) == "T2");
  CHECK(t.render(msgs, false, {{"tools", nullptr}}) == "D<s></s>FalseFalse['<a>', '<b>']");
  t.select("tool_use");
  CHECK(t.render(msgs, false) == "T0");
  CHECK_THROWS_AS(t.select("nope"), ChatTemplateError);
  // Extra variables override the special tokens, as in transformers.
  auto plain = ChatTemplate::from_config(TokenizerConfig::from_json({{"bos_token", "<s>"}, {"chat_template", "{{ bos_token }}|{{ flag }}"}}), "c");
  CHECK(plain.render(msgs, false, {{"bos_token", "B"}, {"flag", true}}) == "B|True");
}

TEST_CASE("a model without a chat template needs --chat-template", "[template]") {
  auto dir = tunesmith::test::scratch_dir("no-template");
  tunesmith::test::write_text(dir + "/tokenizer_config.json", R"({"bos_token": "<s>", "eos_token": "</s>"})");
  try {
    ChatTemplate::load(dir);
    FAIL("expected an error");
  } catch (const ChatTemplateError& e) {
    CHECK_THAT(std::string(e.what()), Catch::Contains("--chat-template"));
  }
  Json msgs = Json::parse(R"([{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello"}])");
  CHECK(ChatTemplate::load(dir, "chatml").render(msgs, true) ==
        "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\nHello<|im_end|>\n"
        "<|im_start|>assistant\n");
  CHECK(ChatTemplate::load(dir, "llama3").render(msgs, false) ==
        "<s><|start_header_id|>system<|end_header_id|>\n\nBe brief.<|eot_id|><|start_header_id|>user<|end_header_id|>\n\nHi"
        "<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\nHello<|eot_id|>");
  CHECK(ChatTemplate::load(dir, "mistral").render(msgs, false) == "<s>[INST] Be brief.\n\nHi [/INST]Hello</s>");
  auto file = tunesmith::test::write_text(dir + "/custom.jinja", "{% for m in messages %}{{ m.role }}:{{ m.content }}\n{% endfor %}");
  CHECK(ChatTemplate::load(dir, file).render(msgs, false) == "system:Be brief.\nuser:Hi\nassistant:Hello\n");
  CHECK_THROWS_AS(ChatTemplate::load(dir, "no-such-template"), ChatTemplateError);
}

TEST_CASE("render_tracked records where each message's content lands", "[template]") {
  auto t = make("{% for m in messages %}<{{ m.role }}>{{ m.content | trim }}{% if m.role == 'assistant' %}{{ eos_token }}{% endif %}{{ '\\n' }}{% endfor %}");
  Json msgs = Json::parse(R"([{"role": "user", "content": " Hi "}, {"role": "assistant", "content": "Hello!"}])");
  auto out = t.render_tracked(msgs, false);
  CHECK(out.text == "<user>Hi\n<assistant>Hello!</s>\n");
  REQUIRE(out.origins.size() == 2);
  CHECK(out.origins[0].source == 0);
  CHECK(out.text.substr(out.origins[0].begin, out.origins[0].end - out.origins[0].begin) == "Hi");
  CHECK(out.origins[1].source == 1);
  CHECK(out.text.substr(out.origins[1].begin, out.origins[1].end - out.origins[1].begin) == "Hello!");
}
