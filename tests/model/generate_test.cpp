// Generation on token ids: greedy equals the argmax of full forwards, seeds
// reproduce, batched equals unbatched, eos and stop strings stop, streaming, cancel.
#include <catch2/catch.hpp>
#include <torch/torch.h>

#include "core/model/error.h"
#include "core/model/generate.h"
#include "core/model/presets.h"
#include "core/model/sampling.h"

using namespace tunesmith::model;

namespace {

constexpr std::int64_t kVocab = 61;

Transformer model(Arch arch = Arch::Llama, std::uint64_t seed = 5) {
  Transformer net = init_random(preset_config("tiny", arch, kVocab), seed);
  for (NamedLinear& l : net.linears()) l.linear->weight = l.linear->weight * 20;  // peaky distributions
  net.embed_tokens.mul_(20);
  net.finalize();
  return net;
}

// A fake detokenizer: token i is the letter 'a' + i % 26.
std::string letters(const std::vector<std::int64_t>& ids) {
  std::string s;
  for (auto id : ids) s += static_cast<char>('a' + id % 26);
  return s;
}

}  // namespace

TEST_CASE("greedy generation equals repeated argmax of the full forward", "[generate]") {
  for (Arch arch : {Arch::Llama, Arch::Mistral, Arch::Qwen2, Arch::Qwen3}) {
    INFO(arch_name(arch));
    Transformer net = model(arch);
    std::vector<std::int64_t> seq = {3, 14, 15, 9, 2};
    GenerateOptions o;
    o.max_new_tokens = 8;
    const auto out = generate(net, {seq}, o);
    REQUIRE(out[0].tokens.size() == 8);
    CHECK(out[0].finish == FinishReason::Length);
    torch::NoGradGuard g;
    for (int i = 0; i < 8; ++i) {
      at::Tensor logits = net.forward(torch::tensor(seq).unsqueeze(0));  // (1, T, V)
      seq.push_back(logits[0][-1].argmax().item<std::int64_t>());
    }
    CHECK(std::vector<std::int64_t>(seq.end() - 8, seq.end()) == out[0].tokens);
  }
}

TEST_CASE("batched generation with left padding equals unbatched", "[generate]") {
  Transformer net = model(Arch::Qwen3);
  const std::vector<std::vector<std::int64_t>> prompts = {{1, 2, 3, 4, 5, 6, 7}, {9}, {40, 41, 42}};
  for (double temperature : {0.0, 0.8}) {
    INFO("temperature " << temperature);
    GenerateOptions o;
    o.max_new_tokens = 10;
    o.sampling.temperature = temperature;
    o.sampling.seed = 77;
    const auto batched = generate(net, prompts, o);
    for (std::size_t i = 0; i < prompts.size(); ++i) CHECK(generate(net, {prompts[i]}, o)[0].tokens == batched[i].tokens);
  }
}

TEST_CASE("the same seed gives the same text; another seed another", "[generate]") {
  Transformer net = model();
  GenerateOptions o;
  o.max_new_tokens = 24;
  o.sampling = {1.5, 0, 1.0, 1234};
  o.decode = letters;
  const auto a = generate(net, {{1, 2, 3}}, o);
  const auto b = generate(net, {{1, 2, 3}}, o);
  CHECK(a[0].text == b[0].text);
  CHECK(a[0].text.size() == 24);
  o.sampling.seed = 999;
  CHECK(generate(net, {{1, 2, 3}}, o)[0].text != a[0].text);
}

TEST_CASE("top-k 1 is greedy; top-p keeps the smallest nucleus", "[generate][sampling]") {
  Transformer net = model();
  GenerateOptions greedy;
  greedy.max_new_tokens = 6;
  GenerateOptions topk = greedy;
  topk.sampling = {2.0, 1, 1.0, 3};
  CHECK(generate(net, {{4, 5}}, greedy)[0].tokens == generate(net, {{4, 5}}, topk)[0].tokens);

  const at::Tensor logits = torch::log(torch::tensor({0.5f, 0.3f, 0.15f, 0.05f}));
  at::Tensor p = sampling_probs(logits, {1.0, 0, 0.7, 0});
  CHECK(p[0].item<float>() == Approx(0.5f / 0.8f));
  CHECK(p[1].item<float>() == Approx(0.3f / 0.8f));
  CHECK(p[2].item<float>() == 0.0f);
  p = sampling_probs(logits, {1.0, 0, 0.8, 0});  // 0.5 + 0.3 reaches 0.8 exactly: two tokens
  CHECK(p[2].item<float>() == Approx(0.0f).margin(1e-6));
  p = sampling_probs(logits, {1.0, 3, 1.0, 0});
  CHECK(p[3].item<float>() == 0.0f);
  CHECK(p.sum().item<float>() == Approx(1.0f));
  p = sampling_probs(logits, {1.0, 0, 0.01, 0});  // the top token always survives
  CHECK(p[0].item<float>() == Approx(1.0f));
}

TEST_CASE("generation stops on any eos id and on stop strings", "[generate]") {
  Transformer net = model();
  GenerateOptions o;
  o.max_new_tokens = 12;
  o.decode = letters;
  const auto free_run = generate(net, {{7, 8}}, o)[0];
  REQUIRE(free_run.tokens.size() == 12);

  GenerateOptions eos = o;
  eos.eos_token_ids = {1000, free_run.tokens[3]};
  const auto stopped = generate(net, {{7, 8}}, eos)[0];
  CHECK(stopped.finish == FinishReason::Eos);
  // Stops at the first occurrence of the eos token, which is excluded.
  const auto first = std::find(free_run.tokens.begin(), free_run.tokens.end(), free_run.tokens[3]) - free_run.tokens.begin();
  CHECK(stopped.tokens == std::vector<std::int64_t>(free_run.tokens.begin(), free_run.tokens.begin() + first));

  GenerateOptions stop = o;
  const std::string needle = free_run.text.substr(5, 2);
  stop.stop_strings = {"#never#", needle};
  const auto s = generate(net, {{7, 8}}, stop)[0];
  CHECK(s.finish == FinishReason::StopString);
  CHECK(s.text == free_run.text.substr(0, free_run.text.find(needle)));
  CHECK(s.tokens.size() <= 7);

  GenerateOptions nodecode;
  nodecode.stop_strings = {"x"};
  CHECK_THROWS_AS(generate(net, {{1}}, nodecode), ModelError);
  CHECK_THROWS_AS(generate(net, {{kVocab}}, o), ModelError);
  CHECK_THROWS_AS(generate(net, {{}}, o), ModelError);
}

TEST_CASE("streaming callback sees every token; cancel stops promptly", "[generate]") {
  Transformer net = model();
  GenerateOptions o;
  o.max_new_tokens = 9;
  std::vector<std::vector<std::int64_t>> streamed(2);
  o.on_token = [&](std::size_t row, std::int64_t tok) { streamed[row].push_back(tok); };
  const auto out = generate(net, {{1, 2}, {3}}, o);
  CHECK(streamed[0] == out[0].tokens);
  CHECK(streamed[1] == out[1].tokens);

  std::atomic<bool> cancel{false};
  GenerateOptions c;
  c.max_new_tokens = 100;
  c.cancel = &cancel;
  int seen = 0;
  c.on_token = [&](std::size_t, std::int64_t) {
    if (++seen == 3) cancel = true;
  };
  const auto cancelled = generate(net, {{1, 2}}, c)[0];
  CHECK(cancelled.finish == FinishReason::Cancelled);
  CHECK(cancelled.tokens.size() == 3);
}
