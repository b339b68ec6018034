// Pre-tokenizers: Split, ByteLevel, Metaspace, Digits, Whitespace, WhitespaceSplit,
// Punctuation, Sequence. Split behaviours follow HF's NormalizedString::split.
#include <algorithm>
#include <stdexcept>

#include "core/text/components.h"
#include "core/text/unicode.h"

namespace tunesmith::text::detail {
namespace {

enum class Behavior { Removed, Isolated, MergedWithPrevious, MergedWithNext, Contiguous };

Behavior parse_behavior(const std::string& s, const std::string& where) {
  if (s == "Removed") return Behavior::Removed;
  if (s == "Isolated") return Behavior::Isolated;
  if (s == "MergedWithPrevious") return Behavior::MergedWithPrevious;
  if (s == "MergedWithNext") return Behavior::MergedWithNext;
  if (s == "Contiguous") return Behavior::Contiguous;
  throw std::invalid_argument(where + ".behavior: unsupported split behavior '" + s + "'");
}

// Splits `piece` by `matches` (which cover it) and appends the non-empty results.
void split_piece(const NormalizedString& piece, std::vector<Match>& matches, Behavior behavior, bool invert,
                 std::vector<NormalizedString>& out) {
  if (invert)
    for (auto& m : matches) m.is_match = !m.is_match;
  struct Split {
    uint32_t b, e;
    bool remove;
  };
  std::vector<Split> splits;
  splits.reserve(matches.size());
  switch (behavior) {
    case Behavior::Isolated:
      for (auto& m : matches) splits.push_back({m.begin, m.end, false});
      break;
    case Behavior::Removed:
      for (auto& m : matches) splits.push_back({m.begin, m.end, m.is_match});
      break;
    case Behavior::Contiguous: {
      bool prev = false;
      for (auto& m : matches) {
        if (m.is_match == prev && !splits.empty()) splits.back().e = m.end;
        else splits.push_back({m.begin, m.end, false});
        prev = m.is_match;
      }
      break;
    }
    case Behavior::MergedWithPrevious: {
      bool prev = false;
      for (auto& m : matches) {
        if (m.is_match && !prev && !splits.empty()) splits.back().e = m.end;
        else splits.push_back({m.begin, m.end, false});
        prev = m.is_match;
      }
      break;
    }
    case Behavior::MergedWithNext: {
      bool prev = false;
      for (auto it = matches.rbegin(); it != matches.rend(); ++it) {
        if (it->is_match && !prev && !splits.empty()) splits.back().b = it->begin;
        else splits.push_back({it->begin, it->end, false});
        prev = it->is_match;
      }
      std::reverse(splits.begin(), splits.end());
      break;
    }
  }
  if (splits.size() == 1 && !splits[0].remove && splits[0].b == 0 && splits[0].e == piece.text.size()) {
    if (!piece.text.empty()) out.push_back(piece);
    return;
  }
  for (auto& s : splits)
    if (!s.remove && s.e > s.b) out.push_back(piece.slice(s.b, s.e));
}

class Split final : public PreTokenizer {
 public:
  Split(Pattern p, Behavior b, bool invert) : pattern_(std::move(p)), behavior_(b), invert_(invert) {}
  void pre_tokenize(std::vector<NormalizedString>& pieces) const override {
    std::vector<NormalizedString> out;
    out.reserve(pieces.size() * 4);
    std::vector<Match> matches;
    for (auto& p : pieces) {
      pattern_.find_matches(p.text, matches);
      split_piece(p, matches, behavior_, invert_, out);
    }
    pieces = std::move(out);
  }

 private:
  Pattern pattern_;
  Behavior behavior_;
  bool invert_;
};

constexpr const char* kGpt2Pattern = R"('s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+)";

class ByteLevel final : public PreTokenizer {
 public:
  ByteLevel(bool add_prefix_space, bool use_regex, bool folded)
      : add_prefix_space_(add_prefix_space), use_regex_(use_regex), folded_(folded) {
    if (use_regex_) regex_ = Pattern::regex(kGpt2Pattern);
  }
  void pre_tokenize(std::vector<NormalizedString>& pieces) const override {
    if (add_prefix_space_)
      for (auto& p : pieces)
        if (!p.text.empty() && p.text[0] != ' ') p.prepend(" ");
    if (use_regex_) {
      std::vector<NormalizedString> out;
      std::vector<Match> matches;
      for (auto& p : pieces) {
        regex_.find_matches(p.text, matches);
        split_piece(p, matches, Behavior::Isolated, false, out);
      }
      pieces = std::move(out);
    }
    if (!folded_)
      for (auto& p : pieces) p.byte_level_transform();
  }

 private:
  bool add_prefix_space_, use_regex_, folded_;
  Pattern regex_;
};

enum class PrependScheme { Always, First, Never };

class Metaspace final : public PreTokenizer {
 public:
  Metaspace(std::string rep, PrependScheme scheme, bool split)
      : rep_(std::move(rep)), scheme_(scheme), split_(split), rep_pattern_(Pattern::literal(rep_)) {}
  void pre_tokenize(std::vector<NormalizedString>& pieces) const override {
    std::vector<NormalizedString> out;
    std::vector<Match> matches;
    std::vector<std::pair<uint32_t, uint32_t>> spaces;
    for (auto& p : pieces) {
      spaces.clear();
      for (std::size_t i = 0; i < p.text.size(); ++i)
        if (p.text[i] == ' ') spaces.emplace_back(static_cast<uint32_t>(i), static_cast<uint32_t>(i + 1));
      p.replace_ranges(spaces, rep_);
      bool starts = p.text.compare(0, rep_.size(), rep_) == 0;
      if (!starts && (scheme_ == PrependScheme::Always || (scheme_ == PrependScheme::First && p.orig_begin == 0)))
        p.prepend(rep_);
      if (split_) {
        rep_pattern_.find_matches(p.text, matches);
        split_piece(p, matches, Behavior::MergedWithNext, false, out);
      } else if (!p.text.empty()) {
        out.push_back(std::move(p));
      }
    }
    pieces = std::move(out);
  }

