// tunesmith-cli tokenize: the line protocol of shared/reference/tokenize.mjs (CLI.md).
#include <iostream>
#include <optional>
#include <string>

#include "app/cli/args.h"
#include "app/cli/commands.h"
#include "core/data/json.h"
#include "core/text/tokenizer.h"
#include "core/text/unicode.h"

namespace tunesmith::cli {
namespace {

constexpr const char* kHelp = R"(Usage: tunesmith-cli tokenize --tokenizer DIR|FILE [--decode] [--no-special-tokens] [--tokens] [--offsets]

Reads JSON Lines on stdin, writes one JSON line per non-blank input line on stdout.
  encode:   in  {"text": "...", "add_special_tokens": true}    out {"ids": [...]}
  --decode: in  {"ids": [...], "skip_special_tokens": false, "clean_up_tokenization_spaces": false}
            out {"text": "..."}
A line that fails gives {"error": "..."} and processing goes on. The output matches
shared/reference/tokenize.mjs line for line.

  --tokenizer DIR|FILE   a folder with tokenizer.json, or the file itself
  --no-special-tokens    default add_special_tokens=false (the default is true, as in HF)
  --tokens               also output "tokens" (the token strings)
  --offsets              also output "offsets" ([start, end] byte ranges of the input)
Encoding follows tokenizer.json alone: its post-processor decides BOS.
)";

// transformers' clean_up_tokenization.
std::string clean_up(std::string s) {
  static const std::pair<const char*, const char*> kReplacements[] = {
      {" .", "."}, {" ?", "?"}, {" !", "!"}, {" ,", ","}, {" ' ", "'"}, {" n't", "n't"},
      {" 'm", "'m"}, {" 's", "'s"}, {" 've", "'ve"}, {" 're", "'re"}};
  for (auto [from, to] : kReplacements) {
    std::string out;
    std::string_view f(from);
    std::size_t pos = 0;
    while (true) {
      std::size_t k = s.find(f, pos);
      if (k == std::string::npos) break;
      out.append(s, pos, k - pos);
      out += to;
      pos = k + f.size();
    }
    out.append(s, pos, std::string::npos);
    s = std::move(out);
  }
  return s;
}

// JavaScript's JSON.parse accepts lone UTF-16 surrogate escapes, and node hands them to
// the tokenizer as U+FFFD; nlohmann rejects them. Rewrites each lone one as \ufffd.
std::string replace_lone_surrogates(const std::string& line) {
  auto hex4 = [&](std::size_t i, unsigned& v) {
    if (i + 4 > line.size()) return false;
    v = 0;
    for (std::size_t k = i; k < i + 4; ++k) {
      char c = line[k];
      int d = (c >= '0' && c <= '9') ? c - '0' : ((c | 0x20) >= 'a' && (c | 0x20) <= 'f') ? (c | 0x20) - 'a' + 10 : -1;
      if (d < 0) return false;
      v = v * 16 + static_cast<unsigned>(d);
    }
    return true;
  };
  if (line.find("\\u") == std::string::npos) return line;
  std::string out;
  out.reserve(line.size());
  for (std::size_t i = 0; i < line.size(); ++i) {
    if (line[i] != '\\' || i + 1 >= line.size()) {
      out += line[i];
      continue;
    }
    unsigned v, w;
    if (line[i + 1] == 'u' && hex4(i + 2, v) && v >= 0xD800 && v <= 0xDFFF) {
      bool paired = v <= 0xDBFF && i + 11 < line.size() + 0 && line.compare(i + 6, 2, "\\u") == 0 && hex4(i + 8, w) &&
                    w >= 0xDC00 && w <= 0xDFFF;
      if (paired) {
        out.append(line, i, 12);
        i += 11;
      } else {
        out += "\\ufffd";
        i += 5;
      }
      continue;
    }
    out += line[i];
    out += line[i + 1];
    ++i;
  }
  return out;
}

bool is_blank(const std::string& s) {
  for (unsigned char c : s)
    if (c != ' ' && c != '\t' && c != '\r' && c != '\n' && c != '\v' && c != '\f') return false;
  return true;
}

}  // namespace

