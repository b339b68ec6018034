#include "core/cloud/synthetic.h"

#include <algorithm>

#include "core/data/dataset.h"
#include "core/data/normalize.h"
#include "core/data/validate.h"

namespace tunesmith::cloud {

namespace {
// normalized_example() of the conversation without its system/developer messages: a
// generated example duplicates an existing one whatever system prompt either carries.
std::string dedupe_key(const data::Conversation& c) {
  data::Conversation turns = c;
  for (std::size_t i = turns.message_count(); i-- > 0;) {
    const std::string role = turns.role(i);
    if (role == "system" || role == "developer") turns.remove_message(i);
  }
  return data::normalized_example(turns);
}
}  // namespace

Json synthetic_request_body(const SyntheticSpec& spec, int n, const std::vector<std::string>& avoid) {
  std::string system =
      "You write training data for fine-tuning a chat model. Reply with one JSON object of the form "
      "{\"examples\": [{\"messages\": [{\"role\": \"user\", \"content\": \"...\"}, {\"role\": \"assistant\", "
      "\"content\": \"...\"}]}]}. Each example is one realistic conversation: a user request and the ideal "
      "assistant answer. Make the examples diverse: vary topics, phrasing, length, difficulty and edge cases; "
      "never repeat an example. Do not include a system message. Do not include real personal data (names of "
      "real private people, emails, phone numbers, card numbers, keys).";
  std::string user = "Task the fine-tuned model must perform:\n" + spec.task.toStdString() + "\n\nWrite " +
                     std::to_string(n) + " new examples.";
  if (!spec.system_prompt.isEmpty())
    user += "\nThe model will run with this system prompt (do not repeat it in the examples):\n" +
            spec.system_prompt.toStdString();
  if (!avoid.empty()) {
    user += "\nThese user requests already exist; write different ones:\n";
    for (const auto& a : avoid) user += "- " + a.substr(0, 200) + "\n";
  }
  const Json messages = Json::array({Json{{"role", "system"}, {"content", system}}, Json{{"role", "user"}, {"content", user}}});
  ResponseFormat format;
  format.type = ResponseFormat::Type::JsonObject;
  return chat_body(spec.model, messages, format, spec.temperature);
}

std::vector<data::Conversation> parse_synthetic_examples(const QString& content) {
  std::vector<data::Conversation> out;
  Json j;
  try {
    j = Json::parse(content.toStdString());
  } catch (const std::exception&) {
    return out;
  }
  Json list;
  if (j.is_array()) list = j;
  else if (j.is_object() && j.contains("examples") && j["examples"].is_array()) list = j["examples"];
  else if (j.is_object() && j.contains("messages")) list = Json::array({j});
  else return out;
  for (const Json& e : list) {
    if (!e.is_object() || !e.contains("messages") || !e["messages"].is_array()) continue;
    Json clean = Json::object();
    clean["messages"] = e["messages"];
    out.emplace_back(std::move(clean));
  }
  return out;
}

std::vector<data::Conversation> filter_candidates(std::vector<data::Conversation> candidates, std::set<std::string>& seen,
                                                  int& invalid, int& duplicates, bool,
                                                  std::vector<std::string>* reasons) {
  data::Dataset ds;
  ds.examples = std::move(candidates);
  ds.lines.assign(ds.examples.size(), 0);
  data::ValidationOptions vo;
  vo.target = data::Target::OpenAI;
  std::vector<bool> bad(ds.examples.size(), false);
  for (const data::Finding& f : data::validate_dataset(ds, vo)) {
    if (f.severity != data::Severity::Error || f.category == "dataset-size") continue;
    if (f.example >= bad.size() || bad[f.example]) continue;
    bad[f.example] = true;
    if (reasons)
      reasons->push_back("example " + std::to_string(f.example + 1) + ": [" + f.category + "] " + f.message);
  }
  std::vector<data::Conversation> kept;
  for (std::size_t i = 0; i < ds.examples.size(); ++i) {
    if (bad[i]) {
      ++invalid;
      continue;
    }
    const std::string key = dedupe_key(ds.examples[i]);
    if (!seen.insert(key).second) {
      ++duplicates;
      continue;
    }
    kept.push_back(std::move(ds.examples[i]));
  }
  return kept;
}

SyntheticGenerator::SyntheticGenerator(OpenAIClient* client, SyntheticSpec spec,
                                       const std::vector<data::Conversation>& existing, QObject* parent)
    : QObject(parent), client_(client), spec_(std::move(spec)) {
  for (const auto& e : existing) seen_.insert(dedupe_key(e));
  if (spec_.per_request < 1) spec_.per_request = 1;
  if (spec_.max_requests <= 0) spec_.max_requests = 2 * ((spec_.count + spec_.per_request - 1) / spec_.per_request) + 2;
}

void SyntheticGenerator::start() { request_batch(); }

void SyntheticGenerator::cancel() {
  cancelled_ = true;
  if (call_) call_->cancel();
}

void SyntheticGenerator::request_batch() {
  const int missing = spec_.count - static_cast<int>(report_.accepted.size());
  if (cancelled_ || missing <= 0 || report_.requested >= spec_.max_requests) {
    if (cancelled_ && report_.error.ok()) report_.error.kind = ApiError::Kind::Cancelled;
    Q_EMIT finished();
    return;
  }
  std::vector<std::string> avoid;
  for (auto it = report_.accepted.rbegin(); it != report_.accepted.rend() && avoid.size() < 20; ++it)
    avoid.push_back(it->first_text("user"));
  const int n = std::min(missing, spec_.per_request);
  ++report_.requested;
  Call* call = client_->chat(synthetic_request_body(spec_, n, avoid));
  call_ = call;
  call->then([this, call, missing](const Result& r) {
    call->deleteLater();
    if (!r.ok()) {
      report_.error = r.error;
      Q_EMIT finished();
      return;
    }
    auto candidates = parse_synthetic_examples(chat_text(r.json));
    report_.candidates += static_cast<int>(candidates.size());
    // Deduplicate on the generated turns (the existing data may carry another system
    // prompt), then add the run's system prompt.
    std::vector<std::string> reasons;
    auto kept = filter_candidates(std::move(candidates), seen_, report_.invalid, report_.duplicates,
                                  !spec_.system_prompt.isEmpty(), &reasons);
    for (const std::string& why : reasons)
      report_.rejected.push_back("request " + std::to_string(report_.requested) + ", " + why);
    for (auto& k : kept) {
      if (static_cast<int>(report_.accepted.size()) >= spec_.count) break;
      if (!spec_.system_prompt.isEmpty()) k.set_system_prompt(spec_.system_prompt.toStdString());
      report_.accepted.push_back(std::move(k));
    }
    Q_UNUSED(missing);
    Q_EMIT progress(static_cast<int>(report_.accepted.size()), spec_.count);
    request_batch();
  });
}

}  // namespace tunesmith::cloud
