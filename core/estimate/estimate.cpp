#include "core/estimate/estimate.h"

#include "core/model/config.h"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace tunesmith::estimate {

int openai_default_epochs(std::size_t n) {
  if (n == 0) return kTargetEpochs;
  if (n * kTargetEpochs < kMinTargetExamples) {
    return std::min<int>(kMaxDefaultEpochs, static_cast<int>(kMinTargetExamples / n));
  }
  if (n * kTargetEpochs > kMaxTargetExamples) {
    return std::max<int>(kMinDefaultEpochs, static_cast<int>(kMaxTargetExamples / n));
  }
  return kTargetEpochs;
}

std::size_t example_tokens(const data::Conversation& example, const data::TokenCounter& counter) {
  std::size_t total = data::kTokensPerConversation;
  for (std::size_t i = 0; i < example.message_count(); ++i) {
    total += data::kTokensPerMessage + counter.count(example.text(i));
    const data::Json& m = example.message(i);
    if (!m.is_object()) continue;
    for (const char* key : {"tool_calls", "function_call"}) {
      auto it = m.find(key);
      if (it != m.end() && !it->is_null()) total += counter.count(it->dump());
    }
  }
  return total;
}

TokenEstimate count_training_tokens(const std::vector<data::Conversation>& examples, const data::TokenCounter& counter,
                                    std::size_t context_limit) {
  TokenEstimate t;
  t.is_estimate = counter.is_estimate();
  t.examples = examples.size();
  for (const auto& ex : examples) {
    const std::size_t n = example_tokens(ex, counter);
    t.tokens += n;
    t.max_example_tokens = std::max(t.max_example_tokens, n);
    if (context_limit > 0 && n > context_limit) {
      ++t.truncated;
      t.billed_per_epoch += context_limit;
    } else {
      t.billed_per_epoch += n;
    }
  }
  return t;
}

// ---------------------------------------------------------------- prices

static std::optional<double> opt_number(const Json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return std::nullopt;
  if (!it->is_number()) throw PriceTableError(std::string("price field '") + key + "' is not a number");
  return it->get<double>();
}

PriceTable parse_price_table(const Json& j) {
  if (!j.is_object()) throw PriceTableError("price table: not a JSON object");
  PriceTable t;
  if (j.contains("as_of") && j["as_of"].is_string()) t.as_of = j["as_of"].get<std::string>();
  if (t.as_of.empty()) throw PriceTableError("price table: missing \"as_of\" date");
  if (j.contains("currency") && j["currency"].is_string()) t.currency = j["currency"].get<std::string>();
  if (j.contains("note") && j["note"].is_string()) t.note = j["note"].get<std::string>();
  if (j.contains("source") && j["source"].is_string()) t.source = j["source"].get<std::string>();
  if (!j.contains("models") || !j["models"].is_array()) throw PriceTableError("price table: missing \"models\" list");
  for (const Json& m : j["models"]) {
    if (!m.is_object() || !m.contains("model") || !m["model"].is_string())
      throw PriceTableError("price table: every entry needs a \"model\" string");
    PriceEntry e;
    e.model = m["model"].get<std::string>();
    if (m.contains("aliases") && m["aliases"].is_array())
      for (const Json& a : m["aliases"])
        if (a.is_string()) e.aliases.push_back(a.get<std::string>());
    try {
      e.training_per_1m = opt_number(m, "training_per_1m");
      e.input_per_1m = opt_number(m, "input_per_1m");
      e.cached_input_per_1m = opt_number(m, "cached_input_per_1m");
      e.output_per_1m = opt_number(m, "output_per_1m");
    } catch (const PriceTableError& err) {
      throw PriceTableError("price table: " + e.model + ": " + err.what());
    }
    t.models.push_back(std::move(e));
  }
  return t;
}

