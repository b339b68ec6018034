#pragma once
// Near-duplicate detection with MinHash and locality-sensitive hashing.
//
// An example's text (its non-system messages, normalized, each prefixed by its role) is
// cut into 3-word shingles; the MinHash signature holds, for 128 seeded hash functions,
// the smallest hash over the shingles. The share of equal signature entries estimates
// the Jaccard similarity of two shingle sets. LSH groups the signature into bands; two
// examples become candidates when a whole band agrees, and a candidate pair counts when
// its estimated similarity reaches the threshold. Everything is seeded by constants, so
// results are the same on every run and machine.
//
// System and developer messages are left out of the shingles: most datasets share one
// system prompt across all examples, and its shingles would make unrelated examples
// look alike (and put every example into the same LSH buckets). Exact duplicates are
// found by the hash of normalized_example(), which does include them.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/data/conversation.h"

namespace tunesmith::data {

constexpr std::size_t kMinHashPermutations = 128;
constexpr std::size_t kShingleWords = 3;
constexpr double kDefaultNearThreshold = 0.8;

// Hashes of the word shingles of an example (see above); may hold repeats. Empty when
// the example has no non-system text.
std::vector<std::uint64_t> shingle_hashes(const Conversation& example);

struct Signatures {
  std::size_t count = 0;
  std::vector<std::uint32_t> values;  // count * kMinHashPermutations
  std::vector<std::uint8_t> empty;    // 1 for an example without shingles: it is nobody's near duplicate
  const std::uint32_t* operator[](std::size_t i) const { return values.data() + i * kMinHashPermutations; }
};

// Signatures of all examples, computed on up to `threads` threads (0 = the machine's
// cores); the result does not depend on the number of threads.
Signatures minhash_signatures(const std::vector<Conversation>& examples, unsigned threads = 0);
// The share of equal entries: an estimate of the Jaccard similarity.
double estimated_jaccard(const std::uint32_t* a, const std::uint32_t* b);

// Buckets of example ids by LSH band. Bands and rows are chosen for the threshold so that
// a pair whose estimated similarity is at the threshold is missed with probability below
// 1/1000, while pairs well below it rarely become candidates.
class LshIndex {
 public:
  explicit LshIndex(double threshold);
  // Room for `items` examples in every band, so the table never grows while in use.
  void reserve(std::size_t items);

  std::size_t bands() const { return bands_; }
  std::size_t rows() const { return rows_; }
  std::uint64_t band_key(const std::uint32_t* signature, std::size_t band) const;

  void insert(std::uint64_t key, std::uint32_t id);
  std::size_t bucket_size(std::uint64_t key) const;
  // Calls fn(id) for every id in the bucket, newest first.
  template <class Fn>
  void for_each(std::uint64_t key, Fn&& fn) const {
    for (std::uint32_t e = head(key); e != kNone; e = next_[e]) fn(ids_[e]);
  }

 private:
  static constexpr std::uint32_t kNone = 0xffffffffu;
  std::uint32_t head(std::uint64_t key) const;
  std::size_t slot(std::uint64_t key) const;  // where key is or would go
  void rehash(std::size_t capacity);

  std::size_t bands_ = 0, rows_ = 0;
  // Open addressing table of buckets (linear probing). Key, head and size share one
  // 16-byte slot, so a lookup costs one cache miss, not three.
  struct Slot {
    std::uint64_t key = 0;  // 0 = free
    std::uint32_t head = kNone;
    std::uint32_t size = 0;
  };
  std::vector<Slot> slots_;
  std::size_t used_ = 0;
  // Entries: id and the next older entry of the same bucket.
  std::vector<std::uint32_t> ids_, next_;
};

}  // namespace tunesmith::data
