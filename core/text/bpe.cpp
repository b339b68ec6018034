#include "core/text/bpe.h"

#include <algorithm>
#include <atomic>
#include <memory>
#include <cstring>
#include <functional>
#include <stdexcept>

#include "core/text/byte_level.h"
#include "core/text/unicode.h"

namespace tunesmith::text::detail {

// ---- StringIdMap ----------------------------------------------------------------

uint64_t StringIdMap::hash(std::string_view s) {
  // FNV-1a over 8-byte words, then a final mix.
  uint64_t h = 0xcbf29ce484222325ull ^ s.size();
  std::size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t w;
    std::memcpy(&w, s.data() + i, 8);
    h = (h ^ w) * 0x100000001b3ull;
    h ^= h >> 29;
  }
  uint64_t w = 0;
  std::memcpy(&w, s.data() + i, s.size() - i);
  h = (h ^ w) * 0x100000001b3ull;
  h ^= h >> 32;
  h *= 0x9e3779b97f4a7c15ull;
  h ^= h >> 29;
  return h;
}

void StringIdMap::reserve(std::size_t n) {
  std::size_t cap = 16;
  while (cap < n * 2) cap <<= 1;
  if (cap <= slots_.size()) return;
  slots_.assign(cap, -1);
  tags_.assign(cap, 0);
  for (std::size_t k = 0; k < keys_.size(); ++k) {
    uint64_t h = hash(keys_[k]);
    std::size_t m = cap - 1, i = h & m;
    while (slots_[i] >= 0) i = (i + 1) & m;
    slots_[i] = static_cast<int32_t>(k);
    tags_[i] = static_cast<uint32_t>(h >> 32);
  }
}

void StringIdMap::grow() { reserve(std::max<std::size_t>(16, count_ * 2 + 2)); }

bool StringIdMap::insert(std::string_view key, int32_t id) {
  if ((count_ + 1) * 2 > slots_.size()) grow();
  uint64_t h = hash(key);
  std::size_t m = slots_.size() - 1, i = h & m;
  uint32_t tag = static_cast<uint32_t>(h >> 32);
  while (slots_[i] >= 0) {
    if (tags_[i] == tag && keys_[static_cast<std::size_t>(slots_[i])] == key) {
      vals_[static_cast<std::size_t>(slots_[i])] = id;
      return false;
    }
    i = (i + 1) & m;
  }
  slots_[i] = static_cast<int32_t>(keys_.size());
  tags_[i] = tag;
  keys_.emplace_back(key);
  vals_.push_back(id);
  ++count_;
  return true;
}

int32_t StringIdMap::find(std::string_view key) const {
  if (slots_.empty()) return -1;
  uint64_t h = hash(key);
  std::size_t m = slots_.size() - 1, i = h & m;
  uint32_t tag = static_cast<uint32_t>(h >> 32);
  while (slots_[i] >= 0) {
    if (tags_[i] == tag && keys_[static_cast<std::size_t>(slots_[i])] == key) return vals_[static_cast<std::size_t>(slots_[i])];
    i = (i + 1) & m;
  }
  return -1;
}

// ---- BpeModel --------------------------------------------------------------------

namespace {
std::optional<std::string> opt_string(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return std::nullopt;
  if (!it->is_string()) throw std::invalid_argument(std::string("'") + key + "' must be a string or null");
  return it->get<std::string>();
}
bool opt_bool(const nlohmann::json& j, const char* key, bool fallback) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return fallback;
  if (!it->is_boolean()) throw std::invalid_argument(std::string("'") + key + "' must be a boolean");
  return it->get<bool>();
}
inline uint64_t pair_key(int32_t a, int32_t b) {
  return (static_cast<uint64_t>(static_cast<uint32_t>(a)) << 32) | static_cast<uint32_t>(b);
}
inline uint64_t mix(uint64_t k) {
  k ^= k >> 33;
  k *= 0xff51afd7ed558ccdull;
  k ^= k >> 33;
  return k;
}
}  // namespace

