// Loading tokenizer.json and running the pipeline:
//   added tokens (raw) -> normalizer -> added tokens (normalized) -> pre-tokenizer
//   -> BPE -> post-processor
// in the order and with the semantics of HF tokenizers' TokenizerImpl::encode.
#include "core/text/tokenizer.h"

#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <unordered_map>

#include <nlohmann/json.hpp>
#include "core/text/added_vocabulary.h"
#include "core/text/bpe.h"
#include "core/text/components.h"
#include "core/text/unicode.h"

namespace tunesmith::text {

using detail::NormalizedString;

struct Tokenizer::Impl {
  std::string path;
  std::unique_ptr<detail::BpeModel> model;
  std::unique_ptr<detail::Normalizer> normalizer;
  std::unique_ptr<detail::PreTokenizer> pre_tokenizer;
  std::unique_ptr<detail::PostProcessor> post_processor;
  std::unique_ptr<detail::Decoder> decoder;

  std::vector<AddedToken> added;                        // file order, assigned ids
  std::unordered_map<std::string, int32_t> added_map;  // content -> id
  std::map<int32_t, std::size_t> added_by_id;          // id -> index into added (last wins)
  std::set<std::string> special_contents;
  detail::AddedMatcher raw_matcher, normalized_matcher;
  int32_t max_id = -1;

  std::string token_text(int32_t id) const {
    if (auto it = added_by_id.find(id); it != added_by_id.end()) return added[it->second].content;
    if (const std::string* s = model->id_to_token(id)) return *s;
    return {};
  }

  void tokenize_piece(NormalizedString ns, std::vector<detail::PostToken>& out) const {
    thread_local std::vector<detail::BpeToken> bpe;
    auto run_model = [&](const NormalizedString& p) {
      bpe.clear();
      model->tokenize(p.text, bpe);
      for (const auto& t : bpe) {
        std::size_t b = std::min<std::size_t>(t.begin, p.text.size() - 1);
        std::size_t e = std::max<std::size_t>(b + 1, std::min<std::size_t>(t.end, p.text.size()));
        auto r = p.original_range(b, e);
        out.push_back(detail::PostToken{t.id, r.first, r.second});
      }
    };
    if (!pre_tokenizer) {
      if (!ns.text.empty()) run_model(ns);
      return;
    }
    std::vector<NormalizedString> pieces;
    pieces.push_back(std::move(ns));
    pre_tokenizer->pre_tokenize(pieces);
    for (const auto& p : pieces)
      if (!p.text.empty()) run_model(p);
  }
};

namespace {

[[noreturn]] void fail(const std::string& origin, const std::string& msg) { throw TokenizerError(origin + ": " + msg); }

AddedToken parse_added(const nlohmann::json& j, const std::string& where) {
  AddedToken t;
  t.content = detail::str_field(j, "content", where);
  const auto& id = detail::field(j, "id", where);
  if (!id.is_number_integer() || id.get<int64_t>() < 0) throw std::invalid_argument(where + ".id: expected a non-negative integer");
  t.id = id.get<int32_t>();
  t.special = detail::bool_field(j, "special", where, false);
  t.normalized = detail::bool_field(j, "normalized", where, !t.special);
  t.lstrip = detail::bool_field(j, "lstrip", where, false);
  t.rstrip = detail::bool_field(j, "rstrip", where, false);
  t.single_word = detail::bool_field(j, "single_word", where, false);
  return t;
}

bool same_token(const AddedToken& a, const AddedToken& b) {
  return a.content == b.content && a.special == b.special && a.normalized == b.normalized && a.lstrip == b.lstrip &&
         a.rstrip == b.rstrip && a.single_word == b.single_word;
}

}  // namespace

Tokenizer::Tokenizer(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}
Tokenizer::~Tokenizer() = default;

Tokenizer Tokenizer::from_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  return from_json(ss.str(), path);
}

Tokenizer Tokenizer::from_dir(const std::string& dir) {
  std::string p = dir;
  if (!p.empty() && p.back() != '/') p += '/';
  return from_file(p + "tokenizer.json");
}

