#pragma once
// Internal: finding added tokens in text (HF AddedVocabulary): leftmost-longest matching
// over the token contents, then single_word / lstrip / rstrip.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/text/tokenizer.h"

namespace tunesmith::text::detail {

class Normalizer;

class AddedMatcher {
 public:
  struct Piece {
    int32_t id;  // -1: plain text
    uint32_t begin, end;
  };
  // `tokens` in matching priority order (HF: special tokens first, then the others).
  void add(const AddedToken& token, std::string_view match_content);
  bool empty() const { return entries_.empty(); }
  // Splits s into pieces covering it (no pieces for an empty s).
  void split(std::string_view s, std::vector<Piece>& out) const;

 private:
  struct Node {
    std::vector<std::pair<uint8_t, int32_t>> next;  // sorted by byte
    int32_t entry = -1;
  };
  std::vector<Node> nodes_{Node{}};
  int32_t root_next_[256];
  bool root_init_ = false;
  std::vector<AddedToken> entries_;
};

}  // namespace tunesmith::text::detail
