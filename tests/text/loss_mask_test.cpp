// Loss masks from rendering and BOS handling, on the real tokenizers and templates of
// shared/reference (needs the reference cache; see template_reference.h).
#include <catch2/catch.hpp>

#include <filesystem>
#include <map>

#include "core/text/chat_template.h"
#include "core/text/loss_mask.h"
#include "core/text/tokenizer.h"
#include "tests/support/test_paths.h"
#include "tests/text/template_reference.h"

namespace {

using tunesmith::data::Json;
using namespace tunesmith::test;
using namespace tunesmith::text;

std::string strip(const std::string& s) {
  auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return {};
  auto e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

const Tokenizer& tokenizer(const std::string& name) {
  static std::map<std::string, Tokenizer> cache;
  auto it = cache.find(name);
  if (it == cache.end()) it = cache.emplace(name, Tokenizer::from_dir(ref_tokenizer_dir(name))).first;
  return it->second;
}

// Checks the mask of every conversation that renders: content of trained assistant
// messages is covered, nothing of other messages is, and content printed verbatim is
// never silently left out (a lost origin would leave it unmasked).
void check_masks(const std::string& label, const ChatTemplate& tmpl, const Tokenizer& tok, std::uint64_t seed,
                 bool tools, std::size_t count = 60, const Json& extra = Json()) {
  ConversationOptions options;
  options.tools = tools;
  options.extra = extra;
  auto inputs = generate_conversations(seed, count, options);
  int rendered = 0;
  for (const auto& in : inputs) {
    const Json& messages = in["messages"];
    MaskedConversation mc;
    try {
      mc = mask_conversation(tmpl, tok, messages, in);
    } catch (const ChatTemplateError&) {
      continue;  // shapes the template rejects (raise_exception)
    }
    ++rendered;
    INFO(label << ": " << in.dump());
    REQUIRE(mc.ids.size() == mc.mask.size());
    CHECK(mc.text == tmpl.render(messages, false, in));
    // Every trained span lies inside masked tokens.
    for (auto [b, e] : mc.trained_spans) {
      for (std::size_t t = 0; t < mc.ids.size(); ++t) {
        auto [tb, te] = mc.offsets[t];
        if (te > tb && tb < e && te > b) CHECK(mc.mask[t] == 1);
      }
    }
    // Verbatim content that occurs once in the text: masked when it is a trained
    // assistant message's, unmasked otherwise. (Text that occurs more than once, or is
    // shared by two messages, cannot be attributed and is skipped.)
    std::map<std::string, int> owners;
    for (const auto& m : messages)
      if (m["content"].is_string()) ++owners[strip(m["content"].get<std::string>())];
    for (const auto& m : messages) {
      if (!m["content"].is_string()) continue;
      std::string c = strip(m["content"].get<std::string>());
      if (c.size() < 12 || owners[c] > 1) continue;
      std::size_t at = mc.text.find(c);
      if (at == std::string::npos || mc.text.find(c, at + 1) != std::string::npos) continue;
      bool any_masked = false, all_masked = true;
      for (std::size_t t = 0; t < mc.ids.size(); ++t) {
        auto [tb, te] = mc.offsets[t];
        if (te > tb && tb >= at && te <= at + c.size()) {
          any_masked = any_masked || mc.mask[t];
          all_masked = all_masked && mc.mask[t];
        }
      }
      bool trained = m["role"] == "assistant" && !(m.contains("weight") && m["weight"] == 0);
      INFO(m["role"] << " content: " << c << "\nrendered: " << mc.text);
      if (trained) {
        CHECK(all_masked);
      } else {
        CHECK_FALSE(any_masked);
      }
    }
  }
  INFO(label << ": no conversation rendered");
  CHECK(rendered > 0);
}

}  // namespace

TEST_CASE("BOS is added as transformers does and never doubled, per reference vocabulary", "[template][bos]") {
  if (!require_reference()) return;
  const Json chat = Json::parse(R"([{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"},
                                    {"role": "assistant", "content": "Hello there, friend."}])");
  struct Case {
    std::string dir;
    std::string chat_template;  // "" = the model's own
    int expected_bos;           // leading BOS tokens
  };
  const std::vector<Case> cases = {
      {"llama3", "", 1},        // template writes <|begin_of_text|>; no post-processor BOS
      {"llama3_1", "", 1},      // template writes it and the post-processor would add it: once
      {"qwen3", "", 0},         // no BOS at all
      {"gemma3", "", 1},        // template writes <bos>, add_bos_token true
      {"deepseek_v3", "", 1},   // template writes it, add_bos_token true
      {"llama2", "mistral", 1}, // built-in writes <s>, add_bos_token true
      {"llama2", "chatml", 1},  // ChatML writes no BOS: add_bos_token adds one
      {"gptoss", "chatml", 0},  // no add_bos_token, ByteLevel post-processor: none
  };
  for (const auto& c : cases) {
    INFO(c.dir << " " << c.chat_template);
    const Tokenizer& tok = tokenizer(c.dir);
    ChatTemplate tmpl = ChatTemplate::load(ref_tokenizer_dir(c.dir), c.chat_template);
    BosPolicy bos = bos_policy(tok, tmpl.config());
    std::string text = tmpl.render(chat, false);
    Encoding enc = encode_rendered(tok, bos, text);
    REQUIRE(!enc.ids.empty());
    int leading = 0;
    if (bos.id)
      while (leading < static_cast<int>(enc.ids.size()) && enc.ids[static_cast<std::size_t>(leading)] == *bos.id) ++leading;
    CHECK(leading == c.expected_bos);
    // The mask never trains on BOS.
    MaskedConversation mc = mask_conversation(tmpl, tok, chat);
    CHECK(mc.ids == enc.ids);
    if (c.expected_bos) CHECK(mc.mask[0] == 0);
  }
}

