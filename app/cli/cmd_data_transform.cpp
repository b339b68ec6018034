// data import | split | dedupe | leakage: the commands that turn data into new files
// or check two files against each other. The work is in core/data; this file parses
// flags, prints reports and maps outcomes to the exit codes of the contract (CLI.md).
#include <filesystem>
#include <iostream>
#include <optional>
#include <string>

#include "app/cli/args.h"
#include "app/cli/commands.h"
#include "core/data/dataset.h"
#include "core/data/dedupe.h"
#include "core/data/import.h"
#include "core/data/io_error.h"
#include "core/data/leakage.h"
#include "core/data/split.h"

namespace tunesmith::cli {
namespace {
namespace fs = std::filesystem;
using namespace tunesmith::data;

constexpr const char* kImportHelp = R"(Usage: tunesmith-cli data import FILE --format csv|alpaca|sharegpt|openai --out OUT.jsonl [options]

Converts FILE to OpenAI chat JSONL. Every record that can be read is written; each one
that cannot is reported on stderr as FILE:LINE: error: [category] message.
Exit 0 when at least one example was imported, 1 when none could be read, 2 on usage
or I/O errors. OUT is written atomically (never half a file).

Formats:
  csv        one row per example, header row naming the columns (RFC 4180: quoted
             fields with delimiters, "" quotes and line breaks; CRLF; UTF-8 BOM)
  alpaca     JSON array or JSONL of {instruction, input, output, system, history}
             (user turn = instruction + blank line + input; history = [[user, assistant], ...])
  sharegpt   JSON array or JSONL of {conversations: [{from, value}], system, tools}
             (human/user, gpt/assistant/chatgpt/bing/bard/model, system,
              function_call -> assistant tool_calls, observation -> tool)
  openai     OpenAI chat JSONL, re-written losslessly: unchanged lines byte for byte

Options:
  --system TEXT            system prompt for examples that have none
  --out OUT.jsonl          where to write (required)
CSV only:
  --user-column NAME|N     column of the user turn (header name or 1-based number);
                           default: the first header among user, prompt, question,
                           instruction, query, human, request, input (with both
                           instruction and input, they are joined)
  --assistant-column NAME|N  default: assistant, completion, answer, response, output,
                           reply, gpt, target
  --system-column NAME|N   default: a column named system or system_prompt, if any
  --delimiter , | ; | tab  default: detected from the header row
  --no-header              the first row is data; columns are numbers (default 1 = user,
                           2 = assistant)
)";

constexpr const char* kSplitHelp = R"(Usage: tunesmith-cli data split FILE --test F|N [--val F|N] [--seed N] [--near THRESHOLD] --out-dir DIR

Splits FILE into DIR/train.jsonl, DIR/test.jsonl and, with --val, DIR/val.jsonl.
Examples are copied unchanged and keep their order within each file.
  --test F|N        the test set: a fraction 0 < F < 1 of the examples or a count N >= 1
  --val F|N         a validation set, likewise (optional)
  --seed N          seed of the shuffle (default 42): the same file and seed give the
                    same split on every machine
  --near THRESHOLD  similarity (0 < T <= 1, default 0.8) at which examples count as near
                    duplicates; exact and near duplicates always land on the same side,
                    so the split never leaks
Exit 1 when FILE has unreadable lines or too few examples for the sizes asked.
)";

constexpr const char* kDedupeHelp = R"(Usage: tunesmith-cli data dedupe FILE --out OUT.jsonl [--near THRESHOLD]

Writes FILE without duplicates to OUT.jsonl, keeping the first example of each set and
copying kept examples unchanged. Exact duplicates (same roles and texts, ignoring case
and spacing) are always removed; with --near THRESHOLD (0 < T <= 1, e.g. 0.8) also
examples whose estimated word-shingle similarity (MinHash) to a kept one reaches T.
Every removed example is reported with the line it duplicates.
Exit 1 when FILE has unreadable lines (nothing is written).
)";

constexpr const char* kLeakageHelp = R"(Usage: tunesmith-cli data leakage TRAIN TEST [--near THRESHOLD] [--json]

Finds test examples that also appear in the training data: exact duplicates (same roles
and texts, ignoring case and spacing) and, with --near THRESHOLD (0 < T <= 1, e.g. 0.8),
near duplicates by estimated word-shingle similarity (MinHash). Each pair is printed as
TEST:LINE: error: [leakage] ... TRAIN:LINE, with its similarity.
  --json   print one JSON document instead of text
Exit 0 when clean, 1 when leakage is found (or a file has unreadable lines).
)";

bool wants_help(const Args& a, const char* help) {
  if (!a.has("help")) return false;
  std::cout << help;
  return true;
}

std::string one_file(const Args& a, const char* what) {
  if (a.positional().size() != 1)
    throw UsageError(std::string("expected one ") + what + ", got " + std::to_string(a.positional().size()));
  return a.positional()[0];
}

