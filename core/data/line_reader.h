#pragma once
// Streams a text file line by line with line numbers, in bounded memory, however big
// the file. Used by every JSONL reader of the app.
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

namespace tunesmith::data {

struct Line {
  std::size_t number = 0;     // 1-based
  std::uint64_t offset = 0;   // byte offset of the line's first byte in the file
  std::string_view text;      // without the line break (and without a trailing '\r')
  bool too_long = false;      // longer than the reader's limit: text is empty, the line was skipped
};

class LineReader {
 public:
  // Bytes after the end of every returned line that may be read (they hold the rest of
  // the buffer or zeros); lets SIMD parsers work on the view without a copy.
  static constexpr std::size_t kPadding = 64;
  static constexpr std::size_t kDefaultMaxLineBytes = std::size_t{64} << 20;

  explicit LineReader(const std::string& path, std::size_t max_line_bytes = kDefaultMaxLineBytes);  // throws IoError
  ~LineReader();
  LineReader(const LineReader&) = delete;
  LineReader& operator=(const LineReader&) = delete;

  // The next line, or false at the end of the file. The view stays valid until the next call.
  bool next(Line& line);

  std::uint64_t bytes_read() const { return consumed_; }
  std::uint64_t file_size() const { return file_size_; }
  std::size_t max_line_bytes() const { return max_line_; }
  bool had_bom() const { return had_bom_; }

 private:
  bool fill();  // reads more into the buffer; false at EOF

  std::string path_;
  std::FILE* file_ = nullptr;
  std::vector<char> buf_;
  std::size_t begin_ = 0, end_ = 0;  // unread bytes are buf_[begin_, end_)
  std::size_t max_line_;
  std::size_t line_no_ = 0;
  std::uint64_t consumed_ = 0;
  std::uint64_t file_size_ = 0;
  bool eof_ = false;
  bool had_bom_ = false;
};

}  // namespace tunesmith::data
