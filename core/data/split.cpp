#include "core/data/split.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "core/data/dedupe.h"

namespace tunesmith::data {

std::uint64_t SplitMix64::next() {
  std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

std::uint64_t SplitMix64::below(std::uint64_t bound) {
  // Draws in the top (2^64 mod bound) values would favour small results: redraw them.
  const std::uint64_t threshold = (0 - bound) % bound;
  for (;;) {
    const std::uint64_t r = next();
    if (r >= threshold) return r % bound;
  }
}

std::size_t SplitSize::of(std::size_t total) const {
  if (!is_fraction) return count;
  const auto n = static_cast<std::size_t>(std::llround(fraction * static_cast<double>(total)));
  return std::max<std::size_t>(n, total > 0 ? 1 : 0);
}

std::optional<SplitSize> parse_split_size(std::string_view text) {
  if (text.empty()) return std::nullopt;
  const bool integer = std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
  const std::string s(text);
  try {
    std::size_t used = 0;
    if (integer) {
      const unsigned long long n = std::stoull(s, &used);
      if (used != s.size() || n < 1) return std::nullopt;
      return SplitSize{false, 0, static_cast<std::size_t>(n)};
    }
    const double f = std::stod(s, &used);
    if (used != s.size() || !(f > 0 && f < 1)) return std::nullopt;
    return SplitSize{true, f, 0};
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

SplitResult split_examples(const std::vector<Conversation>& examples, const SplitOptions& options) {
  const std::size_t n = examples.size();
  SplitResult result;
  result.test_target = options.test.of(n);
  result.val_target = options.val ? options.val->of(n) : 0;
  if (result.test_target + result.val_target >= n)
    throw SplitError("the file has " + std::to_string(n) + " examples; a test set of " +
                     std::to_string(result.test_target) +
                     (options.val ? " and a validation set of " + std::to_string(result.val_target) : std::string()) +
                     " leaves none for training");

  auto groups = duplicate_groups(examples, options.near_threshold);
  for (const auto& g : groups) result.groups += g.size() > 1;

  // Fisher-Yates over the groups (which come in file order of their first example).
  SplitMix64 rng(options.seed);
  for (std::size_t i = groups.size(); i > 1; --i) std::swap(groups[i - 1], groups[rng.below(i)]);

  // A group goes to test while it fits, then to validation while it fits, else to
  // train. Whole groups only: a part may end up a little smaller than asked when
  // large groups are all that is left, never leaking.
  for (const auto& g : groups) {
    std::vector<std::size_t>* side = &result.train;
    if (result.test.size() + g.size() <= result.test_target) side = &result.test;
    else if (result.val.size() + g.size() <= result.val_target) side = &result.val;
    side->insert(side->end(), g.begin(), g.end());
  }
  for (auto* side : {&result.train, &result.val, &result.test}) std::sort(side->begin(), side->end());
  return result;
}

}  // namespace tunesmith::data
