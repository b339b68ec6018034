// bench_validate: throughput and peak memory of the streaming validator (validate_file).
//   bench_validate --generate FILE [--mb N]   write a realistic chat JSONL file of ~N MB (default 220)
//   bench_validate FILE                       validate it; prints one line of JSON
// Run by tests/bench/validate_bench.sh next to the Python anchor; not a ctest test.
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <random>
#include <string>
#include <vector>

#include "core/data/validate.h"

namespace {

using namespace tunesmith::data;

constexpr const char* kWords[] = {
    "the",    "order",   "shipping", "refund",  "account", "password", "rocket", "skates",  "Acme",     "delivery",
    "please", "thanks",  "tracking", "number",  "days",    "warranty", "return", "policy",  "customer", "support",
    "can",    "you",     "help",     "me",      "with",    "my",       "when",   "will",    "it",       "arrive",
    "é",      "naïve",   "日本",     "emoji 🚀", "\\n",     "\\\"quoted\\\"", "price", "$19.99", "invoice", "update"};

std::string sentence(std::mt19937_64& rng, int words) {
  std::string s;
  std::uniform_int_distribution<std::size_t> pick(0, std::size(kWords) - 1);
  for (int i = 0; i < words; ++i) {
    if (i) s += ' ';
    s += kWords[pick(rng)];
  }
  return s;
}

int generate(const std::string& path, double mb) {
  std::ofstream out(path, std::ios::binary);
  if (!out) {
    std::cerr << "bench_validate: cannot write " << path << "\n";
    return 2;
  }
  std::mt19937_64 rng(42);
  std::uniform_int_distribution<int> len(8, 120), turns(1, 3), kind(0, 99);
  const std::uint64_t target = static_cast<std::uint64_t>(mb * 1e6);
  std::uint64_t written = 0;
  std::string line;
  for (std::uint64_t n = 0; written < target; ++n) {
    int k = kind(rng);
    line = R"({"messages":[{"role":"system","content":"You are Acme's friendly support assistant."})";
    for (int t = turns(rng); t > 0; --t) {
      line += R"(,{"role":"user","content":")" + sentence(rng, len(rng)) + "\"}";
      if (k < 5) {  // a tool round trip
        line += R"(,{"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"lookup","arguments":"{\"order\":42}"}}]})";
        line += R"(,{"role":"tool","tool_call_id":"call_1","content":"{\"status\":\"shipped\"}"})";
      }
      if (k >= 5 && k < 10)
        line += R"(,{"role":"assistant","content":[{"type":"text","text":")" + sentence(rng, len(rng)) + "\"}],\"weight\":1}";
      else
        line += R"(,{"role":"assistant","content":")" + sentence(rng, len(rng)) + "\"}";
    }
    line += "]";
    if (k == 99) line += R"(,"metadata":{"source":"bench"})";
    line += "}\n";
    out << line;
    written += line.size();
  }
  return out ? 0 : 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.size() >= 2 && args[0] == "--generate") {
    double mb = args.size() >= 4 && args[2] == "--mb" ? std::atof(args[3].c_str()) : 220.0;
    return generate(args[1], mb);
  }
  if (args.size() != 1) {
    std::cerr << "usage: bench_validate FILE | bench_validate --generate FILE [--mb N]\n";
    return 2;
  }
  auto start = std::chrono::steady_clock::now();
  ValidationReport report = validate_file_report(args[0], {});
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto counts = count_findings(report.findings);
  std::printf(
      "{\"tool\":\"tunesmith\",\"bytes\":%llu,\"examples\":%zu,\"seconds\":%.3f,\"mb_per_s\":%.1f,"
      "\"examples_per_s\":%.0f,\"peak_rss_mb\":%.1f,\"errors\":%zu,\"warnings\":%zu}\n",
      static_cast<unsigned long long>(report.bytes), report.examples, seconds, report.bytes / 1e6 / seconds,
      report.examples / seconds, usage.ru_maxrss / 1024.0, counts.errors, counts.warnings);
  return 0;
}
