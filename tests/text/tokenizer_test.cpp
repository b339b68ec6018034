// Unit tests of the tokenizer components on small inline tokenizer.json files.
#include <catch2/catch.hpp>

#include "core/data/json.h"
#include "core/text/regex.h"
#include "core/text/tokenizer.h"
#include "core/text/tokenizer_token_counter.h"

using tunesmith::data::Json;
using tunesmith::text::Tokenizer;
using tunesmith::text::TokenizerError;

namespace {

// A tokenizer.json with a BPE model over `vocab` and `merges`, and the given components.
Json make_json(Json vocab, Json merges, Json normalizer = nullptr, Json pre = nullptr, Json post = nullptr,
               Json decoder = nullptr, Json added = Json::array(), Json model_extra = Json::object()) {
  Json model = {{"type", "BPE"}, {"dropout", nullptr}, {"unk_token", nullptr}, {"continuing_subword_prefix", nullptr},
                {"end_of_word_suffix", nullptr}, {"fuse_unk", false}, {"byte_fallback", false},
                {"vocab", vocab}, {"merges", merges}};
  for (auto it = model_extra.begin(); it != model_extra.end(); ++it) model[it.key()] = it.value();
  return Json{{"version", "1.0"}, {"truncation", nullptr}, {"padding", nullptr}, {"added_tokens", added},
              {"normalizer", normalizer}, {"pre_tokenizer", pre}, {"post_processor", post}, {"decoder", decoder},
              {"model", model}};
}

Tokenizer load(const Json& j) { return Tokenizer::from_json(j.dump(), "test.json"); }

std::vector<int32_t> ids(const Tokenizer& t, const std::string& s, bool add = false) { return t.encode(s, add).ids; }

}  // namespace

TEST_CASE("BPE merges by rank, leftmost first; merges as strings or pairs", "[tokenizer]") {
  Json vocab = {{"a", 0}, {"b", 1}, {"c", 2}, {"ab", 3}, {"bc", 4}, {"abc", 5}, {"aa", 6}};
  for (Json merges : {Json{"b c", "a b", "a bc", "a a"}, Json::array({Json::array({"b", "c"}), Json::array({"a", "b"}), Json::array({"a", "bc"}), Json::array({"a", "a"})})}) {
    auto t = load(make_json(vocab, merges));
    CHECK(ids(t, "abc") == std::vector<int32_t>{5});  // b c first (rank 0), then a bc
    CHECK(ids(t, "ab") == std::vector<int32_t>{3});
    CHECK(ids(t, "aaa") == std::vector<int32_t>{6, 0});
    CHECK(ids(t, "cab") == std::vector<int32_t>{2, 3});
  }
}

TEST_CASE("BPE on long words uses the same order as on short ones", "[tokenizer]") {
  Json vocab = {{"a", 0}, {"b", 1}, {"ab", 2}, {"abab", 3}};
  auto t = load(make_json(vocab, Json{"a b", "ab ab"}));
  std::string s;
  for (int i = 0; i < 100; ++i) s += "ab";
  s += "a";
  auto got = ids(t, s);
  std::vector<int32_t> want(50, 3);
  want.push_back(0);
  CHECK(got == want);
}

TEST_CASE("byte-level: ByteLevel pre-tokenizer and decoder, ignore_merges, offsets", "[tokenizer]") {
  // "Ġ" is the byte-level form of a space; "Ã©" of é's bytes.
  Json vocab = {{"h", 0}, {"i", 1}, {"Ġ", 2}, {"Ã", 3}, {"©", 4}, {"hi", 5}, {"Ġhi", 6}, {"Ã©", 7}, {"ih", 8}};
  Json pre = {{"type", "ByteLevel"}, {"add_prefix_space", false}, {"trim_offsets", true}, {"use_regex", true}};
  Json dec = {{"type", "ByteLevel"}, {"add_prefix_space", true}, {"trim_offsets", true}, {"use_regex", true}};
  auto t = load(make_json(vocab, Json{"h i", "Ġ hi", "Ã ©"}, nullptr, pre, nullptr, dec, Json::array(),
                          {{"ignore_merges", true}}));
  auto e = t.encode("hi hié", false);
  CHECK(e.ids == std::vector<int32_t>{5, 6, 7});
  CHECK(e.offsets == std::vector<std::pair<std::size_t, std::size_t>>{{0, 2}, {2, 5}, {5, 7}});
  CHECK(t.decode(e.ids, false) == "hi hié");
  CHECK(ids(t, "ih") == std::vector<int32_t>{8});  // ignore_merges: a whole-word vocab hit
  CHECK(t.decode({3}, false) == "\xEF\xBF\xBD");   // half a character decodes lossily
}

