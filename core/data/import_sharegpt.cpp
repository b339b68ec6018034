#include "core/data/import_sharegpt.h"

#include <stdexcept>

#include "core/data/json_records.h"

namespace tunesmith::data {
namespace {

enum class Speaker { User, Assistant, System, FunctionCall, Observation };

std::optional<Speaker> speaker_from(std::string name) {
  for (char& c : name)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  if (name == "human" || name == "user") return Speaker::User;
  if (name == "gpt" || name == "assistant" || name == "chatgpt" || name == "bing" || name == "bard" ||
      name == "model" || name == "ai")
    return Speaker::Assistant;
  if (name == "system") return Speaker::System;
  if (name == "function_call") return Speaker::FunctionCall;
  if (name == "observation" || name == "tool" || name == "function") return Speaker::Observation;
  return std::nullopt;
}

// A turn's text: a string, or (in the OpenAI-style variant) content parts.
std::string turn_text(const Json& value, std::size_t k) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_array()) return content_text(value);
  throw std::invalid_argument("turn " + std::to_string(k + 1) + ": the text is not a string");
}

// function_call's value: {"name", "arguments"} or a list of them, as JSON text (or
// already parsed). Returns OpenAI tool_calls with ids the following observations answer.
Json tool_calls_from(const Json& value, std::size_t k, std::size_t& next_id) {
  Json parsed = value;
  if (value.is_string()) {
    try {
      parsed = Json::parse(value.get<std::string>());
    } catch (const Json::parse_error&) {
      throw std::invalid_argument("turn " + std::to_string(k + 1) + ": function_call value is not JSON");
    }
  }
  if (parsed.is_object()) parsed = Json::array({parsed});
  if (!parsed.is_array() || parsed.empty())
    throw std::invalid_argument("turn " + std::to_string(k + 1) + ": function_call needs {\"name\", \"arguments\"}");
  Json calls = Json::array();
  for (const Json& call : parsed) {
    if (!call.is_object() || !call.contains("name") || !call["name"].is_string())
      throw std::invalid_argument("turn " + std::to_string(k + 1) + ": function_call without a \"name\"");
    const Json& name = call["name"];
    Json args = call.contains("arguments") ? call["arguments"] : Json::object();
    // OpenAI carries arguments as JSON text.
    std::string args_text = args.is_string() ? args.get<std::string>() : args.dump();
    calls.push_back(Json{{"id", "call_" + std::to_string(++next_id)},
                         {"type", "function"},
                         {"function", Json{{"name", name}, {"arguments", args_text}}}});
  }
  return calls;
}

// LLaMA-Factory stores "tools" as JSON text of function descriptions; OpenAI wants
// [{"type": "function", "function": {...}}].
Json tools_from(const Json& value) {
  Json parsed = value;
  if (value.is_string()) {
    if (value.get_ref<const std::string&>().empty()) return Json();
    try {
      parsed = Json::parse(value.get<std::string>());
    } catch (const Json::parse_error&) {
      throw std::invalid_argument("\"tools\" is not JSON");
    }
  }
  if (parsed.is_object()) parsed = Json::array({parsed});
  if (!parsed.is_array()) throw std::invalid_argument("\"tools\" is not a list of functions");
  Json tools = Json::array();
  for (const Json& t : parsed) {
    if (t.is_object() && t.contains("type")) tools.push_back(t);
    else tools.push_back(Json{{"type", "function"}, {"function", t}});
  }
  return tools;
}

}  // namespace

Conversation sharegpt_to_conversation(const Json& record, const ImportOptions& options) {
  const char* role_key = "from";
  const char* text_key = "value";
  auto turns = record.find("conversations");
  if (turns == record.end()) {
    turns = record.find("messages");
    role_key = "role";
    text_key = "content";
  }
  if (turns == record.end() || !turns->is_array())
    throw std::invalid_argument("no \"conversations\" list");
  if (turns->empty()) throw std::invalid_argument("\"conversations\" is empty");

  Json messages = Json::array();
  if (auto sys = record.find("system"); sys != record.end() && sys->is_string() && !sys->get_ref<const std::string&>().empty())
    messages.push_back(Json{{"role", "system"}, {"content", *sys}});

  std::size_t next_id = 0;
  std::vector<std::string> open_calls;  // ids of calls not yet answered, oldest first
  std::string last_call;
  for (std::size_t k = 0; k < turns->size(); ++k) {
    const Json& turn = (*turns)[k];
    if (!turn.is_object()) throw std::invalid_argument("turn " + std::to_string(k + 1) + " is not an object");
    auto from = turn.find(role_key);
    if (from == turn.end() || !from->is_string())
      throw std::invalid_argument("turn " + std::to_string(k + 1) + " has no \"" + role_key + "\"");
    auto speaker = speaker_from(from->get<std::string>());
    if (!speaker)
      throw std::invalid_argument("turn " + std::to_string(k + 1) + ": unknown speaker \"" + from->get<std::string>() +
                                  "\" (expected human/user, gpt/assistant, system, function_call or observation)");
    auto value = turn.find(text_key);
    const Json text_value = value == turn.end() ? Json("") : *value;
    switch (*speaker) {
      case Speaker::User: messages.push_back(Json{{"role", "user"}, {"content", turn_text(text_value, k)}}); break;
      case Speaker::Assistant:
        messages.push_back(Json{{"role", "assistant"}, {"content", turn_text(text_value, k)}});
        break;
      case Speaker::System: messages.push_back(Json{{"role", "system"}, {"content", turn_text(text_value, k)}}); break;
      case Speaker::FunctionCall: {
        Json calls = tool_calls_from(text_value, k, next_id);
        for (const auto& c : calls) open_calls.push_back(c["id"].get<std::string>());
        last_call = open_calls.back();
        messages.push_back(Json{{"role", "assistant"}, {"content", nullptr}, {"tool_calls", std::move(calls)}});
        break;
      }
      case Speaker::Observation: {
        if (last_call.empty())
          throw std::invalid_argument("turn " + std::to_string(k + 1) + ": observation without a function_call before it");
        // Parallel calls are answered in order; extra answers go to the last call.
        std::string id = last_call;
        if (!open_calls.empty()) {
          id = open_calls.front();
          open_calls.erase(open_calls.begin());
        }
        messages.push_back(Json{{"role", "tool"}, {"tool_call_id", id}, {"content", turn_text(text_value, k)}});
        break;
      }
    }
  }

  Json example{{"messages", std::move(messages)}};
  if (auto tools = record.find("tools"); tools != record.end() && !tools->is_null()) {
    Json converted = tools_from(*tools);
    if (!converted.is_null() && !converted.empty()) example["tools"] = std::move(converted);
  }
  Conversation ex(std::move(example));
  add_default_system(ex, options.system_prompt);
  return ex;
}

ImportResult import_sharegpt(const std::string& path, const ImportOptions& options) {
  JsonRecords read = read_json_records(path);
  ImportResult result;
  result.findings = std::move(read.findings);
  for (const JsonRecord& rec : read.records) {
    try {
      result.examples.push_back(sharegpt_to_conversation(rec.value, options));
    } catch (const std::invalid_argument& e) {
      result.findings.push_back(record_error(path, rec.line, "sharegpt-record", e.what()));
    }
  }
  return result;
}

}  // namespace tunesmith::data
