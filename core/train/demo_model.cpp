#include "core/train/demo_model.h"

#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>

#include "core/data/atomic_file.h"
#include "core/data/io_error.h"
#include "core/data/json.h"
#include "core/data/normalize.h"
#include "core/model/loader.h"

namespace tunesmith::train {
namespace fs = std::filesystem;
using data::Json;

namespace {

constexpr const char* kStamp = "tunesmith_demo.json";
constexpr const char* kTokenizerFiles[] = {"tokenizer.json", "tokenizer_config.json", "special_tokens_map.json",
                                           "chat_template.jinja"};

std::string hex64(std::uint64_t v) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

bool env_flag(const char* name) {
  const char* v = std::getenv(name);
  return v && *v && std::string(v) != "0";
}

// A fresh folder name beside `target`, unique in this process and across processes.
fs::path temp_sibling(const fs::path& target, const char* what) {
  static std::atomic<unsigned> counter{0};
  return target.parent_path() / (target.filename().string() + "." + what + "-" + std::to_string(::getpid()) + "-" +
                                 std::to_string(counter++));
}

// Moves the finished folder `staged` to `target`. A directory rename is atomic but
// cannot replace a non-empty folder, so an existing target is first moved aside and
// removed after the new one is in place.
void move_into_place(const fs::path& staged, const fs::path& target) {
  std::error_code ec;
  fs::create_directories(target.parent_path().empty() ? fs::path(".") : target.parent_path(), ec);
  fs::path old;
  if (fs::exists(target, ec)) {
    old = temp_sibling(target, "old");
    fs::rename(target, old, ec);
    if (ec) throw data::IoError(target.string() + ": cannot replace the existing folder: " + ec.message());
  }
  fs::rename(staged, target, ec);
  if (ec) {
    if (!old.empty()) fs::rename(old, target, ec);
    throw data::IoError(target.string() + ": cannot move the new model into place: " + ec.message());
  }
  if (!old.empty()) fs::remove_all(old, ec);
}

// A cache entry is trusted when its stamp names the expected key and the weights pass
// the loader's checks (names, shapes, dtypes, byte ranges).
bool valid_entry(const fs::path& dir, const std::string& key) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return false;
  try {
    const Json stamp = Json::parse(data::read_file((dir / kStamp).string()));
    if (stamp.value("key", std::string()) != key) return false;
    for (const char* f : {"tokenizer.json", "tokenizer_config.json", "generation_config.json"})
      if (!fs::exists(dir / f, ec)) return false;
    model::inspect_model(dir.string());
    return true;
  } catch (const std::exception&) {
    return false;
  }
}

DemoModelResult result_from_stamp(const fs::path& dir, const std::string& key) {
  const Json stamp = Json::parse(data::read_file((dir / kStamp).string()));
  DemoModelResult r;
  r.key = key;
  r.pretrain_s = stamp.value("pretrain_s", 0.0);
  r.final_loss = stamp.value("final_loss", 0.0);
  r.tokens_per_s = stamp.value("tokens_per_s", 0.0);
  return r;
}

void copy_folder(const fs::path& from, const fs::path& to) {
  std::error_code ec;
  fs::copy(from, to, fs::copy_options::recursive, ec);
  if (ec) throw data::IoError(to.string() + ": cannot copy the demo model from " + from.string() + ": " + ec.message());
}

// Pretrains and writes the complete folder into `staged`. Returns false when cancelled.
bool pretrain_into(const fs::path& staged, const std::string& resources_dir, const DemoModelOptions& options,
                   const std::string& key, const std::function<void(const DemoModelProgress&)>& progress,
                   const std::atomic<bool>* cancel, DemoModelResult& out) {
  const fs::path res(resources_dir);
  const std::string tokenizer_dir = (res / "demo" / "model").string();
  const model::ModelConfig config = demo_config(tokenizer_dir, options.recipe.preset);
  PretrainResult trained = pretrain(
      (res / "demo" / "corpus").string(), tokenizer_dir, config, options.recipe,
      [&](const PretrainProgress& p) {
        if (progress) progress(DemoModelProgress{false, p});
      },
      cancel);
  if (trained.cancelled) return false;

  model::GenerationConfig gen;
  gen.bos_token_id = config.bos_token_id;
  gen.eos_token_ids = config.eos_token_ids;
  gen.pad_token_id = config.pad_token_id;
  model::save_model(trained.net, gen, staged.string());
  std::error_code ec;
  for (const char* name : kTokenizerFiles) {
    const fs::path src = fs::path(tokenizer_dir) / name;
    if (fs::exists(src, ec))
      data::write_file_atomic((staged / name).string(), data::read_file(src.string()));
  }
  double tail = 0.0;
  const std::size_t n = std::min<std::size_t>(20, trained.losses.size());
  for (std::size_t i = trained.losses.size() - n; i < trained.losses.size(); ++i) tail += trained.losses[i];
  tail = n ? tail / static_cast<double>(n) : 0.0;

  Json stamp = Json::object();
  stamp["what"] = "Tunesmith demo base model, pretrained full-parameter on resources/demo/corpus";
  stamp["key"] = key;
  stamp["recipe"] = options.recipe.key();
  stamp["corpus_tokens"] = trained.corpus_tokens;
  stamp["steps"] = static_cast<std::int64_t>(trained.losses.size());
  stamp["first_loss"] = trained.losses.empty() ? 0.0 : trained.losses.front();
  stamp["final_loss"] = tail;
  stamp["pretrain_s"] = trained.elapsed_s;
  stamp["tokens_per_s"] = trained.tokens_per_s;
  data::write_file_atomic((staged / kStamp).string(), stamp.dump(2) + "\n");

  out.pretrain_s = trained.elapsed_s;
  out.final_loss = tail;
  out.tokens_per_s = trained.tokens_per_s;
  return true;
}

}  // namespace

