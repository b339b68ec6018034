#pragma once
// A data::TokenCounter backed by a real tokenizer: counts the ids of encode(text)
// without special tokens (the chat format's own tokens are counted separately).
#include <utility>

#include "core/data/token_counter.h"
#include "core/text/tokenizer.h"

namespace tunesmith::text {

class TokenizerTokenCounter final : public data::TokenCounter {
 public:
  explicit TokenizerTokenCounter(Tokenizer tokenizer) : tokenizer_(std::move(tokenizer)) {}
  std::size_t count(std::string_view text) const override {
    try {
      return tokenizer_.encode(text, /*add_special_tokens=*/false).ids.size();
    } catch (const std::invalid_argument&) {  // not UTF-8: fall back to the estimate
      return data::EstimatedTokenCounter().count(text);
    }
  }
  bool is_estimate() const override { return false; }
  const Tokenizer& tokenizer() const { return tokenizer_; }

 private:
  Tokenizer tokenizer_;
};

}  // namespace tunesmith::text
