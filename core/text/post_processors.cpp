// Post-processors: TemplateProcessing, ByteLevel (offset trimming), Sequence.
#include <algorithm>
#include <cctype>
#include <map>
#include <stdexcept>

#include "core/text/byte_level.h"
#include "core/text/components.h"
#include "core/text/unicode.h"

namespace tunesmith::text::detail {
namespace {

class ByteLevelPost final : public PostProcessor {
 public:
  ByteLevelPost(bool trim, bool add_prefix_space) : trim_(trim), add_prefix_space_(add_prefix_space) {}
  void process(std::vector<PostToken>& tokens, bool, const std::function<std::string(int32_t)>& text) const override {
    if (!trim_) return;
    const char32_t space_char = byte_to_char(' ');
    for (std::size_t i = 0; i < tokens.size(); ++i) {
      auto& t = tokens[i];
      std::string s = text(t.id);
      std::vector<char32_t> cps;
      for (std::size_t k = 0; k < s.size();) cps.push_back(unicode::next_cp(s, k));
      auto is_sp = [&](char32_t c) { return c == space_char || unicode::is_whitespace(c); };
      std::size_t lead = 0, trail = 0;
      while (lead < cps.size() && is_sp(cps[lead])) ++lead;
      while (trail < cps.size() && is_sp(cps[cps.size() - 1 - trail])) ++trail;
      if (lead > 0) {
        bool is_first = i == 0 || t.begin == 0;
        if (is_first && add_prefix_space_ && lead == 1) lead = 0;
        t.begin = std::min<uint32_t>(t.begin + static_cast<uint32_t>(lead), t.end);
      }
      if (trail > 0 && t.end >= trail) t.end = std::max<uint32_t>(t.end - static_cast<uint32_t>(trail), t.begin);
    }
  }

 private:
  bool trim_, add_prefix_space_;
};

class Template final : public PostProcessor {
 public:
  struct Piece {
    bool is_sequence;
    std::string special;  // key into specials_
  };
  Template(std::vector<Piece> single, std::map<std::string, std::vector<int32_t>> specials)
      : single_(std::move(single)), specials_(std::move(specials)) {}
  void process(std::vector<PostToken>& tokens, bool add_special, const std::function<std::string(int32_t)>&) const override {
    if (!add_special) return;
    std::vector<PostToken> out;
    out.reserve(tokens.size() + 4);
    for (const auto& p : single_) {
      if (p.is_sequence) {
        out.insert(out.end(), tokens.begin(), tokens.end());
      } else {
        for (int32_t id : specials_.at(p.special)) out.push_back(PostToken{id, 0, 0});
      }
    }
    tokens = std::move(out);
  }

 private:
  std::vector<Piece> single_;
  std::map<std::string, std::vector<int32_t>> specials_;
};

class SequencePost final : public PostProcessor {
 public:
  explicit SequencePost(std::vector<std::unique_ptr<PostProcessor>> items) : items_(std::move(items)) {}
  void process(std::vector<PostToken>& tokens, bool add_special,
               const std::function<std::string(int32_t)>& text) const override {
    for (const auto& p : items_) p->process(tokens, add_special, text);
  }

 private:
  std::vector<std::unique_ptr<PostProcessor>> items_;
};

std::vector<Template::Piece> parse_template(const nlohmann::json& j, const std::string& where) {
  std::vector<Template::Piece> pieces;
  auto add_string_piece = [&](const std::string& s) {
    // "$A", "$B", "$A:1", "[CLS]", "[CLS]:0"
    std::string name = s.substr(0, s.rfind(':') == std::string::npos ? s.size() : s.rfind(':'));
    if (!name.empty() && name[0] == '$') {
      std::string id = name.substr(1);
      if (id.empty() || id == "A" || id == "a" || std::all_of(id.begin(), id.end(), ::isdigit)) pieces.push_back({true, ""});
      else throw std::invalid_argument(where + ": sequence '" + s + "' (pair templates are not supported)");
    } else {
      pieces.push_back({false, name});
    }
  };
  if (j.is_string()) {
    std::string s = j.get<std::string>();
    std::size_t pos = 0;
    while (pos < s.size()) {
      std::size_t sp = s.find(' ', pos);
      if (sp == std::string::npos) sp = s.size();
      if (sp > pos) add_string_piece(s.substr(pos, sp - pos));
      pos = sp + 1;
    }
    return pieces;
  }
  if (!j.is_array()) throw std::invalid_argument(where + ": expected a list of pieces");
  for (std::size_t i = 0; i < j.size(); ++i) {
    const auto& p = j[i];
    std::string w = where + "[" + std::to_string(i) + "]";
    if (p.is_string()) {
      add_string_piece(p.get<std::string>());
    } else if (p.contains("Sequence")) {
      std::string id = str_field(p["Sequence"], "id", w + ".Sequence");
      if (id != "A") throw std::invalid_argument(w + ": sequence '" + id + "' in the single template");
      pieces.push_back({true, ""});
    } else if (p.contains("SpecialToken")) {
      pieces.push_back({false, str_field(p["SpecialToken"], "id", w + ".SpecialToken")});
    } else {
      throw std::invalid_argument(w + ": unsupported template piece " + p.dump());
    }
  }
  return pieces;
}

}  // namespace

std::unique_ptr<PostProcessor> make_post_processor(const nlohmann::json& j, const std::string& where) {
  if (j.is_null()) return nullptr;
  std::string type = type_of(j, where);
  if (type == "ByteLevel")
    return std::make_unique<ByteLevelPost>(bool_field(j, "trim_offsets", where, true),
                                           bool_field(j, "add_prefix_space", where, true));
  if (type == "TemplateProcessing") {
    auto single = parse_template(field(j, "single", where), where + ".single");
    std::map<std::string, std::vector<int32_t>> specials;
    const auto& st = field(j, "special_tokens", where);
    if (!st.is_object()) throw std::invalid_argument(where + ".special_tokens: expected an object");
    for (auto it = st.begin(); it != st.end(); ++it) {
      std::string w = where + ".special_tokens." + it.key();
      const auto& ids = field(it.value(), "ids", w);
      if (!ids.is_array()) throw std::invalid_argument(w + ".ids: expected an array");
      std::vector<int32_t> v;
      for (const auto& id : ids) {
        if (!id.is_number_integer()) throw std::invalid_argument(w + ".ids: expected integers");
        v.push_back(id.get<int32_t>());
      }
      specials[str_field(it.value(), "id", w)] = v;
    }
    for (const auto& p : single)
      if (!p.is_sequence && !specials.count(p.special))
        throw std::invalid_argument(where + ".single: special token '" + p.special + "' is not in special_tokens");
    return std::make_unique<Template>(std::move(single), std::move(specials));
  }
  if (type == "Sequence") {
    const auto& list = field(j, "processors", where);
    if (!list.is_array()) throw std::invalid_argument(where + ".processors: expected an array");
    std::vector<std::unique_ptr<PostProcessor>> items;
    for (std::size_t i = 0; i < list.size(); ++i)
      if (auto p = make_post_processor(list[i], where + ".processors[" + std::to_string(i) + "]")) items.push_back(std::move(p));
    return std::make_unique<SequencePost>(std::move(items));
  }
  throw std::invalid_argument(where + ": unsupported post_processor type '" + type + "'");
}

}  // namespace tunesmith::text::detail
