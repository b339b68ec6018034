// The loss the trainer computes: masks, padding, packing, normalization over
// gradient accumulation. On the tiny random model with the demo (ChatML) tokenizer.
#include <catch2/catch.hpp>

#include <torch/torch.h>

#include "core/data/json.h"
#include "core/model/loader.h"
#include "core/text/chat_template.h"
#include "core/text/loss_mask.h"
#include "core/text/tokenizer.h"
#include "core/train/batching.h"
#include "core/train/collate.h"
#include "core/train/sft_data.h"
#include "core/train/trainer.h"
#include "tests/support/test_paths.h"
#include "tests/train/train_fixtures.h"

using namespace tunesmith;
using namespace tunesmith::train;
using tunesmith::data::Json;

namespace {

struct Fixture {
  model::Model model = model::load_model(test::tiny_model_dir());
  text::Tokenizer tokenizer = text::Tokenizer::from_dir(test::tiny_model_dir());
  text::ChatTemplate tmpl = text::ChatTemplate::load(test::tiny_model_dir());

  TokenizedExample example(const Json& messages) {
    text::MaskedConversation mc = text::mask_conversation(tmpl, tokenizer, messages);
    return TokenizedExample{mc.ids, mc.mask, "test"};
  }
  // The loss summed over the targets of `rows` (each a list of example indices).
  double loss(const std::vector<TokenizedExample>& ex, const std::vector<std::vector<std::size_t>>& rows,
              bool packed) {
    MicroBatch b;
    for (const auto& r : rows) {
      Row row{r, 0};
      for (std::size_t i : r) row.length += static_cast<std::int64_t>(ex[i].ids.size());
      b.tokens += row.length;
      b.width = std::max(b.width, row.length);
      b.rows.push_back(row);
    }
    torch::NoGradGuard ng;
    return loss_sum(model.net, collate(b, ex, 0, packed, c10::Device(c10::kCPU))).item<double>();
  }
};

Json chat(const std::string& user, const std::string& answer) {
  return Json::array({{{"role", "user"}, {"content", user}}, {{"role", "assistant"}, {"content", answer}}});
}

}  // namespace

TEST_CASE("masking: only assistant tokens are trained, other tokens add nothing to loss or gradients",
          "[train][mask]") {
  Fixture f;
  const Json base = chat("How do I reset my password?", "Click Forgot password on the sign-in page.");
  const TokenizedExample ex = f.example(base);
  REQUIRE(ex.trained_tokens() > 3);
  REQUIRE(ex.trained_tokens() < static_cast<std::int64_t>(ex.ids.size()) - 5);

  // The loss is the cross-entropy at exactly the masked targets, computed independently
  // from the full forward's logits.
  const auto T = static_cast<std::int64_t>(ex.ids.size());
  std::vector<std::int64_t> ids64(ex.ids.begin(), ex.ids.end());
  torch::Tensor ids = torch::tensor(ids64).view({1, T});
  double expected = 0;
  {
    torch::NoGradGuard ng;
    torch::Tensor logp = torch::log_softmax(f.model.net.forward(ids).to(torch::kDouble), -1)[0];  // (T, V)
    for (std::int64_t t = 0; t + 1 < T; ++t)
      if (ex.mask[static_cast<std::size_t>(t + 1)]) expected -= logp[t][ids64[static_cast<std::size_t>(t + 1)]].item<double>();
  }
  const double got = f.loss({ex}, {{0}}, false);
  CHECK(got == Approx(expected).epsilon(1e-5));

  // Unmasking one user token changes the loss: the check above can fail.
  TokenizedExample more = ex;
  for (std::size_t t = 1; t < more.mask.size(); ++t)
    if (!more.mask[t]) {
      more.mask[t] = 1;
      break;
    }
  CHECK(f.loss({more}, {{0}}, false) != Approx(got).epsilon(1e-6));

  // A trailing user turn (masked out): two different texts give the same loss and the
  // same gradients as none at all.
  Json with_a = base, with_b = base;
  with_a.push_back({{"role", "user"}, {"content", "Thanks, that worked!"}});
  with_b.push_back({{"role", "user"}, {"content", "It did not work at all, sadly."}});
  REQUIRE(f.model.config.tie_word_embeddings);  // grads() swaps the shared embedding/head tensor
  auto grads = [&](const TokenizedExample& e, double* loss_out) {
    torch::Tensor emb = f.model.net.embed_tokens.detach().clone().set_requires_grad(true);
    torch::Tensor saved = f.model.net.embed_tokens;
    f.model.net.embed_tokens = emb;
    f.model.net.lm_head.weight = emb;  // tied
    MicroBatch b;
    b.rows.push_back(Row{{0}, static_cast<std::int64_t>(e.ids.size())});
    b.width = b.rows[0].length;
    torch::Tensor l = loss_sum(f.model.net, collate(b, {e}, 0, false, c10::Device(c10::kCPU)));
    l.backward();
    *loss_out = l.item<double>();
    f.model.net.embed_tokens = saved;
    f.model.net.lm_head.weight = saved;
    return emb.grad().clone();
  };
  double l0 = 0, la = 0, lb = 0;
  const torch::Tensor g0 = grads(ex, &l0);
  const TokenizedExample ea = f.example(with_a), eb = f.example(with_b);
  REQUIRE(ea.ids.size() > ex.ids.size());
  CHECK(ea.trained_tokens() == ex.trained_tokens());
  const torch::Tensor ga = grads(ea, &la), gb = grads(eb, &lb);
  CHECK(la == Approx(l0).epsilon(1e-5));
  CHECK(lb == Approx(l0).epsilon(1e-5));
  CHECK(g0.abs().sum().item<double>() > 0);
  CHECK(torch::allclose(ga, g0, 1e-4, 1e-6));
  CHECK(torch::allclose(gb, g0, 1e-4, 1e-6));
}