PriceTable load_price_table(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw PriceTableError("cannot read price table " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  try {
    return parse_price_table(Json::parse(ss.str()));
  } catch (const Json::exception& e) {
    throw PriceTableError(path + ": " + e.what());
  } catch (const PriceTableError& e) {
    throw PriceTableError(path + ": " + e.what());
  }
}

const PriceEntry* PriceTable::find(std::string_view model) const {
  for (const auto& e : models)
    if (e.model == model) return &e;
  for (const auto& e : models)
    for (const auto& a : e.aliases)
      if (a == model) return &e;
  if (model.substr(0, 3) == "ft:") {  // ft:BASE:org:suffix:id
    std::string_view rest = model.substr(3);
    const auto colon = rest.find(':');
    if (const PriceEntry* e = find(rest.substr(0, colon))) return e;
  }
  const PriceEntry* best = nullptr;
  for (const auto& e : models) {
    if (model.substr(0, e.model.size()) == e.model && (!best || e.model.size() > best->model.size())) best = &e;
  }
  return best;
}

CostEstimate estimate_openai_cost(const TokenEstimate& tokens, std::optional<int> epochs, std::string_view model,
                                  const PriceTable* prices) {
  CostEstimate c;
  c.default_epochs = !epochs.has_value();
  c.epochs = epochs ? *epochs : openai_default_epochs(tokens.examples);
  c.billed_tokens = tokens.billed_per_epoch * static_cast<std::uint64_t>(c.epochs);
  c.tokens_estimated = tokens.is_estimate;
  if (prices) {
    c.price_as_of = prices->as_of;
    if (const PriceEntry* e = prices->find(model)) {
      c.priced_as = e->model;
      if (e->training_per_1m) c.dollars = static_cast<double>(c.billed_tokens) / 1e6 * *e->training_per_1m;
    }
  }
  return c;
}

// ---------------------------------------------------------------- local runs

ModelShape model_shape_from_config(const Json& config) {
  model::ModelConfig c;
  try {
    c = model::ModelConfig::from_json(config);
  } catch (const std::exception& e) {
    throw std::invalid_argument(e.what());
  }
  ModelShape s;
  s.hidden = c.hidden_size;
  s.intermediate = c.intermediate_size;
  s.layers = c.num_hidden_layers;
  s.heads = c.num_attention_heads;
  s.kv_heads = c.num_key_value_heads;
  s.vocab = c.vocab_size;
  s.head_dim = c.head_dim;
  s.tie_embeddings = c.tie_word_embeddings;
  s.parameter_count = c.num_parameters();
  return s;
}

double bytes_per_weight(Quantization q) {
  switch (q) {
    case Quantization::Float32: return 4.0;
    case Quantization::None16: return 2.0;
    case Quantization::Int8: return 1.0;
    case Quantization::NF4: return 0.5 + 0.0625;  // 4 bits plus block scales (double quantization)
  }
  return 2.0;
}

// The parts, in bytes, then GiB:
//  weights     the base model at its storage precision (quantized linear layers, the
//              embeddings and norms stay 16-bit)
//  trainable   LoRA A/B matrices (or, for full fine-tuning, an fp32 master copy) in fp32
//  gradients   fp32, one per trainable parameter
//  optimizer   AdamW's two fp32 moments
//  activations with checkpointing: each layer's input kept (B*T*h*2 bytes) plus one
//              layer's recomputed internals; without: every layer's internals. A layer's
//              internals ~ B*T*(16h + 3*I)*2 bytes + the attention scores B*H*T*T*2 bytes
//  logits      B*T*vocab in fp32, twice (logits and their gradient)
//  overhead    CUDA context and allocator fragmentation: 0.6 GiB + 10 %
VramEstimate estimate_vram(const ModelShape& s, const LocalRunSetup& setup) {
  constexpr double GiB = 1024.0 * 1024.0 * 1024.0;
  VramEstimate v;
  const double B = static_cast<double>(setup.batch), T = static_cast<double>(setup.seq_len);
  const double h = static_cast<double>(s.hidden), I = static_cast<double>(s.intermediate);
  const double L = static_cast<double>(s.layers);
  const double embed = static_cast<double>(s.vocab) * h * (s.tie_embeddings ? 1 : 2);
  const double linear = static_cast<double>(s.parameters()) - embed;
  v.weights = (linear * bytes_per_weight(setup.quantization) + embed * 2.0) / GiB;

  double trainable = 0;
  if (setup.lora_rank > 0) {
    const double r = setup.lora_rank, qd = static_cast<double>(s.heads * s.head_dim),
                 kvd = static_cast<double>(s.kv_heads * s.head_dim);
    double per_layer = r * (h + qd) + r * (h + kvd);  // q_proj, v_proj
    if (setup.all_linear) per_layer += r * (h + kvd) + r * (qd + h) + 2 * r * (h + I) + r * (I + h);
    trainable = per_layer * L;
  } else {
    trainable = static_cast<double>(s.parameters());
  }
  v.trainable_parameters = static_cast<std::int64_t>(trainable);
  v.trainable = trainable * 4.0 / GiB;
  v.gradients = trainable * 4.0 / GiB;
  v.optimizer = trainable * 8.0 / GiB;

  const double layer_internals = B * T * (16.0 * h + 3.0 * I) * 2.0 + B * s.heads * T * T * 2.0;
  v.activations = (setup.gradient_checkpointing ? L * B * T * h * 2.0 + layer_internals : L * layer_internals) / GiB;
  v.logits = B * T * static_cast<double>(s.vocab) * 4.0 * 2.0 / GiB;
  const double subtotal = v.weights + v.trainable + v.gradients + v.optimizer + v.activations + v.logits;
  v.overhead = 0.6 + 0.1 * subtotal;
  return v;
}

double estimate_local_seconds(std::uint64_t tokens, double tokens_per_s) {
  if (tokens_per_s <= 0) return 0;
  return static_cast<double>(tokens) / tokens_per_s;
}

}  // namespace tunesmith::estimate
