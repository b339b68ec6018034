#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "core/data/io_error.h"
#include "core/data/line_reader.h"
#include "tests/support/test_paths.h"

using namespace tunesmith::data;
using tunesmith::test::scratch_dir;
using tunesmith::test::write_text;

namespace {
struct Read {
  std::vector<std::string> texts;
  std::vector<std::size_t> numbers;
  std::vector<bool> too_long;
};
Read read_all(const std::string& path, std::size_t max_line = LineReader::kDefaultMaxLineBytes) {
  LineReader r(path, max_line);
  Read out;
  Line l;
  while (r.next(l)) {
    out.texts.emplace_back(l.text);
    out.numbers.push_back(l.number);
    out.too_long.push_back(l.too_long);
  }
  return out;
}
}  // namespace

TEST_CASE("lines, CRLF, BOM and a last line without a break", "[line_reader]") {
  auto dir = scratch_dir("lines");
  auto r = read_all(write_text(dir + "/a", "\xEF\xBB\xBFone\r\ntwo\n\nthree"));
  CHECK(r.texts == std::vector<std::string>{"one", "two", "", "three"});
  CHECK(r.numbers == std::vector<std::size_t>{1, 2, 3, 4});
  CHECK(read_all(write_text(dir + "/empty", "")).texts.empty());
  CHECK(read_all(write_text(dir + "/nl", "\n")).texts == std::vector<std::string>{""});
}

TEST_CASE("lines longer than the 1 MiB read chunk are returned whole", "[line_reader]") {
  auto dir = scratch_dir("long");
  std::string big(3 << 20, 'x');
  auto r = read_all(write_text(dir + "/a", "a\n" + big + "\nb\n"));
  REQUIRE(r.texts.size() == 3);
  CHECK(r.texts[1] == big);
  CHECK(r.texts[2] == "b");
}

TEST_CASE("a line over the limit is reported and skipped without holding it", "[line_reader]") {
  auto dir = scratch_dir("limit");
  std::string big(5000, 'y');
  auto r = read_all(write_text(dir + "/a", "a\n" + big + "\nb\n" + big), 1000);
  CHECK(r.texts == std::vector<std::string>{"a", "", "b", ""});
  CHECK(r.too_long == std::vector<bool>{false, true, false, true});
  CHECK(r.numbers == std::vector<std::size_t>{1, 2, 3, 4});
}

TEST_CASE("a missing file or a folder is an IoError", "[line_reader]") {
  CHECK_THROWS_AS(LineReader("/no/such/file.jsonl"), IoError);
  CHECK_THROWS_AS(LineReader(scratch_dir("dir")), IoError);
}