TEST_CASE("padding and packing compute each example's loss exactly as alone", "[train][padding][packing]") {
  Fixture f;
  const std::vector<TokenizedExample> ex = {
      f.example(chat("Hi", "Hello! How can I help?")),
      f.example(chat("Can I export my projects to CSV from the dashboard?",
                     "Yes: open the project, choose Export, then CSV. Large projects arrive by email.")),
      f.example(chat("Is there a mobile app?", "Yes, for iOS and Android."))};
  REQUIRE(ex[0].ids.size() != ex[1].ids.size());
  const double alone = f.loss(ex, {{0}}, false) + f.loss(ex, {{1}}, false) + f.loss(ex, {{2}}, false);
  // Right padding in one batch of three rows.
  CHECK(f.loss(ex, {{0}, {1}, {2}}, false) == Approx(alone).epsilon(1e-5));
  // Packed: two examples in one row, one in another; block-diagonal attention and
  // positions restarting per example.
  CHECK(f.loss(ex, {{0, 1}, {2}}, true) == Approx(alone).epsilon(1e-5));
  CHECK(f.loss(ex, {{2, 0, 1}}, true) == Approx(alone).epsilon(1e-5));
  // Without the packing mask the examples would see each other: a different loss, so
  // the packed check above is meaningful.
  CHECK(f.loss(ex, {{0, 1}, {2}}, false) != Approx(alone).epsilon(1e-4));
}

TEST_CASE("loss normalization: grad-accum 2 x batch 1 equals batch 2", "[train][accum]") {
  const std::string data = test::acme_conversations(2, "accum-data");
  auto run = [&](std::int64_t batch, std::int64_t accum, const std::string& name) {
    TrainConfig c = test::quick_config(data, test::scratch_dir(name) + "/run");
    c.batch_size = batch;
    c.grad_accum = accum;
    c.max_steps = 2;
    c.warmup_steps = 0;
    c.warmup_ratio = 0;  // full lr from the first step, so step 2 sees an update
    c.lora_dropout = 0;
    TrainingOutcome o = run_training(c, {}, {});
    REQUIRE(o.state == jobs::JobState::Succeeded);
    return test::step_losses(c.out_dir);
  };
  const auto a = run(2, 1, "accum-b2"), b = run(1, 2, "accum-b1x2");
  REQUIRE(a.size() == 2);
  REQUIRE(b.size() == 2);
  CHECK(b[0] == Approx(a[0]).epsilon(1e-5));
  CHECK(b[1] == Approx(a[1]).epsilon(1e-4));  // after an identical update
  CHECK(a[1] < a[0]);
}