void require_file(const std::string& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) throw IoError(path + ": no such file");
  if (fs::is_directory(path, ec)) throw IoError(path + ": is a folder, not a file");
}

std::optional<double> near_threshold(const Args& a) {
  if (!a.has("near")) return std::nullopt;
  const double t = a.get_double("near", 0);
  if (!(t > 0 && t <= 1)) throw UsageError("--near needs a similarity in (0, 1], got '" + a.require("near") + "'");
  return t;
}

void print_findings(const std::vector<Finding>& findings) {
  for (const auto& f : findings) std::cerr << format_finding(f) << "\n";
}

// Loads a JSONL file for a command that must see all of it; unreadable lines are printed.
// Returns false when there were any.
bool load_all(const std::string& path, LoadResult& out) {
  require_file(path);
  out = load_jsonl(path);
  print_findings(out.findings);
  return count_findings(out.findings).errors == 0;
}

std::vector<Conversation> pick(const std::vector<Conversation>& examples, const std::vector<std::size_t>& indices) {
  std::vector<Conversation> out;
  out.reserve(indices.size());
  for (std::size_t i : indices) out.push_back(examples[i]);
  return out;
}

std::string percent(double similarity) { return std::to_string(static_cast<int>(similarity * 100 + 0.5)) + "%"; }

char parse_delimiter(const std::string& d) {
  if (d == "," || d == "comma") return ',';
  if (d == ";" || d == "semicolon") return ';';
  if (d == "tab" || d == "\\t" || d == "\t") return '\t';
  throw UsageError("--delimiter must be ',', ';' or 'tab', got '" + d + "'");
}

}  // namespace

int run_data_import(const ArgList& args) {
  const Args a = Args::parse(args, {{"format", "out", "system", "delimiter", "user-column", "assistant-column",
                                     "system-column"},
                                    {"no-header"}});
  if (wants_help(a, kImportHelp)) return kOk;
  const std::string path = one_file(a, "input file");
  const std::string format_name = a.require("format");
  const auto format = import_format_from_string(format_name);
  if (!format) throw UsageError("--format must be csv, alpaca, sharegpt or openai, got '" + format_name + "'");
  const std::string out = a.require("out");

  ImportOptions options;
  options.system_prompt = a.get_or("system", "");
  for (const char* csv_only : {"delimiter", "user-column", "assistant-column", "system-column", "no-header"})
    if (a.has(csv_only) && *format != ImportFormat::Csv)
      throw UsageError(std::string("--") + csv_only + " applies to --format csv only");
  if (auto d = a.get("delimiter")) options.csv_delimiter = parse_delimiter(*d);
  options.csv_header = !a.has("no-header");
  options.csv_columns = {a.get_or("user-column", ""), a.get_or("assistant-column", ""), a.get_or("system-column", "")};

  require_file(path);
  ImportResult result;
  try {
    result = import_file(path, *format, options);
  } catch (const ImportOptionError& e) {
    throw UsageError(path + ": " + e.what());
  }
  print_findings(result.findings);
  const std::size_t skipped = count_findings(result.findings).errors;
  if (result.examples.empty()) {
    std::cerr << "tunesmith-cli data import: nothing could be read from " << path << " as " << format_name
              << "; " << out << " not written\n";
    return kInvalid;
  }
  save_jsonl(out, result.examples);
  std::cout << "imported " << result.examples.size() << " examples from " << path << " to " << out;
  if (skipped) std::cout << " (" << skipped << " records skipped, see above)";
  std::cout << "\n";
  return kOk;
}

int run_data_split(const ArgList& args) {
  const Args a = Args::parse(args, {{"test", "val", "seed", "out-dir", "near"}, {}});
  if (wants_help(a, kSplitHelp)) return kOk;
  const std::string path = one_file(a, "input file");
  SplitOptions options;
  const std::string test = a.require("test");
  auto test_size = parse_split_size(test);
  if (!test_size) throw UsageError("--test needs a fraction 0 < F < 1 or a count N >= 1, got '" + test + "'");
  options.test = *test_size;
  if (auto val = a.get("val")) {
    options.val = parse_split_size(*val);
    if (!options.val) throw UsageError("--val needs a fraction 0 < F < 1 or a count N >= 1, got '" + *val + "'");
  }
  const long long seed = a.get_int("seed", 42);
  if (seed < 0) throw UsageError("--seed needs a non-negative integer");
  options.seed = static_cast<std::uint64_t>(seed);
  options.near_threshold = near_threshold(a).value_or(options.near_threshold);
  const std::string dir = a.require("out-dir");

  LoadResult loaded;
  if (!load_all(path, loaded)) {
    std::cerr << "tunesmith-cli data split: " << path << " has unreadable lines; nothing written\n";
    return kInvalid;
  }
  const auto& examples = loaded.dataset.examples;
  SplitResult split;
  try {
    split = split_examples(examples, options);
  } catch (const SplitError& e) {
    std::cerr << "tunesmith-cli data split: " << path << ": " << e.what() << "\n";
    return kInvalid;
  }
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw IoError(dir + ": cannot create folder: " + ec.message());

  auto write = [&](const char* name, const std::vector<std::size_t>& part) {
    const std::string file = (fs::path(dir) / name).string();
    save_jsonl(file, pick(examples, part));
    std::cout << name << ": " << part.size() << " examples -> " << file << "\n";
  };
  write("train.jsonl", split.train);
  if (options.val) write("val.jsonl", split.val);
  write("test.jsonl", split.test);
  std::cout << "seed " << options.seed << "; " << split.groups
            << " groups of duplicates (near threshold " << options.near_threshold << ") kept on one side each\n";
  if (split.test.size() < split.test_target || split.val.size() < split.val_target)
    std::cerr << "tunesmith-cli data split: note: test " << split.test.size() << " of " << split.test_target
              << (options.val ? ", val " + std::to_string(split.val.size()) + " of " + std::to_string(split.val_target)
                              : std::string())
              << " asked: groups of duplicates are never cut\n";
  return kOk;
}

