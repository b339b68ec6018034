#pragma once
// Duplicates inside one dataset: exact ones (equal normalized_example(), see
// normalize.h) and, when a threshold is given, near ones (MinHash, near_duplicates.h).
#include <optional>
#include <vector>

#include "core/data/conversation.h"

namespace tunesmith::data {

struct DuplicatePair {
  std::size_t removed = 0;  // example index
  std::size_t kept = 0;     // the earlier example it duplicates, which stays
  double similarity = 1.0;  // estimated Jaccard similarity; 1 for exact duplicates
  bool exact = true;
};

struct DedupeResult {
  std::vector<std::size_t> kept;        // example indices, in file order
  std::vector<DuplicatePair> removed;  // in file order of the removed example
};

// Keeps the first example of every set of duplicates. An example is removed when it
// exactly duplicates a kept one or (with `near_threshold`) is at least that similar to a
// kept one; comparing with kept examples only means every removed example names a kept
// one it resembles, and a chain a~b~c never removes c for resembling a removed b.
DedupeResult find_duplicates(const std::vector<Conversation>& examples, std::optional<double> near_threshold);

// Groups of examples that are exact or near duplicates of each other, closed under
// "is a duplicate of" (a~b and b~c put a, b and c in one group): what a split must keep
// on one side. Every example is in exactly one group; groups are ordered by their first
// example, members in file order.
std::vector<std::vector<std::size_t>> duplicate_groups(const std::vector<Conversation>& examples,
                                                       std::optional<double> near_threshold);

}  // namespace tunesmith::data
