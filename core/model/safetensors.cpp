#include "core/model/safetensors.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <limits>
#include <set>

#include <nlohmann/json.hpp>

#include "core/data/atomic_file.h"
#include "core/data/io_error.h"
#include "core/model/error.h"

namespace tunesmith::model {
namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;

namespace {

struct DtypeRow {
  Dtype dtype;
  const char* name;
  std::size_t size;
  int sort_rank;  // the reference writer's order: larger first
};
constexpr std::array<DtypeRow, 15> kDtypes = {{
    {Dtype::F64, "F64", 8, 15},     {Dtype::F32, "F32", 4, 12},  {Dtype::F16, "F16", 2, 9},
    {Dtype::BF16, "BF16", 2, 10},   {Dtype::I64, "I64", 8, 14},  {Dtype::I32, "I32", 4, 11},
    {Dtype::I16, "I16", 2, 7},      {Dtype::I8, "I8", 1, 3},     {Dtype::U8, "U8", 1, 2},
    {Dtype::U16, "U16", 2, 8},      {Dtype::U32, "U32", 4, 13},  {Dtype::U64, "U64", 8, 16},
    {Dtype::BOOL, "BOOL", 1, 1},    {Dtype::F8_E4M3, "F8_E4M3", 1, 5},
    {Dtype::F8_E5M2, "F8_E5M2", 1, 4},
}};

const DtypeRow& row(Dtype d) {
  for (const auto& r : kDtypes)
    if (r.dtype == d) return r;
  return kDtypes[0];
}

// Well-formed UTF-8 (no overlongs, no surrogates, at most U+10FFFF).
bool valid_utf8(const std::uint8_t* s, std::size_t n, std::size_t* bad_at) {
  std::size_t i = 0;
  while (i < n) {
    const std::uint8_t c = s[i];
    std::size_t len = 0;
    std::uint32_t cp = 0;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      len = 2, cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3, cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4, cp = c & 0x07;
    } else {
      *bad_at = i;
      return false;
    }
    if (i + len > n) {
      *bad_at = i;
      return false;
    }
    for (std::size_t k = 1; k < len; ++k) {
      if ((s[i + k] & 0xC0) != 0x80) {
        *bad_at = i;
        return false;
      }
      cp = (cp << 6) | (s[i + k] & 0x3F);
    }
    const bool overlong = (len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000);
    if (overlong || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      *bad_at = i;
      return false;
    }
    i += len;
  }
  return true;
}

[[noreturn]] void fail(const std::string& path, const std::string& what) {
  throw ModelError(path + ": " + what);
}
[[noreturn]] void fail_tensor(const std::string& path, const std::string& tensor, const std::string& what) {
  throw ModelError(path + ": tensor '" + tensor + "': " + what);
}

bool is_pickle_name(const std::string& name) {
  for (const char* ext : {".bin", ".pt", ".pth", ".ckpt", ".pkl"})
    if (name.size() > std::strlen(ext) && name.ends_with(ext)) return true;
  return false;
}

const char* kPickleHint =
    "pickle checkpoints (.bin/.pt/.pth) are refused: unpickling can run arbitrary code. "
    "Convert the model to safetensors first, e.g. with transformers: "
    "AutoModelForCausalLM.from_pretrained(DIR).save_pretrained(OUT, safe_serialization=True)";

}  // namespace

std::string_view dtype_name(Dtype d) { return row(d).name; }
std::size_t dtype_size(Dtype d) { return row(d).size; }

bool parse_dtype(std::string_view name, Dtype* out) {
  for (const auto& r : kDtypes)
    if (name == r.name) {
      *out = r.dtype;
      return true;
    }
  return false;
}

std::string known_dtypes() {
  std::string s;
  for (const auto& r : kDtypes) s += (s.empty() ? "" : ", ") + std::string(r.name);
  return s;
}

std::int64_t TensorInfo::numel() const {
  std::int64_t n = 1;
  for (auto d : shape) n *= d;
  return n;
}

// ---- MappedFile -------------------------------------------------------------

std::shared_ptr<MappedFile> MappedFile::open(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw data::IoError(path + ": cannot open: " + std::strerror(errno));
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    throw data::IoError(path + ": not a regular file");
  }
  std::shared_ptr<MappedFile> m(new MappedFile());
  m->path_ = path;
  m->size_ = static_cast<std::size_t>(st.st_size);
  if (m->size_ > 0) {
    // MAP_PRIVATE + PROT_WRITE: copy-on-write, so a tensor that is modified in place
    // never writes through to the file, while untouched pages stay shared.
    void* p = ::mmap(nullptr, m->size_, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    if (p == MAP_FAILED) {
      const int err = errno;
      ::close(fd);
      throw data::IoError(path + ": cannot map: " + std::strerror(err));
    }
    m->data_ = static_cast<std::uint8_t*>(p);
  }
  ::close(fd);
  return m;
}

