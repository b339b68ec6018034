#include <catch2/catch.hpp>

#include <filesystem>

#include "tests/support/test_paths.h"

using namespace tunesmith::test;

TEST_CASE("tunesmith-cli --help and usage errors", "[cli]") {
  auto r = run_command(cli_path() + " --help");
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("data validate"));
  CHECK(run_command(cli_path()).exit_code == 2);
  CHECK(run_command(cli_path() + " frobnicate").exit_code == 2);
  CHECK(run_command(cli_path() + " demo create").exit_code == 2);  // --out missing
  CHECK(run_command(cli_path() + " demo create --bogus x").exit_code == 2);
}

// The pretrained base model is test_demo's (a fixture that builds it once); here the data.
TEST_CASE("tunesmith-cli demo create --data-only", "[cli]") {
  auto dir = scratch_dir("cli-demo");
  auto r = run_command(cli_path() + " demo create --data-only --out " + dir + "/p");
  CHECK(r.exit_code == 0);
  CHECK(std::filesystem::exists(dir + "/p/tunesmith.json"));
  CHECK(std::filesystem::exists(dir + "/p/data/test.jsonl"));
  CHECK_FALSE(std::filesystem::exists(dir + "/p/models/demo"));
}
