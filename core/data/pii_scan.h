#pragma once
// Personal data and secrets in a dataset, found before anything leaves the machine:
// email addresses, phone numbers, payment card numbers (Luhn-checked), IBANs (mod-97
// checked), API keys and other secrets (OpenAI, Anthropic, GitHub, AWS, Google, Slack,
// Hugging Face keys, private keys, JWTs, "password=..." assignments). Every string of an
// example is scanned (contents, tool call arguments, metadata), each match reported with
// its line and field. Hand-written scanners, no regex engine: linear in the text.
// Used by the upload path (refused until redacted or allowed) and by the editor.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/data/conversation.h"
#include "core/data/dataset.h"
#include "core/data/finding.h"

namespace tunesmith::data {

enum class PiiKind { Email, Phone, CardNumber, Iban, Secret };

std::string_view pii_kind_name(PiiKind kind);  // "email", "phone", "card-number", "iban", "secret"
std::string_view pii_placeholder(PiiKind kind);  // "[EMAIL]", "[PHONE]", "[CARD_NUMBER]", "[IBAN]", "[SECRET]"

struct PiiMatch {
  PiiKind kind = PiiKind::Email;
  std::size_t offset = 0;  // byte offset in the scanned text
  std::size_t length = 0;
};

// Matches in one text, ordered by offset, never overlapping.
std::vector<PiiMatch> scan_text(std::string_view text);

// `text` with every match replaced by its placeholder.
std::string redact_text(std::string_view text);

struct PiiFinding {
  PiiKind kind = PiiKind::Email;
  std::size_t example = 0;  // index in the dataset
  std::size_t line = 0;     // source line (0 when unknown)
  std::string field;        // JSON path: "messages[1].content", "messages[2].tool_calls[0].function.arguments"
  std::string masked;       // the match with its middle hidden: "jo***@***.com", "4111********1111"
};

std::vector<PiiFinding> scan_example(const Conversation& example, std::size_t index = 0, std::size_t line = 0);
std::vector<PiiFinding> scan_dataset(const Dataset& dataset);

// As data findings (category "pii-email", "pii-phone", ...; severity Error) for the
// compiler-format report.
Finding to_finding(const PiiFinding& p, const std::string& file);

// Every string of the example redacted (keys are left alone).
Conversation redact_example(const Conversation& example);

}  // namespace tunesmith::data
