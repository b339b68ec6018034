#pragma once
// What answers a test case: a local model (with or without its adapter), a few-shot
// prompted local model, an OpenAI model, any OpenAI-compatible endpoint. The engine only
// sees this interface, so it stays free of Qt and of torch; core/cloud implements the
// remote answerers, local_answerer.h the local ones.
#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/data/json.h"

namespace tunesmith::eval {

using Json = data::Json;

struct Answer {
  std::string text;
  std::string error;             // non-empty: no answer (the call failed); scorers give null
  double latency_s = 0;          // local: this answer's share of its batch's wall time
  std::int64_t prompt_tokens = 0;
  std::int64_t completion_tokens = 0;
  std::optional<double> cost_usd;  // API answers with a known price; nullopt otherwise
};

class Answerer {
 public:
  virtual ~Answerer() = default;
  // "local:models/demo+runs/r1/adapter", "openai:gpt-4o-mini", ... (for reports)
  virtual std::string describe() const = 0;
  virtual bool is_local() const = 0;
  // How many conversations a call should carry at best (local batch size; a remote
  // answerer's concurrency). The engine cuts its work into calls of this size, checking
  // for cancellation between them.
  virtual std::size_t preferred_batch() const { return 8; }
  // One answer per conversation (a messages array ending before the answer), in order.
  // A failure of one conversation is that Answer's `error`; an exception means the
  // answerer as a whole cannot go on. `cancel` may be null.
  virtual std::vector<Answer> answer(const std::vector<Json>& conversations, const std::atomic<bool>* cancel) = 0;
};

}  // namespace tunesmith::eval
