#include "core/data/conversation.h"

#include <stdexcept>

namespace tunesmith::data {

std::optional<Role> role_from_string(std::string_view name) {
  if (name == "system") return Role::System;
  if (name == "developer") return Role::Developer;
  if (name == "user") return Role::User;
  if (name == "assistant") return Role::Assistant;
  if (name == "tool") return Role::Tool;
  if (name == "function") return Role::Function;
  return std::nullopt;
}

std::string_view role_name(Role role) {
  switch (role) {
    case Role::System: return "system";
    case Role::Developer: return "developer";
    case Role::User: return "user";
    case Role::Assistant: return "assistant";
    case Role::Tool: return "tool";
    case Role::Function: return "function";
  }
  return "user";
}

std::string content_text(const Json& content) {
  if (content.is_string()) return content.get<std::string>();
  if (!content.is_array()) return {};
  std::string out;
  bool first = true;
  for (const auto& part : content) {
    if (!part.is_object()) continue;
    auto it = part.find("text");
    if (it == part.end() || !it->is_string()) continue;
    if (!first) out += '\n';
    out += it->get_ref<const std::string&>();
    first = false;
  }
  return out;
}

Conversation::Conversation() : value_(Json::object({{"messages", Json::array()}})) {}

Conversation::Conversation(Json value) : value_(std::move(value)) {
  if (!value_.is_object()) throw std::invalid_argument("an example must be a JSON object");
}

Conversation Conversation::from_jsonl(std::string_view line) {
  Conversation c(Json::parse(line));
  c.source_ = std::string(line);
  return c;
}

Json& Conversation::mutable_json() {
  source_.clear();
  return value_;
}

std::string Conversation::to_jsonl() const {
  if (!source_.empty()) return source_;
  return value_.dump(-1, ' ', false, Json::error_handler_t::replace);
}

bool Conversation::has_message_list() const {
  auto it = value_.find("messages");
  return it != value_.end() && it->is_array();
}

std::size_t Conversation::message_count() const {
  return has_message_list() ? value_["messages"].size() : 0;
}

const Json& Conversation::message(std::size_t i) const { return value_.at("messages").at(i); }

std::string Conversation::role(std::size_t i) const {
  if (i >= message_count()) return {};
  const Json& m = value_["messages"][i];
  if (!m.is_object()) return {};
  auto it = m.find("role");
  return (it != m.end() && it->is_string()) ? it->get<std::string>() : std::string{};
}

std::string Conversation::text(std::size_t i) const {
  if (i >= message_count()) return {};
  const Json& m = value_["messages"][i];
  if (!m.is_object()) return {};
  auto it = m.find("content");
  return it == m.end() ? std::string{} : content_text(*it);
}

Json& Conversation::messages_mut() {
  Json& v = mutable_json();
  auto it = v.find("messages");
  if (it == v.end() || !it->is_array()) v["messages"] = Json::array();
  return v["messages"];
}

void Conversation::set_role(std::size_t i, std::string_view role) {
  messages_mut().at(i)["role"] = std::string(role);
}

void Conversation::set_text(std::size_t i, std::string_view text) {
  messages_mut().at(i)["content"] = std::string(text);
}

void Conversation::insert_message(std::size_t at, std::string_view role, std::string_view text) {
  Json& msgs = messages_mut();
  if (at > msgs.size()) at = msgs.size();
  msgs.insert(msgs.begin() + static_cast<std::ptrdiff_t>(at),
              Json::object({{"role", std::string(role)}, {"content", std::string(text)}}));
}

void Conversation::remove_message(std::size_t i) {
  Json& msgs = messages_mut();
  if (i >= msgs.size()) throw std::out_of_range("no message " + std::to_string(i));
  msgs.erase(msgs.begin() + static_cast<std::ptrdiff_t>(i));
}

void Conversation::move_message(std::size_t from, std::size_t to) {
  Json& msgs = messages_mut();
  if (from >= msgs.size() || to >= msgs.size()) throw std::out_of_range("message index out of range");
  if (from == to) return;
  Json m = std::move(msgs[from]);
  msgs.erase(msgs.begin() + static_cast<std::ptrdiff_t>(from));
  msgs.insert(msgs.begin() + static_cast<std::ptrdiff_t>(to), std::move(m));
}

void Conversation::set_system_prompt(std::string_view text) {
  if (message_count() > 0 && role(0) == "system") {
    set_text(0, text);
  } else {
    insert_message(0, "system", text);
  }
}

std::string Conversation::first_text(std::string_view r) const {
  for (std::size_t i = 0; i < message_count(); ++i)
    if (role(i) == r) return text(i);
  return {};
}

std::string Conversation::last_text(std::string_view r) const {
  for (std::size_t i = message_count(); i-- > 0;)
    if (role(i) == r) return text(i);
  return {};
}

std::vector<std::string> Conversation::expected() const {
  std::vector<std::string> out;
  auto it = value_.find("expected");
  if (it == value_.end()) return out;
  if (it->is_string()) {
    out.push_back(it->get<std::string>());
  } else if (it->is_array()) {
    for (const auto& e : *it)
      if (e.is_string()) out.push_back(e.get<std::string>());
  }
  return out;
}

}  // namespace tunesmith::data
