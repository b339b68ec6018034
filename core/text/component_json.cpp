// JSON field helpers shared by the component builders.
#include <stdexcept>

#include "core/text/components.h"

namespace tunesmith::text::detail {

const nlohmann::json& field(const nlohmann::json& j, const char* key, const std::string& where) {
  if (!j.is_object()) throw std::invalid_argument(where + ": expected an object");
  auto it = j.find(key);
  if (it == j.end()) throw std::invalid_argument(where + ": missing field '" + key + "'");
  return *it;
}

std::string str_field(const nlohmann::json& j, const char* key, const std::string& where) {
  const auto& v = field(j, key, where);
  if (!v.is_string()) throw std::invalid_argument(where + "." + key + ": expected a string");
  return v.get<std::string>();
}

bool bool_field(const nlohmann::json& j, const char* key, const std::string& where, bool fallback) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return fallback;
  if (!it->is_boolean()) throw std::invalid_argument(where + "." + key + ": expected a boolean");
  return it->get<bool>();
}

std::string type_of(const nlohmann::json& j, const std::string& where) { return str_field(j, "type", where); }

Pattern make_pattern(const nlohmann::json& j, const std::string& where) {
  if (!j.is_object() || j.size() != 1) throw std::invalid_argument(where + ": expected {\"String\": ...} or {\"Regex\": ...}");
  if (auto it = j.find("String"); it != j.end() && it->is_string()) return Pattern::literal(it->get<std::string>());
  if (auto it = j.find("Regex"); it != j.end() && it->is_string()) {
    try {
      return Pattern::regex(it->get<std::string>());
    } catch (const std::invalid_argument& e) {
      throw std::invalid_argument(where + ": " + e.what());
    }
  }
  throw std::invalid_argument(where + ": unsupported pattern " + j.dump());
}

}  // namespace tunesmith::text::detail