TEST_CASE("SentencePiece style: Prepend+Replace, byte_fallback, unk and fuse_unk, decoders", "[tokenizer]") {
  Json vocab = {{"<unk>", 0}, {"<s>", 1}, {"▁", 2}, {"a", 3}, {"b", 4}, {"▁a", 5}, {"<0xE2>", 6}, {"<0x82>", 7},
                {"<0xAC>", 8}};
  Json norm = {{"type", "Sequence"},
               {"normalizers", {{{"type", "Prepend"}, {"prepend", "▁"}},
                                {{"type", "Replace"}, {"pattern", {{"String", " "}}}, {"content", "▁"}}}}};
  Json post = {{"type", "TemplateProcessing"},
               {"single", {{{"SpecialToken", {{"id", "<s>"}, {"type_id", 0}}}}, {{"Sequence", {{"id", "A"}, {"type_id", 0}}}}}},
               {"pair", Json::array()},
               {"special_tokens", {{"<s>", {{"id", "<s>"}, {"ids", {1}}, {"tokens", {"<s>"}}}}}}};
  Json dec = {{"type", "Sequence"},
              {"decoders", {{{"type", "Replace"}, {"pattern", {{"String", "▁"}}}, {"content", " "}},
                            {{"type", "ByteFallback"}},
                            {{"type", "Fuse"}},
                            {{"type", "Strip"}, {"content", " "}, {"start", 1}, {"stop", 0}}}}};
  Json added = {{{"id", 0}, {"content", "<unk>"}, {"special", true}, {"normalized", false}, {"lstrip", false}, {"rstrip", false}, {"single_word", false}},
                {{"id", 1}, {"content", "<s>"}, {"special", true}, {"normalized", false}, {"lstrip", false}, {"rstrip", false}, {"single_word", false}}};
  auto t = load(make_json(vocab, Json{"▁ a"}, norm, nullptr, post, dec, added,
                          {{"unk_token", "<unk>"}, {"fuse_unk", true}, {"byte_fallback", true}}));
  CHECK(ids(t, "a b", true) == std::vector<int32_t>{1, 5, 2, 4});
  CHECK(ids(t, "", true) == std::vector<int32_t>{1});
  CHECK(ids(t, "a€") == std::vector<int32_t>{5, 6, 7, 8});  // € = E2 82 AC, by byte fallback
  CHECK(ids(t, "<s>a") == std::vector<int32_t>{1, 5});      // the normalizer runs after added tokens
  CHECK(t.decode({1, 5, 2, 4}, true) == "a b");
  CHECK(t.decode({1, 5, 2, 4}, false) == "<s> a b");
  CHECK(t.decode({5, 6, 7, 8}, false) == "a€");
  CHECK(t.decode({5, 6, 7}, false) == "a\xEF\xBF\xBD\xEF\xBF\xBD");  // one U+FFFD per byte token
  CHECK(t.decode({5, 999}, false) == "a");                          // out of range: skipped

  // Without byte_fallback: unknown characters fuse into one <unk>.
  auto u = load(make_json(vocab, Json{"▁ a"}, norm, nullptr, nullptr, nullptr, added,
                          {{"unk_token", "<unk>"}, {"fuse_unk", true}}));
  CHECK(ids(u, "a€€b") == std::vector<int32_t>{5, 0, 4});
  auto v = load(make_json(vocab, Json{"▁ a"}, norm, nullptr, nullptr, nullptr, added,
                          {{"unk_token", "<unk>"}, {"fuse_unk", false}}));
  CHECK(ids(v, "a€€b") == std::vector<int32_t>{5, 0, 0, 4});
}