int run_tokenize(const ArgList& args) {
  ArgSpec spec;
  spec.valued = {"tokenizer"};
  spec.flags = {"decode", "no-special-tokens", "tokens", "offsets"};
  Args a = Args::parse(args, spec);
  if (a.has("help")) {
    std::cout << kHelp;
    return kOk;
  }
  if (!a.positional().empty()) throw UsageError("unexpected argument '" + a.positional()[0] + "'");
  std::string where = a.require("tokenizer");
  const bool decode = a.has("decode");
  const bool default_add = !a.has("no-special-tokens");
  const bool with_tokens = a.has("tokens"), with_offsets = a.has("offsets");

  std::optional<text::Tokenizer> loaded;
  try {
    bool is_file = where.size() >= 5 && where.compare(where.size() - 5, 5, ".json") == 0;
    loaded = is_file ? text::Tokenizer::from_file(where) : text::Tokenizer::from_dir(where);
  } catch (const text::TokenizerError& e) {  // read, but invalid or unsupported
    std::cerr << "tunesmith-cli tokenize: " << e.what() << "\n";
    return kInvalid;
  } catch (const std::runtime_error& e) {  // cannot read
    std::cerr << "tunesmith-cli tokenize: " << e.what() << "\n";
    return kUsage;
  }
  const text::Tokenizer& tok = *loaded;

  std::ios::sync_with_stdio(false);
  std::string line;
  std::string out;
  while (std::getline(std::cin, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (is_blank(line)) continue;
    data::Json result = data::Json::object();
    try {
      if (text::unicode::find_invalid_utf8(line) != std::string::npos) line = text::unicode::utf8_lossy(line);
      data::Json in = data::Json::parse(replace_lone_surrogates(line));
      if (!in.is_object()) throw std::invalid_argument("expected a JSON object");
      if (decode) {
        auto it = in.find("ids");
        if (it == in.end() || !it->is_array()) throw std::invalid_argument("missing \"ids\" array");
        std::vector<int32_t> ids;
        ids.reserve(it->size());
        for (const auto& v : *it) {
          if (!v.is_number_integer()) throw std::invalid_argument("\"ids\" must hold integers");
          auto x = v.get<int64_t>();
          if (x < 0 || x > INT32_MAX) continue;  // out of range: skipped, as in the reference
          ids.push_back(static_cast<int32_t>(x));
        }
        auto flag = [&](const char* k) {
          auto f = in.find(k);
          return f != in.end() && f->is_boolean() && f->get<bool>();
        };
        std::string s = tok.decode(ids, flag("skip_special_tokens"));
        if (flag("clean_up_tokenization_spaces")) s = clean_up(std::move(s));
        result["text"] = s;
      } else {
        auto it = in.find("text");
        if (it == in.end() || !it->is_string()) throw std::invalid_argument("missing \"text\" string");
        bool add = default_add;
        if (auto f = in.find("add_special_tokens"); f != in.end() && f->is_boolean()) add = f->get<bool>();
        const auto& s = it->get_ref<const std::string&>();
        text::Encoding enc = tok.encode(s, add);
        result["ids"] = enc.ids;
        if (with_tokens) {
          data::Json tokens = data::Json::array();
          for (int32_t id : enc.ids) tokens.push_back(tok.id_to_token(id));
          result["tokens"] = std::move(tokens);
        }
        if (with_offsets) {
          data::Json offs = data::Json::array();
          for (auto [b, e] : enc.offsets) offs.push_back({b, e});
          result["offsets"] = std::move(offs);
        }
      }
    } catch (const std::exception& e) {
      result = data::Json::object();
      result["error"] = e.what();
    }
    out = result.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    out += '\n';
    std::cout << out;
  }
  std::cout.flush();
  return kOk;
}

}  // namespace tunesmith::cli
