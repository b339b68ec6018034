#include <catch2/catch.hpp>

#include <filesystem>

#include "core/data/dataset.h"
#include "core/data/io_error.h"
#include "core/project/project.h"
#include "tests/support/test_paths.h"

using namespace tunesmith;

TEST_CASE("the demo project is written and loads back", "[project]") {
  auto dir = test::scratch_dir("demo");
  auto p = project::create_demo_project(dir, test::source_path("resources"));
  auto q = project::load_project(dir);
  CHECK(q.name == p.name);
  REQUIRE(q.datasets.size() == 2);
  auto train = data::load_jsonl(q.resolve(q.datasets[0].path));
  auto test = data::load_jsonl(q.resolve(q.datasets[1].path));
  CHECK(train.findings.empty());
  CHECK(test.findings.empty());
  CHECK(train.dataset.examples.size() + test.dataset.examples.size() >= 150);
}

TEST_CASE("malformed project files name the problem", "[project]") {
  auto dir = test::scratch_dir("bad-project");
  CHECK_THROWS_AS(project::load_project(dir), data::IoError);
  test::write_text(dir + "/tunesmith.json", "{ not json");
  CHECK_THROWS_WITH(project::load_project(dir), Catch::Contains("invalid JSON"));
  test::write_text(dir + "/tunesmith.json", R"({"format":"tunesmith-project","version":1,"datasets":[{"name":"x"}]})");
  CHECK_THROWS_WITH(project::load_project(dir), Catch::Contains("datasets[0]: field 'path'"));
  test::write_text(dir + "/tunesmith.json", R"({"format":"tunesmith-project","version":99})");
  CHECK_THROWS_WITH(project::load_project(dir), Catch::Contains("unsupported project version"));
}
