// `data validate` and `data stats`: the streaming validator and the dataset statistics
// of core/data, with the compiler-format / --json output of the CLI contract.
#include <unistd.h>

#include <iostream>
#include <memory>
#include <stdexcept>

#include "app/cli/args.h"
#include "app/cli/commands.h"
#include "core/data/io_error.h"
#include "core/data/json.h"
#include "core/data/stats.h"
#include "core/data/validate.h"
#include "core/text/tokenizer.h"
#include "core/text/tokenizer_token_counter.h"

namespace tunesmith::cli {
namespace {

using data::Json;

constexpr const char* kValidateHelp = R"(Usage: tunesmith-cli data validate FILE... [--tokenizer DIR] [--max-tokens N] [--target openai|local] [--json]

Checks OpenAI chat fine-tuning JSONL files, each on its own, and prints one finding
per problem in the compiler format:  FILE:LINE[:COL]: error|warning|note: [category] message

  --target openai|local  openai (default): fewer than 10 examples is an error;
                         local: the dataset-size rules are warnings and notes only
  --max-tokens N         per-example token limit (default 65536 for openai, the
                         training context of gpt-4o-mini and gpt-4.1; 4096 for local);
                         longer examples get a [too-many-tokens] warning
  --tokenizer DIR        count tokens with DIR/tokenizer.json (without it token
                         counts are estimated at ~4 bytes a token)
  --json                 print one JSON document instead of text

Exit codes: 0 no errors (warnings and notes alone still exit 0), 1 errors found,
2 usage error or a file that cannot be read.
)";

constexpr const char* kStatsHelp = R"(Usage: tunesmith-cli data stats FILE [--tokenizer DIR] [--max-tokens N] [--target openai|local] [--json]

Examples, messages per example, characters and tokens per role, assistant tokens,
the example-length distribution (p50/p90/p99/max and a histogram), the examples a
token limit truncates and the billable training tokens per epoch (each example's
tokens capped at the limit, as the OpenAI cookbook counts them).

  --max-tokens N         the limit (default 65536 for openai, 4096 for local)
  --target openai|local  picks the default limit
  --tokenizer DIR        exact token counts with DIR/tokenizer.json (without it
                         counts are estimated at ~4 bytes a token and labelled so)
  --json                 print one JSON document instead of text

Exit codes: 0 done, 1 the file holds no readable example, 2 usage or I/O error.
)";

const ArgSpec kSpec{{"tokenizer", "max-tokens", "target"}, {"json"}};

data::Target parse_target(const Args& args) {
  std::string t = args.get_or("target", "openai");
  if (t == "openai") return data::Target::OpenAI;
  if (t == "local") return data::Target::Local;
  throw UsageError("option '--target' must be openai or local, got '" + t + "'");
}

std::size_t parse_max_tokens(const Args& args) {
  long long n = args.get_int("max-tokens", 0);
  if (args.has("max-tokens") && n <= 0) throw UsageError("option '--max-tokens' must be a positive integer");
  return static_cast<std::size_t>(n);
}

// The token counter of --tokenizer DIR, or nullptr (estimates). A folder without a
// usable tokenizer.json is a usage error (exit 2), like a missing file.
std::unique_ptr<text::TokenizerTokenCounter> load_counter(const Args& args) {
  auto dir = args.get("tokenizer");
  if (!dir) return nullptr;
  try {
    return std::make_unique<text::TokenizerTokenCounter>(text::Tokenizer::from_dir(*dir));
  } catch (const std::runtime_error& e) {  // TokenizerError or unreadable file
    throw UsageError("--tokenizer " + *dir + ": " + e.what());
  }
}

Json nullable(std::size_t v) { return v ? Json(v) : Json(nullptr); }

Json finding_json(const data::Finding& f) {
  return Json{{"severity", std::string(data::severity_name(f.severity))},
              {"category", f.category},
              {"file", f.file},
              {"line", nullable(f.line)},
              {"column", nullable(f.column)},
              {"message", f.message}};
}

