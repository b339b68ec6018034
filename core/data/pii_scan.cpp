#include "core/data/pii_scan.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstring>

namespace tunesmith::data {

std::string_view pii_kind_name(PiiKind kind) {
  switch (kind) {
    case PiiKind::Email: return "email";
    case PiiKind::Phone: return "phone";
    case PiiKind::CardNumber: return "card-number";
    case PiiKind::Iban: return "iban";
    case PiiKind::Secret: return "secret";
  }
  return "pii";
}

std::string_view pii_placeholder(PiiKind kind) {
  switch (kind) {
    case PiiKind::Email: return "[EMAIL]";
    case PiiKind::Phone: return "[PHONE]";
    case PiiKind::CardNumber: return "[CARD_NUMBER]";
    case PiiKind::Iban: return "[IBAN]";
    case PiiKind::Secret: return "[SECRET]";
  }
  return "[REDACTED]";
}

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }
bool is_alnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }
bool is_word(char c) { return is_alnum(c) || c == '_'; }
bool is_email_local(char c) { return is_alnum(c) || std::strchr("._%+-", c) != nullptr; }
bool is_domain(char c) { return is_alnum(c) || c == '.' || c == '-'; }
bool is_token_char(char c) { return is_alnum(c) || c == '_' || c == '-'; }

// ---- email: local@domain.tld
void scan_emails(std::string_view t, std::vector<PiiMatch>& out) {
  for (std::size_t at = t.find('@'); at != std::string_view::npos; at = t.find('@', at + 1)) {
    std::size_t b = at;
    while (b > 0 && is_email_local(t[b - 1])) --b;
    while (b < at && (t[b] == '.' || t[b] == '-')) ++b;
    if (b == at) continue;
    std::size_t e = at + 1;
    while (e < t.size() && is_domain(t[e])) ++e;
    while (e > at + 1 && (t[e - 1] == '.' || t[e - 1] == '-')) --e;
    const std::string_view domain = t.substr(at + 1, e - at - 1);
    const std::size_t dot = domain.rfind('.');
    if (dot == std::string_view::npos || dot == 0) continue;
    const std::string_view tld = domain.substr(dot + 1);
    if (tld.size() < 2 || !std::all_of(tld.begin(), tld.end(), [](char c) { return std::isalpha(static_cast<unsigned char>(c)); }))
      continue;
    out.push_back({PiiKind::Email, b, e - b});
  }
}

bool luhn_ok(const std::string& digits) {
  int sum = 0;
  bool dbl = false;
  for (auto it = digits.rbegin(); it != digits.rend(); ++it) {
    int d = *it - '0';
    if (dbl) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    dbl = !dbl;
  }
  return sum % 10 == 0;
}

// ---- digit runs: card numbers (13-19 digits, Luhn) and phone numbers.
// A run: digits with single separators (space, '-', '.', or parentheses) between them,
// optionally led by '+'. Not preceded or followed by a letter or digit.
void scan_numbers(std::string_view t, std::vector<PiiMatch>& out) {
  std::size_t i = 0;
  while (i < t.size()) {
    const bool plus = t[i] == '+' && i + 1 < t.size() && is_digit(t[i + 1]);
    const bool paren = t[i] == '(' && i + 1 < t.size() && is_digit(t[i + 1]);
    if (!(is_digit(t[i]) || plus || paren) || (i > 0 && (is_word(t[i - 1]) || t[i - 1] == '.' || t[i - 1] == '/'))) {
      ++i;
      continue;
    }
    const std::size_t b = i;
    std::string digits;
    bool separated = false;
    std::size_t e = i;
    std::size_t j = i;
    if (plus || paren) ++j;
    while (j < t.size()) {
      if (is_digit(t[j])) {
        digits += t[j];
        ++j;
        e = j;
        continue;
      }
      const char c = t[j];
      const bool sep = c == ' ' || c == '-' || c == '.' || c == '(' || c == ')';
      if (sep && j + 1 < t.size() && (is_digit(t[j + 1]) || (c == ')' && t[j + 1] == ' ' && j + 2 < t.size() && is_digit(t[j + 2])) ||
                                      (c == ' ' && t[j + 1] == '(' ) )) {
        separated = true;
        ++j;
        continue;
      }
      break;
    }
    i = std::max(e, b + 1);
    if (e < t.size() && (is_alnum(t[e]) || t[e] == '_')) continue;  // part of an identifier
    const std::size_t n = digits.size();
    if (n >= 13 && n <= 19 && luhn_ok(digits) && digits.find_first_not_of(digits[0]) != std::string::npos) {
      out.push_back({PiiKind::CardNumber, b, e - b});
      continue;
    }
    if ((plus && n >= 8 && n <= 15) || (separated && n >= 10 && n <= 15 && !(t[b] == '0' && n > 12))) {
      // 2024-01-15 style dates have 8 digits and fall below the bound.
      out.push_back({PiiKind::Phone, b, e - b});
    }
  }
}