Tokenizer Tokenizer::from_json(std::string_view json_text, const std::string& origin) {
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(json_text.begin(), json_text.end());
  } catch (const std::exception& e) {
    fail(origin, std::string("not valid JSON: ") + e.what());
  }
  if (!j.is_object()) fail(origin, "expected a JSON object");
  auto impl = std::make_shared<Impl>();
  impl->path = origin;
  try {
    for (const char* key : {"truncation", "padding"})
      if (auto it = j.find(key); it != j.end() && !it->is_null())
        throw std::invalid_argument(std::string(key) + ": not supported (set it to null)");

    const auto& model = detail::field(j, "model", "tokenizer");
    std::string type = model.contains("type") ? detail::type_of(model, "model") : "BPE";
    if (type != "BPE") throw std::invalid_argument("model: unsupported model type '" + type + "'");
    try {
      impl->model = std::make_unique<detail::BpeModel>(model);
    } catch (const std::invalid_argument& e) {
      throw std::invalid_argument(std::string("model (BPE): ") + e.what());
    }

    const nlohmann::json null_json;
    auto get = [&](const char* key) -> const nlohmann::json& {
      auto it = j.find(key);
      return it == j.end() ? null_json : *it;
    };
    impl->normalizer = detail::make_normalizer(get("normalizer"), "normalizer");
    detail::PreTokenizerOptions opts;
    if (detail::ends_with_byte_level(get("pre_tokenizer"))) opts.byte_level_folded = impl->model->use_raw_bytes();
    impl->pre_tokenizer = detail::make_pre_tokenizer(get("pre_tokenizer"), "pre_tokenizer", opts);
    impl->post_processor = detail::make_post_processor(get("post_processor"), "post_processor");
    impl->decoder = detail::make_decoder(get("decoder"), "decoder");

    // Added tokens, with HF's id assignment (AddedVocabulary::add_tokens).
    const auto& list = get("added_tokens");
    if (!list.is_null() && !list.is_array()) throw std::invalid_argument("added_tokens: expected an array");
    impl->max_id = impl->model->max_id();
    std::unordered_map<std::string, std::size_t> by_content;
    std::vector<std::size_t> special_order, plain_order;
    for (std::size_t i = 0; list.is_array() && i < list.size(); ++i) {
      AddedToken t = parse_added(list[i], "added_tokens[" + std::to_string(i) + "]");
      if (t.content.empty()) continue;
      if (auto it = by_content.find(t.content); it != by_content.end() && same_token(impl->added[it->second], t)) continue;
      int32_t id;
      if (auto it = impl->added_map.find(t.content); it != impl->added_map.end()) id = it->second;
      else if (int32_t mid = impl->model->token_to_id(t.content); mid >= 0) id = mid;
      else {
        int32_t vs = static_cast<int32_t>(impl->model->vocab_size());
        int32_t mx = -1;
        for (auto& [c, v] : impl->added_map) mx = std::max(mx, v);
        id = mx < 0 ? vs : (mx >= vs || vs == 0 ? mx + 1 : vs);
      }
      t.id = id;
      bool new_special = t.special && !impl->special_contents.count(t.content);
      if (new_special) impl->special_contents.insert(t.content);
      impl->added_map[t.content] = id;
      by_content[t.content] = impl->added.size();
      impl->added_by_id[id] = impl->added.size();
      impl->added.push_back(t);
      (new_special ? special_order : plain_order).push_back(impl->added.size() - 1);
      impl->max_id = std::max(impl->max_id, id);
    }
    // Matching order: special tokens, then the others (the special set decides).
    std::vector<std::size_t> order = special_order;
    for (std::size_t k : plain_order)
      if (!impl->special_contents.count(impl->added[k].content)) order.push_back(k);
    for (std::size_t k : order) {
      AddedToken t = impl->added[k];
      t.id = impl->added_map[t.content];
      if (!t.normalized) {
        impl->raw_matcher.add(t, t.content);
      } else {
        NormalizedString ns = NormalizedString::from_input(t.content, 0, static_cast<uint32_t>(t.content.size()));
        if (impl->normalizer) impl->normalizer->normalize(ns);
        impl->normalized_matcher.add(t, ns.text);
      }
    }
  } catch (const std::invalid_argument& e) {
    fail(origin, e.what());
  }
  return Tokenizer(std::move(impl));
}

