// tunesmith-cli eval: compare two or three answerers on a held-out test set (CLI.md,
// "Evaluation"). Builds the answerers from their SPECs (local bases shared between
// local:M and local:M+A), runs core/eval's evaluation with progress on stderr, and writes
// results.jsonl, summary.json, report.html and results.csv into --out.
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <set>

#include "app/cli/args.h"
#include "app/cli/commands.h"
#include "core/data/atomic_file.h"
#include "core/data/io_error.h"
#include "core/estimate/estimate.h"
#include "core/eval/baseline.h"
#include "core/eval/evaluation.h"
#include "core/eval/fewshot.h"
#include "core/eval/json_schema.h"
#include "core/eval/local_answerer.h"
#include "core/eval/report.h"
#include "core/eval/summary.h"
#include "core/model/error.h"
#include "core/project/project.h"
#include "core/text/chat_template.h"

#ifdef TUNESMITH_HAVE_CLOUD
#include <QCoreApplication>

#include "core/cloud/api_key.h"
#include "core/cloud/chat_answerer.h"
#endif

namespace tunesmith::cli {
namespace {

namespace fs = std::filesystem;

constexpr const char* kHelp = R"(Usage: tunesmith-cli eval --data TEST.jsonl --out DIR --a SPEC --b SPEC [--c SPEC]
                          [--train TRAIN.jsonl] [--scorer NAME]... [--judge SPEC]
                          [--max-new-tokens N] [--temperature T] [--concurrency N]

