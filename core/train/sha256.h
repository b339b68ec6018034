#pragma once
// SHA-256 (FIPS 180-4) for the provenance a run records: dataset files, the base
// model's config.json, the chat template. Small and dependency-free.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace tunesmith::train {

class Sha256 {
 public:
  Sha256();
  void update(std::string_view bytes);
  std::string hex_digest();  // finishes the hash; lowercase hex, 64 characters

 private:
  void block(const std::uint8_t* p);
  std::array<std::uint32_t, 8> h_;
  std::array<std::uint8_t, 64> buf_{};
  std::size_t buf_len_ = 0;
  std::uint64_t total_ = 0;
};

std::string sha256_hex(std::string_view bytes);
// Streams the file; throws data::IoError naming it when it cannot be read.
std::string sha256_file(const std::string& path);

}  // namespace tunesmith::train
