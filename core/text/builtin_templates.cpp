// Built-in chat templates for models that ship none. They are only ever used when chosen
// explicitly (--chat-template NAME, or in the UI), never as a silent fallback.
#include <string>
#include <utility>
#include <vector>

#include "core/text/chat_template.h"

namespace tunesmith::text {
namespace {

// The text of a message's content: a string, or the text parts of a list of content parts.
constexpr const char* kContentMacro = R"({%- macro content_text(content) -%}
{%- if content is string -%}
{{- content -}}
{%- elif content is iterable and content is not mapping -%}
{%- for part in content -%}
{%- if part is mapping and part['type'] == 'text' -%}{{- part['text'] -}}{%- endif -%}
{%- endfor -%}
{%- endif -%}
{%- endmacro -%}
)";

// ChatML (Qwen, SmolLM, many fine-tunes): <|im_start|>role\ncontent<|im_end|>\n
constexpr const char* kChatML = R"({%- for message in messages -%}
{{- '<|im_start|>' + message['role'] + '\n' + content_text(message['content']) + '<|im_end|>\n' -}}
{%- endfor -%}
{%- if add_generation_prompt -%}
{{- '<|im_start|>assistant\n' -}}
{%- endif -%}
)";

// Llama 3 Instruct: BOS, then a header per message, trimmed content, <|eot_id|>.
constexpr const char* kLlama3 = R"({{- bos_token if bos_token is defined else '' -}}
{%- for message in messages -%}
{{- '<|start_header_id|>' + message['role'] + '<|end_header_id|>\n\n' + content_text(message['content']) | trim + '<|eot_id|>' -}}
{%- endfor -%}
{%- if add_generation_prompt -%}
{{- '<|start_header_id|>assistant<|end_header_id|>\n\n' -}}
{%- endif -%}
)";

// Mistral Instruct (v0.1/v0.2): [INST] user [/INST]assistant</s>; a system message is put
// before the first user message, as Mistral's own later templates do.
constexpr const char* kMistral = R"({{- bos_token if bos_token is defined else '' -}}
{%- if messages and messages[0]['role'] == 'system' -%}
{%- set system_message = content_text(messages[0]['content']) -%}
{%- set loop_messages = messages[1:] -%}
{%- else -%}
{%- set system_message = '' -%}
{%- set loop_messages = messages -%}
{%- endif -%}
{%- for message in loop_messages -%}
{%- if (message['role'] == 'user') != (loop.index0 % 2 == 0) -%}
{{- raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') -}}
{%- endif -%}
{%- if message['role'] == 'user' -%}
{%- if loop.first and system_message -%}
{{- '[INST] ' + system_message + '\n\n' + content_text(message['content']) + ' [/INST]' -}}
{%- else -%}
{{- '[INST] ' + content_text(message['content']) + ' [/INST]' -}}
{%- endif -%}
{%- elif message['role'] == 'assistant' -%}
{{- content_text(message['content']) + (eos_token if eos_token is defined else '') -}}
{%- else -%}
{{- raise_exception('Only system, user and assistant roles are supported!') -}}
{%- endif -%}
{%- endfor -%}
)";

}  // namespace

const std::vector<std::string>& builtin_template_names() {
  static const std::vector<std::string> names = {"chatml", "llama3", "mistral"};
  return names;
}

std::optional<std::string> builtin_template_source(std::string_view name) {
  if (name == "chatml") return std::string(kContentMacro) + kChatML;
  if (name == "llama3") return std::string(kContentMacro) + kLlama3;
  if (name == "mistral") return std::string(kContentMacro) + kMistral;
  return std::nullopt;
}

}  // namespace tunesmith::text
