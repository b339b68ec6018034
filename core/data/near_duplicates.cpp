#include "core/data/near_duplicates.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <thread>

#include "core/data/normalize.h"

namespace tunesmith::data {
namespace {

std::uint64_t mix64(std::uint64_t x) {  // splitmix64's finalizer
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}

// The MinHash functions h_k(x) = high 32 bits of (a_k * x + b_k) mod 2^64 for a 32-bit x,
// a_k odd: Dietzfelbinger's multiply-add-shift family. Fixed seeds: a stored signature
// must mean the same thing tomorrow.
struct HashFamily {
  std::array<std::uint64_t, kMinHashPermutations> a{}, b{};
  HashFamily() {
    std::uint64_t state = 0x7475'6e65'736d'6974ULL;  // "tunesmit"
    for (std::size_t k = 0; k < kMinHashPermutations; ++k) {
      state += 0x9e3779b97f4a7c15ULL;
      a[k] = mix64(state) | 1;
      state += 0x9e3779b97f4a7c15ULL;
      b[k] = mix64(state);
    }
  }
};
const HashFamily& family() {
  static const HashFamily f;
  return f;
}

void signature_of(const Conversation& example, std::uint32_t* sig, std::uint8_t& empty) {
  std::fill(sig, sig + kMinHashPermutations, 0xffffffffu);
  const auto shingles = shingle_hashes(example);
  empty = shingles.empty();
  const HashFamily& f = family();
  for (std::uint64_t s : shingles) {
    const std::uint64_t x = s >> 32;
    for (std::size_t k = 0; k < kMinHashPermutations; ++k) {
      auto v = static_cast<std::uint32_t>((f.a[k] * x + f.b[k]) >> 32);
      sig[k] = std::min(sig[k], v);
    }
  }
}

}  // namespace

std::vector<std::uint64_t> shingle_hashes(const Conversation& example) {
  std::vector<std::uint64_t> words;
  for (std::size_t i = 0; i < example.message_count(); ++i) {
    const std::string role = example.role(i);
    if (role == "system" || role == "developer") continue;
    words.push_back(stable_hash(role + ":"));
    const std::string text = normalize_text(example.text(i));
    std::string_view rest = text;
    while (!rest.empty()) {
      std::size_t space = rest.find(' ');
      words.push_back(stable_hash(rest.substr(0, space)));
      if (space == std::string_view::npos) break;
      rest.remove_prefix(space + 1);
    }
  }
  std::vector<std::uint64_t> shingles;
  if (words.empty()) return shingles;
  // A text shorter than one shingle is one shingle of all its words.
  const std::size_t count = words.size() >= kShingleWords ? words.size() - kShingleWords + 1 : 1;
  const std::size_t width = std::min(words.size(), kShingleWords);
  shingles.reserve(count);
  for (std::size_t k = 0; k < count; ++k) {
    std::uint64_t h = 0;
    for (std::size_t w = 0; w < width; ++w) h = mix64(h ^ (words[k + w] + 0x9e3779b97f4a7c15ULL * (w + 1)));
    shingles.push_back(h);
  }
  return shingles;
}

Signatures minhash_signatures(const std::vector<Conversation>& examples, unsigned threads) {
  Signatures s;
  s.count = examples.size();
  s.values.resize(s.count * kMinHashPermutations);
  s.empty.resize(s.count);
  family();  // built before the threads start
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  threads = static_cast<unsigned>(std::min<std::size_t>(threads, 1 + s.count / 2000));
  // Each thread fills its own stride of examples: the same values whatever the count.
  auto work = [&](unsigned t) {
    for (std::size_t i = t; i < s.count; i += threads)
      signature_of(examples[i], s.values.data() + i * kMinHashPermutations, s.empty[i]);
  };
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads; ++t) pool.emplace_back(work, t);
  work(0);
  for (auto& th : pool) th.join();
  return s;
}

double estimated_jaccard(const std::uint32_t* a, const std::uint32_t* b) {
  std::size_t equal = 0;
  for (std::size_t k = 0; k < kMinHashPermutations; ++k) equal += a[k] == b[k];
  return static_cast<double>(equal) / kMinHashPermutations;
}

LshIndex::LshIndex(double threshold) {
  // The most rows per band (fewest spurious candidates) whose chance of missing a pair
  // at the threshold, (1 - t^r)^b, stays below 1/1000.
  rows_ = 1;
  for (std::size_t r = 8; r >= 1; --r) {
    const std::size_t b = kMinHashPermutations / r;
    if (std::pow(1.0 - std::pow(threshold, static_cast<double>(r)), static_cast<double>(b)) < 1e-3) {
      rows_ = r;
      break;
    }
  }
  bands_ = kMinHashPermutations / rows_;
  slots_.resize(1024);
}

void LshIndex::reserve(std::size_t items) {
  std::size_t capacity = slots_.size();
  while (capacity * 7 < items * bands_ * 10) capacity *= 2;  // load stays below 0.7
  if (capacity > slots_.size()) rehash(capacity);
  ids_.reserve(items * bands_);
  next_.reserve(items * bands_);
}

std::uint64_t LshIndex::band_key(const std::uint32_t* signature, std::size_t band) const {
  std::uint64_t h = mix64(band + 1);
  for (std::size_t r = 0; r < rows_; ++r) h = mix64(h ^ signature[band * rows_ + r]);
  return h ? h : 1;  // 0 marks a free slot
}

std::size_t LshIndex::slot(std::uint64_t key) const {
  const std::size_t mask = slots_.size() - 1;
  std::size_t i = key & mask;
  while (slots_[i].key != 0 && slots_[i].key != key) i = (i + 1) & mask;
  return i;
}

std::uint32_t LshIndex::head(std::uint64_t key) const {
  const Slot& s = slots_[slot(key)];
  return s.key == key ? s.head : kNone;
}

std::size_t LshIndex::bucket_size(std::uint64_t key) const {
  const Slot& s = slots_[slot(key)];
  return s.key == key ? s.size : 0;
}

void LshIndex::rehash(std::size_t capacity) {
  std::vector<Slot> old(capacity);
  old.swap(slots_);
  for (const Slot& s : old)
    if (s.key != 0) slots_[slot(s.key)] = s;
}

void LshIndex::insert(std::uint64_t key, std::uint32_t id) {
  if ((used_ + 1) * 10 > slots_.size() * 7) rehash(slots_.size() * 2);
  Slot& s = slots_[slot(key)];
  if (s.key == 0) {
    s.key = key;
    ++used_;
  }
  ids_.push_back(id);
  next_.push_back(s.head);
  s.head = static_cast<std::uint32_t>(ids_.size() - 1);
  ++s.size;
}

}  // namespace tunesmith::data
