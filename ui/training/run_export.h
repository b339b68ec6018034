#pragma once
// Exporting a finished run: the adapter as is (PEFT layout, for PEFT, vLLM, llama.cpp's
// converter), or a merged model (base weights + scaling * B A, a complete Hugging Face
// folder that needs no adapter support). Blocking: the run view calls these on a worker
// thread. Each throws (ModelError, IoError, std::runtime_error) with a message naming the
// folder or file.
#include <string>

namespace tunesmith::ui {

// Copies RUN/adapter/ into `out_dir` (created; existing files of the same name replaced).
void export_adapter(const std::string& run_dir, const std::string& out_dir);

// Loads the run's base model (config.json "config.model_dir") on the CPU in fp32,
// attaches RUN/adapter, merges it and writes the model folder with the base's tokenizer
// files into `out_dir`.
void export_merged_model(const std::string& run_dir, const std::string& out_dir);

}  // namespace tunesmith::ui