TEST_CASE("Split behaviours", "[tokenizer]") {
  Json vocab = {{"a", 0}, {"-", 1}, {"a-", 2}, {"-a", 3}, {"--", 4}};
  auto with = [&](const char* behavior, bool invert = false) {
    Json pre = {{"type", "Split"}, {"pattern", {{"String", "-"}}}, {"behavior", behavior}, {"invert", invert}};
    return load(make_json(vocab, Json{"a -", "- a", "- -"}, nullptr, pre));
  };
  CHECK(ids(with("Removed"), "a-a--a") == std::vector<int32_t>{0, 0, 0});
  CHECK(ids(with("Isolated"), "a-a--a") == std::vector<int32_t>{0, 1, 0, 1, 1, 0});
  CHECK(ids(with("MergedWithPrevious"), "a-a--a") == std::vector<int32_t>{2, 2, 1, 0});
  CHECK(ids(with("MergedWithNext"), "a-a--a") == std::vector<int32_t>{0, 3, 1, 3});
  CHECK(ids(with("Contiguous"), "a-a--a") == std::vector<int32_t>{0, 1, 0, 4, 0});
  CHECK(ids(with("Removed", true), "a-a--a") == std::vector<int32_t>{1, 1, 1});
}

TEST_CASE("Metaspace and Digits pre-tokenizers; Lowercase, Strip, NFKC normalizers", "[tokenizer]") {
  Json vocab = {{"▁", 0}, {"a", 1}, {"b", 2}, {"▁a", 3}, {"1", 4}, {"2", 5}, {"12", 6}, {"fi", 7}, {"f", 8}, {"i", 9}};
  Json ms = {{"type", "Metaspace"}, {"replacement", "▁"}, {"prepend_scheme", "always"}, {"split", true}};
  auto t = load(make_json(vocab, Json{"▁ a", "1 2", "f i"}, nullptr, ms, nullptr, ms));
  CHECK(ids(t, "a  a") == std::vector<int32_t>{3, 0, 3});
  CHECK(t.decode({3, 0, 3}, false) == "a  a");
  auto d = [&](bool individual) {
    Json pre = {{"type", "Digits"}, {"individual_digits", individual}};
    return load(make_json(vocab, Json{"1 2"}, nullptr, pre));
  };
  CHECK(ids(d(false), "12") == std::vector<int32_t>{6});
  CHECK(ids(d(true), "12") == std::vector<int32_t>{4, 5});
  Json norm = {{"type", "Sequence"},
               {"normalizers", {{{"type", "NFKC"}}, {{"type", "Lowercase"}}, {{"type", "Strip"}, {"strip_left", true}, {"strip_right", true}}}}};
  auto n = load(make_json(vocab, Json{"f i"}, norm));
  auto e = n.encode("  \xEF\xAC\x81" "A ", false);  // U+FB01 (fi ligature) + "A"
  CHECK(e.ids == std::vector<int32_t>{7, 1});
  CHECK(e.offsets == std::vector<std::pair<std::size_t, std::size_t>>{{2, 5}, {5, 6}});
}

TEST_CASE("added tokens: special and not, lstrip, rstrip, single_word, skip_special_tokens", "[tokenizer]") {
  Json vocab = {{"a", 0}, {" ", 1}, {"b", 2}};
  auto tok = [](int id, const char* c, bool special, bool l, bool r, bool single) {
    return Json{{"id", id}, {"content", c}, {"special", special}, {"normalized", false}, {"lstrip", l}, {"rstrip", r}, {"single_word", single}};
  };
  Json added = {tok(3, "<x>", true, true, true, false), tok(4, "<y>", false, false, false, true), tok(5, "<x><y>", true, false, false, false)};
  auto t = load(make_json(vocab, Json::array(), nullptr, nullptr, nullptr, nullptr, added));
  CHECK(ids(t, "a <x> a") == std::vector<int32_t>{0, 3, 0});      // strips the spaces on both sides
  CHECK(ids(t, "a<y>") == std::vector<int32_t>{0});                 // not a single word: stays text (unknown chars dropped)
  CHECK(ids(t, "a <y> b") == std::vector<int32_t>{0, 1, 4, 1, 2});
  CHECK(ids(t, "<x><y>") == std::vector<int32_t>{5});              // leftmost longest
  CHECK(t.decode({0, 3, 4, 0}, true) == "a <y> a");
  CHECK(t.decode({0, 3, 4, 0}, false) == "a <x> <y> a");
  CHECK(t.is_special(3));
  CHECK_FALSE(t.is_special(4));
  CHECK(t.token_to_id("<y>") == 4);
  CHECK(t.id_to_token(5) == "<x><y>");
  CHECK(t.vocab_size() == 6);
  tunesmith::text::TokenizerTokenCounter counter(t);
  CHECK(counter.count("a a") == 3);
  CHECK_FALSE(counter.is_estimate());
}

