#include <catch2/catch.hpp>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "core/data/leakage.h"
#include "core/data/split.h"

using namespace tunesmith::data;

namespace {
Conversation qa(const std::string& q, const std::string& a) {
  Conversation c;
  c.insert_message(0, "user", q);
  c.insert_message(1, "assistant", a);
  return c;
}
std::string words(int from, int count) {
  std::string s;
  for (int i = from; i < from + count; ++i) s += (s.empty() ? "" : " ") + ("w" + std::to_string(i));
  return s;
}
// 200 distinct examples, then exact copies and near copies (one word changed) of some.
std::vector<Conversation> dataset() {
  std::vector<Conversation> ex;
  for (int i = 0; i < 200; ++i) ex.push_back(qa(words(i * 100, 60), "answer " + std::to_string(i)));
  for (int i = 0; i < 200; i += 5) ex.push_back(qa(words(i * 100, 60), "answer " + std::to_string(i)));
  for (int i = 1; i < 200; i += 7)
    ex.push_back(qa(words(i * 100, 30) + " changed " + words(i * 100 + 31, 29), "answer " + std::to_string(i)));
  return ex;
}
std::vector<Conversation> pick(const std::vector<Conversation>& ex, const std::vector<std::size_t>& idx) {
  std::vector<Conversation> out;
  for (auto i : idx) out.push_back(ex[i]);
  return out;
}
}  // namespace

TEST_CASE("split sizes parse as fractions or counts", "[split]") {
  CHECK(parse_split_size("0.1")->is_fraction);
  CHECK(parse_split_size("0.1")->of(1000) == 100);
  CHECK(parse_split_size("25")->of(1000) == 25);
  CHECK(parse_split_size("0.001")->of(10) == 1);  // never an empty part
  CHECK_FALSE(parse_split_size("0"));
  CHECK_FALSE(parse_split_size("1.0"));
  CHECK_FALSE(parse_split_size("1.5"));
  CHECK_FALSE(parse_split_size("-3"));
  CHECK_FALSE(parse_split_size("x"));
  CHECK_FALSE(parse_split_size(""));
}

TEST_CASE("the PRNG is splitmix64 exactly", "[split]") {
  // Reference values of splitmix64 seeded with 0 (Vigna's splitmix64.c).
  SplitMix64 rng(0);
  CHECK(rng.next() == 0xe220a8397b1dcdafULL);
  CHECK(rng.next() == 0x6e789e6aa1b965f4ULL);
  SplitMix64 r2(7);
  for (int i = 0; i < 1000; ++i) CHECK(r2.below(10) < 10);
}

TEST_CASE("split is deterministic, sized as asked, and never leaks", "[split]") {
  const auto ex = dataset();
  SplitOptions opt;
  opt.test = *parse_split_size("0.2");
  opt.val = parse_split_size("10");
  opt.seed = 7;
  const auto a = split_examples(ex, opt);
  const auto b = split_examples(ex, opt);
  CHECK(a.train == b.train);
  CHECK(a.val == b.val);
  CHECK(a.test == b.test);
  CHECK(a.test.size() == a.test_target);
  CHECK(a.test_target == static_cast<std::size_t>(std::llround(0.2 * ex.size())));
  CHECK(a.val.size() == 10);
  CHECK(a.train.size() + a.val.size() + a.test.size() == ex.size());
  std::set<std::size_t> all(a.train.begin(), a.train.end());
  all.insert(a.val.begin(), a.val.end());
  all.insert(a.test.begin(), a.test.end());
  CHECK(all.size() == ex.size());
  std::size_t copied = 0;  // originals with an exact or a near copy (some have both)
  for (int i = 0; i < 200; ++i) copied += i % 5 == 0 || i % 7 == 1;
  CHECK(a.groups == copied);

  const auto train = pick(ex, a.train), val = pick(ex, a.val), test = pick(ex, a.test);
  CHECK(find_leakage(train, test, 0.8).empty());
  CHECK(find_leakage(train, val, 0.8).empty());
  CHECK(find_leakage(val, test, 0.8).empty());

  SplitOptions other = opt;
  other.seed = 8;
  CHECK(split_examples(ex, other).test != a.test);
}

TEST_CASE("a plain random split would leak on this data (the test can fail)", "[split]") {
  // Guards the test above: with duplicates split at random, leakage is found.
  const auto ex = dataset();
  std::vector<std::size_t> train, test;
  for (std::size_t i = 0; i < ex.size(); ++i) (i % 5 == 0 ? test : train).push_back(i);
  CHECK_FALSE(find_leakage(pick(ex, train), pick(ex, test), 0.8).empty());
}

TEST_CASE("split refuses sizes that leave no training data", "[split]") {
  std::vector<Conversation> ex{qa("a", "b"), qa("c", "d"), qa("e", "f")};
  SplitOptions opt;
  opt.test = *parse_split_size("2");
  opt.val = parse_split_size("1");
  CHECK_THROWS_AS(split_examples(ex, opt), SplitError);
  opt.val.reset();
  CHECK(split_examples(ex, opt).train.size() == 1);
}
