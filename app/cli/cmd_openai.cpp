// tunesmith-cli openai ...: the OpenAI client (core/cloud) from the command line.
// Exit codes: 0 the request succeeded (a job whose `error` is set is printed, exit 0);
// 1 the server refused the request (its error body is printed) or the personal-data
// scan refused an upload; 2 usage, missing file, missing key, network or timeout.
// No command prints the API key.
#include <cstdio>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <memory>

#include <termios.h>
#include <unistd.h>

#include <QCoreApplication>
#include <QEventLoop>
#include <QTimer>

#include "app/cli/args.h"
#include "app/cli/commands.h"
#include "core/cloud/api_key.h"
#include "core/cloud/openai_client.h"
#include "core/cloud/openai_job.h"
#include "core/cloud/redact.h"
#include "core/cloud/synthetic.h"
#include "core/data/dataset.h"
#include "core/data/pii_scan.h"
#include "core/estimate/estimate.h"
#include "core/project/project.h"
#include "core/text/tokenizer.h"
#include "core/text/tokenizer_token_counter.h"

namespace tunesmith::cli {

namespace {

using cloud::Json;

constexpr const char* kHelp = R"(Usage: tunesmith-cli openai [--base-url URL] COMMAND ...

  files upload FILE [--purpose fine-tune] [--allow-pii] [--redact-to OUT.jsonl]
  files list [--purpose P] [--limit N] [--after ID] [--all]
  files get ID | files delete ID
  jobs create --model M --training-file ID [--validation-file ID] [--epochs N|auto]
              [--batch-size N|auto] [--lr-multiplier X|auto] [--suffix S] [--seed N]
              [--metadata KEY=VALUE]...
  jobs list [--limit N] [--after ID] [--all]
  jobs get ID | jobs cancel ID | jobs pause ID | jobs resume ID
  jobs events ID [--limit N] [--after ID] [--all] [--follow [--poll SECONDS]]
  jobs checkpoints ID [--limit N] [--after ID] [--all]
  models
  chat --model M --prompt TEXT [--system TEXT] [--json-object] [--temperature T]
  generate-data --task TEXT --count N --model M --out OUT.jsonl [--system TEXT]
                [--existing FILE]... [--per-request N]
  estimate FILE --model M [--epochs N] [--tokenizer DIR] [--max-tokens N] [--prices FILE] [--json]
  key set | key status | key clear

Options:
  --base-url URL     the prefix paths are appended to (default https://api.openai.com/v1);
                     any OpenAI-compatible server (vLLM, llama.cpp server, Ollama) for chat/models
  --timeout S        per-request timeout in seconds (default 600)
  --max-retries N    retries on 408/409/429/5xx, timeouts and connection errors (default 2)
  --verbose          log requests to stderr (the Authorization header is redacted)

The key comes from OPENAI_API_KEY, else the OS keychain; it is never printed.
`key set` reads the key from stdin (not echoed on a terminal) and stores it in the OS
keychain; `key status` prints where a key would come from (environment, keychain or
none); `key clear` removes the stored key. Without a keychain service they fail (exit 2)
within a few seconds: set OPENAI_API_KEY instead.
Listing commands print one page unless --all (at most 100 pages). Results are JSON on
stdout. An error prints the server's error body on stderr. `files upload` refuses a file
in which the personal-data scan finds emails, phone numbers, card numbers, IBANs or
secrets (listed, masked) unless --allow-pii; --redact-to writes a copy with placeholders.
`generate-data` writes synthetic training examples (JSON mode), validated and deduplicated
against --existing files: split your data first and pass every split, then add OUT to
train only. `estimate` prints billed tokens and dollars (resources/pricing/openai.json).
Exit codes: 0 success, 1 the server refused the request or personal data was found,
2 usage, missing file or key, network error or timeout, 3 internal error.
)";

const ArgSpec kSpec{
    {"base-url", "timeout", "max-retries", "purpose", "redact-to", "limit", "after", "model", "training-file",
     "validation-file", "epochs", "batch-size", "lr-multiplier", "suffix", "seed", "metadata", "poll", "prompt",
     "system", "temperature", "task", "count", "out", "existing", "per-request", "tokenizer", "max-tokens", "prices"},
    {"allow-pii", "all", "follow", "json-object", "verbose", "json"}};

void print_json(const Json& j) { std::cout << j.dump(2) << "\n"; }

int report_error(const cloud::ApiError& e) {
  std::cerr << "tunesmith-cli openai: " << cloud::redact_line(e.describe()).toStdString() << "\n";
  if (!e.body.isEmpty()) std::cerr << cloud::redact_line(QString::fromUtf8(e.body)).toStdString() << "\n";
  switch (e.kind) {
    case cloud::ApiError::Kind::Http:
    case cloud::ApiError::Kind::Parse:
      return kInvalid;
    case cloud::ApiError::Kind::Cancelled:
      return kCancelled;
    default:
      return kUsage;
  }
}

int print_result(const cloud::Result& r) {
  if (!r.ok()) return report_error(r.error);
  print_json(r.json);
  return kOk;
}

cloud::ListParams list_params(const Args& a) {
  cloud::ListParams p;
  if (a.has("limit")) p.limit = static_cast<int>(a.get_int("limit", 20));
  p.after = QString::fromStdString(a.get_or("after", ""));
  p.purpose = QString::fromStdString(a.get_or("purpose", ""));
  return p;
}

// One page, or every page (bounded) with --all.
int run_list(const Args& a, const std::function<cloud::Call*(const cloud::ListParams&)>& call) {
  const cloud::ListParams base = list_params(a);
  if (!a.has("all")) return print_result(cloud::wait(call(base)));
  const cloud::AllPages all = cloud::list_all([&](const QString& after) {
    cloud::ListParams p = base;
    if (!after.isEmpty()) p.after = after;
    return call(p);
  });
  if (!all.last.ok()) return report_error(all.last.error);
  if (all.truncated) std::cerr << "tunesmith-cli openai: stopped after " << all.pages << " pages (more remain)\n";
  print_json(Json{{"object", "list"}, {"data", all.data}, {"has_more", all.truncated}});
  return kOk;
}

std::optional<int> auto_or_int(const Args& a, const char* name) {
  const auto v = a.get(name);
  if (!v || *v == "auto") return std::nullopt;
  return static_cast<int>(a.get_int(name, 0));
}

const std::string& positional_at(const Args& a, std::size_t i, const char* what) {
  if (a.positional().size() <= i) throw UsageError(std::string("missing ") + what);
  return a.positional()[i];
}

// Upload progress on stderr: a bar redrawn in place on a terminal; otherwise one plain
// line per 10% step, so a log or a pipe gets a handful of lines rather than thousands.
class UploadProgress {
 public:
  explicit UploadProgress(std::string name) : name_(std::move(name)), tty_(::isatty(STDERR_FILENO) != 0) {}
  void update(qint64 sent, qint64 total) {
    if (total <= 0) return;
    const int pct = static_cast<int>(100 * std::min(sent, total) / total);
    if (tty_) {
      if (pct == last_) return;
      constexpr int kWidth = 30;
      const int filled = pct * kWidth / 100;
      std::cerr << "\ruploading " << name_ << " [" << std::string(static_cast<std::size_t>(filled), '#')
                << std::string(static_cast<std::size_t>(kWidth - filled), '.') << "] " << std::setw(3) << pct << "% "
                << mb(sent) << "/" << mb(total) << " MB" << std::flush;
      drew_ = true;
    } else {
      if (pct / 10 == last_ / 10 && last_ >= 0) return;
      std::cerr << "uploading " << name_ << ": " << pct << "% (" << mb(sent) << "/" << mb(total) << " MB)\n";
    }
    last_ = pct;
  }
  // Ends the bar's line on a terminal.
  void done() {
    if (drew_) std::cerr << "\n";
    drew_ = false;
  }

