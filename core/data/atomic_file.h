#pragma once
// Atomic replacement of a file: write a temporary file beside it, fsync, rename over
// the target, fsync the folder. A crash at any point leaves either the old file or the
// new one, never a mix.
#include <cstdio>
#include <string>
#include <string_view>

namespace tunesmith::data {

class AtomicFileWriter {
 public:
  explicit AtomicFileWriter(std::string path);  // throws IoError
  ~AtomicFileWriter();                          // without commit(): the temp file is removed
  AtomicFileWriter(const AtomicFileWriter&) = delete;
  AtomicFileWriter& operator=(const AtomicFileWriter&) = delete;

  void write(std::string_view bytes);  // throws IoError
  void commit();                       // throws IoError; the target now holds what was written

  const std::string& path() const { return path_; }

 private:
  std::string path_;
  std::string temp_path_;
  std::FILE* file_ = nullptr;
};

void write_file_atomic(const std::string& path, std::string_view content);  // throws IoError
std::string read_file(const std::string& path);                             // throws IoError

}  // namespace tunesmith::data
