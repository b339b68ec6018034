#include "core/data/dedupe.h"

#include <numeric>
#include <unordered_map>

#include "core/data/near_duplicates.h"
#include "core/data/normalize.h"

namespace tunesmith::data {
namespace {

constexpr std::uint32_t kNever = 0xffffffffu;

class UnionFind {
 public:
  explicit UnionFind(std::size_t n) : parent_(n) { std::iota(parent_.begin(), parent_.end(), std::size_t{0}); }
  std::size_t find(std::size_t x) {
    while (parent_[x] != x) x = parent_[x] = parent_[parent_[x]];
    return x;
  }
  // The smaller root wins, so a group's root is its first example.
  void unite(std::size_t a, std::size_t b) {
    a = find(a);
    b = find(b);
    if (a == b) return;
    if (b < a) std::swap(a, b);
    parent_[b] = a;
  }

 private:
  std::vector<std::size_t> parent_;
};

// A bucket grows past this many members only with examples that join none of their
// groups. Without the cap, a dataset of many mutual near duplicates would compare every
// pair (quadratic); with it, the work per example stays bounded. The price: in a crowded
// bucket an example is compared with one member per group, not all; a pair it misses
// there is almost always found through another band.
constexpr std::size_t kFullBucket = 32;

}  // namespace

DedupeResult find_duplicates(const std::vector<Conversation>& examples, std::optional<double> near_threshold) {
  const std::size_t n = examples.size();
  DedupeResult result;
  std::unordered_map<std::uint64_t, std::uint32_t> first_by_hash;
  first_by_hash.reserve(n);
  // What each example became: itself (kept) or the kept example it duplicates.
  std::vector<std::uint32_t> kept_as(n);
  std::vector<double> kept_similarity(n, 1.0);

  Signatures sigs;
  std::optional<LshIndex> index;
  if (near_threshold) {
    sigs = minhash_signatures(examples);
    index.emplace(*near_threshold);
    index->reserve(n);
  }
  std::vector<std::uint32_t> stamp(near_threshold ? n : 0, kNever);
  std::vector<std::uint64_t> keys;

  for (std::size_t j = 0; j < n; ++j) {
    const std::uint64_t h = stable_hash(normalized_example(examples[j]));
    auto [it, fresh] = first_by_hash.emplace(h, static_cast<std::uint32_t>(j));
    if (!fresh) {
      // A copy of an earlier example: it goes where that one went.
      const std::uint32_t original = it->second;
      const bool exact = kept_as[original] == original;
      kept_as[j] = kept_as[original];
      kept_similarity[j] = kept_similarity[original];
      result.removed.push_back(DuplicatePair{j, kept_as[j], kept_similarity[j], exact});
      continue;
    }
    kept_as[j] = static_cast<std::uint32_t>(j);
    if (index && !sigs.empty[j]) {
      keys.resize(index->bands());
      std::size_t best = n;
      double best_sim = 0;
      for (std::size_t b = 0; b < index->bands(); ++b) {
        keys[b] = index->band_key(sigs[j], b);
        index->for_each(keys[b], [&](std::uint32_t i) {
          if (stamp[i] == j) return;
          stamp[i] = static_cast<std::uint32_t>(j);
          const double sim = estimated_jaccard(sigs[i], sigs[j]);
          if (sim >= *near_threshold && (sim > best_sim || (sim == best_sim && i < best))) {
            best = i;
            best_sim = sim;
          }
        });
      }
      if (best < n) {
        kept_as[j] = static_cast<std::uint32_t>(best);
        kept_similarity[j] = best_sim;
        result.removed.push_back(DuplicatePair{j, best, best_sim, false});
        continue;
      }
      // Only kept examples go into the index: a removed one is never compared again.
      for (std::size_t b = 0; b < index->bands(); ++b) index->insert(keys[b], static_cast<std::uint32_t>(j));
    }
    result.kept.push_back(j);
  }
  return result;
}

std::vector<std::vector<std::size_t>> duplicate_groups(const std::vector<Conversation>& examples,
                                                       std::optional<double> near_threshold) {
  const std::size_t n = examples.size();
  UnionFind uf(n);
  std::vector<std::uint8_t> exact_copy(n, 0);
  {
    std::unordered_map<std::uint64_t, std::uint32_t> first_by_hash;
    first_by_hash.reserve(n);
    for (std::size_t j = 0; j < n; ++j) {
      auto [it, fresh] = first_by_hash.emplace(stable_hash(normalized_example(examples[j])), static_cast<std::uint32_t>(j));
      if (!fresh) {
        uf.unite(it->second, j);
        exact_copy[j] = 1;
      }
    }
  }
  if (near_threshold) {
    const Signatures sigs = minhash_signatures(examples);
    LshIndex index(*near_threshold);
    index.reserve(n);
    std::vector<std::uint32_t> stamp(n, kNever);
    for (std::size_t j = 0; j < n; ++j) {
      // An exact copy has its original's shingles, hence its original's near duplicates.
      if (exact_copy[j] || sigs.empty[j]) continue;
      for (std::size_t b = 0; b < index.bands(); ++b) {
        const std::uint64_t key = index.band_key(sigs[j], b);
        bool joined_here = false;
        index.for_each(key, [&](std::uint32_t i) {
          if (uf.find(i) == uf.find(j)) {
            joined_here = true;
            return;
          }
          if (stamp[i] == j) return;
          stamp[i] = static_cast<std::uint32_t>(j);
          if (estimated_jaccard(sigs[i], sigs[j]) >= *near_threshold) {
            uf.unite(i, j);
            joined_here = true;
          }
        });
        if (!joined_here || index.bucket_size(key) < kFullBucket) index.insert(key, static_cast<std::uint32_t>(j));
      }
    }
  }
  std::vector<std::vector<std::size_t>> groups;
  std::vector<std::size_t> group_of_root(n, n);
  for (std::size_t j = 0; j < n; ++j) {
    const std::size_t root = uf.find(j);
    if (group_of_root[root] == n) {
      group_of_root[root] = groups.size();
      groups.emplace_back();
    }
    groups[group_of_root[root]].push_back(j);
  }
  return groups;
}

}  // namespace tunesmith::data