 private:
  static std::string mb(qint64 bytes) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f", static_cast<double>(bytes) / 1e6);
    return buf;
  }
  std::string name_;
  bool tty_;
  bool drew_ = false;
  int last_ = -1;
};

int files_upload(cloud::OpenAIClient& client, const Args& a) {
  const std::string path = positional_at(a, 2, "FILE");
  const data::LoadResult loaded = data::load_jsonl(path);  // throws IoError
  const auto pii = data::scan_dataset(loaded.dataset);
  if (!pii.empty() && !a.has("allow-pii")) {
    for (const auto& p : pii) std::cerr << data::format_finding(data::to_finding(p, path)) << "\n";
    if (const auto out = a.get("redact-to")) {
      std::vector<data::Conversation> red;
      for (const auto& e : loaded.dataset.examples) red.push_back(data::redact_example(e));
      data::save_jsonl(*out, red);
      std::cerr << "tunesmith-cli openai: " << pii.size() << " personal-data finding(s); wrote a redacted copy to "
                << *out << " (upload that, or pass --allow-pii)\n";
    } else {
      std::cerr << "tunesmith-cli openai: refusing to upload " << path << ": " << pii.size()
                << " personal-data finding(s). Redact them (--redact-to OUT.jsonl writes a copy with placeholders) "
                   "or pass --allow-pii to upload anyway.\n";
    }
    return kInvalid;
  }
  cloud::Call* call = client.upload_file(QString::fromStdString(path),
                                         QString::fromStdString(a.get_or("purpose", "fine-tune")));
  UploadProgress progress(std::filesystem::path(path).filename().string());
  QObject::connect(call, &cloud::Call::upload_progress,
                   [&progress](qint64 sent, qint64 total) { progress.update(sent, total); });
  const cloud::Result r = cloud::wait(call);
  progress.done();
  return print_result(r);
}

int files(cloud::OpenAIClient& client, const Args& a) {
  const std::string sub = positional_at(a, 1, "files subcommand (upload, list, get, delete)");
  if (sub == "upload") return files_upload(client, a);
  if (sub == "list") return run_list(a, [&](const cloud::ListParams& p) { return client.list_files(p); });
  const QString id = QString::fromStdString(positional_at(a, 2, "file ID"));
  if (sub == "get") return print_result(cloud::wait(client.retrieve_file(id)));
  if (sub == "delete") return print_result(cloud::wait(client.delete_file(id)));
  throw UsageError("unknown subcommand 'openai files " + sub + "'");
}

int jobs_create(cloud::OpenAIClient& client, const Args& a) {
  cloud::JobCreate j;
  j.model = QString::fromStdString(a.require("model"));
  j.training_file = QString::fromStdString(a.require("training-file"));
  j.validation_file = QString::fromStdString(a.get_or("validation-file", ""));
  j.suffix = QString::fromStdString(a.get_or("suffix", ""));
  if (a.has("seed")) j.seed = a.get_int("seed", 0);
  j.hyperparameters.n_epochs = auto_or_int(a, "epochs");
  j.hyperparameters.batch_size = auto_or_int(a, "batch-size");
  if (const auto v = a.get("lr-multiplier"); v && *v != "auto") j.hyperparameters.learning_rate_multiplier = a.get_double("lr-multiplier", 1);
  j.send_auto = true;
  for (const std::string& kv : a.all("metadata")) {
    const auto eq = kv.find('=');
    if (eq == std::string::npos) throw UsageError("--metadata takes KEY=VALUE, got '" + kv + "'");
    if (!j.metadata.is_object()) j.metadata = Json::object();
    j.metadata[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  return print_result(cloud::wait(client.create_job(j)));
}

int jobs_follow(cloud::OpenAIClient& client, const QString& id, const Args& a) {
  cloud::OpenAIJobOptions o;
  o.poll_interval_ms = static_cast<int>(a.get_double("poll", 5.0) * 1000);
  o.max_poll_interval_ms = std::max(o.poll_interval_ms, 30000);
  std::unique_ptr<cloud::OpenAIFineTuneJob> job(cloud::OpenAIFineTuneJob::attach(&client, id, o));
  job->set_raw_event_callback([](const Json& e) { std::cout << e.dump() << "\n" << std::flush; });
  QEventLoop loop;
  int code = kOk;
  job->set_event_callback([&](const jobs::JobEvent& e) {
    if (const auto* f = std::get_if<jobs::Failed>(&e)) {
      std::cerr << "tunesmith-cli openai: " << f->message << "\n";
      // A job that failed on the server was followed successfully; a follow that could
      // not read the job is a failed request.
      if (f->message.rfind("cannot follow", 0) == 0) code = kInvalid;
      loop.quit();
    } else if (std::holds_alternative<jobs::Finished>(e) || std::holds_alternative<jobs::Cancelled>(e)) {
      loop.quit();
    }
  });
  job->start();
  loop.exec();
  std::cerr << "job " << id.toStdString() << ": " << job->last_job().status << "\n";
  return code;
}

int jobs(cloud::OpenAIClient& client, const Args& a) {
  const std::string sub = positional_at(a, 1, "jobs subcommand (create, list, get, cancel, pause, resume, events, checkpoints)");
  if (sub == "create") return jobs_create(client, a);
  if (sub == "list") return run_list(a, [&](const cloud::ListParams& p) { return client.list_jobs(p); });
  const QString id = QString::fromStdString(positional_at(a, 2, "job ID"));
  if (sub == "get") return print_result(cloud::wait(client.retrieve_job(id)));
  if (sub == "cancel") return print_result(cloud::wait(client.cancel_job(id)));
  if (sub == "pause") return print_result(cloud::wait(client.pause_job(id)));
  if (sub == "resume") return print_result(cloud::wait(client.resume_job(id)));
  if (sub == "events") {
    if (a.has("follow")) return jobs_follow(client, id, a);
    return run_list(a, [&](const cloud::ListParams& p) { return client.list_job_events(id, p); });
  }
  if (sub == "checkpoints")
    return run_list(a, [&](const cloud::ListParams& p) { return client.list_job_checkpoints(id, p); });
  throw UsageError("unknown subcommand 'openai jobs " + sub + "'");
}

int chat(cloud::OpenAIClient& client, const Args& a) {
  Json messages = Json::array();
  if (const auto s = a.get("system")) messages.push_back(Json{{"role", "system"}, {"content", *s}});
  messages.push_back(Json{{"role", "user"}, {"content", a.require("prompt")}});
  cloud::ResponseFormat f;
  if (a.has("json-object")) f.type = cloud::ResponseFormat::Type::JsonObject;
  std::optional<double> t;
  if (a.has("temperature")) t = a.get_double("temperature", 1);
  const cloud::Result r = cloud::wait(client.chat(cloud::chat_body(QString::fromStdString(a.require("model")), messages, f, t)));
  if (!r.ok()) return report_error(r.error);
  std::cout << cloud::chat_text(r.json).toStdString() << "\n";
  return kOk;
}

int generate_data(cloud::OpenAIClient& client, const Args& a) {
  cloud::SyntheticSpec spec;
  spec.task = QString::fromStdString(a.require("task"));
  spec.model = QString::fromStdString(a.require("model"));
  spec.count = static_cast<int>(a.get_int("count", 0));
  if (spec.count < 1) throw UsageError("--count must be at least 1");
  spec.per_request = static_cast<int>(a.get_int("per-request", 5));
  spec.system_prompt = QString::fromStdString(a.get_or("system", ""));
  const std::string out = a.require("out");
  std::vector<data::Conversation> existing;
  for (const std::string& f : a.all("existing")) {
    auto loaded = data::load_jsonl(f);
    for (auto& e : loaded.dataset.examples) existing.push_back(std::move(e));
  }
  cloud::SyntheticGenerator gen(&client, spec, existing);
  QEventLoop loop;
  QObject::connect(&gen, &cloud::SyntheticGenerator::finished, &loop, &QEventLoop::quit);
  QObject::connect(&gen, &cloud::SyntheticGenerator::progress,
                   [](int done, int wanted) { std::cerr << "generated " << done << "/" << wanted << "\n"; });
  gen.start();
  loop.exec();
  const cloud::SyntheticReport& rep = gen.report();
  for (const std::string& why : rep.rejected) std::cerr << "skipped an invalid generated example: " << why << "\n";
  if (!rep.accepted.empty()) data::save_jsonl(out, rep.accepted);
  std::cerr << "wrote " << rep.accepted.size() << " example(s) to " << out << " (" << rep.candidates
            << " candidates, " << rep.invalid << " invalid, " << rep.duplicates << " duplicates, " << rep.requested
            << " requests); add them to the training split only\n";
  if (!rep.error.ok()) return report_error(rep.error);
  return rep.accepted.empty() ? kInvalid : kOk;
}

int estimate(const Args& a, const std::string& argv0) {
  const std::string path = positional_at(a, 1, "FILE");
  const std::string model = a.require("model");
  const data::LoadResult loaded = data::load_jsonl(path);
  std::unique_ptr<data::TokenCounter> counter;
  if (const auto dir = a.get("tokenizer")) {
    counter = std::make_unique<text::TokenizerTokenCounter>(text::Tokenizer::from_dir(*dir));
  } else {
    counter = std::make_unique<data::EstimatedTokenCounter>();
  }
  const auto limit = static_cast<std::size_t>(a.get_int("max-tokens", 65536));
  const auto tokens = estimate::count_training_tokens(loaded.dataset.examples, *counter, limit);
  std::string prices_path = a.get_or("prices", "");
  if (prices_path.empty()) prices_path = project::find_resources_dir(argv0) + "/pricing/openai.json";
  const estimate::PriceTable prices = estimate::load_price_table(prices_path);
  std::optional<int> epochs;
  if (const auto e = a.get("epochs"); e && *e != "auto") epochs = static_cast<int>(a.get_int("epochs", 3));
  const auto cost = estimate::estimate_openai_cost(tokens, epochs, model, &prices);
  if (a.has("json")) {
    Json j{{"examples", tokens.examples}, {"tokens", tokens.tokens}, {"billed_tokens_per_epoch", tokens.billed_per_epoch},
           {"truncated_examples", tokens.truncated}, {"epochs", cost.epochs}, {"default_epochs", cost.default_epochs},
           {"billed_tokens", cost.billed_tokens}, {"tokens_estimated", tokens.is_estimate},
           {"usd", cost.dollars ? Json(*cost.dollars) : Json()}, {"priced_as", cost.priced_as},
           {"prices_as_of", cost.price_as_of}};
    print_json(j);
  } else {
    std::cout << tokens.examples << " examples, " << tokens.billed_per_epoch << " billed tokens per epoch"
              << (tokens.is_estimate ? " (estimated: about 4 bytes a token; pass --tokenizer for a count)" : "")
              << "\n"
              << cost.epochs << " epochs" << (cost.default_epochs ? " (OpenAI's default for this size)" : "") << ": "
              << cost.billed_tokens << " billed tokens\n";
    if (cost.dollars) {
      std::cout << "about $" << std::fixed << std::setprecision(2) << *cost.dollars << " at " << cost.priced_as
                << " prices as of " << cost.price_as_of << " (check current pricing)\n";
    } else {
      std::cout << "no training price for '" << model << "' in " << prices_path << "\n";
    }
  }
  return kOk;
}

// Reads the key from stdin: never from argv (it would land in the shell history and in
// `ps`), and with echo off when stdin is a terminal.
std::string read_key_from_stdin() {
  const bool tty = ::isatty(STDIN_FILENO) != 0;
  termios saved{};
  if (tty) {
    std::cerr << "OpenAI API key (input hidden): " << std::flush;
    ::tcgetattr(STDIN_FILENO, &saved);
    termios quiet = saved;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    ::tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
  }
  std::string line;
  std::getline(std::cin, line);
  if (tty) {
    ::tcsetattr(STDIN_FILENO, TCSANOW, &saved);
    std::cerr << "\n";
  }
  const auto b = line.find_first_not_of(" \t\r\n");
  const auto e = line.find_last_not_of(" \t\r\n");
  return b == std::string::npos ? std::string() : line.substr(b, e - b + 1);
}

// Stores (or, with an empty key, removes) the key; waits at most the keychain timeout.
int write_key(const QString& key) {
  QObject context;
  QEventLoop loop;
  bool done = false, ok = false;
  QString error;
  cloud::write_keychain_key(&context, key, [&](bool success, QString err) {
    ok = success;
    error = std::move(err);
    done = true;
    loop.quit();
  });
  if (!done) loop.exec();
  if (!ok) {
    std::cerr << "tunesmith-cli openai: cannot " << (key.isEmpty() ? "clear the key in" : "store the key in")
              << " the OS keychain: " << error.toStdString()
              << ". Without a keychain service, set OPENAI_API_KEY in the environment instead.\n";
    return kUsage;
  }
  return kOk;
}

int key_command(const Args& a) {
  const std::string sub = positional_at(a, 1, "key subcommand (set, status, clear)");
  if (sub == "set") {
    if (a.positional().size() > 2)
      throw UsageError("openai key set reads the key from stdin, not from the command line");
    const std::string key = read_key_from_stdin();
    if (key.empty()) throw UsageError("no key on stdin");
    if (key.find_first_of(" \t") != std::string::npos || key.size() > 1024)
      throw UsageError("that does not look like an API key (spaces, or over 1024 characters)");
    const int rc = write_key(QString::fromStdString(key));
    if (rc == kOk) {
      std::cerr << "stored the API key in the OS keychain";
      if (!cloud::api_key_from_environment().key.isEmpty())
        std::cerr << " (OPENAI_API_KEY is set and takes precedence while it is)";
      std::cerr << "\n";
    }
    return rc;
  }
  if (sub == "clear") {
    const int rc = write_key(QString());
    if (rc == kOk) std::cerr << "removed the API key from the OS keychain\n";
    return rc;
  }
  if (sub == "status") {
    // Where a request would take its key from; the key itself is never printed.
    const cloud::KeyLookup k = cloud::resolve_api_key();
    Json j{{"source", k.source.isEmpty() ? std::string("none") : k.source.toStdString()}};
    if (!k.note.isEmpty()) j["note"] = k.note.toStdString();
    j["keychain_support"] = cloud::keychain_available();
    print_json(j);
    return kOk;
  }
  throw UsageError("unknown subcommand 'openai key " + sub + "'");
}

}  // namespace

int run_openai(const ArgList& args, const std::string& argv0) {
  if (args.empty() || args[0] == "--help" || args[0] == "-h") {
    (args.empty() ? std::cerr : std::cout) << kHelp;
    return args.empty() ? kUsage : kOk;
  }
  const Args a = Args::parse(args, kSpec);
  if (a.has("help")) {
    std::cout << kHelp;
    return kOk;
  }
  if (a.positional().empty()) throw UsageError("missing command");
  const std::string group = a.positional()[0];
  if (group == "estimate") return estimate(a, argv0);

  static int qt_argc = 1;
  static char qt_name[] = "tunesmith-cli";
  static char* qt_argv[] = {qt_name, nullptr};
  std::unique_ptr<QCoreApplication> app;
  if (!QCoreApplication::instance()) app = std::make_unique<QCoreApplication>(qt_argc, qt_argv);
  if (group == "key") return key_command(a);

  cloud::ClientOptions o;
  o.base_url = QString::fromStdString(a.get_or("base-url", cloud::kDefaultBaseUrl));
  o.timeout_ms = static_cast<int>(a.get_double("timeout", cloud::kDefaultTimeoutMs / 1000.0) * 1000);
  o.max_retries = static_cast<int>(a.get_int("max-retries", cloud::kDefaultMaxRetries));
  if (a.has("verbose")) o.log = [](const QString& line) { std::cerr << line.toStdString() << "\n"; };
  const cloud::KeyLookup key = cloud::resolve_api_key();
  o.api_key = key.key;
  const bool official = o.base_url.startsWith(QStringLiteral("https://api.openai.com"));
  if (key.key.isEmpty() && official) {
    std::cerr << "tunesmith-cli openai: no API key: set OPENAI_API_KEY or store one in the keychain"
              << (key.note.isEmpty() ? "" : " (" + key.note.toStdString() + ")") << "\n";
    return kUsage;
  }
  cloud::OpenAIClient client(o);
  if (group == "files") return files(client, a);
  if (group == "jobs") return jobs(client, a);
  if (group == "models") return run_list(a, [&](const cloud::ListParams&) { return client.list_models(); });
  if (group == "chat") return chat(client, a);
  if (group == "generate-data") return generate_data(client, a);
  throw UsageError("unknown command 'openai " + group + "'");
}

}  // namespace tunesmith::cli
