#pragma once
// Training data as token ids with per-token loss masks, before batching. Torch-free.
//
// Conversations: each JSONL example is rendered with the chat template and masked with
// text::mask_conversation (loss on assistant content and its end-of-turn token only).
// Text corpus: every .txt file (folders expand to their *.txt files, sorted) is encoded,
// documents are joined with the EOS token, and the stream is cut into max_seq_len
// chunks; every token is trained on.
//
// Convention: mask[t] = 1 means token t is a target (predicted from tokens < t); mask[0]
// is never used as a target since nothing precedes it.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/text/chat_template.h"
#include "core/text/tokenizer.h"
#include "core/train/train_config.h"

namespace tunesmith::train {

struct TokenizedExample {
  std::vector<std::int32_t> ids;
  std::vector<std::uint8_t> mask;  // same length as ids
  std::string origin;              // "train.jsonl:12" or "corpus chunk 3", for messages
  std::int64_t trained_tokens() const;  // targets: mask[1..] summed
};

// What loading did to the data; every dropped or shortened example is counted here and
// reported by the trainer (never silent).
struct DataReport {
  std::int64_t read = 0;              // examples (or chunks) read
  std::int64_t long_examples = 0;     // longer than max_seq_len
  std::int64_t truncated = 0;         // of those, cut on the left (policy truncate-left)
  std::int64_t skipped_long = 0;      // of those, left out (policy skip)
  std::int64_t skipped_untrained = 0; // no assistant token left to train on
  std::int64_t tokens = 0;            // tokens kept
  std::int64_t trained_tokens = 0;    // targets kept
  std::vector<std::string> notes;     // one line per kind of event, for the log
};

struct TokenizedData {
  std::vector<TokenizedExample> examples;
  DataReport report;
};

// Throws DataLoadError naming FILE:LINE for unreadable JSON or a template that fails.
struct DataLoadError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

TokenizedData tokenize_conversations(const std::vector<std::string>& files, const text::ChatTemplate& tmpl,
                                     const text::Tokenizer& tokenizer, std::int64_t max_seq_len,
                                     LongExamplePolicy policy);

// The .txt files named by `paths` (files as given, folders expanded), in order.
std::vector<std::string> expand_corpus_paths(const std::vector<std::string>& paths);
TokenizedData tokenize_text_corpus(const std::vector<std::string>& paths, const text::Tokenizer& tokenizer,
                                   std::optional<std::int32_t> eos_id, std::int64_t max_seq_len);

}  // namespace tunesmith::train