BpeModel::BpeModel(const nlohmann::json& model) {
  if (auto d = model.find("dropout"); d != model.end() && !d->is_null()) {
    if (!d->is_number() || d->get<double>() != 0.0)
      throw std::invalid_argument("dropout is not supported (it makes encoding random)");
  }
  unk_token_ = opt_string(model, "unk_token");
  prefix_ = opt_string(model, "continuing_subword_prefix").value_or("");
  suffix_ = opt_string(model, "end_of_word_suffix").value_or("");
  fuse_unk_ = opt_bool(model, "fuse_unk", false);
  byte_fallback_ = opt_bool(model, "byte_fallback", false);
  ignore_merges_ = opt_bool(model, "ignore_merges", false);

  auto vit = model.find("vocab");
  if (vit == model.end() || !vit->is_object()) throw std::invalid_argument("'vocab' must be an object");
  vocab_.reserve(vit->size());
  int32_t max_id = -1;
  for (auto it = vit->begin(); it != vit->end(); ++it) {
    if (!it.value().is_number_integer()) throw std::invalid_argument("vocab: id of '" + it.key() + "' is not an integer");
    int64_t id = it.value().get<int64_t>();
    if (id < 0 || id > INT32_MAX - 1) throw std::invalid_argument("vocab: id of '" + it.key() + "' is out of range");
    vocab_.insert(it.key(), static_cast<int32_t>(id));
    max_id = std::max(max_id, static_cast<int32_t>(id));
  }
  id_to_token_.assign(static_cast<std::size_t>(max_id + 1), std::string());
  std::vector<bool> seen(id_to_token_.size(), false);
  for (auto it = vit->begin(); it != vit->end(); ++it) {
    auto id = static_cast<std::size_t>(it.value().get<int32_t>());
    id_to_token_[id] = it.key();  // HF keeps the last key for a repeated id
    seen[id] = true;
  }

  auto mit = model.find("merges");
  std::size_t n_merges = (mit != model.end() && mit->is_array()) ? mit->size() : 0;
  if (mit != model.end() && !mit->is_null() && !mit->is_array()) throw std::invalid_argument("'merges' must be an array");
  std::size_t cap = 16;
  while (cap < n_merges * 2 + 2) cap <<= 1;
  merges_.assign(cap, MergeSlot{~0ull, MergeVal{0, -1}});
  merge_mask_ = cap - 1;
  static std::atomic<uint64_t> next_serial{1};
  serial_ = next_serial.fetch_add(1);
  for (std::size_t r = 0; r < n_merges; ++r) {
    const auto& m = (*mit)[r];
    std::string a, b;
    if (m.is_string()) {
      const auto& s = m.get_ref<const std::string&>();
      auto sp = s.find(' ');
      if (sp == std::string::npos || s.find(' ', sp + 1) != std::string::npos)
        throw std::invalid_argument("merges[" + std::to_string(r) + "]: expected \"a b\", got \"" + s + "\"");
      a = s.substr(0, sp);
      b = s.substr(sp + 1);
    } else if (m.is_array() && m.size() == 2 && m[0].is_string() && m[1].is_string()) {
      a = m[0].get<std::string>();
      b = m[1].get<std::string>();
    } else {
      throw std::invalid_argument("merges[" + std::to_string(r) + "]: expected a string or a pair of strings");
    }
    int32_t ia = vocab_.find(a), ib = vocab_.find(b);
    if (ia < 0) throw std::invalid_argument("merges[" + std::to_string(r) + "]: '" + a + "' is not in the vocab");
    if (ib < 0) throw std::invalid_argument("merges[" + std::to_string(r) + "]: '" + b + "' is not in the vocab");
    if (b.size() < prefix_.size())
      throw std::invalid_argument("merges[" + std::to_string(r) + "]: '" + b + "' is shorter than the subword prefix");
    std::string merged = a + b.substr(prefix_.size());
    int32_t in = vocab_.find(merged);
    if (in < 0) throw std::invalid_argument("merges[" + std::to_string(r) + "]: '" + merged + "' is not in the vocab");
    uint64_t key = pair_key(ia, ib);
    std::size_t i = mix(key) & merge_mask_;
    while (merges_[i].key != ~0ull && merges_[i].key != key) i = (i + 1) & merge_mask_;
    // A repeated pair keeps the later rank, as HF's HashMap does.
    merges_[i] = MergeSlot{key, MergeVal{static_cast<uint32_t>(r), in}};
  }

  // One-character tokens, for char_id(). The id is vocab_'s answer for the key, so a
  // repeated key resolves as it does there.
  std::size_t n_chars = 0;
  for (auto it = vit->begin(); it != vit->end(); ++it) {
    const std::string& k = it.key();
    n_chars += !k.empty() && unicode::utf8_len(static_cast<unsigned char>(k[0])) == k.size();
  }
  std::size_t char_cap = 16;
  while (char_cap < n_chars * 2 + 2) char_cap <<= 1;
  char_keys_.assign(char_cap, 0);
  char_vals_.assign(char_cap, -1);
  char_mask_ = static_cast<uint32_t>(char_cap - 1);
  for (auto it = vit->begin(); it != vit->end(); ++it) {
    const std::string& k = it.key();
    if (k.empty() || unicode::utf8_len(static_cast<unsigned char>(k[0])) != k.size()) continue;
    uint32_t key = 0;
    std::memcpy(&key, k.data(), k.size());
    if (key == 0) {
      nul_id_ = vocab_.find(k);
      continue;
    }
    uint32_t i = static_cast<uint32_t>(mix(key)) & char_mask_;
    while (char_keys_[i] != 0 && char_keys_[i] != key) i = (i + 1) & char_mask_;
    char_keys_[i] = key;
    char_vals_[i] = vocab_.find(k);
  }

  if (unk_token_) unk_id_ = vocab_.find(*unk_token_);
  for (int b = 0; b < 256; ++b) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "<0x%02X>", b);
    byte_ids_[b] = vocab_.find(buf);
    single_byte_ids_[b] = -1;
  }
}

