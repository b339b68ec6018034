// tunesmith-cli model init|info: create a seeded random model folder, or validate one
// as a full load would (every tensor's range, dtype and shape against config.json).
#include <filesystem>
#include <iostream>

#include "app/cli/args.h"
#include "app/cli/commands.h"
#include "core/data/json.h"
#include "core/model/error.h"
#include "core/model/loader.h"
#include "core/model/presets.h"

namespace tunesmith::cli {
namespace {

constexpr const char* kModelHelp = R"(Usage:
  tunesmith-cli model init --arch llama|mistral|qwen2|qwen3 --preset NAME --tokenizer DIR --out DIR
                           [--seed N] [--dtype f32|bf16|f16]
  tunesmith-cli model info DIR [--json]

model init writes a complete Hugging Face model folder (config.json, model.safetensors,
generation_config.json, tokenizer.json, tokenizer_config.json) with seeded random
weights. Presets:
)";

constexpr const char* kInfoHelp = R"(Usage: tunesmith-cli model info DIR [--json]

Validates a model folder as a full load would: config.json (architecture and values),
every safetensors header (length, JSON, dtypes, shapes, byte ranges, overlaps) and every
tensor's name and shape against the config. Exit 1 when invalid.
)";

std::string presets_help() {
  std::string s;
  for (const auto& p : model::presets()) s += "  " + p.name + std::string(p.name.size() < 14 ? 14 - p.name.size() : 1, ' ') + p.description + "\n";
  return s;
}

c10::ScalarType parse_dtype_flag(const std::string& s) {
  if (s == "f32" || s == "fp32" || s == "float32") return c10::kFloat;
  if (s == "bf16" || s == "bfloat16") return c10::kBFloat16;
  if (s == "f16" || s == "fp16" || s == "float16") return c10::kHalf;
  throw UsageError("--dtype must be f32, bf16 or f16, not '" + s + "'");
}

int run_init(const ArgList& argv) {
  const Args a = Args::parse(argv, {{"arch", "preset", "tokenizer", "out", "seed", "dtype"}, {}});
  if (a.has("help")) {
    std::cout << kModelHelp << presets_help();
    return kOk;
  }
  if (!a.positional().empty()) throw UsageError("unexpected argument '" + a.positional()[0] + "'");
  model::InitOptions o;
  if (auto arch = a.get("arch")) {
    o.arch = model::parse_arch(*arch);
    if (!o.arch) throw UsageError("--arch must be llama, mistral, qwen2 or qwen3, not '" + *arch + "'");
  }
  o.preset = a.get_or("preset", "tiny");
  if (!model::find_preset(o.preset)) throw UsageError("unknown --preset '" + o.preset + "'; presets: " + model::preset_names());
  o.tokenizer_dir = a.require("tokenizer");
  o.out_dir = a.require("out");
  const long long seed = a.get_int("seed", 0);
  if (seed < 0) throw UsageError("--seed must not be negative");
  o.seed = static_cast<std::uint64_t>(seed);
  o.dtype = parse_dtype_flag(a.get_or("dtype", "f32"));
  try {
    const model::ModelConfig c = model::init_model(o);
    std::cout << "wrote " << o.out_dir << ": " << model::arch_class_name(c.arch) << " preset " << o.preset << ", "
              << c.num_parameters() << " parameters, vocab " << c.vocab_size << ", seed " << o.seed << "\n";
  } catch (const model::ModelError& e) {
    std::cerr << "tunesmith-cli model init: error: " << e.what() << "\n";
    return kInvalid;
  }
  return kOk;
}

int run_info(const ArgList& argv) {
  const Args a = Args::parse(argv, {{}, {"json"}});
  if (a.has("help")) {
    std::cout << kInfoHelp;
    return kOk;
  }
  if (a.positional().size() != 1) throw UsageError("model info takes one model folder");
  const std::string dir = a.positional()[0];
  if (!std::filesystem::is_directory(dir)) {
    std::cerr << "tunesmith-cli model info: " << dir << ": not a folder\n";
    return kUsage;
  }
  model::ModelInfo info;
  try {
    info = model::inspect_model(dir);
  } catch (const model::ModelError& e) {
    if (a.has("json")) std::cout << data::Json{{"valid", false}, {"error", e.what()}}.dump(2) << "\n";
    std::cerr << dir << ": error: [model] " << e.what() << "\n";
    return kInvalid;
  }
  const auto& c = info.config;
  if (a.has("json")) {
    data::Json j;
    j["valid"] = true;
    j["architecture"] = std::string(model::arch_class_name(c.arch));
    j["parameters"] = info.parameters;
    j["tensors"] = info.tensors;
    j["weight_bytes"] = info.weight_bytes;
    j["stored_dtypes"] = info.stored_dtypes;
    j["weight_files"] = info.weight_files;
    j["config"] = c.to_json();
    if (info.generation) j["generation_config"] = info.generation->to_json();
    j["notes"] = info.notes;
    std::cout << j.dump(2) << "\n";
    return kOk;
  }
  std::cout << dir << ": valid " << model::arch_class_name(c.arch) << "\n"
            << "  parameters     " << info.parameters << " (" << info.tensors << " tensors, "
            << info.weight_bytes / (1024.0 * 1024.0) << " MiB stored as";
  for (const auto& d : info.stored_dtypes) std::cout << " " << d;
  std::cout << ")\n"
            << "  layers         " << c.num_hidden_layers << ", hidden " << c.hidden_size << ", intermediate "
            << c.intermediate_size << "\n"
            << "  heads          " << c.num_attention_heads << " query, " << c.num_key_value_heads << " key/value, head_dim "
            << c.head_dim << "\n"
            << "  vocabulary     " << c.vocab_size << (c.tie_word_embeddings ? " (tied embeddings)" : "") << "\n"
            << "  rope           theta " << c.rope_theta
            << (c.rope_scaling.type == model::RopeScaling::Type::Llama3   ? ", llama3 scaling"
                : c.rope_scaling.type == model::RopeScaling::Type::Linear ? ", linear scaling"
                                                                          : "")
            << ", max positions " << c.max_position_embeddings << "\n"
            << "  weight files  ";
  for (const auto& f : info.weight_files) std::cout << " " << f;
  std::cout << "\n";
  for (const auto& n : info.notes) std::cout << "  note: " << n << "\n";
  return kOk;
}

}  // namespace

int run_model(const ArgList& args) {
  if (args.empty() || args[0] == "--help" || args[0] == "-h") {
    std::cout << kModelHelp << presets_help();
    return args.empty() ? kUsage : kOk;
  }
  const ArgList rest(args.begin() + 1, args.end());
  if (args[0] == "init") return run_init(rest);
  if (args[0] == "info") return run_info(rest);
  throw UsageError("unknown model command '" + args[0] + "' (init, info)");
}

}  // namespace tunesmith::cli
