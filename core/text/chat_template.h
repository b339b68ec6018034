#pragma once
// Chat templates: the `chat_template` of a model's tokenizer_config.json (a Jinja string,
// or a list of {name, template}), rendered text-for-text as Hugging Face transformers
// renders it (Python Jinja2 with trim_blocks and lstrip_blocks), or a built-in template
// (chatml, llama3, mistral) chosen explicitly for a model that ships none.
//
// The template sees what transformers passes: messages, add_generation_prompt, tools
// (default None), documents (default None), the special tokens of tokenizer_config.json
// (bos_token, eos_token, unk_token, sep_token, pad_token, cls_token, mask_token; AddedToken
// objects reduced to their content; unset ones absent), additional_special_tokens, then
// any extra variables (enable_thinking, ...), which override the special tokens.
//
// Rendering is bounded (steps, output size, macro depth): a hostile or broken template
// ends with a ChatTemplateError naming the file and the template's line and column.
#include <chrono>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/data/json.h"
#include "core/text/jinja/interpreter.h"

namespace tunesmith::text {

// "ORIGIN:LINE:COLUMN: message"; line and column are 0 when the error is not inside the
// template (e.g. a missing chat_template).
struct ChatTemplateError : std::runtime_error {
  ChatTemplateError(std::string origin_, int line_, int column_, std::string message_);
  std::string origin;
  int line;
  int column;
  std::string message;
};

// The parts of tokenizer_config.json that chat templates and BOS handling need.
struct TokenizerConfig {
  std::vector<std::pair<std::string, std::string>> special_tokens;  // name -> content, set ones only
  std::optional<std::vector<std::string>> additional_special_tokens;
  std::optional<bool> add_bos_token;
  std::optional<bool> add_eos_token;
  data::Json chat_template;  // null, a string, or [{name, template}, ...]

  std::optional<std::string> token(std::string_view name) const;  // e.g. token("bos_token")

  // Throws ChatTemplateError (origin = path) when the file is unreadable or not a JSON object.
  static TokenizerConfig load(const std::string& path);
  static TokenizerConfig from_json(const data::Json& config);
};

// Names of the built-in templates: "chatml", "llama3", "mistral".
const std::vector<std::string>& builtin_template_names();
// The Jinja source of a built-in template, or nullopt for an unknown name.
std::optional<std::string> builtin_template_source(std::string_view name);

class ChatTemplate {
 public:
  // The template of a model folder: DIR/tokenizer_config.json's chat_template, or with a
  // non-empty `override_spec`, the built-in template of that name or the Jinja file at that
  // path. Without an override, a folder whose config has no chat_template is an error that
  // names the --chat-template flag.
  static ChatTemplate load(const std::string& tokenizer_dir, const std::string& override_spec = {});
  // The chat_template of an already parsed config (origin names the file in errors).
  static ChatTemplate from_config(const TokenizerConfig& config, const std::string& origin);
  // One template source with the special tokens of `config`.
  static ChatTemplate from_source(const std::string& source, const std::string& origin, TokenizerConfig config);

  // Renders a conversation. `extra` (a JSON object or null) holds tools, documents and
  // any other variable. Throws ChatTemplateError.
  std::string render(const data::Json& messages, bool add_generation_prompt,
                     const data::Json& extra = data::Json()) const;
  // The same, keeping where each message's content landed: origins[k].source is the index
  // of the message whose content produced bytes [begin, end) of the text.
  jinja::RenderOutput render_tracked(const data::Json& messages, bool add_generation_prompt,
                                     const data::Json& extra = data::Json()) const;

  const TokenizerConfig& config() const { return config_; }
  // Where the template came from ("/m/tokenizer_config.json", "builtin:chatml", a file).
  const std::string& origin() const { return origin_; }
  // The source of the template used when tools are (not) given, for provenance hashes.
  const std::string& source(bool with_tools = false) const;
  // Picks a named template of a list explicitly ("default", "tool_use", ...).
  void select(const std::string& name);

  void set_limits(const jinja::RenderLimits& limits) { limits_ = limits; }
  // The time strftime_now() sees; unset means the real clock.
  void set_now(std::optional<std::chrono::system_clock::time_point> now) { now_ = now; }

 private:
  struct Named {
    std::string name;
    std::string source;
    std::shared_ptr<const jinja::Program> program;
  };
  const Named& pick(bool with_tools) const;

  std::vector<Named> templates_;
  std::string selected_;  // empty: "tool_use" when tools are given and present, else "default"
  std::string origin_;
  TokenizerConfig config_;
  jinja::RenderLimits limits_;
  std::optional<std::chrono::system_clock::time_point> now_;
};

// Parses "2024-07-26T00:00:00Z" style dates (date, optional time, optional Z or +HH:MM).
std::optional<std::chrono::system_clock::time_point> parse_iso_time(std::string_view text);

}  // namespace tunesmith::text
