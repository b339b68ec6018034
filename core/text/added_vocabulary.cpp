#include "core/text/added_vocabulary.h"

#include <algorithm>

#include "core/text/unicode.h"

namespace tunesmith::text::detail {

void AddedMatcher::add(const AddedToken& token, std::string_view content) {
  if (content.empty()) return;
  if (!root_init_) {
    std::fill(std::begin(root_next_), std::end(root_next_), -1);
    root_init_ = true;
  }
  int32_t node = 0;
  for (unsigned char c : content) {
    int32_t child = -1;
    if (node == 0) {
      child = root_next_[c];
    } else {
      auto& nx = nodes_[static_cast<std::size_t>(node)].next;
      auto it = std::lower_bound(nx.begin(), nx.end(), std::make_pair(c, INT32_MIN));
      if (it != nx.end() && it->first == c) child = it->second;
    }
    if (child < 0) {
      child = static_cast<int32_t>(nodes_.size());
      nodes_.emplace_back();
      if (node == 0) {
        root_next_[c] = child;
      } else {
        auto& nx = nodes_[static_cast<std::size_t>(node)].next;
        nx.insert(std::lower_bound(nx.begin(), nx.end(), std::make_pair(c, INT32_MIN)), std::make_pair(c, child));
      }
    }
    node = child;
  }
  // The first pattern wins among equal contents (aho-corasick pattern order).
  if (nodes_[static_cast<std::size_t>(node)].entry < 0) {
    nodes_[static_cast<std::size_t>(node)].entry = static_cast<int32_t>(entries_.size());
    entries_.push_back(token);
  }
}

namespace {
std::size_t last_char_start(std::string_view s) {
  std::size_t j = s.size() - 1;
  while (j > 0 && unicode::is_continuation(static_cast<unsigned char>(s[j]))) --j;
  return j;
}
bool ends_with_word(std::string_view s) {
  if (s.empty()) return false;
  std::size_t j = last_char_start(s);
  return unicode::is_word_char(unicode::next_cp(s, j));
}
bool starts_with_word(std::string_view s) {
  if (s.empty()) return false;
  std::size_t j = 0;
  return unicode::is_word_char(unicode::next_cp(s, j));
}
// Start of the whitespace run that ends s.
std::size_t space_leftmost_at_end(std::string_view s) {
  std::size_t e = s.size();
  while (e > 0) {
    std::size_t j = e - 1;
    while (j > 0 && unicode::is_continuation(static_cast<unsigned char>(s[j]))) --j;
    std::size_t k = j;
    if (!unicode::is_whitespace(unicode::next_cp(s, k))) break;
    e = j;
  }
  return e;
}
// End of the whitespace run that starts s.
std::size_t space_rightmost_at_start(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    std::size_t k = i;
    if (!unicode::is_whitespace(unicode::next_cp(s, k))) break;
    i = k;
  }
  return i;
}
}  // namespace

void AddedMatcher::split(std::string_view s, std::vector<Piece>& out) const {
  out.clear();
  if (s.empty()) return;
  if (entries_.empty()) {
    out.push_back({-1, 0, static_cast<uint32_t>(s.size())});
    return;
  }
  // 1. Leftmost-longest, non-overlapping matches.
  struct M {
    uint32_t b, e;
    int32_t entry;
  };
  std::vector<M> matches;
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  std::size_t n = s.size();
  std::size_t i = 0;
  while (i < n) {
    int32_t node = root_next_[p[i]];
    if (node < 0) {
      ++i;
      continue;
    }
    int32_t best = -1;
    std::size_t best_end = 0;
    std::size_t k = i + 1;
    while (true) {
      const Node& nd = nodes_[static_cast<std::size_t>(node)];
      if (nd.entry >= 0) {
        best = nd.entry;
        best_end = k;
      }
      if (k >= n || nd.next.empty()) break;
      auto it = std::lower_bound(nd.next.begin(), nd.next.end(), std::make_pair(p[k], INT32_MIN));
      if (it == nd.next.end() || it->first != p[k]) break;
      node = it->second;
      ++k;
    }
    if (best >= 0) {
      matches.push_back({static_cast<uint32_t>(i), static_cast<uint32_t>(best_end), best});
      i = best_end;
    } else {
      ++i;
    }
  }
  // 2. HF's find_matches: single_word, lstrip, rstrip.
  uint32_t start_offset = 0;
  for (const auto& m : matches) {
    uint32_t start = m.b, stop = m.e;
    const AddedToken& t = entries_[static_cast<std::size_t>(m.entry)];
    if (t.single_word) {
      bool start_space = start == 0 || !ends_with_word(s.substr(0, start));
      bool stop_space = stop == n || !starts_with_word(s.substr(stop));
      if (!start_space || !stop_space) continue;
    }
    if (t.lstrip) {
      uint32_t ns = static_cast<uint32_t>(space_leftmost_at_end(s.substr(0, start)));
      start = std::max(ns, start_offset);
    }
    if (t.rstrip) stop += static_cast<uint32_t>(space_rightmost_at_start(s.substr(stop)));
    if (start_offset < start) out.push_back({-1, start_offset, start});
    out.push_back({t.id, start, stop});
    start_offset = stop;
  }
  if (start_offset != n) out.push_back({-1, start_offset, static_cast<uint32_t>(n)});
}

}  // namespace tunesmith::text::detail
