#include "core/data/rules.h"

#include <algorithm>

#include "core/data/conversation.h"
#include "core/data/text_sniff.h"

namespace tunesmith::data {
namespace {

bool is_blank(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; });
}

std::string in_quotes(std::string_view s) {
  // Built by append: GCC 12 warns falsely (-Wrestrict) on "literal" + std::string&&.
  std::string out(1, '"');
  out += printable(s, 40);
  out += '"';
  return out;
}

struct Reporter {
  const ExampleSite& site;
  std::vector<Finding>& out;
  void operator()(Severity severity, const char* category, std::string message) const {
    out.push_back(Finding{severity, category, site.file, site.line, 0, std::move(message), site.example});
  }
};

// "message 2 (user)" or "message 2" when the role is unusable.
std::string which(std::size_t i, const MessageShape& m) {
  std::string s = "message " + std::to_string(i + 1);
  if (m.role_kind == JsonKind::String && role_from_string(m.role)) s += " (" + m.role + ")";
  return s;
}

void check_message(std::size_t i, const MessageShape& m, const Reporter& report) {
  const std::string who = which(i, m);
  if (!m.is_object) return;  // reported by the caller
  bool role_ok = false;
  if (m.role_kind == JsonKind::Missing) {
    report(Severity::Error, "missing-role", who + " has no \"role\"");
  } else if (m.role_kind != JsonKind::String) {
    report(Severity::Error, "unknown-role", who + ": \"role\" must be a string, not " +
                                                std::string(json_kind_name(m.role_kind)));
  } else if (!role_from_string(m.role)) {
    report(Severity::Error, "unknown-role",
           who + ": unrecognized role " + in_quotes(m.role) +
               " (valid: system, developer, user, assistant, tool, function)");
  } else {
    role_ok = true;
    if (m.role == "function")
      report(Severity::Warning, "deprecated-role",
             who + ": the \"function\" role is deprecated; use \"tool\" messages answering \"tool_calls\"");
  }

  const bool assistant = role_ok && m.role == "assistant";
  const bool calls = m.has_tool_calls || m.has_function_call;
  const bool may_omit = assistant && calls;  // content may be null or absent then
  switch (m.content_kind) {
    case JsonKind::Missing:
      if (!may_omit) report(Severity::Error, "missing-content", who + " has no \"content\"");
      break;
    case JsonKind::Null:
      if (!may_omit)
        report(Severity::Error, "content-type",
               who + ": \"content\" is null; only an assistant message with \"tool_calls\" may have null content");
      break;
    case JsonKind::String:
    case JsonKind::Array:
      if (m.bad_part)
        report(Severity::Error, "content-type",
               who + ": content part " + std::to_string(m.bad_part) +
                   " is not a content part (an object with a \"type\"; a text part needs a string \"text\")");
      else if (assistant && !calls && is_blank(m.text))
        report(Severity::Error, "empty-assistant-content",
               who + " has empty content: there is nothing to learn from it");
      else if (!assistant && role_ok && m.content_kind == JsonKind::String && is_blank(m.text))
        report(Severity::Warning, "empty-content", who + " has empty content");
      break;
    default:
      report(Severity::Error, "content-type",
             who + ": \"content\" must be a string or a list of content parts, not " +
                 std::string(json_kind_name(m.content_kind)));
  }

  if (m.weight_kind != JsonKind::Missing) {
    if (m.weight_kind != JsonKind::Number || (m.weight != 0.0 && m.weight != 1.0)) {
      std::string got = m.weight_kind == JsonKind::Number ? std::to_string(m.weight) : std::string(json_kind_name(m.weight_kind));
      if (m.weight_kind == JsonKind::Number) got.erase(got.find_last_not_of('0') + 1);
      report(Severity::Error, "invalid-weight", who + ": \"weight\" must be 0 or 1, not " + got);
    } else if (role_ok && !assistant) {
      report(Severity::Warning, "invalid-weight", who + ": \"weight\" applies to assistant messages only; it is ignored here");
    }
  }

  if (!m.unknown_keys.empty()) {
    std::string keys;
    for (const auto& k : m.unknown_keys) keys += (keys.empty() ? "" : ", ") + in_quotes(k);
    report(Severity::Warning, "unknown-key",
           who + ": unrecognized key" + (m.unknown_keys.size() > 1 ? "s " : " ") + keys +
               " (known: role, content, name, weight, tool_calls, tool_call_id, function_call, refusal)");
  }
}

// The first ordering problem of the conversation, if any; one warning per example.
void check_order(const ExampleShape& shape, const Reporter& report) {
  const MessageShape* prev = nullptr;  // previous message with a valid role
  bool seen_dialogue = false;          // a non-system message came before
  std::size_t i = 0;
  for (const auto& m : shape.messages) {
    ++i;
    const std::string& r = m.role;
    const std::string at = "message " + std::to_string(i) + " (" + r + ")";
    if (r == "system" || r == "developer") {
      if (seen_dialogue) return report(Severity::Warning, "role-order", at + " comes after the conversation started; instructions belong at the top");
    } else {
      if (!seen_dialogue && r == "assistant")
        return report(Severity::Warning, "role-order", at + " opens the conversation; an assistant turn should answer a user");
      seen_dialogue = true;
    }
    if (prev) {
      const std::string& p = prev->role;
      bool prev_calls = prev->has_tool_calls || prev->has_function_call;
      if (r == "tool" && !(p == "tool" || (p == "assistant" && prev->has_tool_calls)))
        return report(Severity::Warning, "role-order", at + " does not follow an assistant message with \"tool_calls\"");
      if (r == "function" && !(p == "assistant" && prev->has_function_call))
        return report(Severity::Warning, "role-order", at + " does not follow an assistant message with \"function_call\"");
      if (r == p && (r == "user" || (r == "assistant" && !prev_calls)))
        return report(Severity::Warning, "role-order", at + " follows another " + r + " message; turns should alternate");
    }
    prev = &m;
  }
  if (prev && prev->role != "assistant")
    report(Severity::Warning, "role-order",
           "the last message is from the " + prev->role + ", not the assistant: nothing after the last assistant turn is learned");
}

}  // namespace

