#include "core/eval/report.h"

#include <cstdio>
#include <filesystem>

#include "core/data/atomic_file.h"
#include "core/eval/eval_case.h"

namespace tunesmith::eval {
namespace {

using Json = data::Json;

Json score_value(const std::optional<double>& v) { return v ? Json(*v) : Json(nullptr); }

std::string fmt(double v, const char* f = "%.3f") {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

Json scored_scores(const Scored& s, const std::vector<ScorerSpec>& scorers) {
  Json j = Json::object();
  for (const ScorerSpec& spec : scorers) {
    auto it = s.scores.find(spec.name());
    j[spec.name()] = it == s.scores.end() ? Json(nullptr) : score_value(it->second);
  }
  return j;
}

}  // namespace

Json result_line(const EvalResult& r, std::size_t i) {
  const EvalCase& c = r.cases[i];
  Json line = {{"id", c.id},
               {"input", c.input},
               {"reference", c.has_reference ? Json(c.reference) : Json(nullptr)},
               {"expected", c.expected ? Json(*c.expected) : Json(nullptr)}};
  Json latency = Json::object(), scores = Json::object(), tokens = Json::object(), cost = Json::object(),
       errors = Json::object(), judge = Json::object();
  for (const std::string& label : r.labels) {
    auto it = r.rows[i].find(label);
    if (it == r.rows[i].end()) {
      line["answer_" + label] = nullptr;
      continue;
    }
    const Scored& s = it->second;
    line["answer_" + label] = s.answer.error.empty() ? Json(s.answer.text) : Json(nullptr);
    latency[label] = s.answer.latency_s;
    scores[label] = scored_scores(s, r.scorers);
    tokens[label] = {{"prompt", s.answer.prompt_tokens}, {"completion", s.answer.completion_tokens}};
    if (s.answer.cost_usd) cost[label] = *s.answer.cost_usd;
    if (!s.answer.error.empty()) errors[label] = s.answer.error;
    if (s.judge || s.grade) {
      Json jd = Json::object();
      if (s.judge)
        jd["pairwise"] = {{"verdict", verdict_name(s.judge->verdict)},
                          {"reasoning", s.judge->reasoning},
                          {"answer_first", s.judge->answer_first},
                          {"reference_first", s.judge->reference_first},
                          {"calls", s.judge->calls}};
      if (s.grade)
        jd["grade"] = {{"score", s.grade->score ? Json(*s.grade->score) : Json(nullptr)},
                       {"reasoning", s.grade->reasoning},
                       {"calls", s.grade->calls}};
      judge[label] = jd;
    }
  }
  line["latency_s"] = latency;
  line["scores"] = scores;
  line["tokens"] = tokens;
  if (!cost.empty()) line["cost_usd"] = cost;
  if (!errors.empty()) line["errors"] = errors;
  if (!judge.empty()) line["judge"] = judge;
  return line;
}

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      case '\0': out += "&#xFFFD;"; break;
      default: out.push_back(c);
    }
  }
  return out;
}

