#pragma once
// Aggregates of an evaluation (summary.json):
//   {"version": 1, "data": PATH, "train": PATH?, "cases": N, "seed": S, "judge": SPEC?,
//    "elapsed_s": X, "cancelled": false,
//    "answerers": {"a": {"spec": "...", "local": true,
//        "scores": {"contains": {"kind": "accuracy", "mean": 0.41, "ci95": [0.26, 0.56],
//                                "n": 39, "not_scored": 0}, ...},
//        "judge": {"win": 3, "tie": 10, "loss": 26, "failed": 0, "win_rate": 0.08},
//        "latency": {"answers": 39, "errors": 0, "mean_s": 0.21, "total_s": 8.2,
//                    "prompt_tokens": 1234, "completion_tokens": 2345,
//                    "tokens_per_s": 286.0,                      (local)
//                    "cost_usd": 0.012, "usd_per_1000_answers": 0.31}}},   (API, priced)
//    "probe": {"cases": 20, "answerers": {"a": {"rouge": {...}, "f1": {...},
//              "agreement_with": "a", "agreement": {...}}}}}
// Means come with a seeded bootstrap 95% interval (bootstrap.h).
#include "core/data/json.h"
#include "core/eval/evaluation.h"

namespace tunesmith::eval {

data::Json summarize(const EvalResult& result);

// One line per answerer and scorer for a terminal: "a contains 41.0% [26.0, 56.4] (n=39)".
std::string summary_text(const data::Json& summary);

}  // namespace tunesmith::eval