TEST_CASE("unsupported components are errors naming the file and the component", "[tokenizer]") {
  Json vocab = {{"a", 0}};
  auto message = [&](const Json& j) {
    try {
      load(j);
    } catch (const TokenizerError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  CHECK_THAT(message(make_json(vocab, Json::array(), Json{{"type", "BertNormalizer"}})),
             Catch::Contains("test.json") && Catch::Contains("normalizer") && Catch::Contains("BertNormalizer"));
  CHECK_THAT(message(make_json(vocab, Json::array(), nullptr, Json{{"type", "Sequence"}, {"pretokenizers", {{{"type", "UnicodeScripts"}}}}})),
             Catch::Contains("pre_tokenizer.pretokenizers[0]") && Catch::Contains("UnicodeScripts"));
  CHECK_THAT(message(make_json(vocab, Json::array(), nullptr, nullptr, nullptr, Json{{"type", "WordPiece"}})),
             Catch::Contains("decoder") && Catch::Contains("WordPiece"));
  Json j = make_json(vocab, Json::array());
  j["model"]["type"] = "Unigram";
  CHECK_THAT(message(j), Catch::Contains("model") && Catch::Contains("Unigram"));
  CHECK_THAT(message(make_json(vocab, Json{"a b"})), Catch::Contains("merges[0]") && Catch::Contains("'b'"));
  CHECK_THAT(message(make_json(vocab, Json::array(), nullptr,
                               Json{{"type", "Split"}, {"pattern", {{"Regex", "[a&&b]"}}}, {"behavior", "Isolated"}, {"invert", false}})),
             Catch::Contains("pre_tokenizer.pattern"));
  CHECK_THROWS_AS(Tokenizer::from_file("/nonexistent/tokenizer.json"), std::runtime_error);
  auto t = load(make_json(vocab, Json::array()));
  CHECK_THROWS_AS(t.encode("\xFF", false), std::invalid_argument);
}

TEST_CASE("Oniguruma patterns run on PCRE2 with Oniguruma's meaning", "[tokenizer][regex]") {
  using tunesmith::text::detail::Regex;
  auto all = [](const char* pattern, const std::string& text) {
    Regex re(pattern);
    std::vector<std::pair<uint32_t, uint32_t>> out;
    re.find_all(text, out);
    std::vector<std::string> parts;
    for (auto [b, e] : out) parts.push_back(text.substr(b, e - b));
    return parts;
  };
  // \s is White_Space: U+180E and U+FEFF are not spaces, U+2028 and U+3000 are.
  CHECK(all(R"(\s+)", "a\xE1\xA0\x8E" "b\xEF\xBB\xBF" "c\xE2\x80\xA8\xE3\x80\x80") == std::vector<std::string>{"\xE2\x80\xA8\xE3\x80\x80"});
  CHECK(all(R"(\s+(?!\S)|\s+)", "a   b") == std::vector<std::string>{"  ", " "});
  // (?i:...) folds Unicode case: 'ſ matches 's, K (Kelvin) matches k.
  CHECK(all(R"((?i:'s|'k))", "'S'\xC5\xBF'\xE2\x84\xAA") == std::vector<std::string>{"'S", "'\xC5\xBF", "'\xE2\x84\xAA"});
  CHECK(all(R"(\p{N}{1,3})", "12345") == std::vector<std::string>{"123", "45"});
  CHECK(all(R"([^\s\p{L}\p{N}]+)", "a!? b") == std::vector<std::string>{"!?"});
  CHECK(all(R"(\h+)", "xyz09afG") == std::vector<std::string>{"09af"});  // Ruby's \h: hex digit
}
