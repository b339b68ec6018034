// tunesmith-cli export: an adapter as a PEFT folder (validated against its base), or,
// with --merge, a complete Hugging Face model folder with the adapter merged into the
// weights (loadable by `model info`, `generate`, transformers and llama.cpp's converter).
#include <filesystem>
#include <iostream>

#include "app/cli/args.h"
#include "app/cli/commands.h"
#include "core/data/io_error.h"
#include "core/model/error.h"
#include "core/train/export.h"

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

bool same_folder(const std::string& a, const std::string& b) {
  std::error_code ec;
  if (fs::exists(a, ec) && fs::exists(b, ec)) return fs::equivalent(a, b, ec);
  return fs::weakly_canonical(a, ec) == fs::weakly_canonical(b, ec);
}

int export_merged(const std::string& model_dir, const std::string& adapter_dir, const std::string& out) {
  const train::MergedExport e = train::export_merged_model(model_dir, adapter_dir, out);
  std::cout << "wrote " << out << ": " << e.projections << " adapted projections merged (r " << e.r << ", scaling "
            << e.scaling << "), weights in " << e.dtype << ", " << e.tokenizer_files << " tokenizer file"
            << (e.tokenizer_files == 1 ? "" : "s") << " copied\n";
  if (e.tokenizer_files == 0) std::cerr << model_dir << ": warning: no tokenizer files to copy; the merged folder has none\n";
  return kOk;
}

int export_adapter(const std::string& model_dir, const std::string& adapter_dir, const std::string& out) {
  const std::size_t n = train::export_peft_adapter(model_dir, adapter_dir, out);
  std::cout << "wrote " << out << ": PEFT LoRA adapter, " << n << " projections, base_model_name_or_path "
            << fs::absolute(model_dir).lexically_normal().string() << "\n";
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
