#include "core/train/checkpoint.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>

#include <filesystem>
#include <mutex>
#include <regex>
#include <stdexcept>

#include "core/data/atomic_file.h"
#include "core/data/io_error.h"
#include "core/model/weights.h"
#include "core/train/training_job.h"

namespace tunesmith::train {

namespace fs = std::filesystem;

data::Json TrainerState::to_json() const {
  return {{"step", step},
          {"total_steps", total_steps},
          {"epoch", epoch},
          {"batch_index", batch_index},
          {"data_seed", data_seed},
          {"trained_tokens", trained_tokens},
          {"elapsed_s", elapsed_s},
          {"best_val_loss", best_val_loss ? data::Json(*best_val_loss) : data::Json(nullptr)},
          {"evals_without_improvement", evals_without_improvement}};
}

TrainerState TrainerState::from_json(const data::Json& j, const std::string& where) {
  try {
    TrainerState s;
    s.step = j.at("step").get<std::int64_t>();
    s.total_steps = j.at("total_steps").get<std::int64_t>();
    s.epoch = j.at("epoch").get<std::int64_t>();
    s.batch_index = j.at("batch_index").get<std::int64_t>();
    s.data_seed = j.at("data_seed").get<std::uint64_t>();
    s.trained_tokens = j.at("trained_tokens").get<std::int64_t>();
    s.elapsed_s = j.at("elapsed_s").get<double>();
    if (!j.at("best_val_loss").is_null()) s.best_val_loss = j.at("best_val_loss").get<double>();
    s.evals_without_improvement = j.at("evals_without_improvement").get<std::int64_t>();
    return s;
  } catch (const data::Json::exception& e) {
    throw std::runtime_error(where + ": invalid trainer state: " + e.what());
  }
}

at::Tensor cpu_rng_state() {
  auto gen = at::detail::getDefaultCPUGenerator();
  std::lock_guard<std::mutex> lock(gen.mutex());
  return gen.get_state();  // (N) uint8
}

void set_cpu_rng_state(const at::Tensor& state) {
  auto gen = at::detail::getDefaultCPUGenerator();
  std::lock_guard<std::mutex> lock(gen.mutex());
  gen.set_state(state);
}

std::string write_checkpoint(const std::string& run_dir, const CheckpointData& d) {
  const std::string root = run_dir + "/checkpoints";
  const std::string name = "step-" + std::to_string(d.state.step);
  const std::string partial = root + "/.partial-" + name, final_dir = root + "/" + name;
  std::error_code ec;
  fs::remove_all(partial, ec);  // left by a crash
  fs::create_directories(partial, ec);
  if (ec) throw data::IoError(partial + ": cannot create: " + ec.message());

  d.write_weights(partial);
  model::save_safetensors(partial + "/optimizer.safetensors", d.optimizer,
                          {{"format", "tunesmith-adamw"}, {"step", std::to_string(d.state.step)}});
  model::save_safetensors(partial + "/rng.safetensors", {{"torch_cpu_generator", d.rng_state}},
                          {{"format", "tunesmith-rng"}});
  data::write_file_atomic(partial + "/trainer_state.json", d.state.to_json().dump(2) + "\n");
  data::write_file_atomic(partial + "/" + kCheckpointMarker, "{\"step\": " + std::to_string(d.state.step) + "}\n");

  fs::remove_all(final_dir, ec);
  fs::rename(partial, final_dir, ec);
  if (ec) throw data::IoError(final_dir + ": cannot rename the finished checkpoint into place: " + ec.message());
  return final_dir;
}

LoadedCheckpoint read_checkpoint(const std::string& dir) {
  if (!fs::exists(dir + "/" + kCheckpointMarker))
    throw data::IoError(dir + ": incomplete checkpoint (no " + kCheckpointMarker + " marker)");
  LoadedCheckpoint c;
  c.dir = dir;
  const std::string state_path = dir + "/trainer_state.json";
  c.state = TrainerState::from_json(data::Json::parse(data::read_file(state_path)), state_path);
  c.optimizer = model::load_safetensors(dir + "/optimizer.safetensors");
  auto rng = model::load_safetensors(dir + "/rng.safetensors");
  auto it = rng.find("torch_cpu_generator");
  if (it == rng.end()) throw data::IoError(dir + "/rng.safetensors: tensor torch_cpu_generator is missing");
  c.rng_state = it->second.clone();  // detached from the file's map
  for (auto& [k, v] : c.optimizer) v = v.clone();
  return c;
}

std::string newest_checkpoint(const std::string& run_dir) {
  const std::string root = run_dir + "/checkpoints";
  std::error_code ec;
  if (!fs::is_directory(root, ec)) return "";
  static const std::regex name_re("step-([0-9]+)");
  std::int64_t best = -1;
  std::string best_dir;
  for (const auto& e : fs::directory_iterator(root, ec)) {
    std::smatch m;
    const std::string name = e.path().filename().string();
    if (!e.is_directory() || !std::regex_match(name, m, name_re)) continue;
    if (!fs::exists(e.path() / kCheckpointMarker)) continue;  // half-written: never trusted
    const std::int64_t step = std::stoll(m[1].str());
    if (step > best) best = step, best_dir = e.path().string();
  }
  return best_dir;
}

}  // namespace tunesmith::train
