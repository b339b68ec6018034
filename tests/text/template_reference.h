#pragma once
// Support for the chat-template tests: the reference renderer of shared/reference
// (Python Jinja2 set up as transformers does), its cache of real tokenizer dirs and extra
// templates, and a seeded generator of conversations.
#include <cstdint>
#include <string>
#include <vector>

#include "core/data/json.h"

namespace tunesmith::test {

// TUNESMITH_SHARED_DIR, else <source>/../shared.
std::string shared_dir();
// REF_CACHE, else ${XDG_CACHE_HOME:-$HOME/.cache}/hf-tokenizer-reference.
std::string ref_cache();
// A reference tokenizer dir by short name (llama3, qwen3, ...).
std::string ref_tokenizer_dir(const std::string& name);
std::string extra_template_path(const std::string& name);  // $REF_CACHE/extra_templates/NAME.jinja

// Empty when python3 with jinja2, the reference scripts and the cache are there; else
// what is missing.
std::string reference_missing();
// Call at the start of a reference test: returns false (after a WARN) when the test should
// be skipped (TUNESMITH_SKIP_REFERENCE=1), FAILs with the setup hint when the reference is
// missing, true when it can run.
bool require_reference();

// The fixed time both sides see in parity tests.
inline constexpr const char* kReferenceNow = "2024-07-26T00:00:00Z";

// Renders every input line (a JSON object as the line protocol takes it) with
// render_template_jinja2.py in one process; one output object per input ({"text"} or {"error"}).
std::vector<data::Json> reference_render(const std::string& tokenizer_dir, const std::string& template_file,
                                         const std::vector<data::Json>& inputs);

struct ConversationOptions {
  bool tools = false;      // some conversations carry tools, tool calls and tool results
  bool documents = false;  // some carry documents (RAG templates)
  bool thinking = false;   // some carry enable_thinking and </think> in assistant content
  data::Json extra;        // variables every line carries (e.g. firefunction's `functions`)
};

// `count` deterministic line-protocol inputs for seed: with and without a system message,
// one to four turns, ending with the user or the assistant, add_generation_prompt both
// ways, tricky text (whitespace, quotes, braces, Unicode, special-token look-alikes),
// content-part lists, and what `options` enables.
std::vector<data::Json> generate_conversations(std::uint64_t seed, std::size_t count, const ConversationOptions& options);

}  // namespace tunesmith::test
