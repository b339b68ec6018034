// Parity of the chat-template renderer with the reference (Python Jinja2 configured as
// transformers configures it, shared/reference/render_template_jinja2.py): every template
// renders 200+ seeded conversations, compared text for text (error lines by presence).
// One TEST_CASE per template so a failure names it: the 5 templates shipped in the
// reference tokenizer dirs, the 3 built-in templates, and the ~97 real templates of
// $REF_CACHE/extra_templates.
//
// Needs python3 with jinja2 and the reference cache (bash shared/reference/setup.sh);
// without them the tests FAIL and say so, unless TUNESMITH_SKIP_REFERENCE=1.
#include <catch2/catch.hpp>

#include <filesystem>
#include <cstdlib>
#include <functional>
#include <iostream>
#include <sstream>

#include "core/text/chat_template.h"
#include "tests/support/test_paths.h"
#include "tests/text/template_reference.h"

namespace {

using tunesmith::data::Json;
using namespace tunesmith::test;
using tunesmith::text::ChatTemplate;
using tunesmith::text::ChatTemplateError;

constexpr std::size_t kConversations = 240;

std::uint64_t name_seed(const std::string& name) {
  std::uint64_t h = 1469598103934665603ull;  // FNV-1a
  for (unsigned char c : name) h = (h ^ c) * 1099511628211ull;
  return h;
}

// The reference tokenizer dir whose special tokens suit a template (both sides use the
// same, so this only makes the output realistic).
std::string dir_for(const std::string& name) {
  auto has = [&](const char* s) { return name.find(s) != std::string::npos; };
  if (has("llama3") || has("llama-guard3") || has("llama4") || has("hermes3") || has("firefunction") ||
      has("cogito") || has("tulu3") || has("nemotron_70b"))
    return ref_tokenizer_dir("llama3_1");
  if (has("gemma")) return ref_tokenizer_dir("gemma3");
  if (has("qwen") || has("qwq") || has("marco") || has("smallthinker") || has("sailor") || has("smollm") ||
      has("deepcoder") || has("opencoder"))
    return ref_tokenizer_dir("qwen3");
  if (has("deepseek") || has("r1-1776")) return ref_tokenizer_dir("deepseek_v3");
  return ref_tokenizer_dir("llama2");
}

ConversationOptions options_for(const std::string& source) {
  ConversationOptions o;
  o.tools = source.find("tools") != std::string::npos;
  o.documents = source.find("documents") != std::string::npos;
  o.thinking = source.find("enable_thinking") != std::string::npos || source.find("</think>") != std::string::npos ||
               source.find("reasoning_content") != std::string::npos;
  // Templates that read variables transformers does not pass by itself.
  if (source.find("+ functions") != std::string::npos)
    o.extra = {{"functions", R"([{"name": "get_weather", "parameters": {"type": "object"}}])"}, {"datetime", "2024-07-26"}};
  return o;
}

std::string excerpt(const std::string& s) { return s.size() > 1500 ? s.substr(0, 1500) + "..." : s; }

// Renders `inputs` with ours and the reference and compares every line.
void compare(const std::string& label, const ChatTemplate& tmpl, const std::string& dir, const std::string& template_file,
             const std::vector<Json>& inputs) {
  std::vector<Json> expected = reference_render(dir, template_file, inputs);
  std::size_t mismatches = 0, rendered = 0, errors = 0;
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    const Json& in = inputs[i];
    std::string text, error;
    try {
      bool agp = in.value("add_generation_prompt", false);
      text = tmpl.render(in["messages"], agp, in);
    } catch (const ChatTemplateError& e) {
      error = e.what();
    }
    const bool ref_error = expected[i].contains("error");
    bool same = ref_error ? !error.empty() : (error.empty() && expected[i]["text"].get<std::string>() == text);
    if (ref_error) ++errors;
    else ++rendered;
    if (!same) {
      ++mismatches;
      if (mismatches <= 3) {
        INFO("input: " << in.dump());
        INFO("reference: " << excerpt(expected[i].dump()));
        INFO("ours: " << (error.empty() ? excerpt(Json(text).dump()) : "error: " + error));
        CHECK(same);
      }
    }
  }
  if (std::getenv("TUNESMITH_TEMPLATE_STATS"))
    std::cout << label << ": " << inputs.size() << " conversations, " << rendered << " rendered, " << errors
              << " errors, " << mismatches << " mismatches\n";
  INFO(label << ": " << inputs.size() << " conversations, " << rendered << " rendered, " << errors
             << " errors, " << mismatches << " mismatches");
  CHECK(mismatches == 0);
  // Most conversations must render, or the comparison says little.
  CHECK(rendered >= inputs.size() / 10);
}

