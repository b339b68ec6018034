#pragma once
// Helpers of the eval tests: cases from literals, fake answerers and judges that record
// what they were asked, the tiny random model made once per test process.
#include <atomic>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "core/eval/answerer.h"
#include "core/eval/eval_case.h"
#include "core/eval/judge.h"

namespace tunesmith::test {

using eval::Json;

inline eval::EvalCase make_test_case(const std::string& user, const std::string& reference, Json expected = Json(),
                                     const std::string& system = "") {
  Json messages = Json::array();
  if (!system.empty()) messages.push_back({{"role", "system"}, {"content", system}});
  messages.push_back({{"role", "user"}, {"content", user}});
  messages.push_back({{"role", "assistant"}, {"content", reference}});
  Json ex = {{"messages", messages}};
  if (!expected.is_null()) ex["expected"] = expected;
  return eval::make_case(ex, 1, "test:1");
}

// Answers with `reply(conversation)`; records every conversation it was given.
class FakeAnswerer final : public eval::Answerer {
 public:
  explicit FakeAnswerer(std::function<std::string(const Json&)> reply, std::string spec = "fake", bool local = true,
                        std::size_t batch = 8)
      : reply_(std::move(reply)), spec_(std::move(spec)), local_(local), batch_(batch) {}
  std::string describe() const override { return spec_; }
  bool is_local() const override { return local_; }
  std::size_t preferred_batch() const override { return batch_; }
  std::vector<eval::Answer> answer(const std::vector<Json>& conversations, const std::atomic<bool>*) override {
    std::vector<eval::Answer> out;
    for (const Json& c : conversations) {
      seen.push_back(c);
      eval::Answer a;
      a.text = reply_(c);
      a.latency_s = 0.5;
      a.completion_tokens = 10;
      a.prompt_tokens = 20;
      out.push_back(a);
      if (on_answer) on_answer();
    }
    return out;
  }
  std::vector<Json> seen;
  std::function<void()> on_answer;

 private:
  std::function<std::string(const Json&)> reply_;
  std::string spec_;
  bool local_;
  std::size_t batch_;
};

// Replies `reply(request, attempt)` where attempt counts the requests with the same
// content seen so far (0 for the first).
class FakeJudge final : public eval::Judge {
 public:
  explicit FakeJudge(std::function<eval::ChatReply(const Json&, int)> reply) : reply_(std::move(reply)) {}
  std::string describe() const override { return "fake-judge"; }
  std::vector<eval::ChatReply> complete(const std::vector<Json>& requests, const std::atomic<bool>*) override {
    std::vector<eval::ChatReply> out;
    for (const Json& r : requests) {
      const std::string key = r.dump();
      int attempt = 0;
      for (const auto& s : seen)
        if (s == key) ++attempt;
      seen.push_back(key);
      out.push_back(reply_(r, attempt));
    }
    return out;
  }
  std::vector<std::string> seen;

 private:
  std::function<eval::ChatReply(const Json&, int)> reply_;
};

// The user text of a judge request and which response is the answer.
inline std::string request_user(const Json& request) { return request[1]["content"].get<std::string>(); }
// True when `text` is shown as Response 1 in a pairwise request.
inline bool shown_first(const Json& request, const std::string& text) {
  const std::string u = request_user(request);
  const auto r1 = u.find("[Response 1]\n" + text);
  return r1 != std::string::npos;
}

// A tiny random Llama with the demo tokenizer (ChatML), created once per process with
// `tunesmith-cli model init`.
std::string tiny_model_dir();

}  // namespace tunesmith::test
