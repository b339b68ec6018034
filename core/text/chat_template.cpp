#include "core/text/chat_template.h"

#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/text/jinja/parser.h"

namespace tunesmith::text {
namespace fs = std::filesystem;

namespace {

std::string format_error(const std::string& origin, int line, int column, const std::string& message) {
  std::string where = origin;
  if (line > 0) where += ":" + std::to_string(line) + ":" + std::to_string(column);
  return where + ": " + message;
}

const char* const kSpecialTokenNames[] = {"bos_token", "eos_token", "unk_token", "sep_token",
                                          "pad_token", "cls_token", "mask_token"};

// A special token as tokenizer_config.json writes it: a string or an AddedToken object.
std::optional<std::string> token_content(const data::Json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_object() && v.contains("content") && v["content"].is_string()) return v["content"].get<std::string>();
  return std::nullopt;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ChatTemplateError(path, 0, 0, "cannot read file");
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::shared_ptr<const jinja::Program> compile(const std::string& source, const std::string& origin) {
  try {
    return std::make_shared<const jinja::Program>(jinja::parse(source));
  } catch (const jinja::TemplateError& e) {
    throw ChatTemplateError(origin, e.line, e.column, e.message);
  }
}

}  // namespace

ChatTemplateError::ChatTemplateError(std::string origin_, int line_, int column_, std::string message_)
    : std::runtime_error(format_error(origin_, line_, column_, message_)),
      origin(std::move(origin_)),
      line(line_),
      column(column_),
      message(std::move(message_)) {}

// ---- TokenizerConfig -------------------------------------------------------------------

std::optional<std::string> TokenizerConfig::token(std::string_view name) const {
  for (const auto& [k, v] : special_tokens)
    if (k == name) return v;
  return std::nullopt;
}

TokenizerConfig TokenizerConfig::from_json(const data::Json& config) {
  TokenizerConfig c;
  if (!config.is_object()) return c;
  for (const char* name : kSpecialTokenNames) {
    if (!config.contains(name)) continue;
    auto content = token_content(config[name]);
    if (content && !content->empty()) c.special_tokens.emplace_back(name, *content);  // "" is unset, as in the reference
  }
  if (config.contains("additional_special_tokens") && config["additional_special_tokens"].is_array() &&
      !config["additional_special_tokens"].empty()) {
    std::vector<std::string> extra;
    for (const auto& t : config["additional_special_tokens"]) extra.push_back(token_content(t).value_or(""));
    c.additional_special_tokens = std::move(extra);
  }
  if (config.contains("add_bos_token") && config["add_bos_token"].is_boolean())
    c.add_bos_token = config["add_bos_token"].get<bool>();
  if (config.contains("add_eos_token") && config["add_eos_token"].is_boolean())
    c.add_eos_token = config["add_eos_token"].get<bool>();
  if (config.contains("chat_template")) c.chat_template = config["chat_template"];
  return c;
}

TokenizerConfig TokenizerConfig::load(const std::string& path) {
  std::string text = read_file(path);
  data::Json j;
  try {
    j = data::Json::parse(text);
  } catch (const data::Json::parse_error& e) {
    throw ChatTemplateError(path, 0, 0, std::string("invalid JSON: ") + e.what());
  }
  if (!j.is_object()) throw ChatTemplateError(path, 0, 0, "not a JSON object");
  return from_json(j);
}

// ---- ChatTemplate ------------------------------------------------------------------------

ChatTemplate ChatTemplate::from_source(const std::string& source, const std::string& origin, TokenizerConfig config) {
  ChatTemplate t;
  t.origin_ = origin;
  t.config_ = std::move(config);
  t.templates_.push_back(Named{"default", source, compile(source, origin)});
  return t;
}

ChatTemplate ChatTemplate::from_config(const TokenizerConfig& config, const std::string& origin) {
  const data::Json& ct = config.chat_template;
  if (ct.is_string()) return from_source(ct.get<std::string>(), origin, config);
  if (ct.is_array()) {
    ChatTemplate t;
    t.origin_ = origin;
    t.config_ = config;
    for (const auto& entry : ct) {
      if (!entry.is_object() || !entry.contains("name") || !entry["name"].is_string() || !entry.contains("template") ||
          !entry["template"].is_string())
        throw ChatTemplateError(origin, 0, 0, "chat_template list entries must be {\"name\": ..., \"template\": ...}");
      std::string name = entry["name"].get<std::string>();
      std::string source = entry["template"].get<std::string>();
      t.templates_.push_back(Named{name, source, compile(source, origin + "[" + name + "]")});
    }
    if (t.templates_.empty()) throw ChatTemplateError(origin, 0, 0, "chat_template is an empty list");
    return t;
  }
  if (ct.is_null())
    throw ChatTemplateError(origin, 0, 0,
                            "the model has no chat_template; choose one with --chat-template chatml|llama3|mistral|FILE");
  throw ChatTemplateError(origin, 0, 0, "chat_template must be a string or a list of {name, template}");
}

ChatTemplate ChatTemplate::load(const std::string& tokenizer_dir, const std::string& override_spec) {
  std::string config_path = (fs::path(tokenizer_dir) / "tokenizer_config.json").string();
  TokenizerConfig config;
  if (fs::exists(config_path)) {
    config = TokenizerConfig::load(config_path);
  } else if (override_spec.empty()) {
    throw ChatTemplateError(config_path, 0, 0,
                            "missing, so the model has no chat_template; choose one with --chat-template "
                            "chatml|llama3|mistral|FILE");
  }
  if (override_spec.empty()) return from_config(config, config_path);
  if (auto builtin = builtin_template_source(override_spec))
    return from_source(*builtin, "builtin:" + override_spec, std::move(config));
  if (!fs::is_regular_file(override_spec)) {
    std::string names;
    for (const auto& n : builtin_template_names()) names += (names.empty() ? "" : ", ") + n;
    throw ChatTemplateError(override_spec, 0, 0, "not a built-in chat template (" + names + ") nor a readable file");
  }
  return from_source(read_file(override_spec), override_spec, std::move(config));
}

void ChatTemplate::select(const std::string& name) {
  for (const auto& t : templates_) {
    if (t.name == name) {
      selected_ = name;
      return;
    }
  }
  std::string names;
  for (const auto& t : templates_) names += (names.empty() ? "" : ", ") + t.name;
  throw ChatTemplateError(origin_, 0, 0, "no chat template named '" + name + "' (have: " + names + ")");
}

const ChatTemplate::Named& ChatTemplate::pick(bool with_tools) const {
  if (templates_.size() == 1 && selected_.empty()) return templates_[0];
  std::string want = !selected_.empty() ? selected_ : "default";
  if (selected_.empty() && with_tools) {
    for (const auto& t : templates_)
      if (t.name == "tool_use") return t;
  }
  for (const auto& t : templates_)
    if (t.name == want) return t;
  throw ChatTemplateError(origin_, 0, 0, "no chat template named '" + want + "'");
}

const std::string& ChatTemplate::source(bool with_tools) const { return pick(with_tools).source; }

jinja::RenderOutput ChatTemplate::render_tracked(const data::Json& messages, bool add_generation_prompt,
                                                 const data::Json& extra) const {
  using jinja::Value;
  bool with_tools = extra.is_object() && extra.contains("tools") && !extra["tools"].is_null();
  const Named& t = pick(with_tools);
  const std::string origin = templates_.size() > 1 ? origin_ + "[" + t.name + "]" : origin_;
  std::vector<std::pair<std::string, Value>> vars;
  try {
    for (const auto& [k, v] : config_.special_tokens) vars.emplace_back(k, Value(v));
    if (config_.additional_special_tokens) {
      std::vector<Value> items;
      for (const auto& s : *config_.additional_special_tokens) items.emplace_back(s);
      vars.emplace_back("additional_special_tokens", Value::list(std::move(items)));
    }
    auto set = [&](const std::string& k, Value v) {
      for (auto& kv : vars) {
        if (kv.first == k) {
          kv.second = std::move(v);
          return;
        }
      }
      vars.emplace_back(k, std::move(v));
    };
    if (extra.is_object()) {
      for (const auto& [k, v] : extra.items()) {
        if (k == "messages" || k == "add_generation_prompt") continue;
        set(k, Value::from_json(v));
      }
    }
    if (!messages.is_array()) throw ChatTemplateError(origin, 0, 0, "\"messages\" must be an array");
    set("messages", Value::from_messages(messages));
    set("add_generation_prompt", Value(add_generation_prompt));
    bool has_tools = false, has_documents = false;
    for (const auto& kv : vars) {
      has_tools = has_tools || kv.first == "tools";
      has_documents = has_documents || kv.first == "documents";
    }
    if (!has_tools) set("tools", Value::none());
    if (!has_documents) set("documents", Value::none());
  } catch (const jinja::ValueError& e) {
    throw ChatTemplateError(origin, 0, 0, e.what());
  }
  jinja::RenderEnvironment env;
  env.now = now_;
  jinja::Interpreter interp(limits_, env);
  try {
    return interp.render(*t.program, vars);
  } catch (const jinja::TemplateError& e) {
    throw ChatTemplateError(origin, e.line, e.column, e.message);
  } catch (const jinja::ValueError& e) {
    throw ChatTemplateError(origin, 0, 0, e.what());
  }
}

std::string ChatTemplate::render(const data::Json& messages, bool add_generation_prompt, const data::Json& extra) const {
  return render_tracked(messages, add_generation_prompt, extra).text;
}

// ---- time ------------------------------------------------------------------------------------

std::optional<std::chrono::system_clock::time_point> parse_iso_time(std::string_view text) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  std::string str(text);
  int consumed = 0;
  if (std::sscanf(str.c_str(), "%4d-%2d-%2d%n", &y, &mo, &d, &consumed) != 3) return std::nullopt;
  std::size_t i = static_cast<std::size_t>(consumed);
  if (i < str.size() && (str[i] == 'T' || str[i] == ' ')) {
    int n = 0;
    if (std::sscanf(str.c_str() + i + 1, "%2d:%2d%n", &h, &mi, &n) != 2) return std::nullopt;
    i += 1 + static_cast<std::size_t>(n);
    if (i < str.size() && str[i] == ':') {
      if (std::sscanf(str.c_str() + i + 1, "%2d%n", &s, &n) != 1) return std::nullopt;
      i += 1 + static_cast<std::size_t>(n);
      if (i < str.size() && str[i] == '.') {
        ++i;
        while (i < str.size() && std::isdigit(static_cast<unsigned char>(str[i]))) ++i;
      }
    }
  }
  long offset = 0;
  if (i < str.size()) {
    if (str[i] == 'Z' || str[i] == 'z') {
      ++i;
    } else if (str[i] == '+' || str[i] == '-') {
      int oh = 0, om = 0, n = 0;
      if (std::sscanf(str.c_str() + i + 1, "%2d:%2d%n", &oh, &om, &n) != 2) return std::nullopt;
      offset = (str[i] == '-' ? -1 : 1) * (oh * 3600L + om * 60L);
      i += 1 + static_cast<std::size_t>(n);
    }
  }
  if (i != str.size() || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return std::nullopt;
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = s;
  std::time_t t = timegm(&tm) - offset;
  return std::chrono::system_clock::from_time_t(t);
}

}  // namespace tunesmith::text