// ---- IBAN: CC99 + 11..30 alphanumerics (groups of 4 may be separated by spaces), mod 97 == 1.
bool iban_ok(const std::string& s) {
  if (s.size() < 15 || s.size() > 34) return false;
  const std::string r = s.substr(4) + s.substr(0, 4);
  int mod = 0;
  for (char c : r) {
    if (is_digit(c)) {
      mod = (mod * 10 + (c - '0')) % 97;
    } else if (is_upper(c)) {
      const int v = c - 'A' + 10;
      mod = (mod * 100 + v) % 97;
    } else {
      return false;
    }
  }
  return mod == 1;
}

void scan_ibans(std::string_view t, std::vector<PiiMatch>& out) {
  for (std::size_t i = 0; i + 15 <= t.size(); ++i) {
    if (!(is_upper(t[i]) && is_upper(t[i + 1]) && is_digit(t[i + 2]) && is_digit(t[i + 3]))) continue;
    if (i > 0 && is_word(t[i - 1])) continue;
    std::string compact;
    std::size_t j = i, e = i;
    while (j < t.size() && compact.size() < 34) {
      if (is_digit(t[j]) || is_upper(t[j])) {
        compact += t[j++];
        e = j;
      } else if (t[j] == ' ' && j + 1 < t.size() && (is_digit(t[j + 1]) || is_upper(t[j + 1])) && compact.size() % 4 == 0) {
        ++j;
      } else {
        break;
      }
    }
    // Try the longest valid prefix (a word may follow the IBAN after a space).
    while (compact.size() >= 15) {
      if (iban_ok(compact)) {
        out.push_back({PiiKind::Iban, i, e - i});
        i = e;
        break;
      }
      // drop the last character (and a trailing space group boundary)
      compact.pop_back();
      --e;
      while (e > i && t[e - 1] == ' ') --e;
    }
  }
}

// ---- secrets
struct Prefix {
  const char* text;
  std::size_t min_rest;  // token characters required after the prefix
};
constexpr std::array kSecretPrefixes = {
    Prefix{"sk-", 20},          // OpenAI (sk-, sk-proj-), Anthropic (sk-ant-)
    Prefix{"ghp_", 30},  Prefix{"gho_", 30}, Prefix{"ghu_", 30}, Prefix{"ghs_", 30}, Prefix{"ghr_", 30},
    Prefix{"github_pat_", 30},
    Prefix{"xoxb-", 10}, Prefix{"xoxp-", 10}, Prefix{"xoxa-", 10}, Prefix{"xoxs-", 10},
    Prefix{"AKIA", 16},  Prefix{"ASIA", 16},  // AWS access key ids
    Prefix{"AIza", 35},                       // Google API keys
    Prefix{"hf_", 30},                        // Hugging Face
    Prefix{"glpat-", 20},                     // GitLab
    Prefix{"sk_live_", 20}, Prefix{"rk_live_", 20},  // Stripe
};

void scan_secrets(std::string_view t, std::vector<PiiMatch>& out) {
  for (std::size_t i = 0; i < t.size(); ++i) {
    if (i > 0 && is_token_char(t[i - 1])) continue;
    for (const Prefix& p : kSecretPrefixes) {
      const std::size_t plen = std::strlen(p.text);
      if (t.compare(i, plen, p.text) != 0) continue;
      std::size_t e = i + plen;
      while (e < t.size() && is_token_char(t[e])) ++e;
      if (e - i - plen >= p.min_rest) {
        out.push_back({PiiKind::Secret, i, e - i});
        i = e - 1;
      }
      break;
    }
  }
  // PEM private keys
  for (std::size_t b = t.find("-----BEGIN "); b != std::string_view::npos; b = t.find("-----BEGIN ", b + 1)) {
    const std::size_t line_end = t.find("-----", b + 11);
    if (line_end == std::string_view::npos) break;
    if (t.substr(b, line_end - b).find("PRIVATE KEY") == std::string_view::npos) continue;
    std::size_t end = t.find("-----END ", line_end);
    end = end == std::string_view::npos ? t.size() : t.find("-----", end + 9);
    end = end == std::string_view::npos ? t.size() : end + 5;
    out.push_back({PiiKind::Secret, b, end - b});
    b = end - 1;
  }
  // JWTs: eyJ<b64>.eyJ<b64>.<sig>
  for (std::size_t b = t.find("eyJ"); b != std::string_view::npos; b = t.find("eyJ", b + 1)) {
    if (b > 0 && is_token_char(t[b - 1])) continue;
    std::size_t e = b;
    int dots = 0;
    while (e < t.size() && (is_token_char(t[e]) || t[e] == '.')) {
      if (t[e] == '.') ++dots;
      ++e;
    }
    if (dots == 2 && e - b >= 30 && t.substr(b, e - b).find(".eyJ") != std::string_view::npos) {
      out.push_back({PiiKind::Secret, b, e - b});
      b = e - 1;
    }
  }
  // password=..., api_key: ..., secret = "..." (the value only)
  static const std::array<const char*, 8> kNames = {"password", "passwd", "api_key", "apikey", "api-key",
                                                    "secret_key", "access_token", "client_secret"};
  std::string lower(t);
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  for (const char* name : kNames) {
    const std::size_t nlen = std::strlen(name);
    for (std::size_t k = lower.find(name); k != std::string::npos; k = lower.find(name, k + 1)) {
      if (k > 0 && is_alnum(lower[k - 1])) continue;
      std::size_t j = k + nlen;
      if (j < lower.size() && (lower[j] == '"' || lower[j] == '\'')) ++j;
      while (j < lower.size() && lower[j] == ' ') ++j;
      if (j >= lower.size() || (lower[j] != '=' && lower[j] != ':')) continue;
      ++j;
      while (j < lower.size() && lower[j] == ' ') ++j;
      if (j < lower.size() && (lower[j] == '"' || lower[j] == '\'')) ++j;
      std::size_t e = j;
      while (e < t.size() && !std::isspace(static_cast<unsigned char>(t[e])) && t[e] != '"' && t[e] != '\'' &&
             t[e] != ',' && t[e] != ';')
        ++e;
      if (e - j >= 8) out.push_back({PiiKind::Secret, j, e - j});
    }
  }
}

