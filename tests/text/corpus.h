#pragma once
// A deterministic, hostile corpus for tokenizer parity tests and the benchmark.
#include <cstdint>
#include <string>
#include <vector>

namespace tunesmith::test {

// Fixed tricky strings, then `random_count` seeded random mixtures, then `long_count`
// strings of about 100 KB.
std::vector<std::string> tokenizer_corpus(uint64_t seed, std::size_t random_count, std::size_t long_count);

// About `bytes` of mixed-script text in documents of a few KB (benchmark input).
std::vector<std::string> benchmark_documents(uint64_t seed, std::size_t bytes);

}  // namespace tunesmith::test