bool BpeModel::use_raw_bytes() {
  auto p = byte_level_to_bytes(prefix_);
  auto s = byte_level_to_bytes(suffix_);
  if (!p || !s) return false;
  raw_vocab_.reserve(vocab_.size());
  for (std::size_t id = 0; id < id_to_token_.size(); ++id) {
    if (id_to_token_[id].empty()) continue;
    if (auto raw = byte_level_to_bytes(id_to_token_[id])) raw_vocab_.insert(*raw, static_cast<int32_t>(id));
  }
  for (int b = 0; b < 256; ++b) {
    char c = static_cast<char>(b);
    single_byte_ids_[b] = raw_vocab_.find(std::string_view(&c, 1));
  }
  prefix_raw_ = *p;
  suffix_raw_ = *s;
  raw_bytes_ = true;
  return true;
}

int32_t BpeModel::token_to_id(std::string_view token) const { return vocab_.find(token); }

const std::string* BpeModel::id_to_token(int32_t id) const {
  if (id < 0 || static_cast<std::size_t>(id) >= id_to_token_.size() || id_to_token_[static_cast<std::size_t>(id)].empty())
    return nullptr;
  return &id_to_token_[static_cast<std::size_t>(id)];
}

const BpeModel::MergeVal* BpeModel::find_merge(int32_t a, int32_t b) const {
  uint64_t key = pair_key(a, b);
  std::size_t i = mix(key) & merge_mask_;
  while (true) {
    const uint64_t k = merges_[i].key;
    if (k == key) return &merges_[i].val;
    if (k == ~0ull) return nullptr;
    i = (i + 1) & merge_mask_;
  }
}

