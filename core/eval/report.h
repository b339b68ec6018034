#pragma once
// The files of an evaluation folder (CLI.md):
//   results.jsonl  one line per case: {"id", "input", "reference", "expected",
//                  "answer_a", "answer_b", "answer_c"?, "latency_s": {"a": ..},
//                  "scores": {"a": {"contains": 1, "rouge": 0.42}, ..}} (a scorer that does
//                  not apply is null), plus "tokens", "cost_usd", "errors", "judge" details
//   summary.json   summary.h
//   report.html    self-contained (inline CSS, no script, a CSP that forbids any): the
//                  summary and the side-by-side table. Model output is untrusted: every
//                  text is escaped and long lines wrap.
//   results.csv    one row per case, answers and scores side by side
//   probe.jsonl    the forgetting probe's answers, when it ran
// Every file is written atomically.
#include <string>

#include "core/data/json.h"
#include "core/eval/evaluation.h"

namespace tunesmith::eval {

data::Json result_line(const EvalResult& result, std::size_t case_index);

// &, <, >, ", ' as entities; NUL as U+FFFD.
std::string html_escape(std::string_view text);
std::string render_html(const EvalResult& result, const data::Json& summary);
// RFC 4180 quoting; a cell starting with = + - @ (or tab/CR) gets a leading ' so that a
// spreadsheet shows model output as text instead of running it as a formula.
std::string csv_cell(std::string_view text);
std::string render_csv(const EvalResult& result);

// Writes every file into `dir` (created when missing). Throws data::IoError.
void write_outputs(const EvalResult& result, const data::Json& summary, const std::string& dir);

}  // namespace tunesmith::eval
