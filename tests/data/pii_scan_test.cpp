#include <catch2/catch.hpp>

#include "core/data/pii_scan.h"

using namespace tunesmith::data;

namespace {
std::vector<PiiKind> kinds(std::string_view text) {
  std::vector<PiiKind> out;
  for (const auto& m : scan_text(text)) out.push_back(m.kind);
  return out;
}
// Secrets built at run time, so no key-shaped literal sits in the repository.
std::string fake_openai_key() { return "sk-" + std::string("proj-") + std::string(32, 'A') + "b1"; }
}  // namespace

TEST_CASE("pii: emails") {
  CHECK(kinds("write to jane.doe+x@example.co.uk today") == std::vector{PiiKind::Email});
  CHECK(kinds("no email @ here, nor a@b") .empty());
  CHECK(redact_text("mail bob@acme.com now") == "mail [EMAIL] now");
}

TEST_CASE("pii: phone numbers need a plus or separators, dates and short numbers do not count") {
  CHECK(kinds("call +44 20 7946 0958") == std::vector{PiiKind::Phone});
  CHECK(kinds("call (555) 123-4567 now") == std::vector{PiiKind::Phone});
  CHECK(kinds("call 555-123-4567") == std::vector{PiiKind::Phone});
  CHECK(kinds("on 2024-01-15 at 10:30").empty());
  CHECK(kinds("order 12345 shipped").empty());
  CHECK(kinds("order ORD-5551234567 shipped").empty());
  CHECK(kinds("version 1.2.3.4").empty());
}

TEST_CASE("pii: card numbers are Luhn-checked") {
  CHECK(kinds("card 4111 1111 1111 1111 exp") == std::vector{PiiKind::CardNumber});
  CHECK(kinds("card 4111-1111-1111-1111") == std::vector{PiiKind::CardNumber});
  CHECK(kinds("card 5500005555555559") == std::vector{PiiKind::CardNumber});
  CHECK(kinds("number 4111111111111112").empty());  // fails Luhn, no separators: nothing
  CHECK(redact_text("pay with 4111 1111 1111 1111.") == "pay with [CARD_NUMBER].");
}

TEST_CASE("pii: IBANs are mod-97 checked") {
  CHECK(kinds("IBAN GB82 WEST 1234 5698 7654 32 please") == std::vector{PiiKind::Iban});
  CHECK(kinds("DE89370400440532013000") == std::vector{PiiKind::Iban});
  CHECK(kinds("DE89370400440532013001").empty());
}

TEST_CASE("pii: API keys and other secrets") {
  CHECK(kinds("key " + fake_openai_key()) == std::vector{PiiKind::Secret});
  CHECK(kinds("AKIA" + std::string(16, 'Q')) == std::vector{PiiKind::Secret});
  CHECK(kinds("token ghp_" + std::string(36, 'a')) == std::vector{PiiKind::Secret});
  CHECK(kinds("password=hunter2hunter2") == std::vector{PiiKind::Secret});
  CHECK(kinds("\"api_key\": \"abcdef123456\"") == std::vector{PiiKind::Secret});
  CHECK(kinds("-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----") == std::vector{PiiKind::Secret});
  CHECK(kinds("sk-short").empty());
  CHECK(kinds("the task-force met").empty());
  CHECK(redact_text("use " + fake_openai_key() + " here") == "use [SECRET] here");
}

TEST_CASE("pii: dataset scan reports line and field, and redaction keeps the structure") {
  Dataset ds;
  ds.examples.emplace_back(Json::parse(R"({"messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello"}]})"));
  ds.examples.emplace_back(Json::parse(R"({"messages":[{"role":"user","content":[{"type":"text","text":"I am bob@acme.com"}]},
    {"role":"assistant","content":null,"tool_calls":[{"id":"c","type":"function","function":{"name":"f","arguments":"{\"phone\":\"+1 415 555 0100\"}"}}]}]})"));
  ds.lines = {1, 2};
  const auto found = scan_dataset(ds);
  REQUIRE(found.size() == 2);
  CHECK(found[0].kind == PiiKind::Email);
  CHECK(found[0].line == 2);
  CHECK(found[0].example == 1);
  CHECK(found[0].field == "messages[0].content[0].text");
  CHECK(found[0].masked.find("bob@acme.com") == std::string::npos);
  CHECK(found[1].kind == PiiKind::Phone);
  CHECK(found[1].field == "messages[1].tool_calls[0].function.arguments");
  const Finding f = to_finding(found[0], "train.jsonl");
  CHECK(format_finding(f).rfind("train.jsonl:2: error: [pii-email]", 0) == 0);

  const Conversation red = redact_example(ds.examples[1]);
  CHECK(red.json()["messages"][0]["content"][0]["text"] == "I am [EMAIL]");
  CHECK(red.json()["messages"][1]["content"].is_null());
  CHECK(scan_example(red).empty());
  // An untouched example stays byte for byte.
  CHECK(redact_example(ds.examples[0]).to_jsonl() == ds.examples[0].to_jsonl());
}
