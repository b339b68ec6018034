#include "core/text/normalized_string.h"

#include "core/text/byte_level.h"
#include "core/text/unicode.h"

namespace tunesmith::text::detail {

using unicode::is_continuation;
using unicode::next_cp;
using unicode::utf8_len;

NormalizedString NormalizedString::from_input(std::string_view input, uint32_t begin, uint32_t end) {
  NormalizedString s;
  s.text.assign(input.substr(begin, end - begin));
  s.identity = true;
  s.base = begin;
  s.orig_begin = begin;
  s.orig_end = end;
  return s;
}

Align NormalizedString::at(std::size_t i) const {
  if (!identity) return align[i];
  std::size_t j = i;
  while (j > 0 && is_continuation(static_cast<unsigned char>(text[j]))) --j;
  std::size_t len = utf8_len(static_cast<unsigned char>(text[j]));
  return {static_cast<uint32_t>(base + j), static_cast<uint32_t>(base + j + len)};
}

void NormalizedString::materialize() {
  if (!identity) return;
  align.resize(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t len = utf8_len(static_cast<unsigned char>(text[i]));
    Align a{static_cast<uint32_t>(base + i), static_cast<uint32_t>(base + i + len)};
    for (std::size_t k = 0; k < len; ++k) align[i + k] = a;
    i += len;
  }
  identity = false;
}

NormalizedString NormalizedString::slice(std::size_t b, std::size_t e) const {
  NormalizedString r;
  r.text.assign(text, b, e - b);
  if (identity) {
    r.identity = true;
    r.base = static_cast<uint32_t>(base + b);
  } else {
    r.identity = false;
    r.align.assign(align.begin() + static_cast<std::ptrdiff_t>(b), align.begin() + static_cast<std::ptrdiff_t>(e));
  }
  if (e > b) {
    r.orig_begin = at(b).start;
    r.orig_end = at(e - 1).end;
  } else {
    r.orig_begin = r.orig_end = b < text.size() ? at(b).start : orig_end;
  }
  return r;
}

void NormalizedString::prepend(std::string_view s) {
  if (text.empty() || s.empty()) return;
  materialize();
  std::size_t first_len = utf8_len(static_cast<unsigned char>(text[0]));
  std::size_t first_cp_len = utf8_len(static_cast<unsigned char>(s[0]));
  Align a0 = align[0], a_last = align[first_len - 1];
  std::vector<Align> na;
  na.reserve(align.size() + s.size());
  na.insert(na.end(), first_cp_len, a0);
  na.insert(na.end(), s.size() - first_cp_len, a_last);
  na.insert(na.end(), first_len, a_last);
  na.insert(na.end(), align.begin() + static_cast<std::ptrdiff_t>(first_len), align.end());
  text.insert(0, s);
  align = std::move(na);
}

void NormalizedString::replace_ranges(const std::vector<std::pair<uint32_t, uint32_t>>& ranges,
                                      std::string_view content) {
  if (ranges.empty()) return;
  materialize();
  std::string nt;
  std::vector<Align> na;
  nt.reserve(text.size() + ranges.size() * content.size());
  na.reserve(nt.capacity());
  std::size_t pos = 0;
  for (auto [b, e] : ranges) {
    nt.append(text, pos, b - pos);
    na.insert(na.end(), align.begin() + static_cast<std::ptrdiff_t>(pos), align.begin() + b);
    nt.append(content);
    na.insert(na.end(), content.size(), align[e - 1]);
    pos = e;
  }
  nt.append(text, pos, std::string::npos);
  na.insert(na.end(), align.begin() + static_cast<std::ptrdiff_t>(pos), align.end());
  text = std::move(nt);
  align = std::move(na);
}

void NormalizedString::lowercase() {
  std::string nt;
  nt.reserve(text.size());
  std::vector<Align> na;
  bool changed = false;
  std::size_t i = 0;
  std::string lower;
  while (i < text.size()) {
    std::size_t cs = i;
    char32_t cp = next_cp(text, i);
    lower.clear();
    unicode::append_lowercase(lower, cp);
    if (lower.size() != i - cs || lower.compare(0, lower.size(), text, cs, i - cs) != 0) changed = true;
    nt += lower;
  }
  if (!changed) return;
  materialize();
  na.reserve(nt.size());
  i = 0;
  while (i < text.size()) {
    std::size_t cs = i;
    char32_t cp = next_cp(text, i);
    lower.clear();
    unicode::append_lowercase(lower, cp);
    std::size_t first = utf8_len(static_cast<unsigned char>(lower[0]));
    na.insert(na.end(), first, align[cs]);
    na.insert(na.end(), lower.size() - first, align[i - 1]);
  }
  text = std::move(nt);
  align = std::move(na);
}

void NormalizedString::strip(bool left, bool right) {
  std::size_t b = 0, e = text.size();
  if (left) {
    std::size_t i = 0;
    while (i < text.size()) {
      std::size_t cs = i;
      if (!unicode::is_whitespace(next_cp(text, i))) { i = cs; break; }
    }
    b = i;
  }
  if (right) {
    while (e > b) {
      std::size_t cs = e - 1;
      while (cs > b && is_continuation(static_cast<unsigned char>(text[cs]))) --cs;
      std::size_t k = cs;
      if (!unicode::is_whitespace(next_cp(text, k))) break;
      e = cs;
    }
  }
  if (b == 0 && e == text.size()) return;
  materialize();
  text = text.substr(b, e - b);
  align = std::vector<Align>(align.begin() + static_cast<std::ptrdiff_t>(b), align.begin() + static_cast<std::ptrdiff_t>(e));
}

namespace {
// Characters that may compose with the character before them though their combining
// class is 0 (NFC_Quick_Check = Maybe starters).
bool maybe_second(char32_t c) {
  if (c >= 0x1161 && c <= 0x1175) return true;
  if (c >= 0x11A8 && c <= 0x11C2) return true;
  switch (c) {
    case 0x0B3E: case 0x0B56: case 0x0B57: case 0x0BBE: case 0x0BD7: case 0x0C56: case 0x0CC2:
    case 0x0CD5: case 0x0CD6: case 0x0D3E: case 0x0D57: case 0x0DCF: case 0x0DDF: case 0x102E:
    case 0x1B35: case 0x110BA: case 0x11127: case 0x1133E: case 0x11357: case 0x114B0: case 0x114BA:
    case 0x114BD: case 0x115AF: case 0x11930:
      return true;
    default:
      return false;
  }
}
}  // namespace

void NormalizedString::unicode_normalize(int form_int) {
  auto form = static_cast<unicode::NormForm>(form_int);
  // ASCII never changes under any normalization form.
  bool ascii = true;
  for (unsigned char c : text)
    if (c >= 0x80) { ascii = false; break; }
  if (ascii) return;
  std::string whole = unicode::normalize(text, form);
  if (whole == text) return;
  materialize();
  // Segments: a starter and the characters that may combine with it.
  std::vector<std::size_t> cuts{0};
  {
    std::size_t i = 0;
    while (i < text.size()) {
      std::size_t cs = i;
      char32_t cp = next_cp(text, i);
      if (cs > 0 && unicode::combining_class(cp) == 0 && !maybe_second(cp)) cuts.push_back(cs);
    }
    cuts.push_back(text.size());
  }
  std::string nt;
  std::vector<Align> na;
  nt.reserve(whole.size());
  na.reserve(whole.size());
  auto emit_segment = [&](std::size_t sb, std::size_t se, const std::string& out) {
    std::vector<std::size_t> starts;
    for (std::size_t i = sb; i < se;) {
      starts.push_back(i);
      i += utf8_len(static_cast<unsigned char>(text[i]));
    }
    std::size_t j = 0, k = 0;
    while (k < out.size()) {
      std::size_t len = utf8_len(static_cast<unsigned char>(out[k]));
      Align a = j < starts.size() ? align[starts[j]] : align[se - 1];
      na.insert(na.end(), len, a);
      k += len;
      ++j;
    }
    nt += out;
  };
  std::string joined;
  std::vector<std::string> outs;
  for (std::size_t s = 0; s + 1 < cuts.size(); ++s) {
    outs.push_back(unicode::normalize(std::string_view(text).substr(cuts[s], cuts[s + 1] - cuts[s]), form));
    joined += outs.back();
  }
  if (joined == whole) {
    for (std::size_t s = 0; s + 1 < cuts.size(); ++s) emit_segment(cuts[s], cuts[s + 1], outs[s]);
  } else {
    emit_segment(0, text.size(), whole);
  }
  text = std::move(nt);
  align = std::move(na);
}

void NormalizedString::byte_level_transform() {
  materialize();
  std::string nt;
  std::vector<Align> na;
  nt.reserve(text.size() * 2);
  na.reserve(text.size() * 2);
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t len = utf8_len(static_cast<unsigned char>(text[i]));
    for (std::size_t k = 0; k < len; ++k) {
      const std::string& u = byte_to_utf8(static_cast<uint8_t>(text[i + k]));
      nt += u;
      na.insert(na.end(), u.size(), k == 0 ? align[i] : align[i + len - 1]);
    }
    i += len;
  }
  text = std::move(nt);
  align = std::move(na);
}

}  // namespace tunesmith::text::detail
