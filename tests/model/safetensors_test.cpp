// safetensors (torch-free, also built under AddressSanitizer): a raw round trip, and every kind of corruption ending in a clear error
// that names the file (and the tensor where one is involved), never a crash.
#include <catch2/catch.hpp>

#include <cstring>
#include <filesystem>
#include <fstream>

#include "core/data/io_error.h"
#include "core/model/error.h"
#include "core/model/safetensors.h"
#include "tests/support/test_paths.h"

using namespace tunesmith::model;
using Catch::Matchers::Contains;
namespace fs = std::filesystem;

namespace {

std::string le64(std::uint64_t n) {
  std::string s(8, '\0');
  for (int i = 0; i < 8; ++i) s[i] = static_cast<char>((n >> (8 * i)) & 0xFF);
  return s;
}

// A raw file: [len][header][data].
std::string raw(const std::string& header, const std::string& data) { return le64(header.size()) + header + data; }

std::string write_bytes(const std::string& dir, const std::string& name, const std::string& bytes) {
  const std::string path = dir + "/" + name;
  std::ofstream(path, std::ios::binary) << bytes;
  return path;
}

// Opening `bytes` must fail with a ModelError containing every piece of `needles`.
void expect_error(const std::string& name, const std::string& bytes, std::vector<std::string> needles) {
  const std::string dir = tunesmith::test::scratch_dir("safetensors-bad");
  const std::string path = write_bytes(dir, name, bytes);
  needles.push_back(path);
  try {
    SafetensorsFile::open(path);
    FAIL("no error for " << name);
  } catch (const ModelError& e) {
    for (const auto& n : needles) CHECK_THAT(e.what(), Contains(n));
  }
}

const std::string kGood = R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})";

}  // namespace

TEST_CASE("safetensors: truncated file", "[safetensors][corrupt]") {
  expect_error("short.safetensors", "abc", {"truncated"});
  expect_error("cut.safetensors", raw(kGood, std::string(5, '\0')), {"tensor 'a'", "past the data area", "truncated"});
}

TEST_CASE("safetensors: header longer than the file", "[safetensors][corrupt]") {
  std::string bytes = raw(kGood, std::string(8, '\0'));
  const std::string longer = le64(kGood.size() + 100);
  bytes.replace(0, 8, longer);
  expect_error("long.safetensors", bytes, {"runs past the end of the file"});
}

TEST_CASE("safetensors: header length beyond the sane bound", "[safetensors][corrupt]") {
  expect_error("huge.safetensors", le64(1ull << 40) + "{}", {"exceeds the limit"});
  expect_error("max.safetensors", le64(~0ull) + "{}", {"exceeds the limit"});
}

TEST_CASE("safetensors: malformed JSON header", "[safetensors][corrupt]") {
  expect_error("json.safetensors", raw(R"({"a":{"dtype":"F32",)", ""), {"not well-formed JSON"});
  expect_error("array.safetensors", raw(R"([1,2])", ""), {"not a JSON object"});
  expect_error("entry.safetensors", raw(R"({"a":3})", ""), {"tensor 'a'", "not an object"});
  expect_error("nodtype.safetensors", raw(R"({"a":{"shape":[],"data_offsets":[0,0]}})", ""), {"tensor 'a'", "dtype"});
  expect_error("offsets.safetensors", raw(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0]}})", ""),
               {"tensor 'a'", "data_offsets"});
  expect_error("negshape.safetensors", raw(R"({"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}})", std::string(4, 0)),
               {"tensor 'a'", "non-negative"});
  expect_error("meta.safetensors", raw(R"({"__metadata__":{"k":1}})", ""), {"__metadata__"});
}

TEST_CASE("safetensors: non-UTF-8 header", "[safetensors][corrupt]") {
  std::string header = R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b)";
  header += "\xff\xfe";
  header += R"(":{"dtype":"F32","shape":[0],"data_offsets":[8,8]}})";
  expect_error("utf8.safetensors", raw(header, std::string(8, '\0')), {"not valid UTF-8"});
}

TEST_CASE("safetensors: unknown dtype", "[safetensors][corrupt]") {
  expect_error("dtype.safetensors", raw(R"({"w":{"dtype":"F12","shape":[2],"data_offsets":[0,8]}})", std::string(8, 0)),
               {"tensor 'w'", "unknown dtype 'F12'", "BF16"});
}

TEST_CASE("safetensors: shape times dtype size differs from the byte range", "[safetensors][corrupt]") {
  expect_error("shape.safetensors", raw(R"({"w":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}})", std::string(8, 0)),
               {"tensor 'w'", "needs 12 bytes", "span 8"});
  expect_error("overflow.safetensors",
               raw(R"({"w":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,8]}})", std::string(8, 0)),
               {"tensor 'w'", "overflows"});
}

