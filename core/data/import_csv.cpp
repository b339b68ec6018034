#include "core/data/import_csv.h"

#include <algorithm>
#include <array>
#include <optional>

#include "core/data/atomic_file.h"

namespace tunesmith::data {
namespace {

std::string_view strip_bom(std::string_view text) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  return text;
}

bool is_blank_record(const CsvRecord& r) {
  return std::all_of(r.fields.begin(), r.fields.end(), [](const std::string& f) {
    return f.find_first_not_of(" \t") == std::string::npos;
  });
}

}  // namespace

char detect_csv_delimiter(std::string_view text) {
  text = strip_bom(text);
  std::array<std::size_t, 3> counts{};  // ',', ';', '\t'
  bool quoted = false;
  for (char c : text) {
    if (c == '"') quoted = !quoted;  // a doubled quote toggles twice: still right
    if (quoted) continue;
    if (c == '\n') break;
    if (c == ',') ++counts[0];
    if (c == ';') ++counts[1];
    if (c == '\t') ++counts[2];
  }
  if (counts[1] > counts[0] && counts[1] >= counts[2]) return ';';
  if (counts[2] > counts[0] && counts[2] > counts[1]) return '\t';
  return ',';
}

CsvTable parse_csv(std::string_view text, char delimiter, const std::string& path) {
  text = strip_bom(text);
  CsvTable table;
  table.delimiter = delimiter ? delimiter : detect_csv_delimiter(text);
  const char delim = table.delimiter;
  const std::size_t n = text.size();
  std::size_t i = 0;
  std::size_t line = 1;

  auto at_line_end = [&](std::size_t k) {
    return k >= n || text[k] == '\n' || (text[k] == '\r' && k + 1 < n && text[k + 1] == '\n') ||
           (text[k] == '\r' && k + 1 == n);
  };

  while (i < n) {
    CsvRecord record;
    record.line = line;
    for (;;) {  // one field per turn
      std::string field;
      if (i < n && text[i] == '"') {
        const std::size_t open_line = line;
        ++i;
        bool closed = false;
        while (i < n) {
          char c = text[i];
          if (c == '"') {
            if (i + 1 < n && text[i + 1] == '"') {
              field += '"';
              i += 2;
              continue;
            }
            ++i;
            closed = true;
            break;
          }
          if (c == '\r' && i + 1 < n && text[i + 1] == '\n') {
            ++i;  // a CRLF inside a field becomes "\n": chat text has one kind of line break
            continue;
          }
          if (c == '\n') ++line;
          field += c;
          ++i;
        }
        if (!closed) {
          // Nothing after an unterminated quote can be told apart from the field, so the
          // rest of the file is lost; the rows before it are kept.
          table.findings.push_back(record_error(
              path, open_line, "unterminated-quote",
              "quoted field opened on line " + std::to_string(open_line) +
                  " is never closed; the rest of the file (from line " + std::to_string(record.line) +
                  ") is not read"));
          return table;
        }
        if (i < n && text[i] != delim && !at_line_end(i)) {
          record.malformed = true;
          record.problem = "text after the closing quote of field " + std::to_string(record.fields.size() + 1) +
                           " (quotes inside a quoted field must be doubled: \"\")";
          while (i < n && text[i] != delim && !at_line_end(i)) field += text[i++];
        }
      } else {
        // Unquoted: a stray quote inside is kept as a character, as spreadsheet
        // programs and Python's csv module do.
        while (i < n && text[i] != delim && !at_line_end(i)) field += text[i++];
      }
      record.fields.push_back(std::move(field));
      if (i < n && text[i] == delim) {
        ++i;
        continue;
      }
      // End of the record: consume the line break.
      if (i < n && text[i] == '\r') ++i;
      if (i < n && text[i] == '\n') ++i;
      ++line;
      break;
    }
    if (!is_blank_record(record)) table.records.push_back(std::move(record));
  }
  return table;
}

namespace {

std::string header_key(std::string_view name) {
  std::string out;
  std::size_t b = name.find_first_not_of(" \t");
  std::size_t e = name.find_last_not_of(" \t");
  if (b == std::string_view::npos) return out;
  for (char c : name.substr(b, e - b + 1)) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c == ' ' || c == '-') c = '_';
    out += c;
  }
  return out;
}

// Header names that say which role a column holds, most specific first.
constexpr std::array<std::string_view, 9> kUserNames{"user",  "prompt", "question", "instruction", "query",
                                                     "human", "request", "input",  "user_message"};
constexpr std::array<std::string_view, 9> kAssistantNames{
    "assistant", "completion", "answer", "response", "output", "reply", "gpt", "target", "assistant_message"};
constexpr std::array<std::string_view, 3> kSystemNames{"system", "system_prompt", "system_message"};

std::optional<std::size_t> find_header(const std::vector<std::string>& keys, std::string_view name) {
  for (std::size_t c = 0; c < keys.size(); ++c)
    if (keys[c] == name) return c;
  return std::nullopt;
}

template <std::size_t N>
std::optional<std::size_t> detect(const std::vector<std::string>& keys, const std::array<std::string_view, N>& names) {
  for (auto name : names)
    if (auto c = find_header(keys, name)) return c;
  return std::nullopt;
}

