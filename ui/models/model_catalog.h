#pragma once
// The base models the app can train or chat with: the project's demo model, folders the
// user added to the project (tunesmith.json "models"), and the Hugging Face cache on
// disk ($HF_HOME/hub, else ~/.cache/huggingface/hub: models--ORG--NAME/snapshots/HASH).
// Listing only looks at folder names; describe_model() validates one folder the way a
// load would, so the picker can show why a folder is unusable.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/project/project.h"

namespace tunesmith::ui {

enum class ModelSource { Demo, Project, HuggingFaceCache };

struct ModelEntry {
  std::string label;  // "demo", "my-model", "HuggingFaceTB/SmolLM2-135M (a1b2c3d4)"
  std::string path;   // absolute folder
  ModelSource source = ModelSource::Project;
};

// The hub folder of the Hugging Face cache: $HF_HUB_CACHE, $HF_HOME/hub, else
// $HOME/.cache/huggingface/hub ("" when none of them can be formed).
std::string huggingface_hub_dir();

// Demo first, then the project's folders in file order, then the cache's snapshots
// sorted by label. `hub_dir` "" skips the cache. A folder listed twice appears once.
std::vector<ModelEntry> list_models(const project::Project* project, const std::string& hub_dir);

// What the details pane shows for one folder. `error` is set (and the rest unset) when
// the folder is not a loadable model: the ModelError/IoError text, naming file and field.
struct ModelDetails {
  std::string path;
  std::optional<std::string> error;
  std::string architecture;    // "LlamaForCausalLM"
  std::int64_t parameters = 0;
  std::uint64_t weight_bytes = 0;
  std::vector<std::string> stored_dtypes;  // {"F32"}
  std::int64_t layers = 0, hidden = 0, vocab = 0, context = 0;
  bool has_tokenizer = false;       // tokenizer.json present
  bool has_chat_template = false;   // tokenizer_config.json has chat_template
  std::string tokenizer_problem;    // why the tokenizer or template cannot be used, or ""
  double train_memory_gib = 0;      // estimate::estimate_vram, LoRA r=16 on q/v, seq 512, fp32 on CPU
  double inference_memory_gib = 0;  // the weights plus a small overhead
  std::vector<std::string> notes;   // from inspect_model
};

// Validates `dir` as a full load would (every tensor's range, dtype, shape) without
// loading the weights. Never throws.
ModelDetails describe_model(const std::string& dir);

}  // namespace tunesmith::ui
