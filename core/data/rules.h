#pragma once
// The validation rules, on ExampleShape: written once, used by the streaming validator
// (validate_file) and the in-memory one (validate_dataset).
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/data/example_shape.h"
#include "core/data/finding.h"
#include "core/data/token_counter.h"
#include "core/data/validate.h"

namespace tunesmith::data {

// Where an example sits, for its findings.
struct ExampleSite {
  const std::string& file;
  std::size_t line;     // 0 when the example has no source line
  std::size_t example;  // 0-based index among the file's examples
};

// Prompt-side tokens of a whole example as the fine-tuning service counts them:
// per message the overhead, the role and the content text, plus the reply priming.
std::size_t example_tokens(const ExampleShape& shape, const TokenCounter& counter);

// Appends the findings of one example (everything but duplicates and dataset size).
// `max_tokens` is the resolved limit (never 0).
void check_example(const ExampleShape& shape, const ExampleSite& site, const TokenCounter& counter,
                   std::size_t max_tokens, std::vector<Finding>& out);

// The OpenAI guide's advice on dataset size: at least 10 examples (an error for the
// OpenAI target), clear gains usually from 50 to 100, more for hard tasks.
void check_dataset_size(std::size_t examples, Target target, const std::string& file, std::vector<Finding>& out);

// Remembers one 64-bit hash per example (open addressing, 16 bytes a slot at most
// half full), so duplicate detection stays small even for millions of examples.
class DuplicateIndex {
 public:
  struct First {
    std::uint32_t line = 0;     // of the first example with the hash (0 = none)
    std::uint32_t example = 0;  // its index
    bool found = false;
  };
  // The first example seen with this hash; remembers (hash, line, example) when new.
  First insert(std::uint64_t hash, std::size_t line, std::size_t example);
  std::size_t size() const { return size_; }

 private:
  struct Slot {
    std::uint64_t hash = 0;  // 0 = empty (a real hash of 0 is stored as 1)
    std::uint32_t line = 0;
    std::uint32_t example = 0;
  };
  void grow();
  std::vector<Slot> slots_;
  std::size_t size_ = 0;
};

// "duplicate" warning for `site`, pointing at the first occurrence.
Finding duplicate_finding(const ExampleSite& site, const DuplicateIndex::First& first);

}  // namespace tunesmith::data