MappedFile::~MappedFile() {
  if (data_) ::munmap(data_, size_);
}

// ---- SafetensorsFile --------------------------------------------------------

SafetensorsFile SafetensorsFile::open(const std::string& path) {
  auto map = MappedFile::open(path);
  SafetensorsFile f = parse(path, map->data(), map->size());
  f.map_ = std::move(map);
  return f;
}

SafetensorsFile SafetensorsFile::parse(const std::string& path, const std::uint8_t* bytes,
                                       std::size_t file_size) {
  if (file_size >= 4 && std::memcmp(bytes, "PK\x03\x04", 4) == 0)
    fail(path, std::string("this is a zip/pickle checkpoint, not safetensors; ") + kPickleHint);
  if (file_size < 8)
    fail(path, "truncated: " + std::to_string(file_size) + " bytes, fewer than the 8-byte header length");
  std::uint64_t n = 0;
  for (int i = 7; i >= 0; --i) n = (n << 8) | bytes[i];  // little-endian u64
  if (n > kMaxHeaderBytes)
    fail(path, "header length " + std::to_string(n) + " exceeds the limit of " +
                   std::to_string(kMaxHeaderBytes) + " bytes (corrupt or not a safetensors file)");
  if (n > file_size - 8)
    fail(path, "header length " + std::to_string(n) + " runs past the end of the file (" +
                   std::to_string(file_size) + " bytes): the file is truncated or corrupt");
  if (n < 2) fail(path, "header length " + std::to_string(n) + " is too small for a JSON object");
  const std::uint8_t* header = bytes + 8;
  std::size_t bad = 0;
  if (!valid_utf8(header, n, &bad))
    fail(path, "header is not valid UTF-8 (byte " + std::to_string(8 + bad) + ")");

  Json j;
  try {
    j = Json::parse(std::string_view(reinterpret_cast<const char*>(header), n));
  } catch (const Json::parse_error& e) {
    fail(path, std::string("header is not well-formed JSON: ") + e.what());
  }
  if (!j.is_object()) fail(path, "header is not a JSON object");

  SafetensorsFile f;
  f.path_ = path;
  f.bytes_ = bytes;
  f.data_start_ = 8 + n;
  const std::uint64_t data_size = file_size - f.data_start_;

  for (auto it = j.begin(); it != j.end(); ++it) {
    const std::string& name = it.key();
    const Json& v = it.value();
    if (name == "__metadata__") {
      if (!v.is_object()) fail(path, "__metadata__ is not an object of strings");
      for (auto m = v.begin(); m != v.end(); ++m) {
        if (!m.value().is_string()) fail(path, "__metadata__ value '" + m.key() + "' is not a string");
        f.metadata_[m.key()] = m.value().get<std::string>();
      }
      continue;
    }
    if (!v.is_object()) fail_tensor(path, name, "entry is not an object");
    TensorInfo t;
    t.name = name;
    const auto d = v.find("dtype");
    if (d == v.end() || !d->is_string()) fail_tensor(path, name, "missing \"dtype\"");
    if (!parse_dtype(d->get<std::string>(), &t.dtype))
      fail_tensor(path, name, "unknown dtype '" + d->get<std::string>() + "' (known: " + known_dtypes() + ")");
    const auto s = v.find("shape");
    if (s == v.end() || !s->is_array()) fail_tensor(path, name, "missing \"shape\" array");
    std::uint64_t numel = 1;
    for (const auto& dim : *s) {
      if (!dim.is_number_unsigned() && !(dim.is_number_integer() && dim.get<std::int64_t>() >= 0))
        fail_tensor(path, name, "shape " + s->dump() + " has a dimension that is not a non-negative integer");
      const std::uint64_t x = dim.get<std::uint64_t>();
      if (x > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()) ||
          (x != 0 && numel > std::numeric_limits<std::uint64_t>::max() / x))
        fail_tensor(path, name, "shape " + s->dump() + " overflows");
      numel *= x;
      t.shape.push_back(static_cast<std::int64_t>(x));
    }
    const auto o = v.find("data_offsets");
    if (o == v.end() || !o->is_array() || o->size() != 2 || !(*o)[0].is_number_unsigned() ||
        !(*o)[1].is_number_unsigned())
      fail_tensor(path, name, "\"data_offsets\" must be two non-negative integers");
    t.begin = (*o)[0].get<std::uint64_t>();
    t.end = (*o)[1].get<std::uint64_t>();
    if (t.end < t.begin)
      fail_tensor(path, name, "data_offsets [" + std::to_string(t.begin) + ", " + std::to_string(t.end) +
                                  "] end before they begin");
    const std::uint64_t esize = dtype_size(t.dtype);
    if (numel > std::numeric_limits<std::uint64_t>::max() / esize)
      fail_tensor(path, name, "shape " + s->dump() + " overflows");
    if (numel * esize != t.end - t.begin)
      fail_tensor(path, name, "shape " + s->dump() + " of " + std::string(dtype_name(t.dtype)) + " needs " +
                                  std::to_string(numel * esize) + " bytes but data_offsets span " +
                                  std::to_string(t.end - t.begin));
    if (t.end > data_size)
      fail_tensor(path, name, "data_offsets [" + std::to_string(t.begin) + ", " + std::to_string(t.end) +
                                  "] run past the data area (" + std::to_string(data_size) +
                                  " bytes): the file is truncated or corrupt");
    f.index_[name] = f.tensors_.size();
    f.tensors_.push_back(std::move(t));
  }

  // No two tensors may share a byte.
  std::vector<const TensorInfo*> by_begin;
  for (const auto& t : f.tensors_)
    if (t.end > t.begin) by_begin.push_back(&t);
  std::sort(by_begin.begin(), by_begin.end(),
            [](const TensorInfo* a, const TensorInfo* b) { return a->begin < b->begin; });
  for (std::size_t i = 1; i < by_begin.size(); ++i)
    if (by_begin[i]->begin < by_begin[i - 1]->end)
      fail_tensor(path, by_begin[i]->name,
                  "data_offsets [" + std::to_string(by_begin[i]->begin) + ", " + std::to_string(by_begin[i]->end) +
                      "] overlap those of tensor '" + by_begin[i - 1]->name + "' [" +
                      std::to_string(by_begin[i - 1]->begin) + ", " + std::to_string(by_begin[i - 1]->end) + "]");
  return f;
}

