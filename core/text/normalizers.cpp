// Normalizers: NFC, NFD, NFKC, NFKD, Lowercase, Prepend, Replace, Strip, Sequence.
#include <stdexcept>

#include "core/text/components.h"
#include "core/text/unicode.h"

namespace tunesmith::text::detail {
namespace {

class UnicodeForm final : public Normalizer {
 public:
  explicit UnicodeForm(unicode::NormForm f) : form_(f) {}
  void normalize(NormalizedString& s) const override { s.unicode_normalize(static_cast<int>(form_)); }

 private:
  unicode::NormForm form_;
};

class Lowercase final : public Normalizer {
 public:
  void normalize(NormalizedString& s) const override { s.lowercase(); }
};

class Prepend final : public Normalizer {
 public:
  explicit Prepend(std::string p) : prepend_(std::move(p)) {}
  void normalize(NormalizedString& s) const override {
    if (!s.text.empty()) s.prepend(prepend_);
  }

 private:
  std::string prepend_;
};

class Replace final : public Normalizer {
 public:
  Replace(Pattern p, std::string content) : pattern_(std::move(p)), content_(std::move(content)) {}
  void normalize(NormalizedString& s) const override {
    std::vector<std::pair<uint32_t, uint32_t>> ranges;
    pattern_.find_ranges(s.text, ranges);
    s.replace_ranges(ranges, content_);
  }

 private:
  Pattern pattern_;
  std::string content_;
};

class Strip final : public Normalizer {
 public:
  Strip(bool l, bool r) : left_(l), right_(r) {}
  void normalize(NormalizedString& s) const override { s.strip(left_, right_); }

 private:
  bool left_, right_;
};

class Sequence final : public Normalizer {
 public:
  explicit Sequence(std::vector<std::unique_ptr<Normalizer>> items) : items_(std::move(items)) {}
  void normalize(NormalizedString& s) const override {
    for (const auto& n : items_) n->normalize(s);
  }

 private:
  std::vector<std::unique_ptr<Normalizer>> items_;
};

}  // namespace

std::unique_ptr<Normalizer> make_normalizer(const nlohmann::json& j, const std::string& where) {
  if (j.is_null()) return nullptr;
  std::string type = type_of(j, where);
  if (type == "NFC") return std::make_unique<UnicodeForm>(unicode::NormForm::NFC);
  if (type == "NFD") return std::make_unique<UnicodeForm>(unicode::NormForm::NFD);
  if (type == "NFKC") return std::make_unique<UnicodeForm>(unicode::NormForm::NFKC);
  if (type == "NFKD") return std::make_unique<UnicodeForm>(unicode::NormForm::NFKD);
  if (type == "Lowercase") return std::make_unique<Lowercase>();
  if (type == "Prepend") return std::make_unique<Prepend>(str_field(j, "prepend", where));
  if (type == "Replace")
    return std::make_unique<Replace>(make_pattern(field(j, "pattern", where), where + ".pattern"),
                                     str_field(j, "content", where));
  if (type == "Strip")
    return std::make_unique<Strip>(bool_field(j, "strip_left", where, true), bool_field(j, "strip_right", where, true));
  if (type == "Sequence") {
    const auto& list = field(j, "normalizers", where);
    if (!list.is_array()) throw std::invalid_argument(where + ".normalizers: expected an array");
    std::vector<std::unique_ptr<Normalizer>> items;
    for (std::size_t i = 0; i < list.size(); ++i) {
      auto n = make_normalizer(list[i], where + ".normalizers[" + std::to_string(i) + "]");
      if (n) items.push_back(std::move(n));
    }
    return std::make_unique<Sequence>(std::move(items));
  }
  throw std::invalid_argument(where + ": unsupported normalizer type '" + type + "'");
}

}  // namespace tunesmith::text::detail
