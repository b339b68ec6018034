#pragma once
// Shared by the trainer tests: a tiny random model on the demo tokenizer (built once
// per test process), a handful of Acme conversations, and quick training configs.
#include <string>
#include <vector>

#include "core/train/train_config.h"

namespace tunesmith::test {

// A `tiny` preset Llama with random weights and the demo tokenizer (ChatML template).
const std::string& tiny_model_dir();
// The first `n` conversations of resources/demo/acme/train.jsonl, written to a file.
std::string acme_conversations(std::size_t n, const std::string& name);
// A LoRA config on the tiny model that trains in well under a second per step.
train::TrainConfig quick_config(const std::string& data, const std::string& out);
// The "loss" of every step line of RUN/metrics.jsonl, in order.
std::vector<double> step_losses(const std::string& run_dir);
// Every metrics.jsonl line of the given type.
std::vector<std::string> metric_types(const std::string& run_dir);

}  // namespace tunesmith::test