int32_t BpeModel::char_id(std::string_view c) const {
  if (c.size() > 4) return vocab_.find(c);
  uint32_t key = 0;
  std::memcpy(&key, c.data(), c.size());
  if (key == 0) return nul_id_;
  uint32_t i = static_cast<uint32_t>(mix(key)) & char_mask_;
  while (true) {
    const uint32_t k = char_keys_[i];
    if (k == key) return char_vals_[i];
    if (k == 0) return -1;
    i = (i + 1) & char_mask_;
  }
}

BpeModel::PairCache& BpeModel::pair_cache() const {
  thread_local std::unique_ptr<PairCache> cache;
  if (!cache) cache = std::make_unique<PairCache>();
  if (cache->owner != serial_) {
    std::fill(std::begin(cache->keys), std::end(cache->keys), ~0ull);  // no pair has this key
    cache->owner = serial_;
  }
  return *cache;
}

const BpeModel::MergeVal* BpeModel::find_merge(PairCache& cache, int32_t a, int32_t b) const {
  const uint64_t key = pair_key(a, b);
  static_assert(PairCache::kSlots == std::size_t{1} << 12);
  const std::size_t slot = (key * 0x9e3779b97f4a7c15ull) >> 52;  // the top 12 bits
  if (cache.keys[slot] == key) return cache.vals[slot];
  const MergeVal* v = find_merge(a, b);
  cache.keys[slot] = key;
  cache.vals[slot] = v;
  return v;
}

void BpeModel::initial_symbols(std::string_view w, std::vector<Symbol>& syms) const {
  syms.clear();
  const std::string& prefix = raw_bytes_ ? prefix_raw_ : prefix_;
  const std::string& suffix = raw_bytes_ ? suffix_raw_ : suffix_;
  bool plain = prefix.empty() && suffix.empty();
  int32_t unk_pending = -1;
  uint32_t unk_len = 0;
  std::string key;
  auto push = [&](int32_t id, uint32_t len) {
    syms.push_back(Symbol{id, static_cast<int32_t>(syms.size()) - 1, static_cast<int32_t>(syms.size()) + 1, 0, len});
  };
  std::size_t i = 0;
  while (i < w.size()) {
    std::size_t len = raw_bytes_ ? 1 : unicode::utf8_len(static_cast<unsigned char>(w[i]));
    std::size_t end = i + len;
    int32_t id;
    if (plain) {
      id = raw_bytes_ ? single_byte_ids_[static_cast<unsigned char>(w[i])] : char_id(w.substr(i, len));
    } else {
      key.clear();
      if (i != 0) key += prefix;
      key.append(w.substr(i, len));
      if (end == w.size()) key += suffix;
      id = lookup(key);
    }
    if (id >= 0) {
      if (unk_pending >= 0) {
        push(unk_pending, unk_len);
        unk_pending = -1;
      }
      push(id, static_cast<uint32_t>(len));
      i = end;
      continue;
    }
    if (byte_fallback_) {
      // The bytes of the string HF looked up (file form).
      std::string s;
      if (i != 0) s += prefix_;
      if (raw_bytes_) s += byte_to_utf8(static_cast<uint8_t>(w[i]));
      else s.append(w.substr(i, len));
      if (end == w.size()) s += suffix_;
      bool all = true;
      for (unsigned char c : s)
        if (byte_ids_[c] < 0) { all = false; break; }
      if (all) {
        for (unsigned char c : s) push(byte_ids_[c], 1);
        i = end;
        continue;
      }
    }
    if (unk_token_) {
      if (unk_id_ < 0) throw std::invalid_argument("unk_token '" + *unk_token_ + "' is not in the vocab");
      if (unk_pending >= 0 && fuse_unk_) {
        unk_len += static_cast<uint32_t>(len);
      } else {
        if (unk_pending >= 0) push(unk_pending, unk_len);
        unk_pending = unk_id_;
        unk_len = static_cast<uint32_t>(len);
      }
    }
    i = end;
  }
  if (unk_pending >= 0) push(unk_pending, unk_len);
  if (!syms.empty()) syms.back().next = -1;
  uint32_t pos = 0;
  for (auto& s : syms) {
    s.begin = pos;
    pos += s.len;
  }
}

