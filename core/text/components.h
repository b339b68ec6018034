#pragma once
// Internal: the pipeline components of tokenizer.json, each built from its JSON object.
// Builders throw std::invalid_argument; the loader adds the file name and the JSON path.
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include "core/text/normalized_string.h"
#include "core/text/regex.h"

namespace tunesmith::text::detail {

// ---- normalizers.cpp ----
class Normalizer {
 public:
  virtual ~Normalizer() = default;
  virtual void normalize(NormalizedString& s) const = 0;
};
// null JSON -> nullptr. `where` is the JSON path for messages.
std::unique_ptr<Normalizer> make_normalizer(const nlohmann::json& j, const std::string& where);

// ---- pre_tokenizers.cpp ----
class PreTokenizer {
 public:
  virtual ~PreTokenizer() = default;
  // Splits/transforms every piece; empty pieces are dropped.
  virtual void pre_tokenize(std::vector<NormalizedString>& pieces) const = 0;
};
struct PreTokenizerOptions {
  // The last step is ByteLevel and the model takes raw bytes: that step only splits.
  bool byte_level_folded = false;
};
std::unique_ptr<PreTokenizer> make_pre_tokenizer(const nlohmann::json& j, const std::string& where,
                                                 const PreTokenizerOptions& opts);
// Whether the pre-tokenizer's last step is ByteLevel (so the model can take raw bytes).
bool ends_with_byte_level(const nlohmann::json& j);

// ---- decoders.cpp ----
class Decoder {
 public:
  virtual ~Decoder() = default;
  virtual void decode_chain(std::vector<std::string>& tokens) const = 0;
};
std::unique_ptr<Decoder> make_decoder(const nlohmann::json& j, const std::string& where);

// ---- post_processors.cpp ----
struct PostToken {
  int32_t id;
  uint32_t begin, end;
};
class PostProcessor {
 public:
  virtual ~PostProcessor() = default;
  // `token_text(id)` gives the token string (for offset trimming).
  virtual void process(std::vector<PostToken>& tokens, bool add_special_tokens,
                       const std::function<std::string(int32_t)>& token_text) const = 0;
};
std::unique_ptr<PostProcessor> make_post_processor(const nlohmann::json& j, const std::string& where);

// Shared helpers for reading JSON fields with clear messages.
const nlohmann::json& field(const nlohmann::json& j, const char* key, const std::string& where);
std::string str_field(const nlohmann::json& j, const char* key, const std::string& where);
bool bool_field(const nlohmann::json& j, const char* key, const std::string& where, bool fallback);
std::string type_of(const nlohmann::json& j, const std::string& where);
// {"String": s} or {"Regex": r}.
Pattern make_pattern(const nlohmann::json& j, const std::string& where);

}  // namespace tunesmith::text::detail
