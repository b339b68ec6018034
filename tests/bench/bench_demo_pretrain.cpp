// bench_demo_pretrain: chooses the demo base model's shape and recipe. Pretrains a
// shape on resources/demo/corpus/ and prints tokens/s, the loss curve's tail and greedy
// and sampled continuations with the share of their words found in the corpus.
// Run by hand (not a ctest test):
//   bench_demo_pretrain [hidden=128] [layers=4] [heads=4] [inter=384] [seq=128] [batch=16]
//                       [steps=300] [lr=3e-3] [threads=2]
#include <torch/torch.h>

#include <cctype>
#include <cstdio>
#include <map>
#include <set>
#include <string>

#include "core/data/atomic_file.h"
#include "core/model/generate.h"
#include "core/text/tokenizer.h"
#include "core/train/demo_pretrain.h"

using namespace tunesmith;

namespace {

std::vector<std::string> words(const std::string& s) {
  std::vector<std::string> out;
  std::string w;
  for (char c : s) {
    if (std::isalpha(static_cast<unsigned char>(c))) w += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    else if (!w.empty()) out.push_back(std::move(w)), w.clear();
  }
  if (!w.empty()) out.push_back(w);
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  std::map<std::string, std::string> kv;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto eq = a.find('=');
    if (eq != std::string::npos) kv[a.substr(0, eq)] = a.substr(eq + 1);
  }
  auto num = [&](const char* k, double d) { return kv.count(k) ? std::stod(kv[k]) : d; };
  const std::string root = TUNESMITH_SOURCE_DIR;
  const std::string corpus = root + "/resources/demo/corpus", tokdir = root + "/resources/demo/model";

  train::PretrainRecipe r;
  r.seq_len = static_cast<std::int64_t>(num("seq", 128));
  r.batch_size = static_cast<std::int64_t>(num("batch", 16));
  r.steps = static_cast<std::int64_t>(num("steps", 300));
  r.warmup_steps = std::max<std::int64_t>(1, r.steps / 20);
  r.lr = num("lr", 3e-3);
  r.min_lr = r.lr / 10;
  r.threads = static_cast<int>(num("threads", 2));
  model::ModelConfig c = train::demo_config(tokdir, "tiny");
  c.hidden_size = static_cast<std::int64_t>(num("hidden", 128));
  c.num_hidden_layers = static_cast<std::int64_t>(num("layers", 4));
  c.num_attention_heads = static_cast<std::int64_t>(num("heads", 4));
  c.num_key_value_heads = static_cast<std::int64_t>(num("kv", c.num_attention_heads));
  c.head_dim = c.hidden_size / c.num_attention_heads;
  c.intermediate_size = static_cast<std::int64_t>(num("inter", 3 * c.hidden_size));
  std::printf("shape: hidden %lld layers %lld heads %lld inter %lld params %lld; recipe %s\n",
              (long long)c.hidden_size, (long long)c.num_hidden_layers, (long long)c.num_attention_heads,
              (long long)c.intermediate_size, (long long)c.num_parameters(), r.key().c_str());

  auto res = train::pretrain(corpus, tokdir, c, r, [&](const train::PretrainProgress& p) {
    if (p.step % 50 == 0 || p.step == p.steps)
      std::fprintf(stderr, "step %lld/%lld loss %.3f lr %.2e %.0f tok/s %.1fs\n", (long long)p.step,
                   (long long)p.steps, p.loss, p.lr, p.tokens_per_s, p.elapsed_s);
  });
  double tail = 0;
  const std::size_t n = std::min<std::size_t>(20, res.losses.size());
  for (std::size_t i = res.losses.size() - n; i < res.losses.size(); ++i) tail += res.losses[i] / n;
  std::printf("corpus tokens %lld; %.1f s, %.0f tokens/s; mean loss of last %zu steps %.3f\n",
              (long long)res.corpus_tokens, res.elapsed_s, res.tokens_per_s, n, tail);

  std::set<std::string> vocab;
  for (const auto& f : train::corpus_files(corpus))
    for (auto& w : words(data::read_file(f))) vocab.insert(w);
  const text::Tokenizer tok = text::Tokenizer::from_dir(tokdir);
  const std::vector<std::string> prompts = {"How do I reset my password?", "The library is open",
                                            "Customer: Hello, I ordered a", "To change the filter,"};
  std::size_t known = 0, total = 0;
  for (double temp : {0.0, 0.8}) {
    for (const auto& p : prompts) {
      auto enc = tok.encode(p, false);
      model::GenerateOptions o;
      o.max_new_tokens = 60;
      o.sampling.temperature = temp;
      o.sampling.top_k = 40;
      o.sampling.seed = 7;
      o.eos_token_ids = {4093};
      o.decode = [&](const std::vector<std::int64_t>& ids) {
        return tok.decode(std::vector<int32_t>(ids.begin(), ids.end()), true);
      };
      auto g = model::generate(res.net, {std::vector<std::int64_t>(enc.ids.begin(), enc.ids.end())}, o);
      for (auto& w : words(g[0].text)) ++total, known += vocab.count(w);
      std::printf("[T=%.1f] %s|%s\n", temp, p.c_str(), g[0].text.c_str());
    }
  }
  std::printf("words in corpus vocabulary: %zu/%zu = %.3f\n", known, total, total ? double(known) / total : 0.0);
  return 0;
}