void check_extra(const std::string& name) {
  if (!require_reference()) return;
  const std::string file = extra_template_path(name);
  REQUIRE(std::filesystem::exists(file));
  const std::string source = read_text(file);
  const std::string dir = dir_for(name);
  ChatTemplate tmpl = ChatTemplate::load(dir, file);
  tmpl.set_now(tunesmith::text::parse_iso_time(kReferenceNow));
  compare(name, tmpl, dir, file, generate_conversations(name_seed(name), kConversations, options_for(source)));
}

// `name` labels the test and seeds its conversations; `dir` holds the template.
void check_shipped_dir(const std::string& name, const std::string& dir) {
  if (!require_reference()) return;
  ChatTemplate tmpl = ChatTemplate::load(dir);
  tmpl.set_now(tunesmith::text::parse_iso_time(kReferenceNow));
  compare(name, tmpl, dir, "", generate_conversations(name_seed(name), kConversations, options_for(tmpl.source(true))));
}

void check_shipped(const std::string& name) { check_shipped_dir(name, ref_tokenizer_dir(name)); }

void check_builtin(const std::string& name, const std::string& dir_name) {
  if (!require_reference()) return;
  const std::string dir = ref_tokenizer_dir(dir_name);
  const std::string file = write_text(scratch_dir("builtin-template") + "/" + name + ".jinja",
                                      *tunesmith::text::builtin_template_source(name));
  ChatTemplate tmpl = ChatTemplate::load(dir, name);
  tmpl.set_now(tunesmith::text::parse_iso_time(kReferenceNow));
  compare("builtin:" + name, tmpl, dir, file, generate_conversations(name_seed(name), kConversations, {}));
}

}  // namespace

TEST_CASE("parity: shipped template llama3", "[parity][shipped]") { check_shipped("llama3"); }
TEST_CASE("parity: shipped template llama3_1", "[parity][shipped]") { check_shipped("llama3_1"); }
TEST_CASE("parity: shipped template qwen3", "[parity][shipped]") { check_shipped("qwen3"); }
TEST_CASE("parity: shipped template gemma3", "[parity][shipped]") { check_shipped("gemma3"); }
TEST_CASE("parity: shipped template deepseek_v3", "[parity][shipped]") { check_shipped("deepseek_v3"); }
TEST_CASE("parity: shipped template demo", "[parity][shipped][demo]") {
  check_shipped_dir("demo", TUNESMITH_TEST_SOURCE_DIR "/resources/demo/model");
}

TEST_CASE("parity: builtin template chatml", "[parity][builtin]") { check_builtin("chatml", "qwen3"); }
TEST_CASE("parity: builtin template llama3", "[parity][builtin]") { check_builtin("llama3", "llama3_1"); }
TEST_CASE("parity: builtin template mistral", "[parity][builtin]") { check_builtin("mistral", "llama2"); }

#define PARITY_EXTRA(name) \
  TEST_CASE("parity: extra template " name, "[parity][extra]") { check_extra(name); }
