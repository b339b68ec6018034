#pragma once
// The normalized text of an example, used for duplicate detection everywhere (validate,
// dedupe, split, leakage): roles and message texts, Unicode-agnostic lower-casing of
// ASCII letters, runs of whitespace collapsed to one space, ends trimmed. Two examples
// that differ only in case or spacing are duplicates.
#include <cstdint>
#include <string>
#include <string_view>

#include "core/data/conversation.h"

namespace tunesmith::data {

// Collapses whitespace, lower-cases ASCII, trims.
std::string normalize_text(std::string_view text);
// "role: text\n" for every message, each text normalized.
std::string normalized_example(const Conversation& example);
// A 64-bit hash of bytes (FNV-1a followed by a 64-bit finalizer): stable across runs
// and machines, so hashes may be stored in files.
std::uint64_t stable_hash(std::string_view bytes);

}  // namespace tunesmith::data