// A column named by header or by 1-based number; throws ImportOptionError when absent.
std::size_t resolve_column(const std::string& spec, const std::vector<std::string>& keys, std::size_t width,
                           const char* flag) {
  if (auto c = find_header(keys, header_key(spec))) return *c;
  if (!spec.empty() && std::all_of(spec.begin(), spec.end(), [](char ch) { return ch >= '0' && ch <= '9'; })) {
    std::size_t number = std::stoul(spec);
    if (number >= 1 && number <= width) return number - 1;
    throw ImportOptionError(std::string(flag) + " " + spec + ": the file has " + std::to_string(width) + " columns");
  }
  throw ImportOptionError(std::string(flag) + " '" + spec + "': no column has that header");
}

std::string joined(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

struct Mapping {
  std::optional<std::size_t> system;
  std::size_t user = 0;
  std::optional<std::size_t> user_input;  // an Alpaca-style "input" column joined to "instruction"
  std::size_t assistant = 1;
};

Mapping map_columns(const std::vector<std::string>& header, bool has_header, const ImportOptions& options) {
  const CsvColumns& spec = options.csv_columns;
  std::vector<std::string> keys;
  if (has_header)
    for (const auto& h : header) keys.push_back(header_key(h));
  const std::size_t width = header.size();
  Mapping m;
  auto need = [&](const std::string& given, auto names, std::size_t fallback_number, const char* role,
                  const char* flag) -> std::size_t {
    if (!given.empty()) return resolve_column(given, keys, width, flag);
    if (has_header) {
      if (auto c = detect(keys, names)) return *c;
      throw ImportOptionError("cannot tell which column holds the " + std::string(role) + " turn (header: " +
                              joined(header) + "); name it with " + flag);
    }
    if (fallback_number < width) return fallback_number;
    throw ImportOptionError("the file has " + std::to_string(width) + " columns; name the " + role +
                            " column with " + flag);
  };
  m.user = need(spec.user, kUserNames, 0, "user", "--user-column");
  m.assistant = need(spec.assistant, kAssistantNames, 1, "assistant", "--assistant-column");
  if (!spec.system.empty()) {
    m.system = resolve_column(spec.system, keys, width, "--system-column");
  } else if (has_header) {
    m.system = detect(keys, kSystemNames);
  }
  if (m.user == m.assistant) throw ImportOptionError("the user and assistant turns cannot come from the same column");
  // Alpaca exported to CSV: "instruction" is the task and "input" its material. They
  // are joined as the Alpaca importer does (see import_alpaca.cpp for why "\n\n").
  if (spec.user.empty() && has_header && keys[m.user] == "instruction") {
    if (auto in = find_header(keys, "input"); in && *in != m.assistant) m.user_input = in;
  }
  return m;
}

}  // namespace

ImportResult import_csv(const std::string& path, const ImportOptions& options) {
  const std::string text = read_file(path);
  CsvTable table = parse_csv(text, options.csv_delimiter, path);
  ImportResult result;
  result.findings = std::move(table.findings);
  if (table.records.empty()) return result;

  const CsvRecord& first = table.records.front();
  const Mapping m = map_columns(first.fields, options.csv_header, options);
  const std::size_t width = first.fields.size();

  if (options.csv_header) {
    std::vector<std::string> unused;
    for (std::size_t c = 0; c < width; ++c)
      if (c != m.user && c != m.assistant && m.system != c && m.user_input != c) unused.push_back(first.fields[c]);
    if (!unused.empty())
      result.findings.push_back(Finding{Severity::Note, "unused-columns", path, first.line, 0,
                                        "columns not imported: " + joined(unused), std::size_t(-1)});
  }

  for (std::size_t r = options.csv_header ? 1 : 0; r < table.records.size(); ++r) {
    const CsvRecord& rec = table.records[r];
    if (rec.malformed) {
      result.findings.push_back(record_error(path, rec.line, "malformed-quote", rec.problem));
      continue;
    }
    if (rec.fields.size() != width) {
      result.findings.push_back(record_error(path, rec.line, "column-count",
                                             "row has " + std::to_string(rec.fields.size()) + " fields, expected " +
                                                 std::to_string(width)));
      continue;
    }
    std::string user = rec.fields[m.user];
    if (m.user_input && !rec.fields[*m.user_input].empty()) user += "\n\n" + rec.fields[*m.user_input];
    const std::string& assistant = rec.fields[m.assistant];
    if (user.empty() || assistant.empty()) {
      result.findings.push_back(record_error(path, rec.line, "empty-cell",
                                             std::string(user.empty() ? "user" : "assistant") + " cell is empty"));
      continue;
    }
    Conversation ex;
    if (m.system && !rec.fields[*m.system].empty()) ex.insert_message(0, "system", rec.fields[*m.system]);
    ex.insert_message(ex.message_count(), "user", user);
    ex.insert_message(ex.message_count(), "assistant", assistant);
    add_default_system(ex, options.system_prompt);
    result.examples.push_back(std::move(ex));
  }
  return result;
}

}  // namespace tunesmith::data