PARITY_EXTRA("aya-expanse_8b")
PARITY_EXTRA("aya_35b")
PARITY_EXTRA("cogito_14b")
PARITY_EXTRA("cogito_3b")
PARITY_EXTRA("command-a_111b")
PARITY_EXTRA("command-r-plus_104b")
PARITY_EXTRA("command-r7b-arabic_7b")
PARITY_EXTRA("command-r7b_7b")
PARITY_EXTRA("command-r_35b")
PARITY_EXTRA("dbrx_132b")
PARITY_EXTRA("deepcoder_14b")
PARITY_EXTRA("deepseek-coder-v2_16b")
PARITY_EXTRA("deepseek-coder_1.3b")
PARITY_EXTRA("deepseek-r1_8b")
PARITY_EXTRA("deepseek-r1_latest")
PARITY_EXTRA("deepseek-v2.5_236b")
PARITY_EXTRA("deepseek-v3.1_latest")
PARITY_EXTRA("deepseek-v3_671b")
PARITY_EXTRA("devstral_latest")
PARITY_EXTRA("dolphin-llama3_8b")
PARITY_EXTRA("dolphin-mixtral_8x7b")
PARITY_EXTRA("dolphin-phi_2.7b")
PARITY_EXTRA("exaone-deep_2.4b")
PARITY_EXTRA("exaone-deep_32b")
PARITY_EXTRA("exaone3.5_7.8b")
PARITY_EXTRA("falcon2_11b")
PARITY_EXTRA("firefunction-v2_70b")
PARITY_EXTRA("gemma2_2b")
PARITY_EXTRA("gemma3_1b")
PARITY_EXTRA("gemma3_270m")
PARITY_EXTRA("glm4_9b")
PARITY_EXTRA("granite-code_3b")
PARITY_EXTRA("granite3-dense_2b")
PARITY_EXTRA("granite3-guardian_2b")
PARITY_EXTRA("granite3.1-moe_1b")
PARITY_EXTRA("granite3.2-vision_2b")
PARITY_EXTRA("granite3.2_8b")
PARITY_EXTRA("granite3.3_2b")
PARITY_EXTRA("granite4_350m")
PARITY_EXTRA("granite4_latest")
PARITY_EXTRA("hermes3_70b")
PARITY_EXTRA("internlm2_1.8b")
PARITY_EXTRA("llama-guard3_1b")
PARITY_EXTRA("llama-guard3_8b")
PARITY_EXTRA("llama-pro_latest")
PARITY_EXTRA("llama2_7b")
PARITY_EXTRA("llama3.1_8b")
PARITY_EXTRA("llama3.2-vision_90b")
PARITY_EXTRA("llama3.2-vision_latest")
PARITY_EXTRA("llama3.2_3b")
PARITY_EXTRA("llama3_8b")
PARITY_EXTRA("llama4_latest")
PARITY_EXTRA("llava-phi3_3.8b")
PARITY_EXTRA("llava_34b")
PARITY_EXTRA("llava_7b")
PARITY_EXTRA("marco-o1_7b")
PARITY_EXTRA("mistral-large_123b")
PARITY_EXTRA("mistral-small_24b")
PARITY_EXTRA("mistral_7b-instruct-fp16")
PARITY_EXTRA("mixtral_8x22b")
PARITY_EXTRA("mixtral_8x7b")
PARITY_EXTRA("nemotron-mini_4b")
PARITY_EXTRA("nemotron_70b")
PARITY_EXTRA("nous-hermes2-mixtral_8x7b")
PARITY_EXTRA("nuextract_3.8b")
PARITY_EXTRA("olmo2_7b")
PARITY_EXTRA("openchat_7b")
PARITY_EXTRA("opencoder_8b")
PARITY_EXTRA("phi3.5_3.8b")
PARITY_EXTRA("phi3_14b")
PARITY_EXTRA("phi3_3.8b")
PARITY_EXTRA("phi4-mini-reasoning_3.8b")
PARITY_EXTRA("phi4-mini_3.8b")
PARITY_EXTRA("phi4-reasoning_14b")
PARITY_EXTRA("phi4_14b")
PARITY_EXTRA("qwen2.5-coder_1.5b")
PARITY_EXTRA("qwen2.5_0.5b")
PARITY_EXTRA("qwen2.5vl_latest")
PARITY_EXTRA("qwen2_0.5b")
PARITY_EXTRA("qwen3-coder_30b")
PARITY_EXTRA("qwen3-next_80b")
PARITY_EXTRA("qwen3_0.6b")
PARITY_EXTRA("qwen_0.5b")
PARITY_EXTRA("qwq_32b")
PARITY_EXTRA("qwq_32b_")
PARITY_EXTRA("qwq_32b__")
PARITY_EXTRA("r1-1776_671b")
PARITY_EXTRA("rnj-1_latest")
PARITY_EXTRA("sailor2_1b")
PARITY_EXTRA("shieldgemma_27b")
PARITY_EXTRA("smallthinker_3b")
PARITY_EXTRA("smollm2_135m")
PARITY_EXTRA("stable-code_3b")
PARITY_EXTRA("tinyllama_1.1b")
PARITY_EXTRA("tulu3_70b")
PARITY_EXTRA("yi-coder_1.5b")
PARITY_EXTRA("yi_6b")
