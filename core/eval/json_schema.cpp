#include "core/eval/json_schema.h"

#include <set>
#include <stdexcept>

namespace tunesmith::eval {
namespace {

using Json = data::Json;

const std::set<std::string>& supported() {
  static const std::set<std::string> k = {"type",      "enum",     "const",     "properties", "required",
                                          "additionalProperties", "items", "minItems", "maxItems",
                                          "minLength", "maxLength", "minimum", "maximum", "title",
                                          "description", "$schema"};
  return k;
}

bool has_type(const Json& v, const std::string& t) {
  if (t == "object") return v.is_object();
  if (t == "array") return v.is_array();
  if (t == "string") return v.is_string();
  if (t == "boolean") return v.is_boolean();
  if (t == "null") return v.is_null();
  if (t == "number") return v.is_number();
  if (t == "integer") return v.is_number_integer() || (v.is_number_float() && v.get<double>() == static_cast<double>(static_cast<long long>(v.get<double>())));
  return false;
}

void check_at(const Json& s, const std::string& at) {
  if (!s.is_object()) throw std::invalid_argument("JSON schema " + (at.empty() ? "/" : at) + ": must be an object");
  for (const auto& [key, value] : s.items()) {
    if (!supported().count(key))
      throw std::invalid_argument("JSON schema " + at + "/" + key + ": keyword not supported by the json scorer");
    if (key == "properties") {
      if (!value.is_object()) throw std::invalid_argument("JSON schema " + at + "/properties: must be an object");
      for (const auto& [name, sub] : value.items()) check_at(sub, at + "/properties/" + name);
    } else if (key == "items" || (key == "additionalProperties" && value.is_object())) {
      check_at(value, at + "/" + key);
    } else if (key == "required" && !value.is_array()) {
      throw std::invalid_argument("JSON schema " + at + "/required: must be a list of names");
    } else if (key == "type" && !value.is_string() && !value.is_array()) {
      throw std::invalid_argument("JSON schema " + at + "/type: must be a name or a list of names");
    }
  }
}

std::string violation(const Json& v, const Json& s, const std::string& at) {
  const std::string where = at.empty() ? "/" : at;
  if (s.contains("type")) {
    const Json& t = s["type"];
    bool ok = false;
    if (t.is_string()) ok = has_type(v, t.get<std::string>());
    else for (const Json& x : t) ok = ok || (x.is_string() && has_type(v, x.get<std::string>()));
    if (!ok) return where + ": expected " + t.dump();
  }
  if (s.contains("enum")) {
    bool found = false;
    for (const Json& e : s["enum"]) found = found || e == v;
    if (!found) return where + ": not one of " + s["enum"].dump();
  }
  if (s.contains("const") && s["const"] != v) return where + ": expected " + s["const"].dump();
  if (v.is_object()) {
    if (s.contains("required"))
      for (const Json& r : s["required"])
        if (r.is_string() && !v.contains(r.get<std::string>())) return where + ": missing \"" + r.get<std::string>() + "\"";
    const Json props = s.value("properties", Json::object());
    for (const auto& [name, sub] : v.items()) {
      if (props.contains(name)) {
        std::string e = violation(sub, props[name], at + "/" + name);
        if (!e.empty()) return e;
      } else if (s.contains("additionalProperties")) {
        const Json& ap = s["additionalProperties"];
        if (ap.is_boolean() && !ap.get<bool>()) return where + ": unexpected \"" + name + "\"";
        if (ap.is_object()) {
          std::string e = violation(sub, ap, at + "/" + name);
          if (!e.empty()) return e;
        }
      }
    }
  }
  if (v.is_array()) {
    if (s.contains("minItems") && v.size() < s["minItems"].get<std::size_t>()) return where + ": too few items";
    if (s.contains("maxItems") && v.size() > s["maxItems"].get<std::size_t>()) return where + ": too many items";
    if (s.contains("items"))
      for (std::size_t i = 0; i < v.size(); ++i) {
        std::string e = violation(v[i], s["items"], at + "/" + std::to_string(i));
        if (!e.empty()) return e;
      }
  }
  if (v.is_string()) {
    const std::size_t n = v.get_ref<const std::string&>().size();
    if (s.contains("minLength") && n < s["minLength"].get<std::size_t>()) return where + ": too short";
    if (s.contains("maxLength") && n > s["maxLength"].get<std::size_t>()) return where + ": too long";
  }
  if (v.is_number()) {
    const double x = v.get<double>();
    if (s.contains("minimum") && x < s["minimum"].get<double>()) return where + ": below the minimum";
    if (s.contains("maximum") && x > s["maximum"].get<double>()) return where + ": above the maximum";
  }
  return {};
}

}  // namespace

void check_schema(const data::Json& schema) { check_at(schema, ""); }

std::string schema_violation(const data::Json& value, const data::Json& schema) {
  return violation(value, schema, "");
}

}  // namespace tunesmith::eval
