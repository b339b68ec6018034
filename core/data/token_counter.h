#pragma once
// Counts tokens of text. The data layer knows no tokenizer: it is handed a counter.
// Without one it estimates (about 4 bytes of UTF-8 per token for English), and every
// report says so.
#include <cstddef>
#include <string_view>

namespace tunesmith::data {

class TokenCounter {
 public:
  virtual ~TokenCounter() = default;
  virtual std::size_t count(std::string_view text) const = 0;
  // True when count() is a heuristic rather than a real tokenizer.
  virtual bool is_estimate() const = 0;
};

// ceil(bytes / 4), at least 1 for non-empty text.
class EstimatedTokenCounter final : public TokenCounter {
 public:
  std::size_t count(std::string_view text) const override { return text.empty() ? 0 : (text.size() + 3) / 4; }
  bool is_estimate() const override { return true; }
};

// Tokens a chat format adds around each message (role header, end of turn): OpenAI's
// counting guide uses 3 per message plus 3 to prime the reply.
inline constexpr std::size_t kTokensPerMessage = 3;
inline constexpr std::size_t kTokensPerConversation = 3;

}  // namespace tunesmith::data
