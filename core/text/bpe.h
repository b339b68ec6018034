#pragma once
// Internal: the BPE model of tokenizer.json (HF models/bpe), both families: byte-level
// (the pre-tokenizer's ByteLevel step is folded in: the vocabulary is keyed by raw bytes)
// and SentencePiece-style (byte_fallback, unk_token, fuse_unk).
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

namespace tunesmith::text::detail {

// Open-addressing map from byte strings to ids.
class StringIdMap {
 public:
  void reserve(std::size_t n);
  // Returns false when the key was already present (the id is then replaced).
  bool insert(std::string_view key, int32_t id);
  int32_t find(std::string_view key) const;  // -1 when absent
  std::size_t size() const { return count_; }

 private:
  static uint64_t hash(std::string_view s);
  void grow();
  std::vector<std::string> keys_;
  std::vector<int32_t> vals_;
  std::vector<int32_t> slots_;  // index into keys_, -1 empty
  std::vector<uint32_t> tags_;
  std::size_t count_ = 0;
};

struct BpeToken {
  int32_t id;
  uint32_t begin, end;  // byte range in the word
};

class BpeModel {
 public:
  // `where` names the component in errors. Throws std::invalid_argument.
  explicit BpeModel(const nlohmann::json& model);

  // Fold ByteLevel into the model: words arrive as raw bytes instead of GPT-2 characters.
  // Returns false (and changes nothing) when the prefix/suffix cannot be folded.
  bool use_raw_bytes();
  bool raw_bytes() const { return raw_bytes_; }

  void tokenize(std::string_view word, std::vector<BpeToken>& out) const;

  int32_t token_to_id(std::string_view token) const;  // -1 when absent (file form of the token)
  const std::string* id_to_token(int32_t id) const;
  std::size_t vocab_size() const { return vocab_.size(); }
  int32_t max_id() const { return static_cast<int32_t>(id_to_token_.size()) - 1; }

 private:
  struct Symbol {
    int32_t id;
    int32_t prev, next;
    uint32_t begin, len;
  };
  struct MergeVal {
    uint32_t rank;
    int32_t new_id;
  };
  const MergeVal* find_merge(int32_t a, int32_t b) const;
  // A small per-thread, direct-mapped cache in front of find_merge: the merge table is
  // tens of MB, so nearly every lookup there misses the CPU caches, while the pairs of
  // natural text repeat. Misses (no merge) are cached too. Tied to one model by serial_.
  struct PairCache {
    static constexpr std::size_t kSlots = 4096;
    uint64_t owner = 0;
    uint64_t keys[kSlots];
    const MergeVal* vals[kSlots];
  };
  PairCache& pair_cache() const;
  const MergeVal* find_merge(PairCache& cache, int32_t a, int32_t b) const;
  void initial_symbols(std::string_view word, std::vector<Symbol>& syms) const;
  void merge(std::vector<Symbol>& syms) const;
  int32_t lookup(std::string_view s) const { return raw_bytes_ ? raw_vocab_.find(s) : vocab_.find(s); }
  int32_t char_id(std::string_view c) const;  // vocab_.find of one UTF-8 character, faster

  // Ids of the vocabulary's one-character tokens (file form), keyed by the character's
  // UTF-8 bytes packed into a uint32 (never 0: a character has a non-zero lead byte
  // except U+0000, which gets its own slot). SentencePiece-style models look up every
  // character of a document here before merging.
  std::vector<uint32_t> char_keys_;
  std::vector<int32_t> char_vals_;
  uint32_t char_mask_ = 0;
  int32_t nul_id_ = -1;

  StringIdMap vocab_;      // file form
  StringIdMap raw_vocab_;  // raw-byte form (byte-level models)
  std::vector<std::string> id_to_token_;
  // Merges: open addressing keyed by (a << 32 | b), key and value side by side so a
  // lookup touches one cache line.
  struct MergeSlot {
    uint64_t key;
    MergeVal val;
  };
  std::vector<MergeSlot> merges_;
  uint64_t merge_mask_ = 0;
  uint64_t serial_ = 0;  // unique per model, for PairCache

  std::optional<std::string> unk_token_;
  int32_t unk_id_ = -1;
  std::string prefix_, suffix_;          // file form
  std::string prefix_raw_, suffix_raw_;  // raw-byte form
  bool fuse_unk_ = false, byte_fallback_ = false, ignore_merges_ = false, raw_bytes_ = false;
  int32_t byte_ids_[256];       // <0xXX> tokens for byte_fallback (-1 when absent)
  int32_t single_byte_ids_[256];  // raw-byte mode: id of each single byte (-1 when absent)

  // Cache of short words -> tokens (ids and lengths), like HF's.
  struct CacheEntry {
    std::vector<int32_t> ids;
    std::vector<uint32_t> lens;
  };
  mutable std::mutex cache_mutex_;
  mutable std::unordered_map<std::string, CacheEntry> cache_;
};

}  // namespace tunesmith::text::detail