std::string render_html(const EvalResult& r, const Json& summary) {
  std::string h;
  h += "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n";
  // No script may run even if some text escaped its escaping: the policy forbids all but
  // the inline style below.
  h += "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n";
  h += "<title>Tunesmith evaluation</title>\n<style>\n"
       "body{font-family:system-ui,sans-serif;margin:1.5em;color:#222}\n"
       "table{border-collapse:collapse;width:100%;table-layout:fixed;margin-bottom:2em}\n"
       "th,td{border:1px solid #ccc;padding:.4em;vertical-align:top;text-align:left}\n"
       "td{white-space:pre-wrap;overflow-wrap:anywhere;word-break:break-word}\n"
       "th{background:#f3f3f3}.num{text-align:right;white-space:nowrap}\n"
       ".score{font-size:.85em;color:#555;margin-top:.4em}.err{color:#b00}\n"
       "</style></head><body>\n";
  h += "<h1>Evaluation</h1>\n<p>" + html_escape(r.data_path) + ": " + std::to_string(r.cases.size()) + " cases";
  if (!r.judge_spec.empty()) h += "; judge " + html_escape(r.judge_spec);
  if (r.cancelled) h += " <span class=\"err\">(cancelled: partial results)</span>";
  h += "</p>\n";

  // Summary: one row per answerer, one column per scorer.
  h += "<h2>Summary</h2>\n<table><tr><th>answerer</th>";
  for (const ScorerSpec& s : r.scorers) h += "<th>" + html_escape(s.name()) + "</th>";
  h += "<th>latency</th><th>cost</th></tr>\n";
  for (const std::string& label : r.labels) {
    const Json& a = summary["answerers"][label];
    h += "<tr><td>" + html_escape(label + ": " + a["spec"].get<std::string>()) + "</td>";
    for (const ScorerSpec& s : r.scorers) {
      const Json& st = a["scores"][s.name()];
      if (st["mean"].is_null()) {
        h += "<td class=\"num\">not scored</td>";
        continue;
      }
      const bool pct = st["kind"] != "mean";
      const double f = pct ? 100.0 : 1.0;
      const char* form = pct ? "%.1f%%" : "%.3f";
      std::string cell = fmt(st["mean"].get<double>() * f, form) + " [" + fmt(st["ci95"][0].get<double>() * f, form) +
                         ", " + fmt(st["ci95"][1].get<double>() * f, form) + "] n=" + std::to_string(st["n"].get<int>());
      if (s.kind == ScorerKind::Judge && a.contains("judge")) {
        const Json& j = a["judge"];
        cell += "\nwin " + std::to_string(j["win"].get<int>()) + " / tie " + std::to_string(j["tie"].get<int>()) +
                " / loss " + std::to_string(j["loss"].get<int>()) + " / failed " + std::to_string(j["failed"].get<int>());
      }
      h += "<td class=\"num\">" + html_escape(cell) + "</td>";
    }
    const Json& l = a["latency"];
    std::string lat = fmt(l["mean_s"].get<double>()) + " s/answer";
    if (l.contains("tokens_per_s")) lat += "\n" + fmt(l["tokens_per_s"].get<double>(), "%.1f") + " tokens/s";
    h += "<td class=\"num\">" + html_escape(lat) + "</td>";
    std::string cost = l.contains("usd_per_1000_answers")
                           ? "$" + fmt(l["usd_per_1000_answers"].get<double>(), "%.4f") + " per 1,000 answers"
                           : (a["local"].get<bool>() ? "local" : "no price");
    h += "<td class=\"num\">" + html_escape(cost) + "</td></tr>\n";
  }
  h += "</table>\n";

  if (summary.contains("probe")) {
    h += "<h2>Forgetting probe</h2>\n<p>General prompts outside the task, scored against short references; "
         "agreement is ROUGE-L against the first local answerer's answers.</p>\n"
         "<table><tr><th>answerer</th><th>rouge</th><th>f1</th><th>agreement</th></tr>\n";
    for (const auto& [label, p] : summary["probe"]["answerers"].items()) {
      auto mean = [](const Json& st) { return st["mean"].is_null() ? std::string("-") : fmt(st["mean"].get<double>()); };
      h += "<tr><td>" + html_escape(label) + "</td><td class=\"num\">" + mean(p["rouge"]) + "</td><td class=\"num\">" +
           mean(p["f1"]) + "</td><td class=\"num\">" + mean(p["agreement"]) + " (vs " +
           html_escape(p["agreement_with"].get<std::string>()) + ")</td></tr>\n";
    }
    h += "</table>\n";
  }

  // Side by side: the question, the reference, every answer with its scores.
  h += "<h2>Cases</h2>\n<table><tr><th style=\"width:4em\">id</th><th>input</th><th>reference</th>";
  for (const std::string& label : r.labels) h += "<th>" + html_escape(label) + "</th>";
  h += "</tr>\n";
  for (std::size_t i = 0; i < r.cases.size(); ++i) {
    const EvalCase& c = r.cases[i];
    h += "<tr><td>" + html_escape(c.id) + "</td><td>" + html_escape(last_user_text(c.input)) + "</td><td>" +
         html_escape(c.reference);
    if (c.expected) {
      std::string e;
      for (const std::string& p : *c.expected) e += (e.empty() ? "" : ", ") + p;
      h += "<div class=\"score\">expected: " + html_escape(e) + "</div>";
    }
    h += "</td>";
    for (const std::string& label : r.labels) {
      auto it = r.rows[i].find(label);
      if (it == r.rows[i].end()) {
        h += "<td></td>";
        continue;
      }
      const Scored& s = it->second;
      h += "<td>";
      if (!s.answer.error.empty()) h += "<span class=\"err\">" + html_escape(s.answer.error) + "</span>";
      else h += html_escape(s.answer.text);
      std::string sc;
      for (const ScorerSpec& spec : r.scorers) {
        auto v = s.scores.find(spec.name());
        sc += (sc.empty() ? "" : "  ") + spec.name() + " " +
              (v == s.scores.end() || !v->second ? std::string("-") : fmt(*v->second, "%.2f"));
      }
      if (s.judge) sc += "\njudge: " + std::string(verdict_name(s.judge->verdict)) + ": " + s.judge->reasoning;
      if (s.grade) sc += "\ngrade: " + (s.grade->score ? std::to_string(*s.grade->score) : "failed") + ": " + s.grade->reasoning;
      h += "<div class=\"score\">" + html_escape(sc) + "</div></td>";
    }
    h += "</tr>\n";
  }
  h += "</table>\n</body></html>\n";
  return h;
}