TEST_CASE("loss mask: assistant content and its end-of-turn token only", "[template][mask]") {
  if (!require_reference()) return;
  const Json chat = Json::parse(R"([{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"},
      {"role": "assistant", "content": "Hello there!"}, {"role": "user", "content": "Bye"},
      {"role": "assistant", "content": "Skip me", "weight": 0}, {"role": "user", "content": "Really?"},
      {"role": "assistant", "content": "Goodbye."}])");
  struct Case {
    std::string dir, chat_template, end;
  };
  for (const auto& c : std::vector<Case>{{"qwen3", "", "<|im_end|>"}, {"llama3_1", "", "<|eot_id|>"},
                                         {"gemma3", "", "<end_of_turn>"}, {"llama2", "mistral", "</s>"},
                                         {"deepseek_v3", "", "<｜end▁of▁sentence｜>"}}) {
    INFO(c.dir);
    const Tokenizer& tok = tokenizer(c.dir);
    ChatTemplate tmpl = ChatTemplate::load(ref_tokenizer_dir(c.dir), c.chat_template);
    MaskedConversation mc = mask_conversation(tmpl, tok, chat);
    std::string masked;
    std::vector<int32_t> masked_ids;
    for (std::size_t t = 0; t < mc.ids.size(); ++t)
      if (mc.mask[t]) masked_ids.push_back(mc.ids[t]);
    masked = tok.decode(masked_ids, false);
    CHECK_THAT(masked, Catch::Contains("Hello there!"));
    CHECK_THAT(masked, Catch::Contains("Goodbye."));
    CHECK_THAT(masked, Catch::Contains(c.end));
    CHECK_THAT(masked, !Catch::Contains("Skip me"));
    CHECK_THAT(masked, !Catch::Contains("Hi"));
    CHECK_THAT(masked, !Catch::Contains("Be brief"));
    CHECK_THAT(masked, !Catch::Contains("assistant"));
    // Each end-of-turn marker right after trained content is one masked token.
    auto end_id = tok.token_to_id(c.end);
    REQUIRE(end_id);
    int masked_ends = 0;
    for (std::size_t t = 0; t < mc.ids.size(); ++t)
      if (mc.mask[t] && mc.ids[t] == *end_id) ++masked_ends;
    CHECK(masked_ends == 2);
  }
}

