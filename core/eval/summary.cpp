#include "core/eval/summary.h"

#include <cstdio>

#include "core/eval/bootstrap.h"
#include "core/eval/text_metrics.h"

namespace tunesmith::eval {
namespace {

using Json = data::Json;

// Each (label, scorer) gets its own bootstrap stream, derived from the seed, so adding
// an answerer does not change the other intervals.
std::uint64_t stream_seed(std::uint64_t seed, const std::string& label, const std::string& scorer) {
  std::uint64_t h = 1469598103934665603ull ^ seed;  // FNV-1a
  for (char c : label + "/" + scorer) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ull;
  }
  return h;
}

Json stat_json(const std::vector<double>& values, std::size_t not_scored, const std::string& kind,
               std::uint64_t seed) {
  const MeanCI ci = bootstrap_mean_ci(values, seed);
  Json j = {{"kind", kind}, {"n", ci.n}, {"not_scored", not_scored}};
  if (ci.n == 0) {
    j["mean"] = nullptr;
    j["ci95"] = nullptr;
  } else {
    j["mean"] = ci.mean;
    j["ci95"] = Json::array({ci.low, ci.high});
  }
  return j;
}

std::vector<std::string> score_names(const EvalResult& r) {
  std::vector<std::string> names;
  for (const ScorerSpec& s : r.scorers) names.push_back(s.name());
  return names;
}

}  // namespace

data::Json summarize(const EvalResult& r) {
  Json s = {{"version", 1},          {"data", r.data_path}, {"cases", r.cases.size()}, {"seed", r.seed},
            {"elapsed_s", r.elapsed_s}, {"cancelled", r.cancelled}};
  if (!r.train_path.empty()) s["train"] = r.train_path;
  if (!r.judge_spec.empty()) s["judge"] = r.judge_spec;
  Json scorers = Json::array();
  for (const auto& n : score_names(r)) scorers.push_back(n);
  s["scorers"] = scorers;
  Json answerers = Json::object();
  for (const std::string& label : r.labels) {
    Json a = {{"spec", r.specs.at(label)}, {"local", r.local.at(label)}};
    Json scores = Json::object();
    for (const ScorerSpec& spec : r.scorers) {
      const std::string name = spec.name();
      std::vector<double> values;
      std::size_t not_scored = 0;
      for (const auto& row : r.rows) {
        auto it = row.find(label);
        if (it == row.end()) continue;
        auto sc = it->second.scores.find(name);
        if (sc != it->second.scores.end() && sc->second) values.push_back(*sc->second);
        else ++not_scored;
      }
      const std::string kind = spec.binary() ? "accuracy" : spec.kind == ScorerKind::Judge ? "judge_score" : "mean";
      scores[name] = stat_json(values, not_scored, kind, stream_seed(r.seed, label, name));
    }
    a["scores"] = scores;
    bool judged = false;
    Json judge = {{"win", 0}, {"tie", 0}, {"loss", 0}, {"failed", 0}};
    std::size_t answers = 0, errors = 0;
    std::int64_t prompt_tokens = 0, completion_tokens = 0;
    double total_s = 0, cost = 0;
    bool priced = false;
    for (const auto& row : r.rows) {
      auto it = row.find(label);
      if (it == row.end()) continue;
      const Scored& sc = it->second;
      if (sc.judge) {
        judged = true;
        judge[verdict_name(sc.judge->verdict)] = judge[verdict_name(sc.judge->verdict)].get<int>() + 1;
      }
      if (!sc.answer.error.empty()) {
        ++errors;
        continue;
      }
      ++answers;
      prompt_tokens += sc.answer.prompt_tokens;
      completion_tokens += sc.answer.completion_tokens;
      total_s += sc.answer.latency_s;
      if (sc.answer.cost_usd) {
        priced = true;
        cost += *sc.answer.cost_usd;
      }
    }
    if (judged) {
      const int decided = judge["win"].get<int>() + judge["tie"].get<int>() + judge["loss"].get<int>();
      judge["win_rate"] = decided ? judge["win"].get<int>() / static_cast<double>(decided) : 0.0;
      a["judge"] = judge;
    }
    Json lat = {{"answers", answers},         {"errors", errors},
                {"total_s", total_s},         {"mean_s", answers ? total_s / static_cast<double>(answers) : 0.0},
                {"prompt_tokens", prompt_tokens}, {"completion_tokens", completion_tokens}};
    if (r.local.at(label)) lat["tokens_per_s"] = total_s > 0 ? static_cast<double>(completion_tokens) / total_s : 0.0;
    if (priced) {
      lat["cost_usd"] = cost;
      lat["usd_per_1000_answers"] = answers ? cost / static_cast<double>(answers) * 1000.0 : 0.0;
    }
    a["latency"] = lat;
    answerers[label] = a;
  }
  s["answerers"] = answerers;

  if (!r.probe_labels.empty()) {
    Json probe = {{"cases", r.probe_cases.size()}};
    Json pa = Json::object();
    // Agreement: how close each answerer's probe answers stay to the first local
    // answerer's (usually the base model): 1.0 means nothing was forgotten or changed.
    const std::string anchor = r.probe_labels.front();
    for (const std::string& label : r.probe_labels) {
      Json j = Json::object();
      for (const std::string name : {"rouge", "f1"}) {
        std::vector<double> v;
        std::size_t ns = 0;
        for (const auto& row : r.probe_rows) {
          auto it = row.find(label);
          const auto* val = it == row.end() ? nullptr : &it->second.scores.at(name);
          if (val && *val) v.push_back(**val);
          else ++ns;
        }
        j[name] = stat_json(v, ns, "mean", stream_seed(r.seed, "probe/" + label, name));
      }
      std::vector<double> agree;
      for (const auto& row : r.probe_rows) {
        auto a = row.find(anchor), b = row.find(label);
        if (a == row.end() || b == row.end() || !a->second.answer.error.empty() || !b->second.answer.error.empty())
          continue;
        // Identical answers agree fully, even ones without words (ROUGE would say 0).
        const std::string& x = b->second.answer.text;
        const std::string& y = a->second.answer.text;
        agree.push_back(x == y ? 1.0 : rouge_l_f(x, y));
      }
      j["agreement_with"] = anchor;
      j["agreement"] = stat_json(agree, r.probe_rows.size() - agree.size(), "mean",
                                 stream_seed(r.seed, "probe/" + label, "agreement"));
      pa[label] = j;
    }
    probe["answerers"] = pa;
    s["probe"] = probe;
  }
  return s;
}