Encoding Tokenizer::encode(std::string_view text, bool add_special_tokens) const {
  if (std::size_t bad = unicode::find_invalid_utf8(text); bad != std::string_view::npos)
    throw std::invalid_argument("text is not valid UTF-8 (byte " + std::to_string(bad) + ")");
  if (text.size() >= UINT32_MAX) throw std::invalid_argument("text is too long (4 GiB or more)");
  const Impl& m = *impl_;
  std::vector<detail::PostToken> toks;
  toks.reserve(text.size() / 3 + 4);
  std::vector<detail::AddedMatcher::Piece> pieces, npieces;
  m.raw_matcher.split(text, pieces);
  for (const auto& p : pieces) {
    if (p.id >= 0) {
      toks.push_back({p.id, p.begin, p.end});
      continue;
    }
    if (p.end <= p.begin) continue;
    NormalizedString ns = NormalizedString::from_input(text, p.begin, p.end);
    if (m.normalizer) m.normalizer->normalize(ns);
    if (ns.text.empty()) continue;
    if (m.normalized_matcher.empty()) {
      m.tokenize_piece(std::move(ns), toks);
      continue;
    }
    m.normalized_matcher.split(ns.text, npieces);
    for (const auto& q : npieces) {
      if (q.end <= q.begin) continue;
      if (q.id >= 0) {
        auto r = ns.original_range(q.begin, q.end);
        toks.push_back({q.id, r.first, r.second});
      } else {
        m.tokenize_piece(ns.slice(q.begin, q.end), toks);
      }
    }
  }
  if (m.post_processor) m.post_processor->process(toks, add_special_tokens, [&](int32_t id) { return m.token_text(id); });
  Encoding enc;
  enc.ids.reserve(toks.size());
  enc.offsets.reserve(toks.size());
  for (const auto& t : toks) {
    enc.ids.push_back(t.id);
    enc.offsets.emplace_back(t.begin, t.end);
  }
  return enc;
}

std::string Tokenizer::decode(const std::vector<int32_t>& ids, bool skip_special_tokens) const {
  const Impl& m = *impl_;
  std::vector<std::string> tokens;
  tokens.reserve(ids.size());
  for (int32_t id : ids) {
    const std::string* s = nullptr;
    if (auto it = m.added_by_id.find(id); it != m.added_by_id.end()) s = &m.added[it->second].content;
    else s = m.model->id_to_token(id);
    if (!s) continue;
    if (skip_special_tokens && m.special_contents.count(*s)) continue;
    tokens.push_back(*s);
  }
  if (!m.decoder) {
    std::string out;
    for (std::size_t i = 0; i < tokens.size(); ++i) {
      if (i) out += ' ';
      out += tokens[i];
    }
    return out;
  }
  m.decoder->decode_chain(tokens);
  std::string out;
  for (const auto& t : tokens) out += t;
  return out;
}

std::optional<int32_t> Tokenizer::token_to_id(std::string_view token) const {
  if (auto it = impl_->added_map.find(std::string(token)); it != impl_->added_map.end()) return it->second;
  int32_t id = impl_->model->token_to_id(token);
  if (id >= 0) return id;
  return std::nullopt;
}

std::string Tokenizer::id_to_token(int32_t id) const { return impl_->token_text(id); }

std::size_t Tokenizer::vocab_size() const { return static_cast<std::size_t>(impl_->max_id + 1); }

const std::vector<AddedToken>& Tokenizer::added_tokens() const { return impl_->added; }

bool Tokenizer::is_special(int32_t id) const {
  auto it = impl_->added_by_id.find(id);
  return it != impl_->added_by_id.end() && impl_->special_contents.count(impl_->added[it->second].content);
}

std::vector<int32_t> Tokenizer::special_ids() const {
  std::vector<int32_t> out;
  for (const auto& [id, idx] : impl_->added_by_id)
    if (impl_->special_contents.count(impl_->added[idx].content)) out.push_back(id);
  return out;
}

const std::string& Tokenizer::path() const { return impl_->path; }

}  // namespace tunesmith::text
