#include "core/eval/eval_case.h"

#include "core/data/conversation.h"
#include "core/data/finding.h"
#include "core/data/json_records.h"

namespace tunesmith::eval {

EvalCase make_case(const Json& example, std::size_t line, const std::string& where) {
  if (!example.is_object() || !example.contains("messages") || !example["messages"].is_array() ||
      example["messages"].empty())
    throw CaseError(where + ": error: [eval] the example has no \"messages\" list");
  const Json& messages = example["messages"];
  EvalCase c;
  c.line = line;
  c.source = example;
  if (example.contains("id") && example["id"].is_string()) {
    c.id = example["id"].get<std::string>();
  } else if (example.contains("id") && example["id"].is_number_integer()) {
    c.id = std::to_string(example["id"].get<long long>());
  } else {
    c.id = std::to_string(line);
  }
  // Cut at the last assistant message; an example that ends with a user turn has no
  // reference and is asked as it is.
  std::size_t cut = messages.size();
  for (std::size_t i = messages.size(); i-- > 0;) {
    if (messages[i].is_object() && messages[i].value("role", "") == "assistant") {
      cut = i;
      break;
    }
  }
  c.input = Json::array();
  for (std::size_t i = 0; i < cut; ++i) c.input.push_back(messages[i]);
  if (cut < messages.size()) {
    c.reference = data::content_text(messages[cut].value("content", Json()));
    c.has_reference = true;
  }
  bool has_user = false;
  for (const Json& m : c.input) has_user = has_user || (m.is_object() && m.value("role", "") == "user");
  if (!has_user) throw CaseError(where + ": error: [eval] no user message before the reference answer");
  if (!c.input.empty() && c.input[0].is_object() && c.input[0].value("role", "") == "system")
    c.system_prompt = data::content_text(c.input[0].value("content", Json()));
  if (example.contains("expected")) {
    const Json& e = example["expected"];
    std::vector<std::string> phrases;
    if (e.is_string()) {
      phrases.push_back(e.get<std::string>());
    } else if (e.is_array()) {
      for (const Json& p : e) {
        if (!p.is_string()) throw CaseError(where + ": error: [eval] \"expected\" must hold strings only");
        phrases.push_back(p.get<std::string>());
      }
    } else if (!e.is_null()) {
      throw CaseError(where + ": error: [eval] \"expected\" must be a string or a list of strings");
    }
    if (!e.is_null()) c.expected = std::move(phrases);
  }
  return c;
}

std::vector<EvalCase> load_cases(const std::string& path) {
  data::JsonRecords records = data::read_json_records(path);
  if (!records.findings.empty()) {
    throw CaseError(data::format_finding(records.findings.front()));
  }
  std::vector<EvalCase> cases;
  cases.reserve(records.records.size());
  for (const data::JsonRecord& r : records.records)
    cases.push_back(make_case(r.value, r.line, path + ":" + std::to_string(r.line)));
  return cases;
}

std::string last_user_text(const Json& input) {
  for (std::size_t i = input.size(); i-- > 0;)
    if (input[i].is_object() && input[i].value("role", "") == "user")
      return data::content_text(input[i].value("content", Json()));
  return {};
}

std::string conversation_text(const Json& input) {
  std::string out;
  for (const Json& m : input) {
    if (!m.is_object()) continue;
    if (!out.empty()) out += "\n\n";
    out += m.value("role", "?") + ": " + data::content_text(m.value("content", Json()));
  }
  return out;
}

}  // namespace tunesmith::eval