void BpeModel::merge(std::vector<Symbol>& syms) const {
  const std::size_t n = syms.size();
  if (n < 2) return;
  PairCache& cache = pair_cache();
  if (n <= 48) {
    // Small words: keep the rank of each live pair and scan for the lowest (leftmost on ties).
    uint32_t rank[48];
    int32_t new_id[48];
    constexpr uint32_t kNone = UINT32_MAX;
    for (std::size_t i = 0; i + 1 < n; ++i) {
      const MergeVal* m = find_merge(cache, syms[i].id, syms[i + 1].id);
      rank[i] = m ? m->rank : kNone;
      new_id[i] = m ? m->new_id : -1;
    }
    rank[n - 1] = kNone;
    while (true) {
      uint32_t best = kNone;
      int32_t bi = -1;
      for (int32_t i = 0; i >= 0; i = syms[static_cast<std::size_t>(i)].next) {
        if (rank[i] < best) {
          best = rank[i];
          bi = i;
        }
      }
      if (bi < 0) break;
      Symbol& s = syms[static_cast<std::size_t>(bi)];
      Symbol& r = syms[static_cast<std::size_t>(s.next)];
      s.id = new_id[bi];
      s.len += r.len;
      r.len = 0;
      s.next = r.next;
      if (r.next >= 0) {
        syms[static_cast<std::size_t>(r.next)].prev = bi;
        const MergeVal* m = find_merge(cache, s.id, syms[static_cast<std::size_t>(r.next)].id);
        rank[bi] = m ? m->rank : kNone;
        new_id[bi] = m ? m->new_id : -1;
      } else {
        rank[bi] = kNone;
      }
      if (s.prev >= 0) {
        const MergeVal* m = find_merge(cache, syms[static_cast<std::size_t>(s.prev)].id, s.id);
        rank[s.prev] = m ? m->rank : kNone;
        new_id[s.prev] = m ? m->new_id : -1;
      }
    }
  } else {
    // HF's Word::merge_all: a binary heap of candidate merges, lowest rank first and
    // leftmost on ties, stale entries skipped when popped. Constant factors matter here
    // (a SentencePiece-style document is one word of thousands of symbols): entries are
    // packed into one uint64 (rank << 32 | position), so the heap order is HF's Merge
    // order; and each position keeps the rank and result of its current pair, so an
    // entry is live exactly when its rank equals its position's current rank. (The
    // pair at a position only ever changes to one with a longer concatenation, so a
    // rank match means the same pair: the check agrees with HF's new_id comparison,
    // without a hash lookup per pop.)
    constexpr uint32_t kNone = UINT32_MAX;
    thread_local std::vector<uint64_t> heap;
    thread_local std::vector<uint32_t> cur_rank;
    thread_local std::vector<int32_t> cur_new;
    heap.clear();
    cur_rank.assign(n, kNone);
    cur_new.resize(n);
    auto set_pair = [&](int32_t pos, int32_t right) {
      const MergeVal* m = find_merge(cache, syms[static_cast<std::size_t>(pos)].id, syms[static_cast<std::size_t>(right)].id);
      if (!m) {
        cur_rank[static_cast<std::size_t>(pos)] = kNone;
        return;
      }
      cur_rank[static_cast<std::size_t>(pos)] = m->rank;
      cur_new[static_cast<std::size_t>(pos)] = m->new_id;
      heap.push_back(static_cast<uint64_t>(m->rank) << 32 | static_cast<uint32_t>(pos));
      std::push_heap(heap.begin(), heap.end(), std::greater<uint64_t>());
    };
    for (std::size_t i = 0; i + 1 < n; ++i) {
      if (const MergeVal* m = find_merge(cache, syms[i].id, syms[i + 1].id)) {
        cur_rank[i] = m->rank;
        cur_new[i] = m->new_id;
        heap.push_back(static_cast<uint64_t>(m->rank) << 32 | static_cast<uint32_t>(i));
      }
    }
    std::make_heap(heap.begin(), heap.end(), std::greater<uint64_t>());
    while (!heap.empty()) {
      std::pop_heap(heap.begin(), heap.end(), std::greater<uint64_t>());
      const uint64_t top = heap.back();
      heap.pop_back();
      const auto pos = static_cast<int32_t>(top & 0xffffffffu);
      const auto rank = static_cast<uint32_t>(top >> 32);
      if (cur_rank[static_cast<std::size_t>(pos)] != rank) continue;  // stale
      Symbol& s = syms[static_cast<std::size_t>(pos)];
      Symbol& r = syms[static_cast<std::size_t>(s.next)];
      cur_rank[static_cast<std::size_t>(s.next)] = kNone;  // the right symbol is gone
      s.id = cur_new[static_cast<std::size_t>(pos)];
      s.len += r.len;
      r.len = 0;
      s.next = r.next;
      if (r.next >= 0) syms[static_cast<std::size_t>(r.next)].prev = pos;
      if (s.prev >= 0) set_pair(s.prev, pos);
      if (s.next >= 0) set_pair(pos, s.next);
      else cur_rank[static_cast<std::size_t>(pos)] = kNone;
    }
  }
}

