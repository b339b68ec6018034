#pragma once
// Train/validation/test split that never leaks: exact and near duplicates are grouped
// first (dedupe.h: duplicate_groups) and every group goes to one side as a whole. The
// order of groups comes from a seeded PRNG of our own (splitmix64), not from std::shuffle
// and std::uniform_int_distribution, whose results differ between standard libraries:
// the same file and seed give the same split on every machine.
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string_view>
#include <vector>

#include "core/data/conversation.h"

namespace tunesmith::data {

// How big a part is: a fraction of all examples (0 < F < 1) or a count (N >= 1).
struct SplitSize {
  bool is_fraction = true;
  double fraction = 0;
  std::size_t count = 0;

  // The number of examples out of `total`: a fraction rounds to nearest, at least 1.
  std::size_t of(std::size_t total) const;
};

// "0.1" -> 10 %, "25" -> 25 examples; nullopt when neither (e.g. "1.5", "0", "-3", "x").
std::optional<SplitSize> parse_split_size(std::string_view text);

struct SplitOptions {
  SplitSize test;
  std::optional<SplitSize> val;
  std::uint64_t seed = 42;
  double near_threshold = 0.8;  // examples at least this similar stay together
};

struct SplitResult {
  std::vector<std::size_t> train, val, test;  // example indices, in file order
  std::size_t groups = 0;                     // groups of 2 or more examples kept together
  std::size_t test_target = 0, val_target = 0;  // the sizes asked for
};

// Throws SplitError when the sizes asked for leave no example for training.
struct SplitError : std::invalid_argument {
  using std::invalid_argument::invalid_argument;
};
SplitResult split_examples(const std::vector<Conversation>& examples, const SplitOptions& options);

// The seeded generator: splitmix64 (Steele, Lea, Flood 2014), and an unbiased bounded
// draw by rejection. Both fully specified here, hence portable.
class SplitMix64 {
 public:
  explicit SplitMix64(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next();
  std::uint64_t below(std::uint64_t bound);  // uniform in [0, bound), bound > 0

 private:
  std::uint64_t state_;
};

}  // namespace tunesmith::data
