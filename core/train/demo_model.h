#pragma once
// The demo's base model: a tiny model pretrained by Tunesmith itself (full-parameter,
// core/train/demo_pretrain.h) on resources/demo/corpus/, written as a complete Hugging
// Face folder: config.json, generation_config.json (eos <|im_end|>), model.safetensors,
// the tokenizer files of resources/demo/model/, and tunesmith_demo.json (provenance:
// recipe, cache key, corpus size, final loss, wall time).
//
// Pretraining takes a minute or two on 2 cores, so the result is cached under
// $XDG_CACHE_HOME/tunesmith/demo-model/KEY (or ~/.cache/tunesmith/...), KEY a hash of
// the corpus files, the tokenizer files, the recipe (with its version) and the model
// shape. A valid cached folder (its stamp names the key and the weights pass the
// loader's checks) is copied instead of pretraining again; TUNESMITH_NO_CACHE=1 forces
// a rebuild (and does not touch the cache). Both the cache entry and out_dir are
// written into a temporary sibling folder and renamed into place, so a crash or a
// cancel never leaves a half-written model that a later run would trust.
#include <atomic>
#include <functional>
#include <string>

#include "core/train/demo_pretrain.h"

namespace tunesmith::train {

struct DemoModelOptions {
  PretrainRecipe recipe;  // the demo's defaults
  bool use_cache = true;  // false, or TUNESMITH_NO_CACHE=1: pretrain, do not read or write the cache
  std::string cache_dir;  // empty: demo_cache_root() + "/demo-model"
};

struct DemoModelResult {
  std::string dir;          // out_dir
  std::string key;          // hex cache key
  bool from_cache = false;
  double pretrain_s = 0.0;  // of the pretraining that made these weights (recorded in the stamp)
  double final_loss = 0.0;  // mean loss of the last 20 pretraining steps
  double tokens_per_s = 0.0;
};

// What progress reports: pretraining steps, or one line saying the cache was used.
struct DemoModelProgress {
  bool from_cache = false;
  PretrainProgress pretrain;
};

// $XDG_CACHE_HOME/tunesmith, else $HOME/.cache/tunesmith, else <tmp>/tunesmith-cache.
std::string demo_cache_root();

// The cache key of the demo model built from resources_dir with `recipe` (16 hex digits).
std::string demo_model_key(const std::string& resources_dir, const PretrainRecipe& recipe);

// Writes the demo base model into out_dir (which must not exist or be empty; replaced
// atomically). resources_dir holds demo/corpus and demo/model. Throws
// std::runtime_error or data::IoError naming the path; returns with
// result.dir empty when cancelled (nothing written).
DemoModelResult build_demo_model(const std::string& out_dir, const std::string& resources_dir,
                                 const std::function<void(const DemoModelProgress&)>& progress = {},
                                 const std::atomic<bool>* cancel = nullptr, const DemoModelOptions& options = {});

}  // namespace tunesmith::train
