// The evaluation as a job: events in order on the worker thread, cancel with partial
// results written.
#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <mutex>
#include <thread>

#include "core/eval/eval_job.h"
#include "tests/eval/eval_test_util.h"
#include "tests/support/test_paths.h"

using namespace tunesmith;
using namespace tunesmith::eval;
using tunesmith::test::FakeAnswerer;
using tunesmith::test::make_test_case;

namespace {

struct Recorder {
  std::mutex m;
  std::vector<jobs::JobEvent> events;
  void operator()(const jobs::JobEvent& e) {
    std::lock_guard<std::mutex> l(m);
    events.push_back(e);
  }
};

EvalJobConfig config(std::size_t n, std::shared_ptr<Answerer> a, std::shared_ptr<Answerer> b, const std::string& dir) {
  EvalJobConfig c;
  for (std::size_t i = 0; i < n; ++i) c.cases.push_back(make_test_case("q" + std::to_string(i), "r", "r"));
  c.contestants = {{"a", std::move(a)}, {"b", std::move(b)}};
  c.options.scorers = {parse_scorer("contains")};
  c.out_dir = dir;
  return c;
}

}  // namespace

TEST_CASE("eval job: Started, Logs and Steps, Finished; files written", "[eval][job]") {
  const std::string dir = test::scratch_dir("eval_job");
  auto a = std::make_shared<FakeAnswerer>([](const Json&) { return "r"; }, "a", true, 2);
  auto b = std::make_shared<FakeAnswerer>([](const Json&) { return "x"; }, "b", true, 2);
  EvalJob job(config(5, a, b, dir));
  auto rec = std::make_shared<Recorder>();
  job.set_event_callback([rec](const jobs::JobEvent& e) { (*rec)(e); });
  CHECK(job.id().empty());
  job.start();
  job.wait();
  CHECK(job.state() == jobs::JobState::Succeeded);
  REQUIRE(rec->events.size() >= 4);
  CHECK(std::holds_alternative<jobs::Started>(rec->events.front()));
  REQUIRE(std::holds_alternative<jobs::Finished>(rec->events.back()));
  CHECK(std::get<jobs::Finished>(rec->events.back()).model == dir);
  std::int64_t last = -1;
  int logs = 0;
  for (const auto& e : rec->events) {
    if (auto* s = std::get_if<jobs::Step>(&e)) {
      CHECK(s->step >= last);
      CHECK(s->total_steps == 10);
      last = s->step;
    }
    if (std::holds_alternative<jobs::Log>(e)) ++logs;
  }
  CHECK(last == 10);
  CHECK(logs == 2);  // "answer a", "answer b"
  CHECK(job.summary()["answerers"]["a"]["scores"]["contains"]["mean"] == 1.0);
  CHECK(job.summary()["answerers"]["b"]["scores"]["contains"]["mean"] == 0.0);
  CHECK(std::filesystem::exists(dir + "/report.html"));
}

TEST_CASE("eval job: cancel stops between calls and still writes the partial results", "[eval][job]") {
  const std::string dir = test::scratch_dir("eval_job_cancel");
  auto slow = std::make_shared<FakeAnswerer>([](const Json&) { return "r"; }, "slow", true, 1);
  slow->on_answer = [] { std::this_thread::sleep_for(std::chrono::milliseconds(30)); };
  auto b = std::make_shared<FakeAnswerer>([](const Json&) { return "x"; }, "b", true, 1);
  EvalJob job(config(40, slow, b, dir));
  auto rec = std::make_shared<Recorder>();
  job.set_event_callback([rec, &job](const jobs::JobEvent& e) {
    (*rec)(e);
    if (auto* s = std::get_if<jobs::Step>(&e); s && s->step == 3) job.cancel();
  });
  job.start();
  job.wait();
  CHECK(job.state() == jobs::JobState::Cancelled);
  REQUIRE(std::holds_alternative<jobs::Cancelled>(rec->events.back()));
  CHECK(b->seen.empty());  // the second answerer never started
  CHECK(slow->seen.size() < 10);
  CHECK(job.summary()["cancelled"] == true);
  CHECK(std::filesystem::exists(dir + "/results.jsonl"));
}

TEST_CASE("evaluation: a judge scorer without a judge is refused", "[eval][job]") {
  auto a = std::make_shared<FakeAnswerer>([](const Json&) { return "r"; });
  EvalOptions o;
  o.scorers = {parse_scorer("judge")};
  CHECK_THROWS_AS(run_evaluation({make_test_case("q", "r")}, {{"a", a}}, o), std::invalid_argument);
}
