// Output files: the results.jsonl line schema, summary aggregates, the HTML report with
// hostile model output, CSV quoting.
#include <catch2/catch.hpp>

#include <filesystem>

#include "core/eval/evaluation.h"
#include "core/eval/report.h"
#include "core/eval/summary.h"
#include "tests/eval/eval_test_util.h"
#include "tests/support/test_paths.h"

using namespace tunesmith::eval;
using tunesmith::test::FakeAnswerer;
using tunesmith::test::make_test_case;

namespace {

EvalResult small_run(const std::string& hostile) {
  std::vector<EvalCase> cases = {make_test_case("How long is the link valid?", "The link is valid for 7 days.",
                                                "7 days"),
                                 make_test_case("Say hi", "Hi there")};
  auto a = std::make_shared<FakeAnswerer>([](const Json&) { return "It is valid for 7 days."; }, "local:a");
  auto b = std::make_shared<FakeAnswerer>([&](const Json&) { return hostile; }, "openai:x", false);
  EvalOptions o;
  o.scorers = {parse_scorer("contains"), parse_scorer("rouge")};
  o.data_path = "test.jsonl";
  o.seed = 3;
  return run_evaluation(cases, {{"a", a}, {"b", b}}, o);
}

}  // namespace

TEST_CASE("results.jsonl lines follow CLI.md's schema; a scorer that does not apply is null", "[eval][report]") {
  const EvalResult r = small_run("nope");
  const Json l0 = result_line(r, 0), l1 = result_line(r, 1);
  for (const char* key : {"id", "input", "reference", "expected", "answer_a", "answer_b", "latency_s", "scores"})
    CHECK(l0.contains(key));
  CHECK_FALSE(l0.contains("answer_c"));
  CHECK(l0["input"].is_array());
  CHECK(l0["reference"] == "The link is valid for 7 days.");
  CHECK(l0["expected"] == Json::array({"7 days"}));
  CHECK(l0["answer_a"] == "It is valid for 7 days.");
  CHECK(l0["latency_s"]["a"] == 0.5);
  CHECK(l0["scores"]["a"]["contains"] == 1.0);
  CHECK(l0["scores"]["b"]["contains"] == 0.0);
  CHECK(l0["scores"]["a"]["rouge"].get<double>() > 0.5);
  CHECK(l1["expected"].is_null());
  CHECK(l1["scores"]["a"]["contains"].is_null());  // no expected: not scored

  const Json s = summarize(r);
  CHECK(s["cases"] == 2);
  const Json& c = s["answerers"]["a"]["scores"]["contains"];
  CHECK(c["kind"] == "accuracy");
  CHECK(c["n"] == 1);
  CHECK(c["not_scored"] == 1);
  CHECK(c["mean"] == 1.0);
  CHECK(s["answerers"]["a"]["latency"]["tokens_per_s"].get<double>() == Approx(20.0));  // 10 tokens / 0.5 s
  CHECK_FALSE(s["answerers"]["b"]["latency"].contains("tokens_per_s"));  // not local
  CHECK(summarize(r) == s);  // the bootstrap is seeded
}

TEST_CASE("report.html renders hostile model output as text", "[eval][report]") {
  const std::string long_line(20000, 'W');
  const std::string hostile = "<script>alert(\"x\")</script> ' onmouseover='steal()' <img src=x onerror=y> & " + long_line;
  const EvalResult r = small_run(hostile);
  const std::string html = render_html(r, summarize(r));
  CHECK(html.find("<script") == std::string::npos);
  CHECK(html.find("<img") == std::string::npos);
  CHECK(html.find("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;") != std::string::npos);
  CHECK(html.find("&#39; onmouseover=&#39;steal()&#39;") != std::string::npos);
  CHECK(html.find("&amp; WWW") != std::string::npos);
  CHECK(html.find(long_line) != std::string::npos);  // kept whole, wrapped by CSS
  CHECK(html.find("overflow-wrap:anywhere") != std::string::npos);
  CHECK(html.find("Content-Security-Policy") != std::string::npos);
  CHECK(html_escape("a<b>&\"'") == "a&lt;b&gt;&amp;&quot;&#39;");

  // Written with the other files.
  const std::string dir = tunesmith::test::scratch_dir("eval_report");
  write_outputs(r, summarize(r), dir);
  for (const char* f : {"results.jsonl", "summary.json", "report.html", "results.csv"})
    CHECK(std::filesystem::exists(dir + "/" + f));
}

TEST_CASE("CSV: quoted, formulas neutralized", "[eval][report]") {
  CHECK(csv_cell("plain") == "plain");
  CHECK(csv_cell("a,b") == "\"a,b\"");
  CHECK(csv_cell("say \"hi\"") == "\"say \"\"hi\"\"\"");
  CHECK(csv_cell("line\nbreak") == "\"line\nbreak\"");
  CHECK(csv_cell("=HYPERLINK(\"x\")") == "\"'=HYPERLINK(\"\"x\"\")\"");
  CHECK(csv_cell("@SUM(A1)") == "'@SUM(A1)");
  const EvalResult r = small_run("x, \"y\"");
  const std::string csv = render_csv(r);
  CHECK(csv.rfind("id,input,reference,expected,answer_a,latency_s_a,contains_a,rouge_a,answer_b", 0) == 0);
  CHECK(csv.find("\"x, \"\"y\"\"\"") != std::string::npos);
}
