// Bootstrap intervals, few-shot draws, the baseline comparison.
#include <catch2/catch.hpp>

#include <set>

#include "core/eval/baseline.h"
#include "core/eval/bootstrap.h"
#include "core/eval/fewshot.h"
#include "core/project/project.h"
#include "tests/eval/eval_test_util.h"
#include "tests/support/test_paths.h"

using namespace tunesmith::eval;
using tunesmith::test::FakeAnswerer;
using tunesmith::test::make_test_case;

TEST_CASE("bootstrap CI: seeded, deterministic, around the mean", "[eval][stats]") {
  const std::vector<double> v = {0, 1, 1, 1, 0, 1, 1, 0, 1, 1};
  const MeanCI a = bootstrap_mean_ci(v, 42), b = bootstrap_mean_ci(v, 42), c = bootstrap_mean_ci(v, 43);
  CHECK(a.mean == Approx(0.7));
  CHECK(a.n == 10);
  CHECK(a.low == b.low);
  CHECK(a.high == b.high);
  CHECK(a.low <= a.mean);
  CHECK(a.high >= a.mean);
  CHECK(a.low >= 0.0);
  CHECK(a.high <= 1.0);
  CHECK(a.high - a.low > 0.2);  // ten binary cases cannot pin a rate down
  CHECK((c.low != a.low || c.high != a.high));  // another seed, another resampling
  const MeanCI one = bootstrap_mean_ci({0.3}, 1);
  CHECK(one.low == 0.3);
  CHECK(one.high == 0.3);
  const MeanCI same = bootstrap_mean_ci({0.5, 0.5, 0.5}, 1);
  CHECK(same.low == Approx(0.5));
  CHECK(same.high == Approx(0.5));
  CHECK(bootstrap_mean_ci({}, 1).n == 0);
}

TEST_CASE("few-shot draws only from train, never from the test file", "[eval][fewshot]") {
  std::vector<EvalCase> train, test;
  for (int i = 0; i < 10; ++i)
    train.push_back(make_test_case("TRAIN question " + std::to_string(i), "TRAIN answer " + std::to_string(i),
                                   Json(), "You are the train system prompt."));
  for (int i = 0; i < 3; ++i)
    test.push_back(make_test_case("TEST question " + std::to_string(i), "TEST answer " + std::to_string(i), Json(),
                                  "You are the test system prompt."));
  const FewShot f = draw_fewshot(train, 3, 7);
  REQUIRE(f.shots.size() == 3);
  CHECK(std::set<std::size_t>(f.drawn.begin(), f.drawn.end()).size() == 3);
  CHECK(draw_fewshot(train, 3, 7).drawn == f.drawn);  // seeded
  CHECK(draw_fewshot(train, 50, 7).shots.size() == 10);  // at most the train split

  auto inner = std::make_shared<FakeAnswerer>([](const Json&) { return "ok"; });
  FewShotAnswerer fs(inner, f, "fewshot:3:m");
  std::vector<Json> inputs;
  for (const auto& c : test) inputs.push_back(c.input);
  fs.answer(inputs, nullptr);
  REQUIRE(inner->seen.size() == 3);
  for (std::size_t i = 0; i < inner->seen.size(); ++i) {
    const Json& m = inner->seen[i];
    REQUIRE(m.size() == 1 + 2 * 3 + 1);  // system, 3 shots, the question
    CHECK(m[0]["role"] == "system");
    CHECK(m[0]["content"] == "You are the test system prompt.");  // the case's own prompt
    for (std::size_t k = 1; k < 7; ++k) {
      const std::string t = m[k]["content"].get<std::string>();
      CHECK(t.rfind("TRAIN ", 0) == 0);  // every shot comes from train
      CHECK(t.find("TEST") == std::string::npos);
    }
    CHECK(m[7]["content"] == "TEST question " + std::to_string(i));
    // The test file's other questions and answers never leak into a prompt.
    const std::string all = m.dump();
    for (const auto& c : test) CHECK(all.find(c.reference) == std::string::npos);
  }
}

TEST_CASE("baseline: remembered in the project, compared with a summary", "[eval][baseline]") {
  const std::string dir = tunesmith::test::scratch_dir("eval_baseline");
  tunesmith::test::write_text(dir + "/tunesmith.json", R"({"format":"tunesmith-project","version":1,"name":"p"})");
  tunesmith::project::Project p = tunesmith::project::load_project(dir);
  CHECK_FALSE(p.baseline);
  const Json before = Json::parse(R"({"answerers":{"a":{"spec":"local:m","scores":{
      "contains":{"kind":"accuracy","mean":0.41,"ci95":[0.3,0.5],"n":39},
      "rouge":{"kind":"mean","mean":0.30,"ci95":[0.25,0.35],"n":39}}}}})");
  p.baseline = baseline_from_summary(before, "a", "evals/base");
  tunesmith::project::save_project(p);
  const tunesmith::project::Project q = tunesmith::project::load_project(dir);
  REQUIRE(q.baseline);
  CHECK(q.baseline->path == "evals/base");
  CHECK(q.baseline->spec == "local:m");
  CHECK(q.baseline->scores.at("contains") == Approx(0.41));

  const Json after = Json::parse(R"({"answerers":{"b":{"spec":"local:m+a","scores":{
      "contains":{"kind":"accuracy","mean":0.78,"ci95":[0.65,0.9],"n":39},
      "rouge":{"kind":"mean","mean":0.20,"ci95":[0.15,0.26],"n":39}}}}})");
  const auto changes = compare_with_baseline(after, "b", *q.baseline);
  REQUIRE(changes.size() == 2);
  CHECK(changes[0].text == "contains moved from 41.0% to 78.0%");
  CHECK_FALSE(changes[0].regression);
  CHECK(changes[1].regression);  // 0.30 lies above [0.15, 0.26]
  CHECK(changes[1].text == "rouge moved from 0.300 to 0.200 (regression)");
}