std::size_t example_tokens(const ExampleShape& shape, const TokenCounter& counter) {
  std::size_t n = kTokensPerConversation;
  for (const auto& m : shape.messages) n += kTokensPerMessage + counter.count(m.role) + counter.count(m.text);
  return n;
}

void check_example(const ExampleShape& shape, const ExampleSite& site, const TokenCounter& counter,
                   std::size_t max_tokens, std::vector<Finding>& out) {
  Reporter report{site, out};
  if (shape.messages_kind != JsonKind::Array) {
    std::string msg = shape.messages_kind == JsonKind::Missing
                          ? std::string("the example has no \"messages\" list")
                          : "\"messages\" must be a list, not " + std::string(json_kind_name(shape.messages_kind));
    if (shape.legacy_prompt_completion) msg += " (\"prompt\"/\"completion\" is the legacy format; chat fine-tuning needs \"messages\")";
    return report(Severity::Error, "missing-messages", msg);
  }
  if (shape.messages.empty()) return report(Severity::Error, "missing-messages", "\"messages\" is empty");

  bool has_assistant = false;
  for (std::size_t i = 0; i < shape.messages.size(); ++i) {
    const MessageShape& m = shape.messages[i];
    if (!m.is_object) {
      report(Severity::Error, "message-not-object", "message " + std::to_string(i + 1) + " is not an object");
      continue;
    }
    check_message(i, m, report);
    if (m.role_kind == JsonKind::String && m.role == "assistant") has_assistant = true;
  }
  if (!has_assistant)
    report(Severity::Error, "missing-assistant", "no assistant message: the example teaches nothing");
  // Order is only worth a warning once every message has a valid role; before that the
  // role errors say it all.
  bool roles_ok = std::all_of(shape.messages.begin(), shape.messages.end(), [](const MessageShape& m) {
    return m.is_object && m.role_kind == JsonKind::String && role_from_string(m.role);
  });
  if (roles_ok) check_order(shape, report);

  std::size_t tokens = example_tokens(shape, counter);
  if (tokens > max_tokens)
    report(Severity::Warning, "too-many-tokens",
           std::string(counter.is_estimate() ? "about " : "") + std::to_string(tokens) + " tokens" +
               (counter.is_estimate() ? " (estimated)" : "") + ", over the limit of " + std::to_string(max_tokens) +
               ": training truncates it");
}

void check_dataset_size(std::size_t examples, Target target, const std::string& file, std::vector<Finding>& out) {
  const bool openai = target == Target::OpenAI;
  const std::string n = std::to_string(examples) + (examples == 1 ? " example" : " examples");
  auto add = [&](Severity s, std::string message) {
    out.push_back(Finding{s, "dataset-size", file, 0, 0, std::move(message), std::size_t(-1)});
  };
  if (examples < 10)
    add(openai ? Severity::Error : Severity::Warning,
        n + (openai ? ": OpenAI fine-tuning requires at least 10" : ": fewer than 10 examples rarely teach a model anything"));
  else if (examples < 50)
    add(Severity::Warning, n + ": clear improvements usually start at 50 to 100 well-crafted examples");
  else if (examples < 100)
    add(Severity::Note, n + ": 100 or more usually help; harder tasks may need 500 or more");
  else if (examples < 500 && openai)
    add(Severity::Note, n + ": if results fall short, more examples (500+ for hard tasks) usually help most");
}

DuplicateIndex::First DuplicateIndex::insert(std::uint64_t hash, std::size_t line, std::size_t example) {
  if (hash == 0) hash = 1;
  if ((size_ + 1) * 2 > slots_.size()) grow();
  std::size_t mask = slots_.size() - 1;
  for (std::size_t i = hash & mask;; i = (i + 1) & mask) {
    Slot& s = slots_[i];
    if (s.hash == hash) return First{s.line, s.example, true};
    if (s.hash == 0) {
      auto cap = [](std::size_t v) { return static_cast<std::uint32_t>(std::min<std::size_t>(v, UINT32_MAX)); };
      s = Slot{hash, cap(line), cap(example)};
      ++size_;
      return First{};
    }
  }
}

void DuplicateIndex::grow() {
  std::vector<Slot> old = std::move(slots_);
  slots_.assign(old.empty() ? 1024 : old.size() * 2, Slot{});
  std::size_t mask = slots_.size() - 1;
  for (const Slot& s : old) {
    if (s.hash == 0) continue;
    std::size_t i = s.hash & mask;
    while (slots_[i].hash != 0) i = (i + 1) & mask;
    slots_[i] = s;
  }
}

Finding duplicate_finding(const ExampleSite& site, const DuplicateIndex::First& first) {
  std::string where = first.line ? "the example on line " + std::to_string(first.line)
                                 : "example " + std::to_string(first.example + 1);
  return Finding{Severity::Warning, "duplicate", site.file, site.line, 0,
                 "duplicate of " + where + " (same roles and texts, ignoring case and spacing)",
                 site.example};
}

}  // namespace tunesmith::data
