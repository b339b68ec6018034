#pragma once
// Token ids for training on a conversation, with the loss mask derived from rendering:
// the chat template is interpreted while tracking where each message's content is
// written (see jinja::Value origins), so the mask is 1 exactly on the tokens that carry
// assistant content and on the end-of-turn token the template writes right after it
// (`<|im_end|>`, `<|eot_id|>`, `</s>`, ...), and 0 on everything else: system and user
// text, role headers, tool results, and assistant messages marked `"weight": 0`.
//
// BOS follows transformers: the rendered text is encoded without the post-processor, and
// BOS is put in front only when the tokenizer would add one (add_bos_token in
// tokenizer_config.json, or else tokenizer.json's post-processor) and the template has not
// already written it, so it is never doubled.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/data/json.h"
#include "core/text/chat_template.h"
#include "core/text/tokenizer.h"

namespace tunesmith::text {

struct BosPolicy {
  bool add = false;             // the tokenizer adds BOS to a sequence
  std::optional<int32_t> id;    // the BOS token id, when the vocabulary has it
  std::string text;             // its text, as a template would write it
};

// add_bos_token from tokenizer_config.json when it is set, else what tokenizer.json's
// post-processor does (it adds BOS when encoding "" with special tokens gives one).
BosPolicy bos_policy(const Tokenizer& tokenizer, const TokenizerConfig& config);

// Encodes rendered chat text: no post-processor, BOS prepended when the policy adds one
// and the text does not already start with it. Offsets of a prepended BOS are (0, 0).
Encoding encode_rendered(const Tokenizer& tokenizer, const BosPolicy& bos, std::string_view text);

struct MaskedConversation {
  std::string text;            // the rendered conversation
  std::vector<int32_t> ids;
  std::vector<uint8_t> mask;   // per token: 1 = trained on (assistant content + end of turn)
  std::vector<std::pair<std::size_t, std::size_t>> offsets;  // byte ranges into text
  // Byte ranges of `text` that are trained on (content spans and end-of-turn markers).
  std::vector<std::pair<std::size_t, std::size_t>> trained_spans;
};

// Renders `messages` (add_generation_prompt false; `extra` holds tools and other
// variables) and builds ids and mask. Throws ChatTemplateError.
MaskedConversation mask_conversation(const ChatTemplate& tmpl, const Tokenizer& tokenizer,
                                     const data::Json& messages, const data::Json& extra = data::Json());

// The texts that end an assistant turn: the eos_token of the config and the usual turn
// terminators of chat formats (<|im_end|>, <|eot_id|>, <end_of_turn>, </s>, ...).
std::vector<std::string> end_of_turn_markers(const TokenizerConfig& config);

}  // namespace tunesmith::text
