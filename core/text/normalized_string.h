#pragma once
// Internal: a piece of text under normalization and pre-tokenization, with the
// original byte range of every byte (HF's NormalizedString, same alignment rules).
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tunesmith::text::detail {

struct Align {
  uint32_t start = 0, end = 0;  // absolute byte range in the input text
};

struct NormalizedString {
  std::string text;
  // One entry per byte of text. When `identity` is true it is left empty: text is the
  // input's bytes [base, base + size) and each byte aligns to its whole character.
  std::vector<Align> align;
  bool identity = true;
  uint32_t base = 0;
  uint32_t orig_begin = 0, orig_end = 0;  // the input range this piece covers

  static NormalizedString from_input(std::string_view input, uint32_t begin, uint32_t end);

  Align at(std::size_t i) const;
  void materialize();  // identity -> explicit alignments
  NormalizedString slice(std::size_t b, std::size_t e) const;
  // Input range of the normalized byte range [b, e) (e > b).
  std::pair<uint32_t, uint32_t> original_range(std::size_t b, std::size_t e) const {
    return {at(b).start, at(e - 1).end};
  }

  // HF transformations.
  void prepend(std::string_view s);
  // Replaces each of the non-overlapping, sorted byte ranges with `content`.
  void replace_ranges(const std::vector<std::pair<uint32_t, uint32_t>>& ranges, std::string_view content);
  void lowercase();
  void strip(bool left, bool right);
  void unicode_normalize(int form);  // unicode::NormForm as int
  // ByteLevel: every byte becomes its GPT-2 printable character.
  void byte_level_transform();
};

}  // namespace tunesmith::text::detail
