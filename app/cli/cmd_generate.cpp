// tunesmith-cli generate: text from a local model folder.
//   --prompt TEXT   the prompt goes through the model's chat template (or --raw: as is);
//                   the generated text alone on stdout, timings on stderr.
//   no --prompt     JSON lines on stdin: {"messages": [...]} (chat template),
//                   {"prompt": "..."} (raw text) or {"ids": [...]} (token ids, no tokenizer
//                   needed); out {"text": "...", "tokens": N[, "ids": [...]], "finish": "..."}
#include <chrono>
#include <csignal>
#include <filesystem>
#include <iostream>
#include <optional>

#include "app/cli/args.h"
#include "app/cli/commands.h"
#include "core/data/json.h"
#include "core/model/device.h"
#include "core/model/error.h"
#include "core/model/generate.h"
#include "core/model/loader.h"
#include "core/text/chat_template.h"
#include "core/text/tokenizer.h"
#include "core/train/lora.h"
#include "core/train/peft_io.h"

namespace tunesmith::cli {
namespace {

constexpr const char* kHelp = R"(Usage: tunesmith-cli generate --model DIR [--prompt TEXT] [--system TEXT] [--raw]
                              [--max-new-tokens N] [--temperature T] [--top-p P] [--top-k K]
                              [--seed N] [--stop TEXT]... [--device auto|cpu|cuda]
                              [--chat-template chatml|llama3|mistral|FILE] [--adapter DIR]

With --prompt: the generated text alone on stdout; timings on stderr.
Without --prompt: JSON lines on stdin, one JSON line out per line:
  in {"messages": [...]}  (rendered with the chat template)
  in {"prompt": "..."}    (encoded as is, like --raw)
  in {"ids": [...]}       (token ids; works without a tokenizer)
  out {"text": "...", "tokens": N, "finish": "eos|stop|length|cancelled"} (+ "ids" for id input)

Sampling defaults come from the model's generation_config.json (greedy unless it says
do_sample); --temperature 0 means greedy. Generation stops at max-new-tokens (default
256 or the file's max_new_tokens), at any eos id of generation_config.json, or at a
--stop string. --raw skips the chat template and encodes the prompt as is (with the special tokens
tokenizer.json's post-processor adds); --chat-template replaces the model's template.
--adapter applies a LoRA adapter in PEFT's layout (adapter_config.json,
adapter_model.safetensors) to the model; exit 1 when it does not fit the model.
)";

std::atomic<bool> g_cancel{false};
extern "C" void on_sigint(int) { g_cancel = true; }

struct Session {
  model::Model model;
  std::optional<train::Lora> lora;  // --adapter, attached to model.net
  std::optional<text::Tokenizer> tokenizer;
  std::string chat_template_flag;                 // --chat-template, or empty
  std::optional<text::ChatTemplate> chat_template;  // loaded on first use
  model::GenerateOptions options;
  bool add_bos = true;
};

std::vector<std::int64_t> to64(const std::vector<std::int32_t>& ids) { return {ids.begin(), ids.end()}; }

std::string decode(const Session& s, const std::vector<std::int64_t>& ids) {
  std::vector<std::int32_t> v(ids.begin(), ids.end());
  return s.tokenizer->decode(v, /*skip_special_tokens=*/true);
}

// messages -> the model's chat template (or --chat-template) with the generation
// prompt -> ids. As transformers' apply_chat_template: the rendered text already holds
// BOS where the template puts it, so it is encoded without special tokens.
std::vector<std::int64_t> render_messages(Session& s, const data::Json& messages) {
  if (!s.tokenizer) throw model::ModelError(s.model.dir + ": no tokenizer.json: only {\"ids\": [...]} input works");
  if (!s.chat_template) s.chat_template = text::ChatTemplate::load(s.model.dir, s.chat_template_flag);
  const std::string prompt = s.chat_template->render(messages, /*add_generation_prompt=*/true);
  return to64(s.tokenizer->encode(prompt, /*add_special_tokens=*/false).ids);
}

std::vector<std::int64_t> encode_raw(const Session& s, const std::string& prompt) {
  if (!s.tokenizer) throw model::ModelError(s.model.dir + ": no tokenizer.json: only {\"ids\": [...]} input works");
  return to64(s.tokenizer->encode(prompt, /*add_special_tokens=*/s.add_bos).ids);
}

model::Generation run_one(Session& s, const std::vector<std::int64_t>& prompt) {
  return model::generate(s.model.net, {prompt}, s.options)[0];
}

}  // namespace

