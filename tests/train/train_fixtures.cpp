#include "tests/train/train_fixtures.h"

#include <fstream>
#include <sstream>

#include "core/data/json.h"
#include "core/model/presets.h"
#include "tests/support/test_paths.h"

namespace tunesmith::test {

const std::string& tiny_model_dir() {
  static const std::string dir = [] {
    model::InitOptions o;
    o.preset = "tiny";
    o.tokenizer_dir = source_path("resources/demo/model");
    o.out_dir = scratch_dir("tiny-model");
    o.seed = 7;
    model::init_model(o);
    return o.out_dir;
  }();
  return dir;
}

std::string acme_conversations(std::size_t n, const std::string& name) {
  std::ifstream in(source_path("resources/demo/acme/train.jsonl"));
  std::string out, line;
  for (std::size_t i = 0; i < n && std::getline(in, line); ++i) out += line + "\n";
  return write_text(scratch_dir(name) + "/data.jsonl", out);
}

train::TrainConfig quick_config(const std::string& data, const std::string& out) {
  train::TrainConfig c;
  c.model_dir = tiny_model_dir();
  c.train_files = {data};
  c.out_dir = out;
  c.lora_r = 4;
  c.lora_alpha = 8;
  c.lr = 5e-3;
  c.batch_size = 2;
  c.max_seq_len = 192;
  c.max_steps = 4;
  c.warmup_steps = 1;
  c.threads = 1;  // bit-identical reductions from run to run
  return c;
}

std::vector<double> step_losses(const std::string& run_dir) {
  std::vector<double> out;
  std::istringstream in(read_text(run_dir + "/metrics.jsonl"));
  for (std::string line; std::getline(in, line);) {
    const auto j = data::Json::parse(line);
    if (j["type"] == "step") out.push_back(j["loss"].get<double>());
  }
  return out;
}

std::vector<std::string> metric_types(const std::string& run_dir) {
  std::vector<std::string> out;
  std::istringstream in(read_text(run_dir + "/metrics.jsonl"));
  for (std::string line; std::getline(in, line);) out.push_back(data::Json::parse(line)["type"].get<std::string>());
  return out;
}

}  // namespace tunesmith::test