std::string demo_cache_root() {
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg) return (fs::path(xdg) / "tunesmith").string();
  if (const char* home = std::getenv("HOME"); home && *home) return (fs::path(home) / ".cache" / "tunesmith").string();
  return (fs::temp_directory_path() / "tunesmith-cache").string();
}

std::string demo_model_key(const std::string& resources_dir, const PretrainRecipe& recipe) {
  const fs::path res(resources_dir);
  const std::string tokenizer_dir = (res / "demo" / "model").string();
  // Everything the weights depend on, each part length-prefixed so that no two
  // different inputs concatenate to the same bytes.
  std::string material;
  auto add = [&](const std::string& label, const std::string& bytes) {
    material += label + ":" + std::to_string(bytes.size()) + ":" + bytes + "\n";
  };
  add("recipe", recipe.key());
  add("config", demo_config(tokenizer_dir, recipe.preset).to_json().dump());
  for (const std::string& f : corpus_files((res / "demo" / "corpus").string()))
    add("corpus/" + fs::path(f).filename().string(), data::read_file(f));
  std::error_code ec;
  for (const char* name : kTokenizerFiles) {
    const fs::path p = fs::path(tokenizer_dir) / name;
    if (fs::exists(p, ec)) add(std::string("tokenizer/") + name, data::read_file(p.string()));
  }
  return hex64(data::stable_hash(material));
}

DemoModelResult build_demo_model(const std::string& out_dir, const std::string& resources_dir,
                                 const std::function<void(const DemoModelProgress&)>& progress,
                                 const std::atomic<bool>* cancel, const DemoModelOptions& options) {
  const fs::path out = fs::absolute(out_dir);
  const std::string key = demo_model_key(resources_dir, options.recipe);
  const bool use_cache = options.use_cache && !env_flag("TUNESMITH_NO_CACHE");
  const fs::path cache_dir = options.cache_dir.empty() ? fs::path(demo_cache_root()) / "demo-model"
                                                       : fs::path(options.cache_dir);
  const fs::path entry = cache_dir / key;
  std::error_code ec;

  if (use_cache && valid_entry(entry, key)) {
    DemoModelResult r = result_from_stamp(entry, key);
    if (progress) progress(DemoModelProgress{true, {}});
    fs::create_directories(out.parent_path(), ec);
    const fs::path staged = temp_sibling(out, "tmp");
    copy_folder(entry, staged);
    move_into_place(staged, out);
    r.dir = out.string();
    r.from_cache = true;
    return r;
  }

  DemoModelResult r;
  r.key = key;
  fs::create_directories(out.parent_path(), ec);
  const fs::path staged = temp_sibling(out, "tmp");
  try {
    if (!pretrain_into(staged, resources_dir, options, key, progress, cancel, r)) {
      fs::remove_all(staged, ec);
      return DemoModelResult{};
    }
    if (use_cache) {
      // Best effort: a read-only or full cache folder costs the next run a rebuild, not this one.
      fs::create_directories(cache_dir, ec);
      const fs::path cache_staged = temp_sibling(entry, "tmp");
      fs::copy(staged, cache_staged, fs::copy_options::recursive, ec);
      if (!ec) {
        fs::remove_all(entry, ec);  // an invalid entry (a valid one was used above)
        fs::rename(cache_staged, entry, ec);
      }
      if (ec) fs::remove_all(cache_staged, ec);
    }
    move_into_place(staged, out);
  } catch (...) {
    fs::remove_all(staged, ec);
    throw;
  }
  r.dir = out.string();
  return r;
}

}  // namespace tunesmith::train
