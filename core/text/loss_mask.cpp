#include "core/text/loss_mask.h"

#include <algorithm>

namespace tunesmith::text {

BosPolicy bos_policy(const Tokenizer& tokenizer, const TokenizerConfig& config) {
  BosPolicy p;
  if (auto text = config.token("bos_token")) {
    p.text = *text;
    p.id = tokenizer.token_to_id(*text);
  }
  if (config.add_bos_token) {
    // transformers rebuilds the post-processor from add_bos_token (LlamaTokenizerFast & co.).
    p.add = *config.add_bos_token && p.id.has_value();
    return p;
  }
  Encoding empty = tokenizer.encode("", true);
  if (!empty.ids.empty()) {
    p.add = true;
    if (!p.id || *p.id != empty.ids.front()) {
      p.id = empty.ids.front();
      p.text = tokenizer.id_to_token(empty.ids.front());
    }
  }
  return p;
}

Encoding encode_rendered(const Tokenizer& tokenizer, const BosPolicy& bos, std::string_view text) {
  Encoding enc = tokenizer.encode(text, false);
  const bool written = !bos.text.empty() && text.substr(0, bos.text.size()) == bos.text;
  if (bos.add && bos.id && !written) {
    enc.ids.insert(enc.ids.begin(), *bos.id);
    enc.offsets.insert(enc.offsets.begin(), {0, 0});
  }
  return enc;
}

std::vector<std::string> end_of_turn_markers(const TokenizerConfig& config) {
  std::vector<std::string> m = {"<|im_end|>",    "<|eot_id|>",       "<|eom_id|>",          "<end_of_turn>",
                                "<|end|>",       "<|endoftext|>",    "</s>",                "<|end_of_text|>",
                                "<|return|>",    "<|end_of_turn|>",  "<|END_OF_TURN_TOKEN|>", "<|endofturn|>",
                                "<｜end▁of▁sentence｜>", "<|end_of_sentence|>"};
  if (auto eos = config.token("eos_token")) m.insert(m.begin(), *eos);
  std::sort(m.begin(), m.end(), [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
  m.erase(std::unique(m.begin(), m.end()), m.end());
  return m;
}

MaskedConversation mask_conversation(const ChatTemplate& tmpl, const Tokenizer& tokenizer, const data::Json& messages,
                                     const data::Json& extra) {
  MaskedConversation r;
  jinja::RenderOutput out = tmpl.render_tracked(messages, false, extra);
  r.text = std::move(out.text);

  // Which messages are trained on: assistant messages without "weight": 0.
  const std::size_t n = messages.is_array() ? messages.size() : 0;
  std::vector<bool> trained(n, false);
  for (std::size_t i = 0; i < n; ++i) {
    const auto& m = messages[i];
    if (!m.is_object() || m.value("role", std::string()) != "assistant") continue;
    auto w = m.find("weight");
    trained[i] = !(w != m.end() && w->is_number() && w->get<double>() == 0.0);
  }

  // Where their content landed, and where each one's content ends.
  std::vector<std::pair<std::size_t, std::size_t>>& spans = r.trained_spans;
  std::vector<std::size_t> content_end(n, 0);
  std::vector<bool> seen(n, false);
  for (const auto& o : out.origins) {
    if (o.source < 0 || static_cast<std::size_t>(o.source) >= n || !trained[static_cast<std::size_t>(o.source)]) continue;
    spans.emplace_back(o.begin, o.end);
    auto s = static_cast<std::size_t>(o.source);
    content_end[s] = std::max(content_end[s], o.end);
    seen[s] = true;
  }

  // The end-of-turn marker written right after the content (only whitespace between).
  const std::vector<std::string> markers = end_of_turn_markers(tmpl.config());
  for (std::size_t i = 0; i < n; ++i) {
    if (!seen[i]) continue;
    std::size_t p = content_end[i];
    while (p < r.text.size() && (r.text[p] == ' ' || r.text[p] == '\n' || r.text[p] == '\t' || r.text[p] == '\r')) ++p;
    for (const auto& marker : markers) {
      if (r.text.compare(p, marker.size(), marker) == 0) {
        spans.emplace_back(content_end[i], p + marker.size());
        break;
      }
    }
  }
  std::sort(spans.begin(), spans.end());
  std::vector<std::pair<std::size_t, std::size_t>> merged;
  for (const auto& s : spans) {
    if (!merged.empty() && s.first <= merged.back().second) merged.back().second = std::max(merged.back().second, s.second);
    else merged.push_back(s);
  }
  spans = std::move(merged);

  Encoding enc = encode_rendered(tokenizer, bos_policy(tokenizer, tmpl.config()), r.text);
  r.ids = std::move(enc.ids);
  r.offsets = std::move(enc.offsets);
  r.mask.assign(r.ids.size(), 0);
  std::size_t k = 0;  // spans and token offsets both ascend
  for (std::size_t t = 0; t < r.ids.size(); ++t) {
    auto [b, e] = r.offsets[t];
    if (e <= b) continue;
    while (k < spans.size() && spans[k].second <= b) ++k;
    if (k < spans.size() && spans[k].first < e) r.mask[t] = 1;
  }
  return r;
}

}  // namespace tunesmith::text
