#include "core/model/loader.h"

#include <ATen/ATen.h>
#include <c10/core/InferenceMode.h>

#include <algorithm>
#include <filesystem>
#include <set>

#include "core/data/atomic_file.h"
#include "core/data/io_error.h"
#include "core/model/device.h"
#include "core/model/error.h"
#include "core/model/safetensors.h"
#include "core/model/weights.h"

namespace tunesmith::model {
namespace fs = std::filesystem;

namespace {

std::string shape_str(const std::vector<std::int64_t>& s) {
  std::string out = "[";
  for (std::size_t i = 0; i < s.size(); ++i) out += (i ? ", " : "") + std::to_string(s[i]);
  return out + "]";
}

// Tensors that transformers itself ignores on load.
bool ignorable(const std::string& name, const ModelConfig& c) {
  if (name.ends_with(".rotary_emb.inv_freq")) return true;
  if (name == "lm_head.weight" && c.tie_word_embeddings) return true;
  return false;
}

// Checks names, shapes and dtypes of `files` against `net`'s slots; throws one
// ModelError listing every problem. Returns notes about ignored tensors.
std::vector<std::string> check_weights(Transformer& net, const WeightFiles& files, const std::string& dir) {
  std::vector<std::string> problems, notes;
  std::set<std::string> expected;
  for (const TensorSlot& slot : net.tensor_slots()) {
    expected.insert(slot.name);
    auto it = files.tensors().find(slot.name);
    if (it == files.tensors().end()) {
      problems.push_back("missing tensor '" + slot.name + "' (expected shape " + shape_str(slot.shape) + ")");
      continue;
    }
    const TensorInfo& info = *it->second.info;
    if (info.shape != slot.shape)
      problems.push_back(it->second.file->path() + ": tensor '" + slot.name + "' has shape " + shape_str(info.shape) +
                         ", config.json implies " + shape_str(slot.shape));
    if (!is_float_dtype(info.dtype))
      problems.push_back(it->second.file->path() + ": tensor '" + slot.name + "' has dtype " +
                         std::string(dtype_name(info.dtype)) + "; weights must be F32, F16, BF16 or F64");
  }
  for (const auto& [name, entry] : files.tensors()) {
    if (expected.count(name)) continue;
    if (ignorable(name, net.config())) {
      notes.push_back("ignored tensor '" + name + "'");
      continue;
    }
    problems.push_back(entry.file->path() + ": unexpected tensor '" + name + "' (not part of a " +
                       std::string(arch_class_name(net.config().arch)) + " with this config.json)");
  }
  if (!problems.empty()) {
    std::string msg = dir + ": the weights do not match config.json (" + std::to_string(problems.size()) +
                      " problem" + (problems.size() > 1 ? "s" : "") + "):";
    const std::size_t shown = std::min<std::size_t>(problems.size(), 20);
    for (std::size_t i = 0; i < shown; ++i) msg += "\n  " + problems[i];
    if (shown < problems.size()) msg += "\n  ... and " + std::to_string(problems.size() - shown) + " more";
    throw ModelError(msg);
  }
  return notes;
}

ModelConfig read_config(const std::string& dir) {
  const fs::path p = fs::path(dir) / "config.json";
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) throw data::IoError(dir + ": not a folder");
  if (!fs::exists(p, ec)) throw ModelError(dir + ": no config.json in the model folder");
  return ModelConfig::from_file(p.string());
}

std::optional<GenerationConfig> read_generation_config(const std::string& dir) {
  const fs::path p = fs::path(dir) / "generation_config.json";
  std::error_code ec;
  if (!fs::exists(p, ec)) return std::nullopt;
  return GenerationConfig::from_file(p.string());
}

}  // namespace

Model load_model(const std::string& dir, const LoadOptions& options) {
  const c10::Device device = select_device(options.device);  // a bad device fails before any I/O
  Model m{dir, read_config(dir), {}, Transformer(ModelConfig{}), device, c10::kFloat};
  m.generation = read_generation_config(dir).value_or(GenerationConfig{});
  if (m.generation.eos_token_ids.empty()) m.generation.eos_token_ids = m.config.eos_token_ids;
  m.dtype = options.dtype.value_or(default_dtype(m.device));
  m.net = Transformer(m.config);

  const WeightFiles files = WeightFiles::open_dir(dir);
  check_weights(m.net, files, dir);
  c10::InferenceMode guard(false);  // plain tensors: the trainer may later require grad on adapters
  for (const TensorSlot& slot : m.net.tensor_slots()) {
    const auto& e = files.tensors().at(slot.name);
    at::Tensor t = tensor_from_file(*e.file, *e.info);  // zero-copy view of the map
    // Norm weights stay fp32 where they are used in fp32 anyway; projections take the compute dtype.
    if (t.device() != m.device || t.scalar_type() != m.dtype) t = t.to(m.device, m.dtype);
    *slot.tensor = t;
  }
  m.net.finalize();
  return m;
}

ModelInfo inspect_model(const std::string& dir) {
  ModelInfo info;
  info.config = read_config(dir);
  info.generation = read_generation_config(dir);
  Transformer net(info.config);
  const WeightFiles files = WeightFiles::open_dir(dir);
  info.notes = check_weights(net, files, dir);
  std::set<std::string> dtypes;
  for (const auto& f : files.files()) info.weight_files.push_back(fs::path(f->path()).filename().string());
  for (const auto& [name, e] : files.tensors()) {
    if (ignorable(name, info.config)) continue;
    ++info.tensors;
    info.parameters += e.info->numel();
    info.weight_bytes += e.info->end - e.info->begin;
    dtypes.insert(std::string(dtype_name(e.info->dtype)));
  }
  info.stored_dtypes.assign(dtypes.begin(), dtypes.end());
  return info;
}

void save_model(Transformer& net, const GenerationConfig& generation, const std::string& dir, c10::ScalarType dtype) {
  fs::create_directories(dir);
  ModelConfig config = net.config();
  config.torch_dtype = dtype == c10::kBFloat16 ? "bfloat16" : dtype == c10::kHalf ? "float16" : "float32";
  data::write_file_atomic((fs::path(dir) / "config.json").string(), config.to_json().dump(2) + "\n");
  data::write_file_atomic((fs::path(dir) / "generation_config.json").string(), generation.to_json().dump(2) + "\n");
  std::vector<std::pair<std::string, at::Tensor>> tensors;
  for (const TensorSlot& slot : net.tensor_slots()) tensors.emplace_back(slot.name, slot.tensor->to(dtype));
  // Remove weights of an earlier save so the folder holds one consistent checkpoint.
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    const std::string n = e.path().filename().string();
    if (n == "model.safetensors.index.json" || (n.starts_with("model") && n.ends_with(".safetensors")))
      fs::remove(e.path(), ec);
  }
  save_safetensors_sharded(dir, tensors);
}

}  // namespace tunesmith::model
