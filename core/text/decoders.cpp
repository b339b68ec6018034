// Decoders: ByteLevel, Metaspace, Replace, ByteFallback, Fuse, Strip, BPEDecoder, Sequence.
// Each follows HF's decode_chain: a list of token strings in, a list out.
#include <stdexcept>

#include "core/text/byte_level.h"
#include "core/text/components.h"
#include "core/text/unicode.h"

namespace tunesmith::text::detail {
namespace {

class ByteLevelDecoder final : public Decoder {
 public:
  void decode_chain(std::vector<std::string>& tokens) const override {
    std::string bytes;
    for (const auto& t : tokens) {
      if (auto raw = byte_level_to_bytes(t)) bytes += *raw;
      else bytes += t;
    }
    tokens.assign(1, unicode::utf8_lossy(bytes));
  }
};

class MetaspaceDecoder final : public Decoder {
 public:
  MetaspaceDecoder(std::string rep, bool strip_first) : rep_(std::move(rep)), strip_first_(strip_first) {}
  void decode_chain(std::vector<std::string>& tokens) const override {
    for (std::size_t i = 0; i < tokens.size(); ++i) {
      std::string out;
      const std::string& t = tokens[i];
      std::size_t k = 0;
      while (k < t.size()) {
        if (t.compare(k, rep_.size(), rep_) == 0) {
          if (!(i == 0 && strip_first_)) out += ' ';
          k += rep_.size();
        } else {
          out += t[k++];
        }
      }
      tokens[i] = std::move(out);
    }
  }

 private:
  std::string rep_;
  bool strip_first_;
};

class ReplaceDecoder final : public Decoder {
 public:
  ReplaceDecoder(Pattern p, std::string content) : pattern_(std::move(p)), content_(std::move(content)) {}
  void decode_chain(std::vector<std::string>& tokens) const override {
    std::vector<Match> matches;
    for (auto& t : tokens) {
      pattern_.find_matches(t, matches);
      std::string out;
      for (auto& m : matches) {
        if (m.is_match) out += content_;
        else out.append(t, m.begin, m.end - m.begin);
      }
      t = std::move(out);
    }
  }

 private:
  Pattern pattern_;
  std::string content_;
};

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

class ByteFallbackDecoder final : public Decoder {
 public:
  void decode_chain(std::vector<std::string>& tokens) const override {
    std::vector<std::string> out;
    std::string pending;
    auto flush = [&] {
      if (pending.empty()) return;
      if (unicode::find_invalid_utf8(pending) == std::string::npos) {
        out.push_back(pending);
      } else {
        for (std::size_t k = 0; k < pending.size(); ++k) out.emplace_back("\xEF\xBF\xBD");
      }
      pending.clear();
    };
    for (auto& t : tokens) {
      int byte = -1;
      if (t.size() == 6 && t.compare(0, 3, "<0x") == 0 && t[5] == '>') {
        // Rust's u8::from_str_radix(.., 16): two hex digits, or '+' and one.
        int h = hex_digit(t[3]), l = hex_digit(t[4]);
        if (h >= 0 && l >= 0) byte = h * 16 + l;
        else if (t[3] == '+' && l >= 0) byte = l;
      }
      if (byte >= 0) {
        pending.push_back(static_cast<char>(byte));
      } else {
        flush();
        out.push_back(std::move(t));
      }
    }
    flush();
    tokens = std::move(out);
  }
};

class FuseDecoder final : public Decoder {
 public:
  void decode_chain(std::vector<std::string>& tokens) const override {
    std::string all;
    for (auto& t : tokens) all += t;
    tokens.assign(1, std::move(all));
  }
};

class StripDecoder final : public Decoder {
 public:
  StripDecoder(char32_t c, std::size_t start, std::size_t stop) : c_(c), start_(start), stop_(stop) {}
  void decode_chain(std::vector<std::string>& tokens) const override {
    for (auto& t : tokens) {
      std::vector<std::pair<std::size_t, char32_t>> chars;  // (byte offset, cp)
      for (std::size_t i = 0; i < t.size();) {
        std::size_t b = i;
        chars.emplace_back(b, unicode::next_cp(t, i));
      }
      std::size_t n = chars.size();
      std::size_t start_cut = 0;
      for (std::size_t i = 0; i < n && i < start_; ++i) {
        if (chars[i].second == c_) start_cut = i + 1;
        else break;
      }
      std::size_t stop_cut = n;
      for (std::size_t i = 0; i < n && i < stop_; ++i) {
        if (chars[n - 1 - i].second == c_) stop_cut = n - i - 1;
        else break;
      }
      if (stop_cut < start_cut) stop_cut = start_cut;
      std::size_t bb = start_cut < n ? chars[start_cut].first : t.size();
      std::size_t be = stop_cut < n ? chars[stop_cut].first : t.size();
      t = t.substr(bb, be - bb);
    }
  }

