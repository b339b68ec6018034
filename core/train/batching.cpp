#include "core/train/batching.h"

#include <algorithm>
#include <numeric>

namespace tunesmith::train {

std::mt19937_64 epoch_rng(std::uint64_t seed, std::int64_t epoch) {
  // splitmix64 of (seed, epoch): nearby seeds and epochs give unrelated streams.
  std::uint64_t z = seed + 0x9e3779b97f4a7c15ull * static_cast<std::uint64_t>(epoch + 1);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return std::mt19937_64(z ^ (z >> 31));
}

void shuffle_indices(std::vector<std::size_t>& v, std::mt19937_64& rng) {
  for (std::size_t i = v.size(); i > 1; --i) {
    // Uniform in [0, i) by rejection, so the result does not depend on the library.
    const std::uint64_t bound = i, limit = ~std::uint64_t{0} - (~std::uint64_t{0} % bound);
    std::uint64_t x;
    do x = rng();
    while (x >= limit);
    std::swap(v[i - 1], v[static_cast<std::size_t>(x % bound)]);
  }
}

namespace {

void add_to_batch(MicroBatch& b, Row row, const std::vector<TokenizedExample>& ex) {
  for (std::size_t i : row.examples) {
    b.trained_tokens += ex[i].trained_tokens();
    b.tokens += static_cast<std::int64_t>(ex[i].ids.size());
  }
  b.width = std::max(b.width, row.length);
  b.rows.push_back(std::move(row));
}

}  // namespace

std::vector<MicroBatch> plan_epoch(const std::vector<TokenizedExample>& ex, const BatchOptions& o, std::int64_t epoch) {
  std::vector<std::size_t> order(ex.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::mt19937_64 rng = epoch_rng(o.seed, epoch);
  if (o.shuffle) shuffle_indices(order, rng);
  auto len = [&](std::size_t i) { return static_cast<std::int64_t>(ex[i].ids.size()); };

  std::vector<MicroBatch> batches;
  if (o.packing) {
    std::vector<Row> rows;
    Row cur;
    for (std::size_t i : order) {
      if (!cur.examples.empty() && cur.length + len(i) > o.max_seq_len) rows.push_back(std::move(cur)), cur = Row{};
      cur.examples.push_back(i);
      cur.length += len(i);
    }
    if (!cur.examples.empty()) rows.push_back(std::move(cur));
    const std::int64_t per_batch = std::max<std::int64_t>(1, std::min(o.batch_size, o.batch_tokens / o.max_seq_len));
    for (std::size_t r = 0; r < rows.size(); ++r) {
      if (r % static_cast<std::size_t>(per_batch) == 0) batches.emplace_back();
      add_to_batch(batches.back(), std::move(rows[r]), ex);
    }
    return batches;  // rows already follow the shuffled order
  }

  const std::size_t chunk = static_cast<std::size_t>(std::max<std::int64_t>(1, 50 * o.batch_size));
  for (std::size_t begin = 0; begin < order.size(); begin += chunk) {
    const auto first = order.begin() + static_cast<std::ptrdiff_t>(begin);
    const auto last = order.begin() + static_cast<std::ptrdiff_t>(std::min(order.size(), begin + chunk));
    if (o.shuffle) std::stable_sort(first, last, [&](std::size_t a, std::size_t b) { return len(a) > len(b); });
    MicroBatch cur;
    for (auto it = first; it != last; ++it) {
      const std::int64_t w = std::max(cur.width, len(*it));
      const auto rows = static_cast<std::int64_t>(cur.rows.size());
      if (!cur.rows.empty() && (rows + 1 > o.batch_size || (rows + 1) * w > o.batch_tokens))
        batches.push_back(std::move(cur)), cur = MicroBatch{};
      add_to_batch(cur, Row{{*it}, len(*it)}, ex);
    }
    if (!cur.rows.empty()) batches.push_back(std::move(cur));
  }
  if (o.shuffle) {
    std::vector<std::size_t> perm(batches.size());
    std::iota(perm.begin(), perm.end(), std::size_t{0});
    shuffle_indices(perm, rng);
    std::vector<MicroBatch> shuffled;
    shuffled.reserve(batches.size());
    for (std::size_t i : perm) shuffled.push_back(std::move(batches[i]));
    batches = std::move(shuffled);
  }
  return batches;
}

}  // namespace tunesmith::train
