#include "core/data/dataset.h"

#include <cstring>

#include "core/data/atomic_file.h"
#include "core/data/line_reader.h"

namespace tunesmith::data {

std::size_t parse_error_column(const std::exception& e) {
  if (auto* pe = dynamic_cast<const Json::parse_error*>(&e)) return pe->byte;  // 1-based byte
  return 0;
}

LoadResult load_jsonl(const std::string& path) {
  LoadResult result;
  result.dataset.path = path;
  LineReader reader(path);
  Line line;
  auto add = [&](const Line& l, std::size_t col, std::string category, std::string message) {
    result.findings.push_back(
        Finding{Severity::Error, std::move(category), path, l.number, col, std::move(message), std::size_t(-1)});
  };
  while (reader.next(line)) {
    if (line.too_long) {
      add(line, 0, "line-too-long",
          "line is longer than " + std::to_string(reader.max_line_bytes() >> 20) +
              " MiB; a JSONL file has one example per line");
      continue;
    }
    if (line.text.find_first_not_of(" \t") == std::string_view::npos) continue;
    if (std::memchr(line.text.data(), '\0', line.text.size())) {
      add(line, 0, "not-text", "line holds NUL bytes: this is not a text file");
      continue;
    }
    try {
      result.dataset.examples.push_back(Conversation::from_jsonl(line.text));
      result.dataset.lines.push_back(line.number);
    } catch (const Json::parse_error& e) {
      std::string what = e.what();
      // nlohmann's message: "[json.exception.parse_error.101] parse error at line 1, column 5: ..."
      auto colon = what.find(": ", what.find("column"));
      add(line, e.byte, "invalid-json",
          "invalid JSON: " + (colon == std::string::npos ? what : what.substr(colon + 2)));
    } catch (const std::invalid_argument&) {
      add(line, 1, "not-an-object", "line is valid JSON but not an object");
    }
  }
  return result;
}

void save_jsonl(const std::string& path, const std::vector<Conversation>& examples) {
  AtomicFileWriter out(path);
  std::string buffer;
  for (const auto& ex : examples) {
    buffer += ex.to_jsonl();
    buffer += '\n';
    if (buffer.size() > (std::size_t{1} << 20)) {
      out.write(buffer);
      buffer.clear();
    }
  }
  out.write(buffer);
  out.commit();
}

}  // namespace tunesmith::data