std::string plural(std::size_t n, const char* word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

// A progress line on a terminal only, for files big enough to take a while.
void show_progress(const std::string& file, std::uint64_t done, std::uint64_t total) {
  if (total < (std::uint64_t{64} << 20) || !::isatty(STDERR_FILENO)) return;
  std::cerr << "\rvalidating " << file << ": " << (done * 100 / total) << "%" << (done >= total ? "\n" : "")
            << std::flush;
}

}  // namespace

int run_data_validate(const ArgList& argv) {
  Args args = Args::parse(argv, kSpec);
  if (args.has("help")) {
    std::cout << kValidateHelp;
    return kOk;
  }
  if (args.positional().empty()) throw UsageError("data validate needs at least one FILE");
  data::ValidationOptions options;
  options.target = parse_target(args);
  options.max_tokens = parse_max_tokens(args);
  auto counter = load_counter(args);
  options.tokens = counter.get();
  const bool json = args.has("json");

  Json files = Json::array(), findings = Json::array();
  data::FindingCounts total;
  std::size_t examples = 0;
  bool io_failed = false;
  for (const std::string& file : args.positional()) {
    options.progress = [&file](std::uint64_t done, std::uint64_t size) { show_progress(file, done, size); };
    data::ValidationReport report;
    try {
      report = data::validate_file_report(file, options);
    } catch (const data::IoError& e) {
      io_failed = true;
      if (json) files.push_back({{"file", file}, {"io_error", e.what()}});
      else std::cerr << "tunesmith-cli data validate: " << e.what() << "\n";
      continue;
    }
    auto counts = data::count_findings(report.findings);
    total.errors += counts.errors;
    total.warnings += counts.warnings;
    total.notes += counts.notes;
    examples += report.examples;
    if (json) {
      for (const auto& f : report.findings) findings.push_back(finding_json(f));
      files.push_back({{"file", file},
                       {"examples", report.examples},
                       {"lines", report.lines},
                       {"bytes", report.bytes},
                       {"errors", counts.errors},
                       {"warnings", counts.warnings},
                       {"notes", counts.notes},
                       {"stopped_early", report.stopped_early}});
      continue;
    }
    std::string text;
    for (const auto& f : report.findings) text += data::format_finding(f) + "\n";
    text += file + ": " + plural(report.examples, "example") + ", " + plural(counts.errors, "error") + ", " +
            plural(counts.warnings, "warning") + ", " + plural(counts.notes, "note") + "\n";
    std::cout << text;
  }
  if (json) {
    Json doc = {{"target", options.target == data::Target::OpenAI ? "openai" : "local"},
                {"max_tokens", options.max_tokens ? options.max_tokens : data::default_max_tokens(options.target)},
                {"tokens_estimated", counter == nullptr},
                {"examples", examples},
                {"counts", {{"errors", total.errors}, {"warnings", total.warnings}, {"notes", total.notes}}},
                {"files", files},
                {"findings", findings}};
    // Messages quote file contents: replace bytes that are not UTF-8 rather than fail.
    std::cout << doc.dump(2, ' ', false, Json::error_handler_t::replace) << "\n";
  }
  if (io_failed) return kUsage;
  return total.errors ? kInvalid : kOk;
}

int run_data_stats(const ArgList& argv) {
  Args args = Args::parse(argv, kSpec);
  if (args.has("help")) {
    std::cout << kStatsHelp;
    return kOk;
  }
  if (args.positional().size() != 1) throw UsageError("data stats needs exactly one FILE");
  data::StatsOptions options;
  options.target = parse_target(args);
  options.max_tokens = parse_max_tokens(args);
  auto counter = load_counter(args);
  options.tokens = counter.get();

  data::DatasetStats stats = data::compute_stats(args.positional()[0], options);
  if (args.has("json")) {
    std::cout << data::stats_json(stats).dump(2, ' ', false, Json::error_handler_t::replace) << "\n";
  } else {
    if (stats.not_jsonl) std::cerr << data::format_finding(*stats.not_jsonl) << "\n";
    std::cout << data::format_stats(stats);
  }
  return stats.examples ? kOk : kInvalid;
}

}  // namespace tunesmith::cli