  SPEC = local:MODEL_DIR | local:MODEL_DIR+ADAPTER_DIR | fewshot:K:MODEL_DIR
       | openai:MODEL_ID | endpoint:BASE_URL#MODEL_ID

Every example of TEST is cut at its last assistant message: the conversation before it
is what every answerer is asked, the message is the reference. Writes DIR/results.jsonl
(one line per case), DIR/summary.json (per answerer and scorer the mean or accuracy with
a bootstrap 95% interval, judge win/tie/loss, latency, tokens/s locally, $ per 1,000
answers through the API), DIR/report.html (self-contained, side by side) and
DIR/results.csv; with --probe also DIR/probe.jsonl.

Answerers:
  local:M         the model folder M (chat template from M, or --chat-template)
  local:M+A       M with the PEFT adapter A; with local:M in the same run they share one
                  loaded base (the adapter is switched off for local:M)
  fewshot:K:M     M prompted with the dataset's system prompt and K solved examples drawn
                  (seeded) from --train, never from TEST
  openai:ID       OpenAI's chat completions (OPENAI_API_KEY or the keychain)
  endpoint:URL#ID any OpenAI-compatible server at URL (vLLM, llama.cpp, Ollama); sends
                  $TUNESMITH_ENDPOINT_API_KEY as the bearer token when set, nothing else

Scorers (--scorer, repeatable; default contains and rouge, plus judge with --judge):
  contains        every phrase of the example's "expected" occurs (case-insensitive);
                  examples without "expected" are not scored (null)
  exact           the normalized answer equals the normalized reference
  regex:PATTERN   PATTERN (Perl syntax; (?i) for case-insensitive) matches the answer
  json            the answer is valid JSON (conforming to --json-schema FILE if given)
  rouge           ROUGE-L F against the reference
  f1              token F1 against the reference
  judge           --judge compares answer and reference in both orders (disagreement =
                  tie): win 1, tie 0.5, loss 0; invalid judge replies are asked once more,
                  then recorded as failures
  judge-grade     --judge grades each answer 1-10

Options:
  --judge SPEC            openai:ID or endpoint:URL#ID
  --rubric TEXT           what the judge looks for (a default rubric otherwise)
  --max-new-tokens N      local answers (default 256); API answers' max_completion_tokens
  --temperature T         default: greedy (0)
  --concurrency N         API calls in flight (default 4)
  --batch-size N          local generation batch (default 8)
  --seed N                few-shot draw, bootstrap and sampling seed (default 0)
  --probe                 also run the forgetting probe (general prompts, resources/eval)
                          through the local answerers and report it beside the scores
  --chat-template NAME|FILE   override the local models' chat template
  --device auto|cpu|cuda  local models (default auto)
  --openai-base-url URL   where openai: SPECs go (default https://api.openai.com/v1)
  --prices FILE           price table (default: the shipped resources/pricing/openai.json)
  --timeout S             per API request (default 600)
  --project DIR           compare with the project's baseline evaluation
  --save-baseline LABEL   with --project: remember this run's answerer LABEL as the baseline
  --json                  print summary.json on stdout instead of the text summary
Exit: 0 done; 1 invalid data or model; 2 usage, missing file; 130 interrupted (partial
results written, summary.json says "cancelled": true).
)";

std::atomic<bool> g_cancel{false};
extern "C" void on_eval_sigint(int) { g_cancel = true; }

struct Built {
  std::vector<eval::Contestant> contestants;
  std::shared_ptr<eval::Judge> judge;
  bool needs_qt = false;
};

// local:M+A -> (M, A): a path that exists as a folder is M alone; otherwise the last '+'
// separates the adapter.
std::pair<std::string, std::string> split_local(const std::string& rest) {
  if (fs::is_directory(rest)) return {rest, ""};
  const auto plus = rest.rfind('+');
  if (plus == std::string::npos) return {rest, ""};
  return {rest.substr(0, plus), rest.substr(plus + 1)};
}

std::string base_key(const std::string& dir) {
  std::error_code ec;
  const fs::path p = fs::weakly_canonical(dir, ec);
  return ec ? dir : p.string();
}

bool is_remote(const std::string& spec) { return spec.rfind("openai:", 0) == 0 || spec.rfind("endpoint:", 0) == 0; }

#ifdef TUNESMITH_HAVE_CLOUD
cloud::RemoteSettings remote_settings(const std::string& spec, const Args& a, const estimate::PriceTable* prices) {
  cloud::RemoteSpec r;
  try {
    r = cloud::parse_remote_spec(spec);
  } catch (const std::invalid_argument& e) {
    throw UsageError(e.what());
  }
  cloud::RemoteSettings s;
  s.spec = spec;
  s.model = r.model;
  s.concurrency = static_cast<int>(a.get_int("concurrency", 4));
  if (s.concurrency < 1) throw UsageError("--concurrency must be at least 1");
  if (a.has("temperature")) s.temperature = a.get_double("temperature", 0);
  if (a.has("max-new-tokens")) s.max_tokens = static_cast<int>(a.get_int("max-new-tokens", 256));
  s.client.timeout_ms = static_cast<int>(a.get_double("timeout", cloud::kDefaultTimeoutMs / 1000.0) * 1000);
  if (r.openai) {
    s.client.base_url = QString::fromStdString(a.get_or("openai-base-url", cloud::kDefaultBaseUrl));
    const cloud::KeyLookup key = cloud::resolve_api_key();
    s.client.api_key = key.key;
    if (key.key.isEmpty() && s.client.base_url.startsWith(QStringLiteral("https://api.openai.com")))
      throw UsageError(spec + ": no API key: set OPENAI_API_KEY or store one in the keychain");
    if (prices)
      if (const estimate::PriceEntry* p = prices->find(r.model.toStdString())) s.price = *p;
  } else {
    // Never send the OpenAI key to a third-party server.
    s.client.base_url = r.base_url;
    if (const char* k = std::getenv("TUNESMITH_ENDPOINT_API_KEY")) s.client.api_key = QString::fromUtf8(k);
  }
  return s;
}
#endif

Built build_answerers(const Args& a, const eval::LocalOptions& local, const std::vector<eval::EvalCase>* train) {
  Built b;
  std::map<std::string, std::shared_ptr<eval::LocalModel>> bases;  // canonical model dir -> base
  auto base_for = [&](const std::string& dir) {
    if (!fs::is_directory(dir)) throw data::IoError(dir + ": not a folder");
    auto& slot = bases[base_key(dir)];
    if (!slot) {
      std::cerr << "eval: loading " << dir << "\n";
      slot = eval::LocalModel::load(dir, local);
    }
    return slot;
  };
  // Adapters first, so that a base is known to carry one before any answerer uses it.
  struct Pending {
    std::string label, spec;
  };
  std::vector<Pending> specs;
  for (const char* label : {"a", "b", "c"})
    if (auto s = a.get(label)) specs.push_back({label, *s});
  if (specs.size() < 2) throw UsageError("--a and --b are required (two or three answerers)");
  std::unique_ptr<estimate::PriceTable> prices;
#ifdef TUNESMITH_HAVE_CLOUD
  bool wants_prices = false;
  for (const auto& p : specs) wants_prices = wants_prices || p.spec.rfind("openai:", 0) == 0;
  if (wants_prices) {
    const std::string path = a.get_or("prices", project::find_resources_dir("") + "/pricing/openai.json");
    try {
      prices = std::make_unique<estimate::PriceTable>(estimate::load_price_table(path));
    } catch (const std::exception& e) {
      std::cerr << path << ": warning: [eval] no price table, API answers are not priced: " << e.what() << "\n";
    }
  }
#endif
  for (const Pending& p : specs) {
    if (p.spec.rfind("local:", 0) == 0) {
      const auto [model, adapter] = split_local(p.spec.substr(6));
      if (adapter.empty()) continue;
      if (!fs::is_directory(adapter)) throw data::IoError(adapter + ": not a folder (adapter of " + p.spec + ")");
      base_for(model)->attach_adapter(adapter);
    }
  }
  for (const Pending& p : specs) {
    std::shared_ptr<eval::Answerer> ans;
    if (p.spec.rfind("local:", 0) == 0) {
      const auto [model, adapter] = split_local(p.spec.substr(6));
      ans = std::make_shared<eval::LocalAnswerer>(base_for(model), !adapter.empty(), p.spec);
    } else if (p.spec.rfind("fewshot:", 0) == 0) {
      const std::string rest = p.spec.substr(8);
      const auto colon = rest.find(':');
      if (colon == std::string::npos) throw UsageError("'" + p.spec + "': expected fewshot:K:MODEL_DIR");
      std::size_t k = 0;
      try {
        std::size_t used = 0;
        const long long v = std::stoll(rest.substr(0, colon), &used);
        if (used != colon || v < 0) throw std::invalid_argument("k");
        k = static_cast<std::size_t>(v);
      } catch (const std::exception&) {
        throw UsageError("'" + p.spec + "': K must be a non-negative integer");
      }
      if (!train) throw UsageError(p.spec + " needs --train TRAIN.jsonl (the shots never come from the test file)");
      auto inner = std::make_shared<eval::LocalAnswerer>(base_for(rest.substr(colon + 1)), false, p.spec);
      ans = std::make_shared<eval::FewShotAnswerer>(inner, eval::draw_fewshot(*train, k, local.seed), p.spec);
    } else if (is_remote(p.spec)) {
#ifdef TUNESMITH_HAVE_CLOUD
      b.needs_qt = true;
      ans = std::make_shared<cloud::ChatAnswerer>(remote_settings(p.spec, a, prices.get()));
#else
      throw UsageError(p.spec + ": this build has no cloud support (Qt Network)");
#endif
    } else {
      throw UsageError("'" + p.spec + "': unknown SPEC (local:, fewshot:, openai:, endpoint:)");
    }
    b.contestants.push_back({p.label, ans});
  }
  if (auto j = a.get("judge")) {
#ifdef TUNESMITH_HAVE_CLOUD
    if (!is_remote(*j)) throw UsageError("--judge: expected openai:MODEL_ID or endpoint:BASE_URL#MODEL_ID");
    b.needs_qt = true;
    b.judge = std::make_shared<cloud::ChatJudge>(remote_settings(*j, a, nullptr));
#else
    throw UsageError("--judge: this build has no cloud support (Qt Network)");
#endif
  }
  return b;
}

// Progress: a self-rewriting line on a terminal, plain lines otherwise.
void print_progress(const eval::Progress& p) {
  const bool tty = ::isatty(2);
  char buf[160];
  std::snprintf(buf, sizeof buf, "eval: %s %zu/%zu (%.1f s)", p.phase.c_str(), p.done, p.total, p.elapsed_s);
  if (tty) {
    std::cerr << "\r" << buf << "\x1b[K" << std::flush;
    if (p.done == p.total) std::cerr << "\n";
  } else {
    std::cerr << buf << "\n";
  }
}

int run(const Args& a) {
  const std::string data_path = a.require("data");
  const std::string out_dir = a.require("out");
  eval::LocalOptions local;
  local.device = a.get_or("device", "auto");
  local.chat_template = a.get_or("chat-template", "");
  local.max_new_tokens = a.get_int("max-new-tokens", 256);
  if (local.max_new_tokens < 1) throw UsageError("--max-new-tokens must be at least 1");
  if (a.has("temperature")) {
    local.temperature = a.get_double("temperature", 0);
    if (*local.temperature < 0) throw UsageError("--temperature must not be negative");
  }
  local.seed = static_cast<std::uint64_t>(a.get_int("seed", 0));
  const long long batch = a.get_int("batch-size", 8);
  if (batch < 1) throw UsageError("--batch-size must be at least 1");
  local.batch_size = static_cast<std::size_t>(batch);

  eval::EvalOptions options;
  options.seed = local.seed;
  options.data_path = data_path;
  for (const std::string& s : a.all("scorer")) {
    try {
      options.scorers.push_back(eval::parse_scorer(s));
    } catch (const std::invalid_argument& e) {
      throw UsageError(std::string("--scorer: ") + e.what());
    }
  }
  if (options.scorers.empty()) {
    options.scorers.push_back(eval::parse_scorer("contains"));
    options.scorers.push_back(eval::parse_scorer("rouge"));
    if (a.has("judge")) options.scorers.push_back(eval::parse_scorer("judge"));
  }
  {
    std::set<std::string> names;
    for (const auto& s : options.scorers)
      if (!names.insert(s.name()).second) throw UsageError("--scorer " + s.name() + " given twice");
  }
  if (auto schema_path = a.get("json-schema")) {
    data::Json schema;
    try {
      schema = data::Json::parse(data::read_file(*schema_path));
      eval::check_schema(schema);
    } catch (const data::Json::parse_error& e) {
      std::cerr << *schema_path << ": error: [eval] invalid JSON: " << e.what() << "\n";
      return kInvalid;
    } catch (const std::invalid_argument& e) {
      std::cerr << *schema_path << ": error: [eval] " << e.what() << "\n";
      return kInvalid;
    }
    for (auto& s : options.scorers)
      if (s.kind == eval::ScorerKind::Json) s.schema = schema;
  }
  if (auto rubric = a.get("rubric")) options.rubric = *rubric;
  bool wants_judge = false;
  for (const auto& s : options.scorers) wants_judge = wants_judge || s.needs_judge();
  if (wants_judge && !a.has("judge")) throw UsageError("the judge scorers need --judge SPEC");
  if (a.has("save-baseline") && !a.has("project")) throw UsageError("--save-baseline needs --project DIR");

  if (!fs::exists(data_path)) throw data::IoError(data_path + ": no such file");
  std::vector<eval::EvalCase> cases, train;
  try {
    cases = eval::load_cases(data_path);
    if (auto t = a.get("train")) {
      if (!fs::exists(*t)) throw data::IoError(*t + ": no such file");
      if (base_key(*t) == base_key(data_path)) throw UsageError("--train is the test file: few-shot examples must come from train");
      train = eval::load_cases(*t);
      options.train_path = *t;
    }
    if (a.has("probe")) {
      const std::string probe_path = project::find_resources_dir("") + "/" + eval::kForgettingProbe;
      options.probe = eval::load_cases(probe_path);
    }
  } catch (const eval::CaseError& e) {
    std::cerr << e.what() << "\n";
    return kInvalid;
  }
  if (cases.empty()) {
    std::cerr << data_path << ": error: [eval] no examples\n";
    return kInvalid;
  }

  std::optional<project::Project> proj;
  if (auto dir = a.get("project")) {
    try {
      proj = project::load_project(*dir);
    } catch (const data::IoError&) {
      throw;  // missing or unreadable: exit 2
    } catch (const std::runtime_error& e) {
      std::cerr << e.what() << "\n";  // malformed tunesmith.json: names the file and field
      return kInvalid;
    }
  }

  // Remote answerers need an event loop in this thread; the evaluation runs here.
#ifdef TUNESMITH_HAVE_CLOUD
  static int qt_argc = 1;
  static char qt_name[] = "tunesmith-cli";
  static char* qt_argv[] = {qt_name, nullptr};
  std::unique_ptr<QCoreApplication> app;
  if (!QCoreApplication::instance()) app = std::make_unique<QCoreApplication>(qt_argc, qt_argv);
#endif
  Built built;
  try {
    built = build_answerers(a, local, a.has("train") ? &train : nullptr);
  } catch (const model::ModelError& e) {
    std::cerr << "tunesmith-cli eval: error: [model] " << e.what() << "\n";
    return kInvalid;
  } catch (const text::ChatTemplateError& e) {
    std::cerr << e.what() << "\n";
    return kInvalid;
  }
  options.judge = built.judge;

  std::signal(SIGINT, on_eval_sigint);
  eval::EvalResult result;
  try {
    result = eval::run_evaluation(cases, built.contestants, options, print_progress, &g_cancel);
  } catch (const model::ModelError& e) {
    std::cerr << "tunesmith-cli eval: error: [model] " << e.what() << "\n";
    return kInvalid;
  }
  data::Json summary = eval::summarize(result);

  if (proj && proj->baseline) {
    data::Json cmp = {{"path", proj->baseline->path}, {"answerer", proj->baseline->answerer},
                      {"spec", proj->baseline->spec}, {"changes", data::Json::object()}};
    for (const std::string& label : result.labels) {
      data::Json changes = data::Json::array();
      for (const eval::ScoreChange& c : eval::compare_with_baseline(summary, label, *proj->baseline)) {
        changes.push_back({{"scorer", c.scorer}, {"before", c.before}, {"after", c.after},
                           {"regression", c.regression}, {"text", c.text}});
        std::cerr << "eval: " << label << ": " << c.text << "\n";
      }
      cmp["changes"][label] = changes;
    }
    summary["baseline"] = cmp;
  }
  eval::write_outputs(result, summary, out_dir);
  if (proj && a.has("save-baseline")) {
    const std::string label = *a.get("save-baseline");
    if (!summary["answerers"].contains(label)) throw UsageError("--save-baseline " + label + ": no such answerer");
    std::error_code ec;
    fs::path rel = fs::relative(fs::absolute(out_dir), fs::absolute(proj->folder), ec);
    const std::string path = ec || rel.empty() || *rel.begin() == ".." ? fs::absolute(out_dir).string() : rel.string();
    proj->baseline = eval::baseline_from_summary(summary, label, path);
    if (std::find(proj->evaluations.begin(), proj->evaluations.end(), path) == proj->evaluations.end())
      proj->evaluations.push_back(path);
    project::save_project(*proj);
    std::cerr << "eval: baseline of " << proj->folder << " is now " << label << " (" << proj->baseline->spec << ")\n";
  }
  if (a.has("json")) std::cout << summary.dump(2, ' ', false, data::Json::error_handler_t::replace) << "\n";
  else std::cout << eval::summary_text(summary);
  std::cerr << "eval: wrote " << out_dir << "/results.jsonl, summary.json, report.html, results.csv\n";
  return result.cancelled ? kCancelled : kOk;
}

}  // namespace

int run_eval(const ArgList& argv) {
  const Args a = Args::parse(argv, {{"data", "out", "a", "b", "c", "train", "scorer", "judge", "max-new-tokens",
                                     "temperature", "concurrency", "batch-size", "seed", "chat-template", "device",
                                     "openai-base-url", "prices", "timeout", "project", "save-baseline", "rubric",
                                     "json-schema"},
                                    {"probe", "json"}});
  if (a.has("help")) {
    std::cout << kHelp;
    return kOk;
  }
  if (!a.positional().empty()) throw UsageError("unexpected argument '" + a.positional()[0] + "'");
  return run(a);
}

}  // namespace tunesmith::cli
