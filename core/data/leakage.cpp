#include "core/data/leakage.h"

#include <algorithm>
#include <unordered_map>

#include "core/data/near_duplicates.h"
#include "core/data/normalize.h"

namespace tunesmith::data {

std::vector<LeakPair> find_leakage(const std::vector<Conversation>& train, const std::vector<Conversation>& test,
                                   std::optional<double> near_threshold) {
  std::vector<LeakPair> pairs;
  std::unordered_multimap<std::uint64_t, std::uint32_t> train_by_hash;
  train_by_hash.reserve(train.size());
  std::vector<std::uint64_t> train_hash(train.size());
  for (std::size_t i = 0; i < train.size(); ++i) {
    train_hash[i] = stable_hash(normalized_example(train[i]));
    train_by_hash.emplace(train_hash[i], static_cast<std::uint32_t>(i));
  }

  Signatures train_sigs, test_sigs;
  std::optional<LshIndex> index;
  if (near_threshold) {
    train_sigs = minhash_signatures(train);
    test_sigs = minhash_signatures(test);
    index.emplace(*near_threshold);
    index->reserve(train.size());
    for (std::size_t i = 0; i < train.size(); ++i) {
      if (train_sigs.empty[i]) continue;
      for (std::size_t b = 0; b < index->bands(); ++b)
        index->insert(index->band_key(train_sigs[i], b), static_cast<std::uint32_t>(i));
    }
  }

  std::vector<std::uint32_t> stamp(train.size(), 0xffffffffu);
  std::vector<LeakPair> found;
  for (std::size_t j = 0; j < test.size(); ++j) {
    found.clear();
    const std::uint64_t h = stable_hash(normalized_example(test[j]));
    auto [lo, hi] = train_by_hash.equal_range(h);
    for (auto it = lo; it != hi; ++it) {
      found.push_back(LeakPair{it->second, j, 1.0, true});
      stamp[it->second] = static_cast<std::uint32_t>(j);  // already reported as exact
    }
    if (index && !test_sigs.empty[j]) {
      for (std::size_t b = 0; b < index->bands(); ++b) {
        index->for_each(index->band_key(test_sigs[j], b), [&](std::uint32_t i) {
          if (stamp[i] == j) return;
          stamp[i] = static_cast<std::uint32_t>(j);
          const double sim = estimated_jaccard(train_sigs[i], test_sigs[j]);
          if (sim >= *near_threshold) found.push_back(LeakPair{i, j, sim, false});
        });
      }
    }
    std::sort(found.begin(), found.end(), [](const LeakPair& a, const LeakPair& b) { return a.train < b.train; });
    pairs.insert(pairs.end(), found.begin(), found.end());
  }
  return pairs;
}

}  // namespace tunesmith::data