std::string csv_cell(std::string_view text) {
  std::string t(text);
  if (!t.empty() && (t[0] == '=' || t[0] == '+' || t[0] == '-' || t[0] == '@' || t[0] == '\t' || t[0] == '\r'))
    t = "'" + t;
  if (t.find_first_of(",\"\r\n") == std::string::npos) return t;
  std::string out = "\"";
  for (char c : t) {
    if (c == '"') out += "\"\"";
    else out.push_back(c);
  }
  return out + "\"";
}

std::string render_csv(const EvalResult& r) {
  std::string out = "id,input,reference,expected";
  for (const std::string& label : r.labels) {
    out += ",answer_" + label + ",latency_s_" + label;
    for (const ScorerSpec& s : r.scorers) out += "," + csv_cell(s.name() + "_" + label);
  }
  out += "\r\n";
  for (std::size_t i = 0; i < r.cases.size(); ++i) {
    const EvalCase& c = r.cases[i];
    std::string expected;
    if (c.expected)
      for (const std::string& p : *c.expected) expected += (expected.empty() ? "" : "; ") + p;
    out += csv_cell(c.id) + "," + csv_cell(last_user_text(c.input)) + "," + csv_cell(c.reference) + "," +
           csv_cell(expected);
    for (const std::string& label : r.labels) {
      auto it = r.rows[i].find(label);
      const Scored* s = it == r.rows[i].end() ? nullptr : &it->second;
      out += "," + (s ? csv_cell(s->answer.error.empty() ? s->answer.text : "") : "") + "," +
             (s ? fmt(s->answer.latency_s, "%.4f") : "");
      for (const ScorerSpec& spec : r.scorers) {
        out += ",";
        if (!s) continue;
        auto v = s->scores.find(spec.name());
        if (v != s->scores.end() && v->second) out += fmt(*v->second, "%.6g");
      }
    }
    out += "\r\n";
  }
  return out;
}

void write_outputs(const EvalResult& r, const Json& summary, const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  const std::filesystem::path d(dir);
  std::string lines;
  for (std::size_t i = 0; i < r.cases.size(); ++i) lines += result_line(r, i).dump(-1, ' ', false, Json::error_handler_t::replace) + "\n";
  data::write_file_atomic((d / "results.jsonl").string(), lines);
  data::write_file_atomic((d / "summary.json").string(), summary.dump(2, ' ', false, Json::error_handler_t::replace) + "\n");
  data::write_file_atomic((d / "report.html").string(), render_html(r, summary));
  data::write_file_atomic((d / "results.csv").string(), render_csv(r));
  if (!r.probe_labels.empty()) {
    std::string probe;
    for (std::size_t i = 0; i < r.probe_cases.size(); ++i) {
      Json line = {{"id", r.probe_cases[i].id},
                   {"prompt", last_user_text(r.probe_cases[i].input)},
                   {"reference", r.probe_cases[i].reference}};
      Json scores = Json::object();
      for (const std::string& label : r.probe_labels) {
        auto it = r.probe_rows[i].find(label);
        if (it == r.probe_rows[i].end()) continue;
        line["answer_" + label] = it->second.answer.error.empty() ? Json(it->second.answer.text) : Json(nullptr);
        Json sc = Json::object();
        for (const auto& [name, v] : it->second.scores) sc[name] = score_value(v);
        scores[label] = sc;
      }
      line["scores"] = scores;
      probe += line.dump(-1, ' ', false, Json::error_handler_t::replace) + "\n";
    }
    data::write_file_atomic((d / "probe.jsonl").string(), probe);
  }
}

}  // namespace tunesmith::eval
