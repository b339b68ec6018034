#pragma once
// Which examples go together: the micro-batches of one epoch, deterministic in
// (seed, epoch). Torch-free; collate.h turns a micro-batch into tensors.
//
// Without packing, examples are grouped by length (as HF's group_by_length): the
// epoch's permutation is cut into chunks of 50 x batch_size, each chunk sorted by
// length, and micro-batches are filled with at most batch_size rows and at most
// batch_tokens padded tokens (rows x longest row); the micro-batches are then shuffled
// so long ones do not always come first. With packing, examples are laid end to end
// in rows of max_seq_len tokens (an example is never split across rows) and a
// micro-batch holds min(batch_size, batch_tokens / max_seq_len) rows.
#include <cstdint>
#include <random>
#include <vector>

#include "core/train/sft_data.h"

namespace tunesmith::train {

struct Row {
  std::vector<std::size_t> examples;  // indices into the example list, laid end to end
  std::int64_t length = 0;            // tokens in the row
};

struct MicroBatch {
  std::vector<Row> rows;
  std::int64_t width = 0;           // the longest row: the padded length
  std::int64_t trained_tokens = 0;  // loss targets in the whole micro-batch
  std::int64_t tokens = 0;          // real (unpadded) tokens
};

struct BatchOptions {
  std::int64_t batch_size = 4;
  std::int64_t batch_tokens = 4096;
  std::int64_t max_seq_len = 1024;
  bool packing = false;
  bool shuffle = true;  // false: the examples' own order (validation)
  std::uint64_t seed = 0;
};

// The micro-batches of `epoch` (0-based). Every example appears exactly once.
std::vector<MicroBatch> plan_epoch(const std::vector<TokenizedExample>& examples, const BatchOptions& options,
                                   std::int64_t epoch);

// The data-order generator of an epoch: a fixed function of (seed, epoch), so resuming
// at any epoch needs only the seed and the epoch number.
std::mt19937_64 epoch_rng(std::uint64_t seed, std::int64_t epoch);

// Fisher-Yates with our own uniform draw: std::shuffle's algorithm is unspecified, and
// the data order must not change with the standard library.
void shuffle_indices(std::vector<std::size_t>& v, std::mt19937_64& rng);

}  // namespace tunesmith::train
