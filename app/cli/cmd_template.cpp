// tunesmith-cli template: the line protocol of shared/reference/render_template.mjs and
// render_template_jinja2.py (CLI.md), so outputs can be compared with diff.
#include <cstdlib>
#include <iostream>
#include <optional>
#include <string>

#include "app/cli/args.h"
#include "app/cli/commands.h"
#include "core/data/json.h"
#include "core/text/chat_template.h"

namespace tunesmith::cli {
namespace {

constexpr const char* kHelp = R"(Usage: tunesmith-cli template --tokenizer DIR [--chat-template NAME|FILE] [--template-name N] [--now ISO]

Renders the model's chat template for JSON Lines on stdin, one JSON line out per
non-blank line in:
  in  {"messages": [...], "add_generation_prompt": false, "tools": [...], "documents": [...], ...}
  out {"text": "..."}
Every key besides messages and add_generation_prompt is passed to the template as a
variable (tools, documents, enable_thinking, ...), as transformers does, next to the
special tokens of DIR/tokenizer_config.json (bos_token, eos_token, ...). A line that
fails (a template error, raise_exception) gives {"error": "..."} and processing goes on.

  --tokenizer DIR        a model folder with tokenizer_config.json
  --chat-template NAME|FILE
                         use a built-in template (chatml, llama3, mistral) or a Jinja
                         file instead of the model's; required when the model has none
  --template-name N      pick a named template when chat_template is a list
                         (default: tool_use when tools are given and it exists, else default)
  --now ISO              the time strftime_now() sees (also $REF_NOW; default: the clock)
)";

bool is_blank(const std::string& s) {
  for (unsigned char c : s)
    if (c != ' ' && c != '\t' && c != '\r' && c != '\n' && c != '\v' && c != '\f') return false;
  return true;
}

}  // namespace

int run_template(const ArgList& args) {
  ArgSpec spec;
  spec.valued = {"tokenizer", "chat-template", "template-name", "now"};
  Args a = Args::parse(args, spec);
  if (a.has("help")) {
    std::cout << kHelp;
    return kOk;
  }
  if (!a.positional().empty()) throw UsageError("unexpected argument '" + a.positional()[0] + "'");
  const std::string dir = a.require("tokenizer");

  std::optional<std::string> now_text = a.get("now");
  if (!now_text) {
    if (const char* env = std::getenv("REF_NOW"); env && *env) now_text = env;
  }
  std::optional<std::chrono::system_clock::time_point> now;
  if (now_text) {
    now = text::parse_iso_time(*now_text);
    if (!now) throw UsageError("bad --now date '" + *now_text + "' (expected e.g. 2024-07-26T00:00:00Z)");
  }

  // A template that does not parse fails every line (as in the reference, which compiles
  // per line); a missing template or file is a usage error.
  std::optional<text::ChatTemplate> tmpl;
  std::string template_error;
  try {
    tmpl = text::ChatTemplate::load(dir, a.get_or("chat-template", ""));
    if (auto name = a.get("template-name")) tmpl->select(*name);
    tmpl->set_now(now);
  } catch (const text::ChatTemplateError& e) {
    if (e.line == 0) {
      std::cerr << "tunesmith-cli template: " << e.what() << "\n";
      return kUsage;
    }
    template_error = e.what();
  }

  std::ios::sync_with_stdio(false);
  std::string line;
  while (std::getline(std::cin, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (is_blank(line)) continue;
    data::Json result = data::Json::object();
    try {
      if (!template_error.empty()) throw std::runtime_error(template_error);
      data::Json in = data::Json::parse(line);
      if (!in.is_object()) throw std::invalid_argument("expected a JSON object");
      auto messages = in.find("messages");
      if (messages == in.end() || !messages->is_array()) throw std::invalid_argument("missing \"messages\" array");
      bool agp = false;
      if (auto f = in.find("add_generation_prompt"); f != in.end()) agp = f->is_boolean() ? f->get<bool>() : !f->is_null();
      result["text"] = tmpl->render(*messages, agp, in);
    } catch (const std::exception& e) {
      result = data::Json::object();
      result["error"] = e.what();
    }
    std::cout << result.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
  }
  std::cout.flush();
  return kOk;
}

}  // namespace tunesmith::cli
