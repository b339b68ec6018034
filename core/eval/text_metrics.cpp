#include "core/eval/text_metrics.h"

#include <algorithm>
#include <cctype>
#include <map>

namespace tunesmith::eval {
namespace {

bool is_word_byte(unsigned char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || c >= 0x80; }

std::vector<std::string> split_words(std::string_view lowered) {
  std::vector<std::string> out;
  std::string cur;
  for (unsigned char c : lowered) {
    if (is_word_byte(c)) {
      cur.push_back(static_cast<char>(c));
    } else if (!cur.empty()) {
      out.push_back(std::move(cur));
      cur.clear();
    }
  }
  if (!cur.empty()) out.push_back(std::move(cur));
  return out;
}

}  // namespace

std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

std::string normalize_answer(std::string_view s) {
  // SQuAD: lower, remove punctuation (ASCII), remove articles, fix whitespace.
  std::string lowered;
  for (char c : ascii_lower(s)) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (u < 0x80 && std::ispunct(u)) continue;
    lowered.push_back(c);
  }
  std::string out;
  std::string word;
  auto flush = [&] {
    if (word.empty() || word == "a" || word == "an" || word == "the") {
      word.clear();
      return;
    }
    if (!out.empty()) out.push_back(' ');
    out += word;
    word.clear();
  };
  for (char c : lowered) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') flush();
    else word.push_back(c);
  }
  flush();
  return out;
}

std::vector<std::string> rouge_tokens(std::string_view s) { return split_words(ascii_lower(s)); }

std::vector<std::string> squad_tokens(std::string_view s) {
  std::vector<std::string> out;
  const std::string n = normalize_answer(s);
  std::size_t start = 0;
  while (start < n.size()) {
    std::size_t end = n.find(' ', start);
    if (end == std::string::npos) end = n.size();
    out.push_back(n.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

std::size_t lcs_length(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  // One row of the classic DP table: O(|a| |b|) time, O(|b|) memory.
  std::vector<std::size_t> prev(b.size() + 1, 0), cur(b.size() + 1, 0);
  for (std::size_t i = 1; i <= a.size(); ++i) {
    for (std::size_t j = 1; j <= b.size(); ++j)
      cur[j] = a[i - 1] == b[j - 1] ? prev[j - 1] + 1 : std::max(prev[j], cur[j - 1]);
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

double rouge_l_f(std::string_view answer, std::string_view reference) {
  const auto a = rouge_tokens(answer), r = rouge_tokens(reference);
  if (a.empty() || r.empty()) return 0.0;  // as rouge-score
  const double lcs = static_cast<double>(lcs_length(a, r));
  if (lcs == 0) return 0.0;
  const double p = lcs / static_cast<double>(a.size()), rec = lcs / static_cast<double>(r.size());
  return 2 * p * rec / (p + rec);
}

double token_f1(std::string_view answer, std::string_view reference) {
  const auto a = squad_tokens(answer), r = squad_tokens(reference);
  if (a.empty() || r.empty()) return a.empty() && r.empty() ? 1.0 : 0.0;  // as SQuAD
  std::map<std::string, long> counts;
  for (const auto& t : r) ++counts[t];
  long common = 0;
  for (const auto& t : a) {
    auto it = counts.find(t);
    if (it != counts.end() && it->second > 0) {
      --it->second;
      ++common;
    }
  }
  if (common == 0) return 0.0;
  const double p = static_cast<double>(common) / static_cast<double>(a.size());
  const double rec = static_cast<double>(common) / static_cast<double>(r.size());
  return 2 * p * rec / (p + rec);
}

}  // namespace tunesmith::eval