void BpeModel::tokenize(std::string_view word, std::vector<BpeToken>& out) const {
  if (word.empty()) return;
  // Words repeat: a cache of short words skips the lookups and merges (results are the
  // same with or without it).
  constexpr std::size_t kMaxCachedWord = 64, kMaxCacheEntries = 1 << 17;
  const bool cacheable = word.size() <= kMaxCachedWord;
  thread_local std::string key;
  if (cacheable) {
    key.assign(word);
    std::lock_guard<std::mutex> lock(cache_mutex_);
    auto it = cache_.find(key);
    if (it != cache_.end()) {
      uint32_t pos = 0;
      for (std::size_t k = 0; k < it->second.ids.size(); ++k) {
        out.push_back(BpeToken{it->second.ids[k], pos, pos + it->second.lens[k]});
        pos += it->second.lens[k];
      }
      return;
    }
  }
  const std::size_t first = out.size();
  if (ignore_merges_) {
    int32_t id = lookup(word);
    if (id >= 0) out.push_back(BpeToken{id, 0, static_cast<uint32_t>(word.size())});
  }
  if (out.size() == first) {
    thread_local std::vector<Symbol> syms;
    initial_symbols(word, syms);
    merge(syms);
    for (int32_t i = syms.empty() ? -1 : 0; i >= 0; i = syms[static_cast<std::size_t>(i)].next) {
      const Symbol& s = syms[static_cast<std::size_t>(i)];
      out.push_back(BpeToken{s.id, s.begin, s.begin + s.len});
    }
  }
  if (cacheable) {
    CacheEntry e;
    for (std::size_t k = first; k < out.size(); ++k) {
      e.ids.push_back(out[k].id);
      e.lens.push_back(out[k].end - out[k].begin);
    }
    // Cumulative lengths reproduce the offsets only when the tokens tile the word.
    uint32_t pos = 0;
    bool tiles = true;
    for (std::size_t k = first; k < out.size(); ++k) {
      tiles = tiles && out[k].begin == pos;
      pos = out[k].end;
    }
    if (tiles) {
      std::lock_guard<std::mutex> lock(cache_mutex_);
      if (cache_.size() >= kMaxCacheEntries) cache_.clear();
      cache_.emplace(key, std::move(e));
    }
  }
}

}  // namespace tunesmith::text::detail
