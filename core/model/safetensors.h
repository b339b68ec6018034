#pragma once
// safetensors (https://github.com/huggingface/safetensors), read through a memory map
// and validated before any byte of tensor data is trusted. Torch-free: tensors are
// views (dtype, shape, pointer into the map); weights.h turns them into at::Tensors.
//
// File layout:  [u64 little-endian N][N bytes of JSON header][data area]
// Header:       {"__metadata__": {"k": "v", ...},
//                "name": {"dtype": "F32", "shape": [d0, d1], "data_offsets": [begin, end]}, ...}
// Offsets are relative to the start of the data area.
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace tunesmith::model {

enum class Dtype { F64, F32, F16, BF16, I64, I32, I16, I8, U8, U16, U32, U64, BOOL, F8_E4M3, F8_E5M2 };

std::string_view dtype_name(Dtype d);        // "F32", as written in the header
bool parse_dtype(std::string_view name, Dtype* out);
std::size_t dtype_size(Dtype d);             // bytes per element
std::string known_dtypes();                  // "F64, F32, ..." for error messages

// The largest header we accept (the reference implementation's bound).
inline constexpr std::uint64_t kMaxHeaderBytes = 100u * 1024 * 1024;

struct TensorInfo {
  std::string name;
  Dtype dtype = Dtype::F32;
  std::vector<std::int64_t> shape;
  std::uint64_t begin = 0;  // offsets into the data area
  std::uint64_t end = 0;
  std::int64_t numel() const;
};

// A read-only memory map of a whole file; shared by every tensor that points into it.
class MappedFile {
 public:
  static std::shared_ptr<MappedFile> open(const std::string& path);  // throws data::IoError
  ~MappedFile();
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  // Copy-on-write mapping: pages stay shared with the page cache until written.
  std::uint8_t* data() const { return data_; }
  std::size_t size() const { return size_; }
  const std::string& path() const { return path_; }

 private:
  MappedFile() = default;
  std::string path_;
  std::uint8_t* data_ = nullptr;
  std::size_t size_ = 0;
};

// One validated safetensors file. Every violation throws ModelError naming the file
// and, where one is involved, the tensor.
class SafetensorsFile {
 public:
  static SafetensorsFile open(const std::string& path);  // map + parse_header
  // Validates a header against a file of `file_size` bytes; `path` is for messages.
  // Exposed for tests and for validating without mapping.
  static SafetensorsFile parse(const std::string& path, const std::uint8_t* bytes,
                               std::size_t file_size);

  const std::string& path() const { return path_; }
  const std::vector<TensorInfo>& tensors() const { return tensors_; }  // in header order
  const std::map<std::string, std::string>& metadata() const { return metadata_; }
  const TensorInfo* find(const std::string& name) const;
  // Pointer to the first byte of a tensor's data (valid while the map lives).
  const std::uint8_t* tensor_data(const TensorInfo& t) const;
  const std::shared_ptr<MappedFile>& mapping() const { return map_; }
  std::uint64_t data_start() const { return data_start_; }

 private:
  std::string path_;
  std::shared_ptr<MappedFile> map_;
  const std::uint8_t* bytes_ = nullptr;
  std::uint64_t data_start_ = 0;
  std::vector<TensorInfo> tensors_;
  std::map<std::string, std::size_t> index_;
  std::map<std::string, std::string> metadata_;
};

// A tensor to write: raw little-endian bytes (numel * dtype_size of them).
struct TensorBytes {
  std::string name;
  Dtype dtype = Dtype::F32;
  std::vector<std::int64_t> shape;
  const void* data = nullptr;
  std::size_t nbytes = 0;
};

// Writes a safetensors file the way Hugging Face's writer lays it out: tensors ordered
// by descending alignment then name, header padded with spaces to a multiple of 8,
// data contiguous. Atomic (temp file + rename). Throws ModelError for inconsistent
// input, data::IoError for I/O.
void write_safetensors(const std::string& path, const std::vector<TensorBytes>& tensors,
                       const std::map<std::string, std::string>& metadata = {{"format", "pt"}});

// Writes `tensors` into `dir` as model.safetensors, or, when they exceed
// `max_shard_bytes`, as model-0000i-of-0000n.safetensors plus
// model.safetensors.index.json (metadata.total_size, weight_map), like save_pretrained.
void write_safetensors_sharded(const std::string& dir, const std::vector<TensorBytes>& tensors,
                               std::uint64_t max_shard_bytes = 5'000'000'000ull);

// The weights of a model folder: model.safetensors, or the shards named by
// model.safetensors.index.json. Refuses pickle checkpoints (.bin, .pt, .pth, .ckpt).
class WeightFiles {
 public:
  static WeightFiles open_dir(const std::string& dir);
  struct Entry {
    const SafetensorsFile* file;
    const TensorInfo* info;
  };
  const std::map<std::string, Entry>& tensors() const { return entries_; }
  const std::vector<std::unique_ptr<SafetensorsFile>>& files() const { return files_; }

 private:
  std::vector<std::unique_ptr<SafetensorsFile>> files_;
  std::map<std::string, Entry> entries_;
};

}  // namespace tunesmith::model
