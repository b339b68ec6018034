#include <catch2/catch.hpp>

#include "core/estimate/estimate.h"
#include "tests/support/test_paths.h"

using namespace tunesmith::estimate;
using tunesmith::data::Conversation;
using tunesmith::data::EstimatedTokenCounter;

TEST_CASE("OpenAI's default epochs: 3, clamped by the 100 and 25,000 example targets") {
  CHECK(openai_default_epochs(10) == 10);    // 100 / 10
  CHECK(openai_default_epochs(3) == 25);     // min(25, 33)
  CHECK(openai_default_epochs(33) == 3);     // 33 * 3 = 99 < 100 -> 100 / 33 = 3
  CHECK(openai_default_epochs(34) == 3);
  CHECK(openai_default_epochs(100) == 3);
  CHECK(openai_default_epochs(8333) == 3);   // 24,999
  CHECK(openai_default_epochs(9000) == 2);   // 25000 / 9000
  CHECK(openai_default_epochs(30000) == 1);  // max(1, 0)
}

TEST_CASE("billed tokens: min(tokens, context) per example times epochs") {
  std::vector<Conversation> ex;
  ex.emplace_back(tunesmith::data::Json::parse(R"({"messages":[{"role":"user","content":"abcdefgh"},{"role":"assistant","content":"abcd"}]})"));
  ex.emplace_back(tunesmith::data::Json::parse(R"({"messages":[{"role":"user","content":")" + std::string(400, 'x') + R"("},{"role":"assistant","content":"ok"}]})"));
  EstimatedTokenCounter counter;
  // example 1: 3 + (3 + 2) + (3 + 1) = 12; example 2: 3 + (3 + 100) + (3 + 1) = 110
  CHECK(example_tokens(ex[0], counter) == 12);
  const TokenEstimate t = count_training_tokens(ex, counter, 50);
  CHECK(t.tokens == 122);
  CHECK(t.billed_per_epoch == 62);
  CHECK(t.truncated == 1);
  CHECK(t.is_estimate);

  PriceTable prices;
  prices.as_of = "2025-06-01";
  prices.models.push_back({"gpt-4o-mini-2024-07-18", {"gpt-4o-mini"}, 3.0, 0.3, 0.15, 1.2});
  const CostEstimate c = estimate_openai_cost(t, std::nullopt, "gpt-4o-mini", &prices);
  CHECK(c.epochs == 25);  // two examples: min(25, 100 / 2)
  CHECK(c.default_epochs);
  CHECK(c.billed_tokens == 62 * 25);
  REQUIRE(c.dollars);
  CHECK(*c.dollars == Approx(62.0 * 25 / 1e6 * 3.0));
  CHECK(c.priced_as == "gpt-4o-mini-2024-07-18");
  const CostEstimate fixed = estimate_openai_cost(t, 2, "ft:gpt-4o-mini-2024-07-18:org::abc", &prices);
  CHECK(fixed.epochs == 2);
  CHECK(fixed.priced_as == "gpt-4o-mini-2024-07-18");
  CHECK_FALSE(estimate_openai_cost(t, 2, "unknown-model", &prices).dollars);
}

TEST_CASE("the shipped price table loads, is dated and prices the fine-tunable models") {
  const PriceTable t = load_price_table(tunesmith::test::source_path("resources/pricing/openai.json"));
  CHECK(t.as_of.size() == 10);
  for (const char* m : {"gpt-4o-mini-2024-07-18", "gpt-4o-2024-08-06", "gpt-4.1-2025-04-14", "gpt-4.1-mini-2025-04-14",
                        "gpt-4.1-nano-2025-04-14", "gpt-4.1-mini", "gpt-4o-mini"}) {
    const PriceEntry* e = t.find(m);
    INFO(m);
    REQUIRE(e);
    CHECK(e->training_per_1m.value_or(0) > 0);
    CHECK(e->input_per_1m.value_or(0) > 0);
  }
  CHECK_THROWS_AS(parse_price_table(tunesmith::data::Json::parse(R"({"models":[]})")), PriceTableError);
}

TEST_CASE("VRAM estimate from config.json grows with rank, sequence length and precision") {
  const auto cfg = tunesmith::data::Json::parse(R"({"architectures":["LlamaForCausalLM"],"hidden_size":2048,"intermediate_size":8192,"num_hidden_layers":16,
    "num_attention_heads":32,"num_key_value_heads":8,"vocab_size":128256,"tie_word_embeddings":true})");
  const ModelShape s = model_shape_from_config(cfg);
  CHECK(s.head_dim == 64);
  CHECK(s.parameters() == Approx(1.236e9).epsilon(0.01));  // Llama 3.2 1B
  LocalRunSetup lora;
  const VramEstimate v = estimate_vram(s, lora);
  CHECK(v.weights == Approx(1.236e9 * 2 / (1024.0 * 1024 * 1024)).epsilon(0.01));
  CHECK(v.trainable_parameters == 16 * 16 * ((2048 + 2048) + (2048 + 512)));
  CHECK(v.total() > v.weights);
  LocalRunSetup longer = lora;
  longer.seq_len = 4096;
  CHECK(estimate_vram(s, longer).total() > v.total());
  LocalRunSetup q4 = lora;
  q4.quantization = Quantization::NF4;
  CHECK(estimate_vram(s, q4).weights < v.weights);
  LocalRunSetup full = lora;
  full.lora_rank = 0;
  CHECK(estimate_vram(s, full).optimizer > 8.0);  // 1.2 B params * 8 bytes
  CHECK_THROWS(model_shape_from_config(tunesmith::data::Json::parse(R"({"hidden_size":8})")));
  CHECK(estimate_local_seconds(1000000, 2000) == Approx(500));
}
