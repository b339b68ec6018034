#include "core/train/sft_data.h"

#include <algorithm>
#include <filesystem>
#include <numeric>

#include "core/data/atomic_file.h"
#include "core/data/dataset.h"
#include "core/data/finding.h"
#include "core/text/loss_mask.h"

namespace tunesmith::train {

namespace fs = std::filesystem;

std::int64_t TokenizedExample::trained_tokens() const {
  return mask.size() < 2 ? 0 : std::accumulate(mask.begin() + 1, mask.end(), std::int64_t{0});
}

namespace {

// Variables a template may read besides the messages (tool definitions).
data::Json template_extra(const data::Json& example) {
  data::Json extra = data::Json::object();
  for (const char* key : {"tools", "functions", "documents"})
    if (auto it = example.find(key); it != example.end()) extra[key] = *it;
  return extra;
}

}  // namespace

TokenizedData tokenize_conversations(const std::vector<std::string>& files, const text::ChatTemplate& tmpl,
                                     const text::Tokenizer& tokenizer, std::int64_t max_seq_len,
                                     LongExamplePolicy policy) {
  TokenizedData out;
  DataReport& r = out.report;
  for (const std::string& file : files) {
    data::LoadResult loaded = data::load_jsonl(file);
    for (const data::Finding& f : loaded.findings)
      if (f.severity == data::Severity::Error)
        throw DataLoadError(data::format_finding(f) + " (run `tunesmith-cli data validate` on it)");
    const auto& examples = loaded.dataset.examples;
    for (std::size_t i = 0; i < examples.size(); ++i) {
      const std::string origin = file + ":" + std::to_string(loaded.dataset.lines[i]);
      const data::Json& json = examples[i].json();
      auto messages = json.find("messages");
      if (messages == json.end() || !messages->is_array())
        throw DataLoadError(origin + ": error: the example has no \"messages\" list");
      ++r.read;
      text::MaskedConversation mc;
      try {
        mc = text::mask_conversation(tmpl, tokenizer, *messages, template_extra(json));
      } catch (const std::exception& e) {
        throw DataLoadError(origin + ": error: the chat template failed on this example: " + e.what());
      }
      TokenizedExample ex{std::move(mc.ids), std::move(mc.mask), origin};
      if (static_cast<std::int64_t>(ex.ids.size()) > max_seq_len) {
        ++r.long_examples;
        if (policy == LongExamplePolicy::Skip) {
          ++r.skipped_long;
          continue;
        }
        // Keep the last max_seq_len tokens: the answer (at the end) survives, the
        // oldest context goes.
        const auto cut = static_cast<std::ptrdiff_t>(ex.ids.size()) - max_seq_len;
        ex.ids.erase(ex.ids.begin(), ex.ids.begin() + cut);
        ex.mask.erase(ex.mask.begin(), ex.mask.begin() + cut);
        ++r.truncated;
      }
      const std::int64_t trained = ex.trained_tokens();
      if (trained == 0) {
        ++r.skipped_untrained;
        continue;
      }
      r.tokens += static_cast<std::int64_t>(ex.ids.size());
      r.trained_tokens += trained;
      out.examples.push_back(std::move(ex));
    }
  }
  const std::string limit = " than max_seq_len " + std::to_string(max_seq_len) + " tokens";
  if (r.truncated)
    r.notes.push_back(std::to_string(r.truncated) + " example(s) longer" + limit +
                      " were truncated on the left (policy truncate-left)");
  if (r.skipped_long)
    r.notes.push_back(std::to_string(r.skipped_long) + " example(s) longer" + limit + " were skipped (policy skip)");
  if (r.skipped_untrained)
    r.notes.push_back(std::to_string(r.skipped_untrained) +
                      " example(s) had no assistant token to train on (after truncation) and were skipped");
  return out;
}

std::vector<std::string> expand_corpus_paths(const std::vector<std::string>& paths) {
  std::vector<std::string> files;
  for (const std::string& p : paths) {
    std::error_code ec;
    if (fs::is_directory(p, ec)) {
      std::vector<std::string> found;
      for (const auto& e : fs::directory_iterator(p))
        if (e.is_regular_file() && e.path().extension() == ".txt") found.push_back(e.path().string());
      std::sort(found.begin(), found.end());
      if (found.empty()) throw DataLoadError(p + ": error: the folder holds no .txt file");
      files.insert(files.end(), found.begin(), found.end());
    } else {
      files.push_back(p);
    }
  }
  return files;
}

TokenizedData tokenize_text_corpus(const std::vector<std::string>& paths, const text::Tokenizer& tokenizer,
                                   std::optional<std::int32_t> eos_id, std::int64_t max_seq_len) {
  std::vector<std::int32_t> stream;
  for (const std::string& file : expand_corpus_paths(paths)) {
    const std::string text = data::read_file(file);
    std::vector<std::int32_t> ids = tokenizer.encode(text, false).ids;
    stream.insert(stream.end(), ids.begin(), ids.end());
    if (eos_id) stream.push_back(*eos_id);  // a document boundary the model learns to end on
  }
  TokenizedData out;
  for (std::size_t at = 0, k = 0; at < stream.size(); at += static_cast<std::size_t>(max_seq_len), ++k) {
    const std::size_t end = std::min(stream.size(), at + static_cast<std::size_t>(max_seq_len));
    if (end - at < 2) break;  // a lone token has no target
    TokenizedExample ex;
    ex.ids.assign(stream.begin() + static_cast<std::ptrdiff_t>(at), stream.begin() + static_cast<std::ptrdiff_t>(end));
    ex.mask.assign(ex.ids.size(), 1);
    ex.origin = "corpus chunk " + std::to_string(k);
    out.report.tokens += static_cast<std::int64_t>(ex.ids.size());
    out.report.trained_tokens += ex.trained_tokens();
    out.examples.push_back(std::move(ex));
  }
  out.report.read = static_cast<std::int64_t>(out.examples.size());
  if (out.examples.empty()) throw DataLoadError("the text corpus holds fewer than 2 tokens");
  return out;
}

}  // namespace tunesmith::train
