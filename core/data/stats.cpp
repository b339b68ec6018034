#include "core/data/stats.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "core/data/conversation.h"
#include "core/data/example_shape.h"
#include "core/data/line_reader.h"
#include "core/data/rules.h"
#include "core/data/shape_parser.h"
#include "core/data/text_sniff.h"

namespace tunesmith::data {
namespace {

std::uint64_t code_points(std::string_view s) {
  std::uint64_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

// Accumulates examples one shape at a time; both compute_stats() overloads use it.
class Accumulator {
 public:
  Accumulator(DatasetStats& stats, const StatsOptions& options) : s_(stats) {
    static const EstimatedTokenCounter estimate;
    counter_ = options.tokens ? options.tokens : &estimate;
    s_.max_tokens = options.max_tokens ? options.max_tokens : default_max_tokens(options.target);
    s_.estimated = counter_->is_estimate();
  }

  void add(const ExampleShape& shape) {
    std::size_t n = shape.messages.size();
    s_.messages_min = s_.examples == 0 ? n : std::min(s_.messages_min, n);
    s_.messages_max = std::max(s_.messages_max, n);
    s_.messages_total += n;
    ++s_.examples;
    for (const auto& m : shape.messages) {
      auto role = m.is_object && m.role_kind == JsonKind::String ? role_from_string(m.role) : std::nullopt;
      RoleStats& r = role ? s_.by_role[static_cast<std::size_t>(*role)] : s_.other_role;
      ++r.messages;
      r.chars += code_points(m.text);
      r.tokens += counter_->count(m.text);
    }
    std::size_t tokens = example_tokens(shape, *counter_);
    s_.example_tokens.push_back(static_cast<std::uint32_t>(std::min<std::size_t>(tokens, UINT32_MAX)));
    s_.total_tokens += tokens;
    s_.billable_tokens += std::min(tokens, s_.max_tokens);
    s_.truncated += tokens > s_.max_tokens;
  }

  void finish() { std::sort(s_.example_tokens.begin(), s_.example_tokens.end()); }

 private:
  DatasetStats& s_;
  const TokenCounter* counter_;
};

std::string fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

// 1234567 -> "1,234,567": token totals are read by people.
std::string grouped(std::uint64_t v) {
  std::string digits = std::to_string(v), out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string pad_left(std::string s, std::size_t width) {
  return s.size() >= width ? s : std::string(width - s.size(), ' ') + s;
}

}  // namespace

double DatasetStats::messages_mean() const {
  return examples ? static_cast<double>(messages_total) / static_cast<double>(examples) : 0.0;
}

std::size_t DatasetStats::percentile(double p) const {
  if (example_tokens.empty()) return 0;
  // Nearest rank: the smallest value with at least p% of the examples at or below it.
  double rank = std::ceil(p / 100.0 * static_cast<double>(example_tokens.size()));
  std::size_t i = rank < 1 ? 0 : static_cast<std::size_t>(rank) - 1;
  return example_tokens[std::min(i, example_tokens.size() - 1)];
}

std::uint64_t DatasetStats::assistant_tokens() const {
  return by_role[static_cast<std::size_t>(Role::Assistant)].tokens;
}

DatasetStats compute_stats(const std::string& path, const StatsOptions& options) {
  DatasetStats stats;
  stats.file = path;
  Accumulator acc(stats, options);
  if (auto bad = sniff_text_file(path)) {
    stats.not_jsonl = std::move(bad);
    return stats;
  }
  LineReader reader(path);
  ShapeParser parser;
  ExampleShape shape;
  Line line;
  bool any_text = false;
  while (reader.next(line)) {
    if (!line.too_long && line.text.find_first_not_of(" \t") == std::string_view::npos) continue;
    any_text = true;
    if (line.too_long || std::memchr(line.text.data(), '\0', line.text.size()) ||
        parser.parse(line.text, shape).status != ParsedLine::Object) {
      ++stats.unreadable_lines;
      continue;
    }
    acc.add(shape);
  }
  if (!any_text)
    stats.not_jsonl = Finding{Severity::Error, "empty-file", path, 0, 0,
                              reader.file_size() == 0 ? "the file is empty" : "the file holds only blank lines",
                              std::size_t(-1)};
  acc.finish();
  return stats;
}

DatasetStats compute_stats(const Dataset& dataset, const StatsOptions& options) {
  DatasetStats stats;
  stats.file = dataset.path;
  Accumulator acc(stats, options);
  ExampleShape shape;
  for (const auto& example : dataset.examples) {
    shape_of(example.json(), shape);
    acc.add(shape);
  }
  acc.finish();
  return stats;
}

std::vector<HistogramBin> length_histogram(const DatasetStats& stats) {
  std::vector<HistogramBin> bins;
  if (stats.example_tokens.empty()) return bins;
  // Bin k holds (2^(k-1), 2^k]; bin 0 holds 0 and 1.
  auto bin_of = [](std::uint32_t v) {
    std::size_t k = 0;
    while ((std::uint64_t{1} << k) < v) ++k;
    return k;
  };
  std::size_t lo = bin_of(stats.example_tokens.front()), hi = bin_of(stats.example_tokens.back());
  for (std::size_t k = lo; k <= hi; ++k)
    bins.push_back(HistogramBin{k == 0 ? 0 : (std::size_t{1} << (k - 1)) + 1, std::size_t{1} << k, 0});
  for (std::uint32_t v : stats.example_tokens) ++bins[bin_of(v) - lo].count;
  return bins;
}

std::string format_stats(const DatasetStats& s) {
  const std::string est = s.estimated ? " (estimated: no tokenizer given, ~4 bytes a token)" : "";
  std::string out = s.file + "\n";
  out += "  examples:            " + grouped(s.examples) + "\n";
  if (s.unreadable_lines)
    out += "  unreadable lines:    " + grouped(s.unreadable_lines) + " (not counted; see data validate)\n";
  if (s.examples == 0) return out;
  out += "  messages/example:    min " + std::to_string(s.messages_min) + ", mean " + fixed(s.messages_mean(), 2) +
         ", max " + std::to_string(s.messages_max) + "\n";
  out += "  tokens" + est + "\n";
  out += "    role          messages        chars       tokens\n";
  auto row = [&](std::string_view name, const RoleStats& r) {
    if (!r.messages) return;
    out += "    " + std::string(name) + std::string(12 - name.size(), ' ') + pad_left(grouped(r.messages), 10) +
           pad_left(grouped(r.chars), 13) + pad_left(grouped(r.tokens), 13) + "\n";
  };
  for (std::size_t i = 0; i < s.by_role.size(); ++i) row(role_name(static_cast<Role>(i)), s.by_role[i]);
  row("(other)", s.other_role);
  out += "  assistant tokens:    " + grouped(s.assistant_tokens()) + " (the tokens trained on)\n";
  out += "  example length:      p50 " + grouped(s.percentile(50)) + ", p90 " + grouped(s.percentile(90)) +
         ", p99 " + grouped(s.percentile(99)) + ", max " + grouped(s.percentile(100)) + " tokens\n";
  auto bins = length_histogram(s);
  std::size_t most = 0;
  for (const auto& b : bins) most = std::max(most, b.count);
  for (const auto& b : bins) {
    std::size_t bar = most ? (b.count * 40 + most - 1) / most : 0;
    out += "    " + pad_left(grouped(b.low), 9) + " - " + pad_left(grouped(b.high), 9) + " | " + std::string(bar, '#') +
           " " + grouped(b.count) + "\n";
  }
  out += "  over " + grouped(s.max_tokens) + " tokens:   " + grouped(s.truncated) + " example" +
         (s.truncated == 1 ? "" : "s") + " (truncated in training)\n";
  out += "  billable tokens:     " + grouped(s.billable_tokens) + " per epoch\n";
  return out;
}

Json stats_json(const DatasetStats& s) {
  Json roles = Json::object();
  auto role = [](const RoleStats& r) {
    return Json{{"messages", r.messages}, {"chars", r.chars}, {"tokens", r.tokens}};
  };
  for (std::size_t i = 0; i < s.by_role.size(); ++i)
    if (s.by_role[i].messages) roles[std::string(role_name(static_cast<Role>(i)))] = role(s.by_role[i]);
  if (s.other_role.messages) roles["other"] = role(s.other_role);
  Json histogram = Json::array();
  for (const auto& b : length_histogram(s)) histogram.push_back({{"low", b.low}, {"high", b.high}, {"count", b.count}});
  Json j = {
      {"file", s.file},
      {"examples", s.examples},
      {"unreadable_lines", s.unreadable_lines},
      {"tokens_estimated", s.estimated},
      {"messages_per_example",
       {{"min", s.messages_min}, {"mean", s.messages_mean()}, {"max", s.messages_max}}},
      {"roles", roles},
      {"assistant_tokens", s.assistant_tokens()},
      {"total_tokens", s.total_tokens},
      {"example_tokens",
       {{"p50", s.percentile(50)}, {"p90", s.percentile(90)}, {"p99", s.percentile(99)}, {"max", s.percentile(100)}}},
      {"histogram", histogram},
      {"max_tokens", s.max_tokens},
      {"truncated_examples", s.truncated},
      {"billable_tokens_per_epoch", s.billable_tokens},
  };
  if (s.not_jsonl) j["error"] = format_finding(*s.not_jsonl);
  return j;
}

}  // namespace tunesmith::data
