#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "core/data/dedupe.h"
#include "core/data/leakage.h"
#include "core/data/near_duplicates.h"

using namespace tunesmith::data;

namespace {
Conversation qa(const std::string& q, const std::string& a, const std::string& system = "") {
  Conversation c;
  if (!system.empty()) c.insert_message(0, "system", system);
  c.insert_message(c.message_count(), "user", q);
  c.insert_message(c.message_count(), "assistant", a);
  return c;
}
std::string words(int from, int count) {
  std::string s;
  for (int i = from; i < from + count; ++i) s += (s.empty() ? "" : " ") + ("word" + std::to_string(i));
  return s;
}
}  // namespace

TEST_CASE("exact duplicates ignore case and spacing; the first stays", "[dedupe]") {
  std::vector<Conversation> ex{qa("Hello there", "Hi!"), qa("Other", "x"), qa("  hello   THERE ", "hi!"),
                               qa("Hello there", "Hi!")};
  auto r = find_duplicates(ex, std::nullopt);
  CHECK(r.kept == std::vector<std::size_t>{0, 1});
  REQUIRE(r.removed.size() == 2);
  CHECK(r.removed[0].removed == 2);
  CHECK(r.removed[0].kept == 0);
  CHECK(r.removed[0].exact);
  CHECK(r.removed[1].kept == 0);
}

TEST_CASE("near duplicates follow the threshold", "[dedupe]") {
  const std::string base = words(0, 60);
  const std::string one_changed = words(0, 30) + " changed " + words(31, 29);
  std::vector<Conversation> ex{qa("question " + base, "answer"), qa("question " + one_changed, "answer"),
                               qa(words(100, 60), "something else")};
  {  // signatures do not depend on the number of threads
    auto s1 = minhash_signatures(ex, 1), s2 = minhash_signatures(ex, 4);
    CHECK(s1.values == s2.values);
    CHECK(estimated_jaccard(s1[0], s1[1]) > 0.8);
    CHECK(estimated_jaccard(s1[0], s1[2]) < 0.2);
  }
  CHECK(find_duplicates(ex, std::nullopt).removed.empty());
  auto near = find_duplicates(ex, 0.8);
  REQUIRE(near.removed.size() == 1);
  CHECK(near.removed[0].removed == 1);
  CHECK(near.removed[0].kept == 0);
  CHECK_FALSE(near.removed[0].exact);
  CHECK(near.removed[0].similarity >= 0.8);
  CHECK(find_duplicates(ex, 0.99).removed.empty());
}

TEST_CASE("a shared system prompt does not make examples near duplicates", "[dedupe]") {
  const std::string system = words(500, 80);
  std::vector<Conversation> ex{qa(words(0, 10), words(10, 10), system), qa(words(20, 10), words(30, 10), system)};
  CHECK(find_duplicates(ex, 0.5).removed.empty());
}

TEST_CASE("duplicate groups are closed over chains", "[dedupe]") {
  // a~b and b~c (one word apart each), a and c further apart.
  const std::string a = words(0, 40), b = words(0, 20) + " x " + words(21, 19),
                    c = words(0, 20) + " x " + words(21, 9) + " y " + words(31, 9);
  std::vector<Conversation> ex{qa(a, "r"), qa(words(200, 40), "z"), qa(b, "r"), qa(c, "r"), qa(a, "r")};
  auto groups = duplicate_groups(ex, 0.75);
  REQUIRE(groups.size() == 2);
  CHECK(groups[0] == std::vector<std::size_t>{0, 2, 3, 4});
  CHECK(groups[1] == std::vector<std::size_t>{1});
  auto exact_only = duplicate_groups(ex, std::nullopt);
  CHECK(exact_only.size() == 4);
}

TEST_CASE("leakage reports exact and near pairs", "[leakage]") {
  std::vector<Conversation> train{qa("alpha beta", "gamma"), qa("question " + words(0, 50), "answer"),
                                  qa(words(300, 30), "unrelated")};
  std::vector<Conversation> test{qa("something new", "entirely"), qa("ALPHA   beta", "Gamma"),
                                 qa("question " + words(0, 25) + " changed " + words(26, 24), "answer")};
  auto exact = find_leakage(train, test, std::nullopt);
  REQUIRE(exact.size() == 1);
  CHECK(exact[0].train == 0);
  CHECK(exact[0].test == 1);
  CHECK(exact[0].exact);
  auto near = find_leakage(train, test, 0.8);
  REQUIRE(near.size() == 2);
  CHECK(near[1].train == 1);
  CHECK(near[1].test == 2);
  CHECK_FALSE(near[1].exact);
  CHECK(near[1].similarity >= 0.8);
  CHECK(find_leakage(train, {qa("fresh", "text")}, 0.8).empty());
}
