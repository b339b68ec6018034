#pragma once
// Adapters on disk in PEFT's layout, so that PEFT loads ours and we load PEFT's:
//   DIR/adapter_config.json      peft_type LORA, r, lora_alpha, lora_dropout,
//                                target_modules, base_model_name_or_path, use_rslora,
//                                task_type CAUSAL_LM, bias "none", fan_in_fan_out false...
//   DIR/adapter_model.safetensors
//     base_model.model.model.layers.N.self_attn.q_proj.lora_A.weight   (r, in)
//     base_model.model.model.layers.N.self_attn.q_proj.lora_B.weight   (out, r)
// Every error (missing file, bad field, unknown or missing key, wrong shape) is a
// model::ModelError naming the file and the field or tensor.
#include <string>

#include "core/model/transformer.h"
#include "core/train/lora.h"

namespace tunesmith::train {

// adapter_config.json -> LoraConfig (throws ModelError naming the field).
LoraConfig read_adapter_config(const std::string& dir, std::string* base_model_name_or_path = nullptr);

// Writes both files atomically. `base_model` goes to base_model_name_or_path.
void save_adapter(const Lora& lora, const std::string& dir, const std::string& base_model);

// Attaches the adapter in `dir` to `net` (checking every tensor's name and shape against
// the model) and returns it, enabled.
Lora load_adapter(model::Transformer& net, const std::string& dir);

}  // namespace tunesmith::train