const TensorInfo* SafetensorsFile::find(const std::string& name) const {
  auto it = index_.find(name);
  return it == index_.end() ? nullptr : &tensors_[it->second];
}

const std::uint8_t* SafetensorsFile::tensor_data(const TensorInfo& t) const {
  return bytes_ + data_start_ + t.begin;
}

// ---- writer -----------------------------------------------------------------

void write_safetensors(const std::string& path, const std::vector<TensorBytes>& tensors,
                       const std::map<std::string, std::string>& metadata) {
  std::vector<const TensorBytes*> order;
  std::set<std::string> names;
  for (const auto& t : tensors) {
    if (!names.insert(t.name).second) throw ModelError(path + ": tensor '" + t.name + "' given twice");
    if (t.name == "__metadata__") throw ModelError(path + ": '__metadata__' is not a tensor name");
    std::uint64_t numel = 1;
    for (auto d : t.shape) numel *= static_cast<std::uint64_t>(d);
    if (numel * dtype_size(t.dtype) != t.nbytes)
      throw ModelError(path + ": tensor '" + t.name + "': shape and dtype need " +
                       std::to_string(numel * dtype_size(t.dtype)) + " bytes, " + std::to_string(t.nbytes) + " given");
    order.push_back(&t);
  }
  std::stable_sort(order.begin(), order.end(), [](const TensorBytes* a, const TensorBytes* b) {
    const int ra = row(a->dtype).sort_rank, rb = row(b->dtype).sort_rank;
    return ra != rb ? ra > rb : a->name < b->name;
  });

  Json header = Json::object();
  if (!metadata.empty()) {
    Json m = Json::object();
    for (const auto& [k, v] : metadata) m[k] = v;
    header["__metadata__"] = m;
  }
  std::uint64_t offset = 0;
  for (const TensorBytes* t : order) {
    header[t->name] = {{"dtype", std::string(dtype_name(t->dtype))},
                       {"shape", t->shape},
                       {"data_offsets", {offset, offset + t->nbytes}}};
    offset += t->nbytes;
  }
  std::string h = header.dump();
  h.append((8 - h.size() % 8) % 8, ' ');
  std::string len(8, '\0');
  for (int i = 0; i < 8; ++i) len[i] = static_cast<char>((static_cast<std::uint64_t>(h.size()) >> (8 * i)) & 0xFF);

  data::AtomicFileWriter w(path);
  w.write(len);
  w.write(h);
  for (const TensorBytes* t : order)
    if (t->nbytes) w.write(std::string_view(static_cast<const char*>(t->data), t->nbytes));
  w.commit();
}