TEST_CASE("safetensors: overlapping and inverted ranges", "[safetensors][corrupt]") {
  expect_error("overlap.safetensors",
               raw(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}})",
                   std::string(12, 0)),
               {"tensor 'b'", "overlap", "'a'"});
  expect_error("inverted.safetensors", raw(R"({"a":{"dtype":"U8","shape":[0],"data_offsets":[8,4]}})", std::string(8, 0)),
               {"tensor 'a'", "end before they begin"});
}

TEST_CASE("safetensors: pickle checkpoints are refused", "[safetensors][corrupt]") {
  expect_error("pytorch_model.safetensors", std::string("PK\x03\x04", 4) + std::string(100, 'x'),
               {"pickle", "arbitrary code"});
  const std::string dir = tunesmith::test::scratch_dir("pickle-dir");
  write_bytes(dir, "pytorch_model.bin", std::string("PK\x03\x04", 4));
  CHECK_THROWS_WITH(WeightFiles::open_dir(dir), Contains("pytorch_model.bin") && Contains("arbitrary code") &&
                                                     Contains("safe_serialization=True"));
}

TEST_CASE("safetensors: empty folder and missing file", "[safetensors][corrupt]") {
  const std::string dir = tunesmith::test::scratch_dir("empty-dir");
  CHECK_THROWS_WITH(WeightFiles::open_dir(dir), Contains("no model.safetensors"));
  CHECK_THROWS_AS(SafetensorsFile::open(dir + "/nope.safetensors"), tunesmith::data::IoError);
}


TEST_CASE("safetensors raw round trip keeps bytes, shapes, dtypes and metadata", "[safetensors]") {
  const std::string dir = tunesmith::test::scratch_dir("safetensors-raw");
  const std::vector<float> f = {1.5f, -2.0f, 3.25f, 0.0f, 7.0f, 8.0f};
  const std::vector<std::uint16_t> bf = {0x3f80, 0xc000, 0x4040};
  const std::vector<std::int64_t> i = {1, -2, 3};
  const std::vector<TensorBytes> in = {{"w", Dtype::F32, {2, 3}, f.data(), f.size() * 4},
                                       {"b", Dtype::BF16, {3}, bf.data(), bf.size() * 2},
                                       {"n", Dtype::I64, {3, 1}, i.data(), i.size() * 8},
                                       {"e", Dtype::U8, {0}, nullptr, 0}};
  const std::string path = dir + "/t.safetensors";
  write_safetensors(path, in, {{"format", "pt"}, {"note", "kept"}});
  const SafetensorsFile file = SafetensorsFile::open(path);
  CHECK(file.metadata().at("note") == "kept");
  CHECK(file.data_start() % 8 == 0);
  REQUIRE(file.tensors().size() == 4);
  CHECK(file.tensors()[0].name == "n");  // larger dtypes first, as the reference writer orders them
  for (const auto& t : in) {
    const TensorInfo* info = file.find(t.name);
    REQUIRE(info);
    CHECK(info->dtype == t.dtype);
    CHECK(info->shape == t.shape);
    CHECK(info->end - info->begin == t.nbytes);
    if (t.nbytes) CHECK(std::memcmp(file.tensor_data(*info), t.data, t.nbytes) == 0);
  }
  CHECK_THROWS_WITH(write_safetensors(dir + "/bad.safetensors", {{"w", Dtype::F32, {4}, f.data(), 8}}),
                    Contains("tensor 'w'") && Contains("need 16 bytes"));
}

TEST_CASE("safetensors: every truncation of a valid file is an error, never a crash", "[safetensors][corrupt]") {
  const std::string dir = tunesmith::test::scratch_dir("safetensors-cut");
  const std::string path = dir + "/t.safetensors";
  const std::vector<float> a = {1, 2, 3};
  const std::vector<std::uint16_t> b = {1, 2};
  write_safetensors(path, {{"a", Dtype::F32, {3}, a.data(), 12}, {"b", Dtype::BF16, {2}, b.data(), 4}});
  const std::string full = tunesmith::test::read_text(path);
  for (std::size_t n = 0; n < full.size(); ++n) {
    // A heap copy of exactly n bytes, so AddressSanitizer sees any read past the end.
    std::vector<std::uint8_t> cut(full.begin(), full.begin() + static_cast<std::ptrdiff_t>(n));
    INFO("length " << n);
    CHECK_THROWS_AS(SafetensorsFile::parse("cut", cut.data(), cut.size()), ModelError);
  }
  CHECK_NOTHROW(SafetensorsFile::parse("full", reinterpret_cast<const std::uint8_t*>(full.data()), full.size()));
}