TEST_CASE("loss mask on the shipped and built-in templates", "[template][mask]") {
  if (!require_reference()) return;
  for (const char* name : {"llama3", "llama3_1", "qwen3", "gemma3", "deepseek_v3"}) {
    ChatTemplate tmpl = ChatTemplate::load(ref_tokenizer_dir(name));
    check_masks(name, tmpl, tokenizer(name), 11, name == std::string("qwen3"));
  }
  for (const char* name : {"chatml", "llama3", "mistral"}) {
    ChatTemplate tmpl = ChatTemplate::load(ref_tokenizer_dir("llama2"), name);
    check_masks(std::string("builtin:") + name, tmpl, tokenizer("llama2"), 12, false);
  }
}

TEST_CASE("loss mask on every extra reference template", "[template][mask]") {
  if (!require_reference()) return;
  int templates = 0;
  for (const auto& entry : std::filesystem::directory_iterator(ref_cache() + "/extra_templates")) {
    if (entry.path().extension() != ".jinja") continue;
    const std::string name = entry.path().stem().string();
    ChatTemplate tmpl = ChatTemplate::load(ref_tokenizer_dir("llama3_1"), entry.path().string());
    std::string source = read_text(entry.path().string());
    Json extra;  // firefunction reads variables transformers does not pass by itself
    if (source.find("+ functions") != std::string::npos) extra = {{"functions", "[]"}, {"datetime", "2024-07-26"}};
    check_masks(name, tmpl, tokenizer("llama3_1"), 13, source.find("tools") != std::string::npos, 24, extra);
    ++templates;
  }
  CHECK(templates > 90);
}

// The demo model's own tokenizer and ChatML template (resources/demo/model): BOS, the
// loss mask of one conversation, and the masks of generated conversations, as above.
// Needs nothing from the reference cache.
TEST_CASE("demo: BOS and loss masks on the demo model", "[template][mask][bos][demo]") {
  const std::string dir = TUNESMITH_TEST_SOURCE_DIR "/resources/demo/model";
  const Tokenizer tok = Tokenizer::from_dir(dir);
  ChatTemplate tmpl = ChatTemplate::load(dir);

  // BOS: add_bos_token false, no bos_token, ByteLevel post-processor: none.
  {
    const Json chat = Json::parse(R"([{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"},
                                      {"role": "assistant", "content": "Hello there, friend."}])");
    BosPolicy bos = bos_policy(tok, tmpl.config());
    std::string text = tmpl.render(chat, false);
    Encoding enc = encode_rendered(tok, bos, text);
    REQUIRE(!enc.ids.empty());
    int leading = 0;
    if (bos.id)
      while (leading < static_cast<int>(enc.ids.size()) && enc.ids[static_cast<std::size_t>(leading)] == *bos.id) ++leading;
    CHECK(leading == 0);
    MaskedConversation mc = mask_conversation(tmpl, tok, chat);
    CHECK(mc.ids == enc.ids);
  }

  // Assistant content and its end-of-turn token only.
  {
    const Json chat = Json::parse(R"([{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"},
        {"role": "assistant", "content": "Hello there!"}, {"role": "user", "content": "Bye"},
        {"role": "assistant", "content": "Skip me", "weight": 0}, {"role": "user", "content": "Really?"},
        {"role": "assistant", "content": "Goodbye."}])");
    const std::string end = "<|im_end|>";
    MaskedConversation mc = mask_conversation(tmpl, tok, chat);
    std::vector<int32_t> masked_ids;
    for (std::size_t t = 0; t < mc.ids.size(); ++t)
      if (mc.mask[t]) masked_ids.push_back(mc.ids[t]);
    std::string masked = tok.decode(masked_ids, false);
    CHECK_THAT(masked, Catch::Contains("Hello there!"));
    CHECK_THAT(masked, Catch::Contains("Goodbye."));
    CHECK_THAT(masked, Catch::Contains(end));
    CHECK_THAT(masked, !Catch::Contains("Skip me"));
    CHECK_THAT(masked, !Catch::Contains("Hi"));
    CHECK_THAT(masked, !Catch::Contains("Be brief"));
    CHECK_THAT(masked, !Catch::Contains("assistant"));
    auto end_id = tok.token_to_id(end);
    REQUIRE(end_id);
    CHECK(*end_id == 4095);
    int masked_ends = 0;
    for (std::size_t t = 0; t < mc.ids.size(); ++t)
      if (mc.mask[t] && mc.ids[t] == *end_id) ++masked_ends;
    CHECK(masked_ends == 2);
  }

  check_masks("demo", tmpl, tok, 11, false);
}
