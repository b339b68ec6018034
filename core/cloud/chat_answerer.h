#pragma once
// The evaluation's remote answerer and judge (core/eval's Answerer and Judge) on the
// chat completions API: OpenAI itself ("openai:MODEL_ID") or any OpenAI-compatible
// server ("endpoint:BASE_URL#MODEL_ID": vLLM, llama.cpp server, Ollama).
//
// Calls run with at most `concurrency` in flight, each with the client's retries
// (retry.h); a call that still fails becomes that answer's error, never an exception.
// The client is created on the calling thread, which runs a local event loop until the
// batch is done, so the evaluation may call from its worker thread (a QCoreApplication
// must exist). Cost per answer comes from the price table (usage tokens x the model's
// input/output price); unpriced models (an endpoint, an unknown id) have none.
#include <atomic>
#include <optional>
#include <string>
#include <vector>

#include <QString>

#include "core/cloud/openai_client.h"
#include "core/estimate/estimate.h"
#include "core/eval/answerer.h"
#include "core/eval/judge.h"

namespace tunesmith::cloud {

struct ChatOutcome {
  QString text;
  ApiError error;  // kind None on success
  double latency_s = 0;  // from sending to the final answer, retries included
  qint64 prompt_tokens = 0, completion_tokens = 0;
};

// Sends every body (chat completions requests) with at most `concurrency` in flight;
// on cancel, calls in flight are aborted and the rest are not sent (error Cancelled).
std::vector<ChatOutcome> run_chats(const ClientOptions& options, const std::vector<Json>& bodies, int concurrency,
                                   const std::atomic<bool>* cancel);

// "openai:MODEL_ID" or "endpoint:BASE_URL#MODEL_ID" -> where and what. Throws
// std::invalid_argument naming the spec.
struct RemoteSpec {
  bool openai = true;  // false: an OpenAI-compatible endpoint
  QString base_url;    // "" for openai (the caller's --openai-base-url or the default)
  QString model;
};
RemoteSpec parse_remote_spec(const std::string& spec);

struct RemoteSettings {
  ClientOptions client;
  QString model;
  std::string spec;  // as given, for reports
  int concurrency = 4;
  std::optional<double> temperature;  // nullopt: 0 (greedy-like, as local answers)
  std::optional<int> max_tokens;
  std::optional<estimate::PriceEntry> price;  // the model's entry in the price table
};

// Dollars for one answer from usage tokens, or nullopt without input/output prices.
std::optional<double> answer_cost(const std::optional<estimate::PriceEntry>& price, qint64 prompt_tokens,
                                  qint64 completion_tokens);

class ChatAnswerer final : public eval::Answerer {
 public:
  explicit ChatAnswerer(RemoteSettings settings) : s_(std::move(settings)) {}
  std::string describe() const override { return s_.spec; }
  bool is_local() const override { return false; }
  std::size_t preferred_batch() const override { return static_cast<std::size_t>(std::max(1, s_.concurrency)) * 4; }
  std::vector<eval::Answer> answer(const std::vector<Json>& conversations, const std::atomic<bool>* cancel) override;

 private:
  RemoteSettings s_;
};

// Asks for a JSON object (response_format json_object), temperature 0.
class ChatJudge final : public eval::Judge {
 public:
  explicit ChatJudge(RemoteSettings settings) : s_(std::move(settings)) {}
  std::string describe() const override { return s_.spec; }
  std::vector<eval::ChatReply> complete(const std::vector<Json>& requests, const std::atomic<bool>* cancel) override;

 private:
  RemoteSettings s_;
};

}  // namespace tunesmith::cloud
