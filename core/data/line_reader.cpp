#include "core/data/line_reader.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>

#include "core/data/io_error.h"

namespace tunesmith::data {
namespace {
constexpr std::size_t kChunk = std::size_t{1} << 20;
}

LineReader::LineReader(const std::string& path, std::size_t max_line_bytes)
    : path_(path), max_line_(max_line_bytes) {
  file_ = std::fopen(path.c_str(), "rb");
  if (!file_) throw IoError(path + ": cannot open: " + std::strerror(errno));
  struct stat st {};
  if (::fstat(::fileno(file_), &st) == 0) {
    if (S_ISDIR(st.st_mode)) {
      std::fclose(file_);
      file_ = nullptr;
      throw IoError(path + ": is a folder, not a file");
    }
    file_size_ = static_cast<std::uint64_t>(st.st_size);
  }
  buf_.assign(kChunk + kPadding, 0);
}

LineReader::~LineReader() {
  if (file_) std::fclose(file_);
}

bool LineReader::fill() {
  if (eof_) return false;
  // Move the unread tail to the front, grow when a single line fills the buffer.
  if (begin_ > 0) {
    std::memmove(buf_.data(), buf_.data() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  std::size_t capacity = buf_.size() - kPadding;
  if (end_ == capacity) {
    buf_.resize(capacity * 2 + kPadding);
    capacity = buf_.size() - kPadding;
  }
  std::size_t n = std::fread(buf_.data() + end_, 1, capacity - end_, file_);
  if (n == 0) {
    if (std::ferror(file_)) throw IoError(path_ + ": read failed: " + std::strerror(errno));
    eof_ = true;
    return false;
  }
  end_ += n;
  std::memset(buf_.data() + end_, 0, kPadding);
  return true;
}

bool LineReader::next(Line& line) {
  std::size_t scanned = begin_;  // bytes before this index hold no '\n'
  bool skipping = false;         // the current line passed the limit; drop its bytes
  std::uint64_t line_start = consumed_;
  for (;;) {
    const char* nl = static_cast<const char*>(std::memchr(buf_.data() + scanned, '\n', end_ - scanned));
    std::size_t stop = nl ? static_cast<std::size_t>(nl - buf_.data()) : end_;
    if (!skipping && stop - begin_ > max_line_) skipping = true;
    if (skipping) {  // discard what we have so the buffer does not grow past the limit
      consumed_ += (nl ? stop + 1 : stop) - begin_;
      begin_ = nl ? stop + 1 : stop;
      scanned = begin_;
      if (nl) {
        line = Line{++line_no_, line_start, {}, true};
        return true;
      }
      if (!fill()) {
        if (consumed_ == line_start) return false;
        line = Line{++line_no_, line_start, {}, true};
        return true;
      }
      continue;
    }
    if (nl || (eof_ && end_ > begin_)) {
      std::size_t len = stop - begin_;
      const char* p = buf_.data() + begin_;
      consumed_ += nl ? len + 1 : len;
      begin_ = nl ? stop + 1 : stop;
      if (line_no_ == 0 && len >= 3 && std::memcmp(p, "\xEF\xBB\xBF", 3) == 0) {
        had_bom_ = true;
        p += 3;
        len -= 3;
      }
      if (len > 0 && p[len - 1] == '\r') --len;
      line = Line{++line_no_, line_start, std::string_view(p, len), false};
      return true;
    }
    scanned = end_;
    std::size_t before = begin_;
    bool more = fill();
    scanned -= before - begin_;  // fill() moved the unread bytes to the front
    if (!more) {
      if (end_ > begin_) continue;  // the last line has no line break
      return false;
    }
  }
}

}  // namespace tunesmith::data
