#include "core/model/generate.h"

#include <ATen/ATen.h>
#include <c10/core/InferenceMode.h>

#include <algorithm>

#include "core/model/error.h"

namespace tunesmith::model {

std::string_view finish_reason_name(FinishReason r) {
  switch (r) {
    case FinishReason::Eos: return "eos";
    case FinishReason::StopString: return "stop";
    case FinishReason::Length: return "length";
    case FinishReason::Cancelled: return "cancelled";
  }
  return "?";
}

std::vector<Generation> generate(const Transformer& net, const std::vector<std::vector<std::int64_t>>& prompts,
                                 const GenerateOptions& o) {
  c10::InferenceMode guard;
  const auto B = static_cast<std::int64_t>(prompts.size());
  std::vector<Generation> out(prompts.size());
  if (B == 0) return out;
  if (!o.stop_strings.empty() && !o.decode) throw ModelError("generate: stop strings need a decode function");
  std::int64_t P = 0;  // longest prompt
  for (const auto& p : prompts) {
    if (p.empty()) throw ModelError("generate: empty prompt");
    P = std::max<std::int64_t>(P, static_cast<std::int64_t>(p.size()));
  }
  const auto V = net.config().vocab_size;
  for (const auto& p : prompts)
    for (auto id : p)
      if (id < 0 || id >= V)
        throw ModelError("generate: token id " + std::to_string(id) + " is outside the vocabulary (0.." +
                         std::to_string(V - 1) + ")");

  const auto device = net.embed_tokens.device();
  const auto long_cpu = at::TensorOptions().dtype(at::kLong);
  // Left padding: row b's prompt sits in the last |p_b| slots.
  at::Tensor ids = at::full({B, P}, o.pad_token_id, long_cpu);  // (B, P)
  at::Tensor mask = at::zeros({B, P}, long_cpu);                // (B, P)
  for (std::int64_t b = 0; b < B; ++b) {
    const auto& p = prompts[b];
    const auto n = static_cast<std::int64_t>(p.size());
    ids[b].narrow(0, P - n, n).copy_(at::tensor(p, long_cpu));
    mask[b].narrow(0, P - n, n).fill_(1);
  }
  at::Tensor positions = (mask.cumsum(1) - 1).clamp_min(0);  // (B, P): real tokens count from 0
  ids = ids.to(device), mask = mask.to(device), positions = positions.to(device);

  const std::int64_t max_new = std::max<std::int64_t>(o.max_new_tokens, 0);
  KVCache cache(net.config(), B, P + max_new, net.embed_tokens.options());
  std::vector<Sampler> samplers(B, Sampler(o.sampling));
  std::vector<bool> done(B, false);
  std::int64_t remaining = B;

  for (std::int64_t step = 0; step < max_new && remaining > 0; ++step) {
    if (o.cancel && o.cancel->load()) {
      for (std::int64_t b = 0; b < B; ++b)
        if (!done[b]) out[b].finish = FinishReason::Cancelled, done[b] = true;
      break;
    }
    at::Tensor hidden = net.forward_hidden(ids, positions, mask, &cache);  // (B, T, C)
    at::Tensor logits = net.logits(hidden.select(1, -1)).to(at::kCPU, at::kFloat);  // (B, V)
    std::vector<std::int64_t> next(B, o.pad_token_id);
    for (std::int64_t b = 0; b < B; ++b) {
      if (done[b]) continue;
      const std::int64_t tok = samplers[b].sample(logits[b]);
      next[b] = tok;
      if (std::find(o.eos_token_ids.begin(), o.eos_token_ids.end(), tok) != o.eos_token_ids.end()) {
        out[b].finish = FinishReason::Eos, done[b] = true, --remaining;
        continue;
      }
      out[b].tokens.push_back(tok);
      if (o.on_token) o.on_token(static_cast<std::size_t>(b), tok);
      if (!o.stop_strings.empty()) {
        const std::string text = o.decode(out[b].tokens);
        for (const auto& s : o.stop_strings)
          if (!s.empty() && text.find(s) != std::string::npos) {
            out[b].finish = FinishReason::StopString, done[b] = true, --remaining;
            break;
          }
      }
    }
    // Next input: one token per row at the next position; finished rows keep going
    // with their last token and are ignored.
    ids = at::tensor(next, long_cpu).view({B, 1}).to(device);                 // (B, 1)
    positions = positions.select(1, -1).unsqueeze(1) + 1;                       // (B, 1)
    mask = at::cat({mask, at::ones({B, 1}, mask.options())}, 1);               // (B, S + 1)
  }

  if (o.decode)
    for (auto& g : out) {
      g.text = o.decode(g.tokens);
      if (g.finish == FinishReason::StopString) {
        std::size_t cut = g.text.size();
        for (const auto& s : o.stop_strings)
          if (!s.empty()) cut = std::min(cut, g.text.find(s));
        g.text.resize(cut);
      }
    }
  return out;
}

}  // namespace tunesmith::model
