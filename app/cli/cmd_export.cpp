// tunesmith-cli export: an adapter as a PEFT folder (validated against its base), or,
// with --merge, a complete Hugging Face model folder with the adapter merged into the
// weights (loadable by `model info`, `generate`, transformers and llama.cpp's converter).
#include <filesystem>
#include <iostream>

#include "app/cli/args.h"
#include "app/cli/commands.h"
#include "core/data/atomic_file.h"
#include "core/data/io_error.h"
#include "core/model/error.h"
#include "core/model/loader.h"
#include "core/train/lora.h"
#include "core/train/peft_io.h"

namespace tunesmith::cli {
namespace {
namespace fs = std::filesystem;

constexpr const char* kHelp = R"(Usage: tunesmith-cli export --model DIR --adapter DIR --out DIR [--merge]
                            [--format safetensors|gguf (reserved)]

Without --merge: writes the adapter to --out in PEFT's layout (adapter_config.json,
adapter_model.safetensors) after checking every tensor against the base model, with
base_model_name_or_path set to the base model's folder. PEFT loads it with
PeftModel.from_pretrained(base, OUT).

With --merge: writes a complete Hugging Face model folder to --out (config.json,
generation_config.json, model.safetensors, tokenizer files): the base weights plus the
adapter's update (W + scaling * B A), computed in fp32 and stored in the base's own
dtype. `tunesmith-cli model info OUT` and `generate --model OUT` load it as any model.

The base model folder is never written to. Exit 1 when the adapter does not fit the
model, 2 for a missing folder or a usage error.
)";

// The tokenizer and template files a model folder may carry, copied as they are.
constexpr const char* kTokenizerFiles[] = {"tokenizer.json",     "tokenizer_config.json", "special_tokens_map.json",
                                           "chat_template.jinja", "chat_template.json",   "tokenizer.model",
                                           "vocab.json",          "merges.txt",           "added_tokens.json"};

bool same_folder(const std::string& a, const std::string& b) {
  std::error_code ec;
  if (fs::exists(a, ec) && fs::exists(b, ec)) return fs::equivalent(a, b, ec);
  return fs::weakly_canonical(a, ec) == fs::weakly_canonical(b, ec);
}

// The dtype the base stores its weights in (one, or fp32 for a mix).
c10::ScalarType stored_dtype(const model::ModelInfo& info) {
  if (info.stored_dtypes.size() == 1) {
    const std::string& d = info.stored_dtypes[0];
    if (d == "BF16") return c10::kBFloat16;
    if (d == "F16") return c10::kHalf;
  }
  return c10::kFloat;
}

void copy_file_atomic(const fs::path& from, const fs::path& to) {
  data::write_file_atomic(to.string(), data::read_file(from.string()));
}

int export_merged(const std::string& model_dir, const std::string& adapter_dir, const std::string& out) {
  const model::ModelInfo info = model::inspect_model(model_dir);
  // Merge in fp32 on the CPU whatever the stored dtype: bf16 + a small update in bf16
  // would round most of the update away; the result is rounded once, on save.
  model::Model m = model::load_model(model_dir, {"cpu", c10::kFloat});
  train::Lora lora = train::load_adapter(m.net, adapter_dir);
  lora.merge();
  const c10::ScalarType dtype = stored_dtype(info);
  model::save_model(m.net, m.generation, out, dtype);
  // The base's own generation_config.json, verbatim (fields the engine does not model survive).
  std::error_code ec;
  if (fs::exists(fs::path(model_dir) / "generation_config.json", ec))
    copy_file_atomic(fs::path(model_dir) / "generation_config.json", fs::path(out) / "generation_config.json");
  int copied = 0;
  for (const char* name : kTokenizerFiles)
    if (fs::exists(fs::path(model_dir) / name, ec)) {
      copy_file_atomic(fs::path(model_dir) / name, fs::path(out) / name);
      ++copied;
    }
  std::cout << "wrote " << out << ": " << lora.size() << " adapted projections merged (r " << lora.config().r
            << ", scaling " << lora.config().scaling() << "), weights in " << c10::toString(dtype) << ", " << copied
            << " tokenizer file" << (copied == 1 ? "" : "s") << " copied\n";
  if (copied == 0) std::cerr << model_dir << ": warning: no tokenizer files to copy; the merged folder has none\n";
  return kOk;
}

int export_adapter(const std::string& model_dir, const std::string& adapter_dir, const std::string& out) {
  model::Model m = model::load_model(model_dir, {"cpu", c10::kFloat});
  train::Lora lora = train::load_adapter(m.net, adapter_dir);  // checks every tensor against the model
  const std::string base = fs::absolute(model_dir).lexically_normal().string();
  train::save_adapter(lora, out, base);
  std::cout << "wrote " << out << ": PEFT LoRA adapter, " << lora.size() << " projections, r " << lora.config().r
            << ", base_model_name_or_path " << base << "\n";
  return kOk;
}

}  // namespace

int run_export(const ArgList& argv) {
  const Args a = Args::parse(argv, {{"model", "adapter", "out", "format"}, {"merge"}});
  if (a.has("help")) {
    std::cout << kHelp;
    return kOk;
  }
  if (!a.positional().empty()) throw UsageError("unexpected argument '" + a.positional()[0] + "'");
  const std::string model_dir = a.require("model");
  const std::string adapter_dir = a.require("adapter");
  const std::string out = a.require("out");
  const std::string format = a.get_or("format", "safetensors");
  if (format == "gguf") {
    std::cerr << "tunesmith-cli export: --format gguf: not supported yet\n";
    return kUsage;
  }
  if (format != "safetensors") throw UsageError("--format must be safetensors or gguf, not '" + format + "'");
  for (const auto& [flag, dir] : {std::pair{"--model", model_dir}, std::pair{"--adapter", adapter_dir}}) {
    if (!fs::is_directory(dir)) {
      std::cerr << "tunesmith-cli export: " << flag << " " << dir << ": not a folder\n";
      return kUsage;
    }
    if (same_folder(dir, out))
      throw UsageError("--out " + out + " is the " + std::string(flag + 2) + " folder; export writes a new folder");
  }
  try {
    return a.has("merge") ? export_merged(model_dir, adapter_dir, out) : export_adapter(model_dir, adapter_dir, out);
  } catch (const model::ModelError& e) {
    std::cerr << "tunesmith-cli export: error: " << e.what() << "\n";
    return kInvalid;
  }
}

}  // namespace tunesmith::cli
