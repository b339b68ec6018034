#include "core/data/import_alpaca.h"

#include <set>
#include <stdexcept>

#include "core/data/json_records.h"

namespace tunesmith::data {
namespace {

// A string field, "" when absent or null; anything else is an error.
std::string text_field(const Json& record, const char* key) {
  auto it = record.find(key);
  if (it == record.end() || it->is_null()) return {};
  if (!it->is_string()) throw std::invalid_argument(std::string("\"") + key + "\" is not a string");
  return it->get<std::string>();
}

const std::set<std::string> kKnownKeys{"instruction", "input", "output", "system", "history"};

}  // namespace

Conversation alpaca_to_conversation(const Json& record, const ImportOptions& options) {
  const std::string instruction = text_field(record, "instruction");
  const std::string input = text_field(record, "input");
  if (auto out = record.find("output"); out != record.end() && out->is_array())
    throw std::invalid_argument("\"output\" is a list (preference data); only supervised examples are imported");
  const std::string output = text_field(record, "output");
  const std::string system = text_field(record, "system");
  if (instruction.empty() && input.empty()) throw std::invalid_argument("\"instruction\" and \"input\" are both empty");
  if (output.empty()) throw std::invalid_argument("\"output\" is missing or empty");

  Conversation ex;
  auto append = [&](const char* role, const std::string& text) { ex.insert_message(ex.message_count(), role, text); };
  if (!system.empty()) append("system", system);

  if (auto h = record.find("history"); h != record.end() && !h->is_null()) {
    if (!h->is_array()) throw std::invalid_argument("\"history\" is not a list of [user, assistant] pairs");
    for (std::size_t k = 0; k < h->size(); ++k) {
      const Json& pair = (*h)[k];
      if (!pair.is_array() || pair.size() != 2 || !pair[0].is_string() || !pair[1].is_string())
        throw std::invalid_argument("\"history\"[" + std::to_string(k) + "] is not a [user, assistant] pair of strings");
      append("user", pair[0].get<std::string>());
      append("assistant", pair[1].get<std::string>());
    }
  }

  // The input is the material the instruction works on ("Summarize this:" + an
  // article). The original Alpaca prompt shows the two as separate blocks with a blank
  // line between them; "\n\n" keeps that paragraph break, so the instruction's last
  // sentence never runs into the input's first line. (LLaMA-Factory joins with a
  // single "\n"; the model learns either, but a blank line reads as intended.)
  std::string user = instruction;
  if (!input.empty()) user = instruction.empty() ? input : instruction + "\n\n" + input;
  append("user", user);
  append("assistant", output);
  add_default_system(ex, options.system_prompt);
  return ex;
}

ImportResult import_alpaca(const std::string& path, const ImportOptions& options) {
  JsonRecords read = read_json_records(path);
  ImportResult result;
  result.findings = std::move(read.findings);
  std::set<std::string> unknown;
  for (const JsonRecord& rec : read.records) {
    try {
      result.examples.push_back(alpaca_to_conversation(rec.value, options));
      for (const auto& item : rec.value.items())
        if (!kKnownKeys.count(item.key())) unknown.insert(item.key());
    } catch (const std::invalid_argument& e) {
      result.findings.push_back(record_error(path, rec.line, "alpaca-record", e.what()));
    }
  }
  if (!unknown.empty()) {
    std::string names;
    for (const auto& k : unknown) names += (names.empty() ? "" : ", ") + k;
    result.findings.push_back(
        Finding{Severity::Note, "unused-fields", path, 0, 0, "fields not imported: " + names, std::size_t(-1)});
  }
  return result;
}

}  // namespace tunesmith::data