int run_data_dedupe(const ArgList& args) {
  const Args a = Args::parse(args, {{"out", "near"}, {}});
  if (wants_help(a, kDedupeHelp)) return kOk;
  const std::string path = one_file(a, "input file");
  const std::string out = a.require("out");
  const auto near = near_threshold(a);

  LoadResult loaded;
  if (!load_all(path, loaded)) {
    std::cerr << "tunesmith-cli data dedupe: " << path << " has unreadable lines; nothing written\n";
    return kInvalid;
  }
  const auto& ds = loaded.dataset;
  const DedupeResult result = find_duplicates(ds.examples, near);
  save_jsonl(out, pick(ds.examples, result.kept));
  std::size_t exact = 0;
  for (const auto& p : result.removed) {
    exact += p.exact;
    std::cout << path << ":" << ds.lines[p.removed] << ": note: "
              << (p.exact ? "[duplicate] exact duplicate of line " : "[near-duplicate] " + percent(p.similarity) +
                                                                         " similar to line ")
              << ds.lines[p.kept] << " (removed)\n";
  }
  std::cout << "kept " << result.kept.size() << " of " << ds.examples.size() << " examples; removed " << exact
            << " exact and " << result.removed.size() - exact << " near duplicates -> " << out << "\n";
  return kOk;
}

int run_data_leakage(const ArgList& args) {
  const Args a = Args::parse(args, {{"near"}, {"json"}});
  if (wants_help(a, kLeakageHelp)) return kOk;
  if (a.positional().size() != 2)
    throw UsageError("expected TRAIN and TEST files, got " + std::to_string(a.positional().size()) + " arguments");
  const std::string train_path = a.positional()[0], test_path = a.positional()[1];
  const auto near = near_threshold(a);
  require_file(train_path);
  require_file(test_path);

  LoadResult train, test;
  const bool readable = load_all(train_path, train) & load_all(test_path, test);
  const auto pairs = find_leakage(train.dataset.examples, test.dataset.examples, near);
  std::size_t exact = 0, leaked = 0;
  for (std::size_t k = 0; k < pairs.size(); ++k) {
    exact += pairs[k].exact;
    leaked += k == 0 || pairs[k].test != pairs[k - 1].test;
  }

  if (a.has("json")) {
    Json doc{{"train", train_path},
             {"test", test_path},
             {"near_threshold", near ? Json(*near) : Json()},
             {"train_examples", train.dataset.examples.size()},
             {"test_examples", test.dataset.examples.size()},
             {"leaked_test_examples", leaked},
             {"exact_pairs", exact},
             {"near_pairs", pairs.size() - exact},
             {"clean", pairs.empty()},
             {"pairs", Json::array()}};
    for (const auto& p : pairs)
      doc["pairs"].push_back(Json{{"train_line", train.dataset.lines[p.train]},
                                  {"test_line", test.dataset.lines[p.test]},
                                  {"kind", p.exact ? "exact" : "near"},
                                  {"similarity", p.similarity}});
    std::cout << doc.dump(2) << "\n";
  } else {
    for (const auto& p : pairs) {
      std::cout << test_path << ":" << test.dataset.lines[p.test] << ": error: "
                << (p.exact ? "[leakage] exact duplicate of " : "[near-leakage] " + percent(p.similarity) + " similar to ")
                << train_path << ":" << train.dataset.lines[p.train] << "\n";
    }
    if (pairs.empty()) {
      std::cout << "no leakage: none of " << test.dataset.examples.size() << " test examples appears in "
                << train_path << (near ? "" : " (exact duplicates only; add --near 0.8 for near ones)") << "\n";
    } else {
      std::cout << leaked << " of " << test.dataset.examples.size() << " test examples leak from " << train_path << " ("
                << exact << " exact, " << pairs.size() - exact << " near pairs)\n";
    }
  }
  return pairs.empty() && readable ? kOk : kInvalid;
}

}  // namespace tunesmith::cli