int run_generate(const ArgList& argv) {
  const Args a = Args::parse(argv, {{"model", "adapter", "prompt", "system", "max-new-tokens", "temperature", "top-p",
                                     "top-k", "seed", "device", "chat-template", "stop"},
                                    {"raw"}});
  if (a.has("help")) {
    std::cout << kHelp;
    return kOk;
  }
  if (!a.positional().empty()) throw UsageError("unexpected argument '" + a.positional()[0] + "'");
  const std::string dir = a.require("model");
  const double temperature_flag = a.get_double("temperature", -1);
  const long long top_k_flag = a.get_int("top-k", -1);
  const double top_p_flag = a.get_double("top-p", -1);
  const long long max_new_flag = a.get_int("max-new-tokens", -1);
  const long long seed = a.get_int("seed", 0);
  if (a.has("top-p") && (top_p_flag <= 0 || top_p_flag > 1)) throw UsageError("--top-p must be in (0, 1]");
  if (a.has("temperature") && temperature_flag < 0) throw UsageError("--temperature must not be negative");
  if (a.has("top-k") && top_k_flag < 0) throw UsageError("--top-k must not be negative");
  if (a.has("max-new-tokens") && max_new_flag < 0) throw UsageError("--max-new-tokens must not be negative");
  if (!std::filesystem::is_directory(dir)) {
    std::cerr << "tunesmith-cli generate: " << dir << ": not a folder\n";
    return kUsage;
  }

  const auto t0 = std::chrono::steady_clock::now();
  Session s;
  try {
    s.model = model::load_model(dir, {a.get_or("device", "auto"), std::nullopt});
  } catch (const model::ModelError& e) {
    std::cerr << dir << ": error: [model] " << e.what() << "\n";
    return kInvalid;
  }
  if (auto adapter = a.get("adapter")) {
    if (!std::filesystem::is_directory(*adapter)) {
      std::cerr << "tunesmith-cli generate: --adapter " << *adapter << ": not a folder\n";
      return kUsage;
    }
    try {
      s.lora = train::load_adapter(s.model.net, *adapter);
    } catch (const model::ModelError& e) {
      std::cerr << *adapter << ": error: [adapter] " << e.what() << "\n";
      return kInvalid;
    }
  }
  if (std::filesystem::exists(std::filesystem::path(dir) / "tokenizer.json")) {
    try {
      s.tokenizer = text::Tokenizer::from_dir(dir);
    } catch (const std::exception& e) {
      std::cerr << dir << ": error: [tokenizer] " << e.what() << "\n";
      return kInvalid;
    }
  }
  s.chat_template_flag = a.get_or("chat-template", "");
  const double load_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  // Sampling: generation_config.json first, flags on top.
  const model::GenerationConfig& g = s.model.generation;
  model::SamplingParams sp;
  sp.temperature = g.do_sample ? g.temperature : 0.0;
  sp.top_k = g.do_sample ? g.top_k : 0;
  sp.top_p = g.do_sample ? g.top_p : 1.0;
  if (a.has("temperature")) sp.temperature = temperature_flag;
  if (a.has("top-k")) sp.top_k = top_k_flag;
  if (a.has("top-p")) sp.top_p = top_p_flag;
  sp.seed = static_cast<std::uint64_t>(seed);
  s.options.sampling = sp;
  s.options.max_new_tokens = a.has("max-new-tokens") ? max_new_flag : g.max_new_tokens.value_or(256);
  s.options.eos_token_ids = g.eos_token_ids;
  s.options.stop_strings = a.all("stop");
  s.options.pad_token_id = g.pad_token_id.value_or(0);
  s.options.cancel = &g_cancel;
  if (s.tokenizer) s.options.decode = [&s](const std::vector<std::int64_t>& ids) { return decode(s, ids); };
  if (!s.options.stop_strings.empty() && !s.tokenizer) throw UsageError("--stop needs the model's tokenizer.json");
  std::signal(SIGINT, on_sigint);

  if (auto prompt = a.get("prompt")) {
    std::vector<std::int64_t> ids;
    try {
      if (a.has("raw")) {
        ids = encode_raw(s, a.has("system") ? *a.get("system") + "\n\n" + *prompt : *prompt);
      } else {
        data::Json messages = data::Json::array();
        if (auto sys = a.get("system")) messages.push_back({{"role", "system"}, {"content", *sys}});
        messages.push_back({{"role", "user"}, {"content", *prompt}});
        ids = render_messages(s, messages);
      }
    } catch (const model::ModelError& e) {
      std::cerr << "tunesmith-cli generate: error: " << e.what() << "\n";
      return kInvalid;
    } catch (const text::ChatTemplateError& e) {
      std::cerr << e.what() << "\n";
      return kInvalid;
    }
    const auto t1 = std::chrono::steady_clock::now();
    const model::Generation out = run_one(s, ids);
    const double gen_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t1).count();
    std::cout << out.text << "\n";
    std::cerr << "load " << load_s << " s; prompt " << ids.size() << " tokens; generated " << out.tokens.size()
              << " tokens in " << gen_s << " s (" << (gen_s > 0 ? out.tokens.size() / gen_s : 0.0) << " tokens/s) on "
              << model::describe(s.model.device) << "; finish: " << model::finish_reason_name(out.finish) << "\n";
    return out.finish == model::FinishReason::Cancelled ? kCancelled : kOk;
  }

  // JSON lines.
  std::string line;
  while (std::getline(std::cin, line)) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    data::Json out;
    try {
      const data::Json in = data::Json::parse(line);
      std::vector<std::int64_t> ids;
      bool id_input = false;
      if (in.contains("ids")) {
        ids = in["ids"].get<std::vector<std::int64_t>>();
        id_input = true;
      } else if (in.contains("prompt")) {
        ids = encode_raw(s, in["prompt"].get<std::string>());
      } else if (in.contains("messages")) {
        ids = a.has("raw") ? throw model::ModelError("--raw does not apply to messages") : render_messages(s, in["messages"]);
      } else {
        throw model::ModelError("a line needs \"messages\", \"prompt\" or \"ids\"");
      }
      const model::Generation g2 = run_one(s, ids);
      out["text"] = s.tokenizer ? g2.text : std::string();
      out["tokens"] = g2.tokens.size();
      if (id_input) out["ids"] = g2.tokens;
      out["finish"] = std::string(model::finish_reason_name(g2.finish));
    } catch (const std::exception& e) {
      out = {{"error", e.what()}};
    }
    std::cout << out.dump() << "\n" << std::flush;
    if (g_cancel) return kCancelled;
  }
  return kOk;
}

}  // namespace tunesmith::cli
