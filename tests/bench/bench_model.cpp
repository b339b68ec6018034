// bench_model: CPU/GPU throughput of the model engine and the peak memory of loading.
//
//   bench_model [--presets tiny,small-100m] [--vocab N] [--device cpu|cuda]
//               [--load-1b DIR]      also measure loading a 1B-shaped fp32 model (written
//                                    to DIR once, reused afterwards; ~5 GB)
//   bench_model --measure-load DIR   (internal) load DIR in this fresh process, run one
//                                    forward, print peak RSS
//
// Forward: B x T tokens per call, tokens/s over timed calls after a warm-up.
// Generation: greedy, batch 1, 16-token prompt, 64 new tokens through the KV cache.
#include <c10/core/InferenceMode.h>
#include <torch/torch.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include "core/model/device.h"
#include "core/model/generate.h"
#include "core/model/loader.h"
#include "core/model/presets.h"

using namespace tunesmith::model;
using Clock = std::chrono::steady_clock;

namespace {

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

// VmHWM / VmRSS / RssFile / RssAnon in MiB from /proc/self/status.
std::string memory_report() {
  std::ifstream f("/proc/self/status");
  std::string line, out;
  while (std::getline(f, line))
    for (const char* key : {"VmHWM:", "VmRSS:", "RssAnon:", "RssFile:"})
      if (line.rfind(key, 0) == 0) {
        std::istringstream is(line.substr(std::string(key).size()));
        long kb = 0;
        is >> kb;
        out += std::string(key) + " " + std::to_string(kb / 1024) + " MiB  ";
      }
  return out;
}

void bench_preset(const std::string& preset, std::int64_t vocab, const c10::Device& device) {
  ModelConfig c = preset_config(preset, Arch::Llama, vocab);
  Transformer net = init_random(c, 1);
  if (!device.is_cpu()) {
    for (TensorSlot& s : net.tensor_slots()) *s.tensor = s.tensor->to(device, default_dtype(device));
    net.finalize();
  }
  c10::InferenceMode guard;
  const std::int64_t B = 4, T = 128;
  at::Tensor ids = torch::randint(0, c.vocab_size, {B, T}, torch::TensorOptions().dtype(torch::kLong).device(device));
  net.forward(ids);  // warm-up
  int iters = 0;
  const auto t0 = Clock::now();
  while (iters < 3 || seconds_since(t0) < 3.0) {
    net.forward(ids);
    if (device.is_cuda()) torch::cuda::synchronize();
    ++iters;
  }
  const double fwd = static_cast<double>(iters * B * T) / seconds_since(t0);

  GenerateOptions o;
  o.max_new_tokens = 64;
  std::vector<std::int64_t> prompt(16);
  for (std::size_t i = 0; i < prompt.size(); ++i) prompt[i] = static_cast<std::int64_t>(i * 7 % c.vocab_size);
  generate(net, {prompt}, o);  // warm-up
  const auto t1 = Clock::now();
  const auto g = generate(net, {prompt}, o);
  const double gen = static_cast<double>(g[0].tokens.size()) / seconds_since(t1);

  std::printf("%-12s params %6.1fM  forward (B=%lld, T=%lld): %9.0f tokens/s   generation (greedy, batch 1, 64 new): %7.1f tokens/s\n",
              preset.c_str(), c.num_parameters() / 1e6, static_cast<long long>(B), static_cast<long long>(T), fwd, gen);
  std::fflush(stdout);
}

int measure_load(const std::string& dir) {
  std::printf("before load:  %s\n", memory_report().c_str());
  const auto t0 = Clock::now();
  Model m = load_model(dir, {"cpu", std::nullopt});
  const double load_s = seconds_since(t0);
  std::printf("after load:   %s (%.2f s)\n", memory_report().c_str(), load_s);
  {
    c10::InferenceMode guard;
    const auto t1 = Clock::now();
    at::Tensor logits = m.net.forward(torch::randint(0, 1000, {1, 8}, torch::kLong));
    std::printf("after a forward of 8 tokens (%.2f s): %s\n", seconds_since(t1), memory_report().c_str());
  }
  std::printf("weights: %.0f MiB fp32 (%lld parameters)\n", m.config.num_parameters() * 4 / 1048576.0,
              static_cast<long long>(m.config.num_parameters()));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::string presets = "tiny,small-100m", load_dir, device_name = "cpu";
  std::int64_t vocab = 32000;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) throw std::runtime_error(a + " needs a value");
      return argv[++i];
    };
    if (a == "--presets") presets = next();
    else if (a == "--vocab") vocab = std::stoll(next());
    else if (a == "--device") device_name = next();
    else if (a == "--load-1b") load_dir = next();
    else if (a == "--measure-load") return measure_load(next());
    else {
      std::cerr << "usage: bench_model [--presets a,b] [--vocab N] [--device cpu|cuda] [--load-1b DIR]\n";
      return 2;
    }
  }
  const c10::Device device = select_device(device_name);
  std::printf("device %s, %d threads, vocab %lld, torch %s\n", describe(device).c_str(), torch::get_num_threads(),
              static_cast<long long>(vocab), TORCH_VERSION);
  std::stringstream list(presets);
  for (std::string p; std::getline(list, p, ',');) bench_preset(p, vocab, device);

  if (!load_dir.empty()) {
    namespace fs = std::filesystem;
    if (!fs::exists(fs::path(load_dir) / "config.json")) {
      std::printf("writing the llama-3.2-1b shape in fp32 to %s ...\n", load_dir.c_str());
      std::fflush(stdout);
      Transformer net = init_random(preset_config("llama-3.2-1b", Arch::Llama, 0), 1);
      save_model(net, GenerationConfig{}, load_dir, c10::kFloat);
    }
    // A fresh process, so the peak RSS is that of loading alone.
    const std::string cmd = std::string("\"") + argv[0] + "\" --measure-load \"" + load_dir + "\"";
    return std::system(cmd.c_str()) == 0 ? 0 : 1;
  }
  return 0;
}
