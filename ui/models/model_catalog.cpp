#include "ui/models/model_catalog.h"

#include <algorithm>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <set>
#include <system_error>

#include "core/data/io_error.h"
#include "core/data/json.h"
#include "core/estimate/estimate.h"
#include "core/model/error.h"
#include "core/model/loader.h"
#include "core/text/chat_template.h"

namespace tunesmith::ui {

namespace fs = std::filesystem;

namespace {

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v ? std::string(v) : std::string();
}

// Absolute and normalized, without resolving links: the path the user sees.
std::string absolute(const std::string& path) {
  std::error_code ec;
  const fs::path p = fs::absolute(path, ec);
  return ec ? path : p.lexically_normal().string();
}

// models--HuggingFaceTB--SmolLM2-135M -> HuggingFaceTB/SmolLM2-135M
std::string repo_name(const std::string& folder) {
  std::string name = folder.substr(std::string("models--").size());
  for (std::size_t at = name.find("--"); at != std::string::npos; at = name.find("--", at + 1)) name.replace(at, 2, "/");
  return name;
}

}  // namespace

std::string huggingface_hub_dir() {
  if (const std::string hub = env("HF_HUB_CACHE"); !hub.empty()) return hub;
  if (const std::string home = env("HF_HOME"); !home.empty()) return home + "/hub";
  if (const std::string cache = env("XDG_CACHE_HOME"); !cache.empty()) return cache + "/huggingface/hub";
  if (const std::string home = env("HOME"); !home.empty()) return home + "/.cache/huggingface/hub";
  return {};
}

std::vector<ModelEntry> list_models(const project::Project* project, const std::string& hub_dir) {
  std::vector<ModelEntry> out;
  std::set<std::string> seen;
  auto add = [&](std::string label, const std::string& path, ModelSource source) {
    const std::string abs = absolute(path);
    if (seen.insert(abs).second) out.push_back({std::move(label), abs, source});
  };
  if (project) {
    const std::string demo = project->resolve("models/demo");
    if (fs::is_directory(demo)) add("demo", demo, ModelSource::Demo);
    for (const std::string& m : project->models) {
      const fs::path p = fs::path(m).is_absolute() ? fs::path(m) : fs::path(project->resolve(m));
      add(p.filename().string(), p.string(), ModelSource::Project);
    }
  }
  if (hub_dir.empty()) return out;
  std::error_code ec;
  std::vector<ModelEntry> cached;
  for (const auto& repo : fs::directory_iterator(hub_dir, ec)) {
    const std::string name = repo.path().filename().string();
    if (!repo.is_directory(ec) || name.rfind("models--", 0) != 0) continue;
    for (const auto& snap : fs::directory_iterator(repo.path() / "snapshots", ec)) {
      if (!snap.is_directory(ec)) continue;
      const std::string hash = snap.path().filename().string();
      cached.push_back({repo_name(name) + " (" + hash.substr(0, 8) + ")", snap.path().string(),
                        ModelSource::HuggingFaceCache});
    }
  }
  std::sort(cached.begin(), cached.end(), [](const auto& a, const auto& b) { return a.label < b.label; });
  for (auto& c : cached) add(std::move(c.label), c.path, c.source);
  return out;
}

ModelDetails describe_model(const std::string& dir) {
  ModelDetails d;
  d.path = dir;
  try {
    const model::ModelInfo info = model::inspect_model(dir);
    d.architecture = std::string(model::arch_class_name(info.config.arch));
    d.parameters = info.parameters;
    d.weight_bytes = info.weight_bytes;
    d.stored_dtypes = info.stored_dtypes;
    d.layers = info.config.num_hidden_layers;
    d.hidden = info.config.hidden_size;
    d.vocab = info.config.vocab_size;
    d.context = info.config.max_position_embeddings;
    d.notes = info.notes;

    // Memory: the same estimator the wizard's estimate page uses, for a typical small
    // LoRA run in fp32 (CPU) so the figure is an upper bound for bf16 on a GPU too.
    const estimate::ModelShape shape = estimate::model_shape_from_config(info.config.to_json());
    estimate::LocalRunSetup setup;
    setup.seq_len = 512;
    setup.quantization = estimate::Quantization::Float32;
    d.train_memory_gib = estimate::estimate_vram(shape, setup).total();
    d.inference_memory_gib = static_cast<double>(info.weight_bytes) / (1024.0 * 1024.0 * 1024.0) * 1.1 + 0.1;
  } catch (const std::exception& e) {  // ModelError, IoError: both name the file and field
    d.error = e.what();
    return d;
  }
  const fs::path folder(dir);
  d.has_tokenizer = fs::exists(folder / "tokenizer.json");
  if (!d.has_tokenizer) d.tokenizer_problem = "no tokenizer.json: the model cannot be trained or chatted with";
  if (fs::exists(folder / "tokenizer_config.json")) {
    try {
      const auto config = text::TokenizerConfig::load((folder / "tokenizer_config.json").string());
      d.has_chat_template = !config.chat_template.is_null();
    } catch (const std::exception& e) {
      d.tokenizer_problem = e.what();
    }
  }
  if (d.has_tokenizer && !d.has_chat_template && d.tokenizer_problem.empty())
    d.tokenizer_problem = "no chat_template in tokenizer_config.json: choose a built-in template (chatml, llama3, mistral)";
  return d;
}

}  // namespace tunesmith::ui
