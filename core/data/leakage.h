#pragma once
// Leakage between a training and a test set: test examples that also appear in the
// training data, exactly (equal normalized_example()) or, with a threshold, nearly
// (MinHash, near_duplicates.h). A model scored on examples it was trained on looks
// better than it is.
#include <optional>
#include <vector>

#include "core/data/conversation.h"

namespace tunesmith::data {

struct LeakPair {
  std::size_t train = 0;    // example index in the training set
  std::size_t test = 0;     // example index in the test set
  double similarity = 1.0;  // estimated Jaccard similarity; 1 for exact
  bool exact = true;
};

// Every leaking pair, ordered by test example, then training example.
std::vector<LeakPair> find_leakage(const std::vector<Conversation>& train, const std::vector<Conversation>& test,
                                   std::optional<double> near_threshold);

}  // namespace tunesmith::data
