#pragma once
// Internal: the regular expressions of tokenizer.json (written for Oniguruma, which the
// reference uses) run on PCRE2 with JIT. translate_oniguruma() rewrites the constructs
// whose meaning differs between the two engines; what it cannot translate is an error.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tunesmith::text::detail {

// Oniguruma (Ruby syntax, UTF-8) -> PCRE2 (UTF + UCP). Throws std::invalid_argument.
std::string translate_oniguruma(std::string_view pattern);

class Regex {
 public:
  // Throws std::invalid_argument naming the pattern and the PCRE2 error.
  explicit Regex(std::string_view oniguruma_pattern);
  ~Regex();
  Regex(const Regex&) = delete;
  Regex& operator=(const Regex&) = delete;

  // Non-overlapping matches left to right, as Oniguruma's find_iter: an empty match at
  // the end of the previous match is skipped by one character.
  void find_all(std::string_view text, std::vector<std::pair<uint32_t, uint32_t>>& out) const;
  const std::string& source() const { return source_; }

 private:
  std::string source_;
  void* code_ = nullptr;  // pcre2_code_8
};

// A split/replace pattern of tokenizer.json: a literal string, a regex, or a character
// predicate. find_matches covers the whole input with (range, is_match) pieces, like
// HF's Pattern::find_matches.
struct Match {
  uint32_t begin, end;
  bool is_match;
};

class Pattern {
 public:
  static Pattern literal(std::string s);
  static Pattern regex(std::string_view onig);
  static Pattern predicate(bool (*fn)(char32_t));
  void find_matches(std::string_view text, std::vector<Match>& out) const;
  // Only the matched ranges.
  void find_ranges(std::string_view text, std::vector<std::pair<uint32_t, uint32_t>>& out) const;

 private:
  std::string literal_;
  std::shared_ptr<Regex> regex_;
  bool (*fn_)(char32_t) = nullptr;
};

}  // namespace tunesmith::text::detail