void write_safetensors_sharded(const std::string& dir, const std::vector<TensorBytes>& tensors,
                               std::uint64_t max_shard_bytes) {
  // Greedy in the caller's order, as save_pretrained does.
  std::vector<std::vector<TensorBytes>> shards(1);
  std::uint64_t in_shard = 0, total = 0;
  for (const auto& t : tensors) {
    if (in_shard > 0 && in_shard + t.nbytes > max_shard_bytes) {
      shards.emplace_back();
      in_shard = 0;
    }
    shards.back().push_back(t);
    in_shard += t.nbytes;
    total += t.nbytes;
  }
  fs::create_directories(dir);
  if (shards.size() == 1) {
    write_safetensors((fs::path(dir) / "model.safetensors").string(), tensors);
    return;
  }
  Json weight_map = Json::object();
  const std::size_t n = shards.size();
  auto pad5 = [](std::size_t i) {
    std::string s = std::to_string(i);
    return std::string(s.size() < 5 ? 5 - s.size() : 0, '0') + s;
  };
  std::vector<std::pair<std::string, std::string>> entries;
  for (std::size_t i = 0; i < n; ++i) {
    const std::string file = "model-" + pad5(i + 1) + "-of-" + pad5(n) + ".safetensors";
    write_safetensors((fs::path(dir) / file).string(), shards[i]);
    for (const auto& t : shards[i]) entries.emplace_back(t.name, file);
  }
  std::sort(entries.begin(), entries.end());
  for (const auto& [name, file] : entries) weight_map[name] = file;
  Json index = {{"metadata", {{"total_size", total}}}, {"weight_map", weight_map}};
  data::write_file_atomic((fs::path(dir) / "model.safetensors.index.json").string(), index.dump(2) + "\n");
}

// ---- a model folder's weights -----------------------------------------------

WeightFiles WeightFiles::open_dir(const std::string& dir) {
  WeightFiles w;
  const fs::path root(dir);
  const fs::path index_path = root / "model.safetensors.index.json";
  const fs::path single = root / "model.safetensors";
  std::error_code ec;
  auto add_file = [&](const std::string& path) -> SafetensorsFile* {
    w.files_.push_back(std::make_unique<SafetensorsFile>(SafetensorsFile::open(path)));
    return w.files_.back().get();
  };

  if (fs::exists(index_path, ec)) {
    const std::string ipath = index_path.string();
    Json index;
    try {
      index = Json::parse(data::read_file(ipath));
    } catch (const Json::exception& e) {
      throw ModelError(ipath + ": not valid JSON: " + e.what());
    }
    if (!index.is_object() || !index.contains("weight_map") || !index["weight_map"].is_object())
      throw ModelError(ipath + ": missing the \"weight_map\" object");
    std::map<std::string, SafetensorsFile*> opened;
    for (auto it = index["weight_map"].begin(); it != index["weight_map"].end(); ++it) {
      if (!it.value().is_string()) throw ModelError(ipath + ": weight_map entry '" + it.key() + "' is not a file name");
      const std::string file = it.value().get<std::string>();
      if (file.empty() || file.find('/') != std::string::npos || file.find('\\') != std::string::npos || file == "." ||
          file == "..")
        throw ModelError(ipath + ": weight_map entry '" + it.key() + "' names '" + file +
                         "', which is not a plain file name in the model folder");
      if (is_pickle_name(file)) throw ModelError(ipath + ": '" + file + "': " + kPickleHint);
      SafetensorsFile*& sf = opened[file];
      if (!sf) sf = add_file((root / file).string());
      const TensorInfo* info = sf->find(it.key());
      if (!info)
        throw ModelError(sf->path() + ": tensor '" + it.key() + "' is listed in model.safetensors.index.json but missing from this shard");
      w.entries_[it.key()] = Entry{sf, info};
    }
    for (const auto& [file, sf] : opened)
      for (const auto& t : sf->tensors())
        if (!w.entries_.count(t.name))
          throw ModelError(sf->path() + ": tensor '" + t.name + "' is not listed in model.safetensors.index.json");
    return w;
  }
  if (fs::exists(single, ec)) {
    SafetensorsFile* sf = add_file(single.string());
    for (const auto& t : sf->tensors()) w.entries_[t.name] = Entry{sf, &t};
    return w;
  }
  if (!fs::is_directory(root, ec)) throw data::IoError(dir + ": not a folder");
  for (const auto& e : fs::directory_iterator(root, ec))
    if (is_pickle_name(e.path().filename().string()))
      throw ModelError(e.path().string() + ": " + kPickleHint);
  throw ModelError(dir + ": no model.safetensors or model.safetensors.index.json in the folder");
}

}  // namespace tunesmith::model