std::string summary_text(const data::Json& s) {
  std::string out;
  char buf[256];
  for (const auto& [label, a] : s["answerers"].items()) {
    out += label + ": " + a["spec"].get<std::string>() + "\n";
    for (const auto& [name, st] : a["scores"].items()) {
      if (st["mean"].is_null()) {
        std::snprintf(buf, sizeof buf, "  %-12s not scored (%zu cases)\n", name.c_str(),
                      st["not_scored"].get<std::size_t>());
      } else {
        const bool pct = st["kind"] == "accuracy" || st["kind"] == "judge_score";
        const double f = pct ? 100.0 : 1.0;
        std::snprintf(buf, sizeof buf, pct ? "  %-12s %6.1f%% [%.1f, %.1f] (n=%zu)\n" : "  %-12s %6.3f [%.3f, %.3f] (n=%zu)\n",
                      name.c_str(), st["mean"].get<double>() * f, st["ci95"][0].get<double>() * f,
                      st["ci95"][1].get<double>() * f, st["n"].get<std::size_t>());
      }
      out += buf;
    }
    if (a.contains("judge")) {
      const Json& j = a["judge"];
      std::snprintf(buf, sizeof buf, "  judge        win %d / tie %d / loss %d / failed %d\n", j["win"].get<int>(),
                    j["tie"].get<int>(), j["loss"].get<int>(), j["failed"].get<int>());
      out += buf;
    }
    const Json& l = a["latency"];
    std::snprintf(buf, sizeof buf, "  latency      %.3f s/answer, %lld output tokens", l["mean_s"].get<double>(),
                  static_cast<long long>(l["completion_tokens"].get<std::int64_t>()));
    out += buf;
    if (l.contains("tokens_per_s")) {
      std::snprintf(buf, sizeof buf, ", %.1f tokens/s", l["tokens_per_s"].get<double>());
      out += buf;
    }
    if (l.contains("usd_per_1000_answers")) {
      std::snprintf(buf, sizeof buf, ", $%.4f per 1,000 answers", l["usd_per_1000_answers"].get<double>());
      out += buf;
    }
    if (l["errors"].get<std::size_t>() > 0) out += ", " + std::to_string(l["errors"].get<std::size_t>()) + " errors";
    out += "\n";
  }
  if (s.contains("probe")) {
    out += "forgetting probe (" + std::to_string(s["probe"]["cases"].get<std::size_t>()) + " general prompts):\n";
    for (const auto& [label, p] : s["probe"]["answerers"].items()) {
      std::snprintf(buf, sizeof buf, "  %s rouge %.3f, f1 %.3f, agreement with %s %.3f\n", label.c_str(),
                    p["rouge"]["mean"].is_null() ? 0.0 : p["rouge"]["mean"].get<double>(),
                    p["f1"]["mean"].is_null() ? 0.0 : p["f1"]["mean"].get<double>(),
                    p["agreement_with"].get<std::string>().c_str(),
                    p["agreement"]["mean"].is_null() ? 0.0 : p["agreement"]["mean"].get<double>());
      out += buf;
    }
  }
  return out;
}

}  // namespace tunesmith::eval