 private:
  std::string rep_;
  PrependScheme scheme_;
  bool split_;
  Pattern rep_pattern_;
};

bool is_numeric_char(char32_t c) { return unicode::is_numeric(c); }
bool is_whitespace_char(char32_t c) { return unicode::is_whitespace(c); }
bool is_punct_char(char32_t c) { return unicode::is_punctuation(c); }

class CharSplit final : public PreTokenizer {
 public:
  CharSplit(bool (*fn)(char32_t), Behavior b) : pattern_(Pattern::predicate(fn)), behavior_(b) {}
  void pre_tokenize(std::vector<NormalizedString>& pieces) const override {
    std::vector<NormalizedString> out;
    std::vector<Match> matches;
    for (auto& p : pieces) {
      pattern_.find_matches(p.text, matches);
      split_piece(p, matches, behavior_, false, out);
    }
    pieces = std::move(out);
  }

 private:
  Pattern pattern_;
  Behavior behavior_;
};

class Sequence final : public PreTokenizer {
 public:
  explicit Sequence(std::vector<std::unique_ptr<PreTokenizer>> items) : items_(std::move(items)) {}
  void pre_tokenize(std::vector<NormalizedString>& pieces) const override {
    for (const auto& p : items_) p->pre_tokenize(pieces);
  }

 private:
  std::vector<std::unique_ptr<PreTokenizer>> items_;
};

PrependScheme parse_scheme(const nlohmann::json& j, const std::string& where) {
  if (auto it = j.find("prepend_scheme"); it != j.end() && !it->is_null()) {
    std::string s = it->is_string() ? it->get<std::string>() : "";
    if (s == "always") return PrependScheme::Always;
    if (s == "first") return PrependScheme::First;
    if (s == "never") return PrependScheme::Never;
    throw std::invalid_argument(where + ".prepend_scheme: unsupported value " + it->dump());
  }
  return bool_field(j, "add_prefix_space", where, true) ? PrependScheme::Always : PrependScheme::Never;
}

std::unique_ptr<PreTokenizer> build(const nlohmann::json& j, const std::string& where, const PreTokenizerOptions& opts,
                                    bool last) {
  std::string type = type_of(j, where);
  if (type == "Split") {
    return std::make_unique<Split>(make_pattern(field(j, "pattern", where), where + ".pattern"),
                                   parse_behavior(str_field(j, "behavior", where), where),
                                   bool_field(j, "invert", where, false));
  }
  if (type == "ByteLevel")
    return std::make_unique<ByteLevel>(bool_field(j, "add_prefix_space", where, true),
                                       bool_field(j, "use_regex", where, true), last && opts.byte_level_folded);
  if (type == "Metaspace") {
    std::string rep = str_field(j, "replacement", where);
    std::size_t k = 0;
    if (rep.empty() || (unicode::next_cp(rep, k), k != rep.size()))
      throw std::invalid_argument(where + ".replacement: expected one character");
    return std::make_unique<Metaspace>(rep, parse_scheme(j, where), bool_field(j, "split", where, true));
  }
  if (type == "Digits")
    return std::make_unique<CharSplit>(&is_numeric_char, bool_field(j, "individual_digits", where, false)
                                                             ? Behavior::Isolated
                                                             : Behavior::Contiguous);
  if (type == "WhitespaceSplit") return std::make_unique<CharSplit>(&is_whitespace_char, Behavior::Removed);
  if (type == "Punctuation") {
    Behavior b = Behavior::Isolated;
    if (auto it = j.find("behavior"); it != j.end() && it->is_string()) b = parse_behavior(it->get<std::string>(), where);
    return std::make_unique<CharSplit>(&is_punct_char, b);
  }
  if (type == "Whitespace")
    return std::make_unique<Split>(Pattern::regex(R"(\w+|[^\w\s]+)"), Behavior::Removed, true);
  if (type == "Sequence") {
    const auto& list = field(j, "pretokenizers", where);
    if (!list.is_array()) throw std::invalid_argument(where + ".pretokenizers: expected an array");
    std::vector<std::unique_ptr<PreTokenizer>> items;
    for (std::size_t i = 0; i < list.size(); ++i)
      items.push_back(build(list[i], where + ".pretokenizers[" + std::to_string(i) + "]", opts,
                            last && i + 1 == list.size()));
    return std::make_unique<Sequence>(std::move(items));
  }
  throw std::invalid_argument(where + ": unsupported pre_tokenizer type '" + type + "'");
}

}  // namespace

bool ends_with_byte_level(const nlohmann::json& j) {
  if (!j.is_object()) return false;
  auto t = j.find("type");
  if (t == j.end() || !t->is_string()) return false;
  if (*t == "ByteLevel") return true;
  if (*t == "Sequence") {
    auto l = j.find("pretokenizers");
    return l != j.end() && l->is_array() && !l->empty() && ends_with_byte_level(l->back());
  }
  return false;
}

std::unique_ptr<PreTokenizer> make_pre_tokenizer(const nlohmann::json& j, const std::string& where,
                                                 const PreTokenizerOptions& opts) {
  if (j.is_null()) return nullptr;
  return build(j, where, opts, true);
}

}  // namespace tunesmith::text::detail
