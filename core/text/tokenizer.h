#pragma once
// A tokenizer.json (Hugging Face `tokenizers` format) tokenizer: BPE models of both
// families (byte-level: GPT-2, Llama 3, Qwen, gpt-oss, DeepSeek; SentencePiece-style:
// Mistral, Llama 2, Gemma), their normalizers, pre-tokenizers, added tokens,
// post-processors and decoders. It computes exactly what the Rust reference computes
// from the same file (tests compare id for id). No Qt, no torch.
//
// A component or option the code does not implement is a TokenizerError that names the
// file and the component, never a silent approximation.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tunesmith::text {

// A tokenizer.json that cannot be loaded: the message names the file and the
// component or field (e.g. "tok.json: pre_tokenizer.pretokenizers[1]: unsupported type 'Foo'").
struct TokenizerError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct Encoding {
  std::vector<int32_t> ids;
  // Per token, the byte range [first, second) of the input text it came from. A token that
  // covers part of a multi-byte character (byte-level BPE) gets the whole character's range;
  // tokens added by the post-processor (BOS...) get (0, 0). Same as HF's byte offsets.
  std::vector<std::pair<std::size_t, std::size_t>> offsets;
};

struct AddedToken {
  std::string content;
  int32_t id = -1;
  bool special = false;
  bool normalized = true;
  bool lstrip = false;
  bool rstrip = false;
  bool single_word = false;
};

class Tokenizer {
 public:
  // Throws TokenizerError (bad or unsupported content) or std::runtime_error (cannot read).
  static Tokenizer from_file(const std::string& tokenizer_json_path);
  // DIR/tokenizer.json.
  static Tokenizer from_dir(const std::string& dir);
  // `origin` names the source in error messages.
  static Tokenizer from_json(std::string_view json_text, const std::string& origin = "<tokenizer.json>");

  Tokenizer(const Tokenizer&) = default;  // copies share the (immutable) tables
  Tokenizer& operator=(const Tokenizer&) = default;
  Tokenizer(Tokenizer&&) noexcept = default;
  Tokenizer& operator=(Tokenizer&&) noexcept = default;
  ~Tokenizer();

  // Encodes UTF-8 text (throws std::invalid_argument when it is not valid UTF-8).
  // add_special_tokens lets the post-processor add what tokenizer.json says (BOS...).
  // Thread-safe.
  Encoding encode(std::string_view text, bool add_special_tokens) const;
  // Ids out of range are skipped (as in the reference).
  std::string decode(const std::vector<int32_t>& ids, bool skip_special_tokens) const;

  std::optional<int32_t> token_to_id(std::string_view token) const;  // added tokens first, then the model
  std::string id_to_token(int32_t id) const;                          // "" when unknown
  // Highest id + 1 over the model vocabulary and the added tokens (embedding rows needed).
  std::size_t vocab_size() const;

  // Added tokens in file order, with the ids the reference assigns them.
  const std::vector<AddedToken>& added_tokens() const;
  bool is_special(int32_t id) const;          // a special added token
  std::vector<int32_t> special_ids() const;   // ascending
  const std::string& path() const;            // the file it was loaded from (or the origin)

  struct Impl;

 private:
  explicit Tokenizer(std::shared_ptr<const Impl> impl);
  std::shared_ptr<const Impl> impl_;
};

}  // namespace tunesmith::text