std::string mask(std::string_view s, PiiKind kind) {
  if (kind == PiiKind::Email) {
    const std::size_t at = s.find('@');
    const std::size_t dot = s.rfind('.');
    std::string out(s.substr(0, std::min<std::size_t>(2, at)));
    out += "***@***";
    if (dot != std::string_view::npos && dot > at) out += s.substr(dot);
    return out;
  }
  if (s.size() <= 8) return std::string(s.size(), '*');
  const std::size_t keep = kind == PiiKind::Secret ? 3 : 4;
  return std::string(s.substr(0, keep)) + std::string(s.size() - 2 * keep, '*') + std::string(s.substr(s.size() - keep));
}

void walk(const Json& j, const std::string& path, const std::function<void(const std::string&, const std::string&)>& f) {
  if (j.is_string()) {
    f(path, j.get_ref<const std::string&>());
  } else if (j.is_array()) {
    for (std::size_t i = 0; i < j.size(); ++i) walk(j[i], path + "[" + std::to_string(i) + "]", f);
  } else if (j.is_object()) {
    for (auto it = j.begin(); it != j.end(); ++it) walk(it.value(), path.empty() ? it.key() : path + "." + it.key(), f);
  }
}

void redact_in_place(Json& j) {
  if (j.is_string()) {
    const std::string& s = j.get_ref<const std::string&>();
    if (!scan_text(s).empty()) j = redact_text(s);
  } else if (j.is_array() || j.is_object()) {
    for (auto& v : j) redact_in_place(v);
  }
}

}  // namespace

std::vector<PiiMatch> scan_text(std::string_view text) {
  std::vector<PiiMatch> all;
  scan_secrets(text, all);  // first: a key may contain digit runs
  scan_emails(text, all);
  scan_ibans(text, all);
  scan_numbers(text, all);
  // Keep the first-found of overlapping matches (secrets, then emails, IBANs, numbers).
  std::vector<PiiMatch> kept;
  for (const PiiMatch& m : all) {
    const bool overlaps = std::any_of(kept.begin(), kept.end(), [&](const PiiMatch& k) {
      return m.offset < k.offset + k.length && k.offset < m.offset + m.length;
    });
    if (!overlaps) kept.push_back(m);
  }
  std::sort(kept.begin(), kept.end(), [](const PiiMatch& a, const PiiMatch& b) { return a.offset < b.offset; });
  return kept;
}

std::string redact_text(std::string_view text) {
  std::string out;
  std::size_t pos = 0;
  for (const PiiMatch& m : scan_text(text)) {
    out.append(text.substr(pos, m.offset - pos));
    out.append(pii_placeholder(m.kind));
    pos = m.offset + m.length;
  }
  out.append(text.substr(pos));
  return out;
}

std::vector<PiiFinding> scan_example(const Conversation& example, std::size_t index, std::size_t line) {
  std::vector<PiiFinding> out;
  walk(example.json(), "", [&](const std::string& path, const std::string& s) {
    for (const PiiMatch& m : scan_text(s)) {
      out.push_back({m.kind, index, line, path, mask(std::string_view(s).substr(m.offset, m.length), m.kind)});
    }
  });
  return out;
}

std::vector<PiiFinding> scan_dataset(const Dataset& dataset) {
  std::vector<PiiFinding> out;
  for (std::size_t i = 0; i < dataset.examples.size(); ++i) {
    const std::size_t line = i < dataset.lines.size() ? dataset.lines[i] : 0;
    auto f = scan_example(dataset.examples[i], i, line);
    out.insert(out.end(), f.begin(), f.end());
  }
  return out;
}

Finding to_finding(const PiiFinding& p, const std::string& file) {
  Finding f;
  f.severity = Severity::Error;
  f.category = "pii-" + std::string(pii_kind_name(p.kind));
  f.file = file;
  f.line = p.line;
  f.example = p.example;
  f.message = std::string(pii_kind_name(p.kind)) + " in " + p.field + ": " + p.masked;
  return f;
}

Conversation redact_example(const Conversation& example) {
  if (scan_example(example).empty()) return example;
  Conversation out = example;
  redact_in_place(out.mutable_json());
  return out;
}

}  // namespace tunesmith::data