 private:
  char32_t c_;
  std::size_t start_, stop_;
};

class BpeSuffixDecoder final : public Decoder {
 public:
  explicit BpeSuffixDecoder(std::string suffix) : suffix_(std::move(suffix)) {}
  void decode_chain(std::vector<std::string>& tokens) const override {
    for (std::size_t i = 0; i < tokens.size(); ++i) {
      const char* rep = i + 1 == tokens.size() ? "" : " ";
      std::string out;
      const std::string& t = tokens[i];
      std::size_t pos = 0;
      while (!suffix_.empty()) {
        std::size_t f = t.find(suffix_, pos);
        if (f == std::string::npos) break;
        out.append(t, pos, f - pos);
        out += rep;
        pos = f + suffix_.size();
      }
      out.append(t, pos, std::string::npos);
      tokens[i] = std::move(out);
    }
  }

 private:
  std::string suffix_;
};

class SequenceDecoder final : public Decoder {
 public:
  explicit SequenceDecoder(std::vector<std::unique_ptr<Decoder>> items) : items_(std::move(items)) {}
  void decode_chain(std::vector<std::string>& tokens) const override {
    for (const auto& d : items_) d->decode_chain(tokens);
  }

 private:
  std::vector<std::unique_ptr<Decoder>> items_;
};

}  // namespace

std::unique_ptr<Decoder> make_decoder(const nlohmann::json& j, const std::string& where) {
  if (j.is_null()) return nullptr;
  std::string type = type_of(j, where);
  if (type == "ByteLevel") return std::make_unique<ByteLevelDecoder>();
  if (type == "Metaspace") {
    std::string rep = str_field(j, "replacement", where);
    bool strip_first;
    if (auto it = j.find("prepend_scheme"); it != j.end() && it->is_string()) {
      std::string s = it->get<std::string>();
      if (s != "always" && s != "first" && s != "never")
        throw std::invalid_argument(where + ".prepend_scheme: unsupported value '" + s + "'");
      strip_first = s != "never";
    } else {
      strip_first = bool_field(j, "add_prefix_space", where, true);
    }
    return std::make_unique<MetaspaceDecoder>(rep, strip_first);
  }
  if (type == "Replace")
    return std::make_unique<ReplaceDecoder>(make_pattern(field(j, "pattern", where), where + ".pattern"),
                                            str_field(j, "content", where));
  if (type == "ByteFallback") return std::make_unique<ByteFallbackDecoder>();
  if (type == "Fuse") return std::make_unique<FuseDecoder>();
  if (type == "Strip") {
    std::string c = str_field(j, "content", where);
    std::size_t k = 0;
    if (c.empty()) throw std::invalid_argument(where + ".content: expected one character");
    char32_t cp = unicode::next_cp(c, k);
    if (k != c.size()) throw std::invalid_argument(where + ".content: expected one character");
    auto num = [&](const char* key) {
      const auto& v = field(j, key, where);
      if (!v.is_number_unsigned() && !(v.is_number_integer() && v.get<int64_t>() >= 0))
        throw std::invalid_argument(where + "." + key + ": expected a non-negative integer");
      return v.get<std::size_t>();
    };
    return std::make_unique<StripDecoder>(cp, num("start"), num("stop"));
  }
  if (type == "BPEDecoder") {
    std::string suffix = "</w>";
    if (auto it = j.find("suffix"); it != j.end() && it->is_string()) suffix = it->get<std::string>();
    return std::make_unique<BpeSuffixDecoder>(suffix);
  }
  if (type == "Sequence") {
    const auto& list = field(j, "decoders", where);
    if (!list.is_array()) throw std::invalid_argument(where + ".decoders: expected an array");
    std::vector<std::unique_ptr<Decoder>> items;
    for (std::size_t i = 0; i < list.size(); ++i)
      if (auto d = make_decoder(list[i], where + ".decoders[" + std::to_string(i) + "]")) items.push_back(std::move(d));
    return std::make_unique<SequenceDecoder>(std::move(items));
  }
  throw std::invalid_argument(where + ": unsupported decoder type '" + type + "'");
}

}  // namespace tunesmith::text::detail
