#pragma once
// Cheap checks on raw bytes, so that a file which is not JSONL at all (binary, UTF-16,
// another encoding) is reported once, from its first bytes, instead of line by line.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "core/data/finding.h"

namespace tunesmith::data {

// Index of the first byte that breaks UTF-8 (overlong forms, surrogates and values
// past U+10FFFF included), or npos. With `allow_truncated_tail` a sequence cut short by
// the end of `bytes` is accepted (the bytes are a prefix of something longer).
std::size_t first_invalid_utf8(std::string_view bytes, bool allow_truncated_tail = false);

// Looks at the first 64 KiB of the file: NUL bytes, a UTF-16/32 byte-order mark or
// bytes that are not UTF-8 give one error finding for the whole file ("not-text" or
// "not-utf8"). nullopt when the start looks like UTF-8 text. Throws IoError.
std::optional<Finding> sniff_text_file(const std::string& path);

// `text` made safe to print inside a one-line message: control characters escaped,
// invalid UTF-8 replaced by '?', cut to about `max_bytes` with "...".
std::string printable(std::string_view text, std::size_t max_bytes = 80);

}  // namespace tunesmith::data
