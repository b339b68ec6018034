#include "core/model/weights.h"

#include <ATen/ATen.h>

#include "core/model/error.h"

namespace tunesmith::model {

c10::ScalarType to_scalar_type(Dtype d, const std::string& where) {
  switch (d) {
    case Dtype::F64: return at::kDouble;
    case Dtype::F32: return at::kFloat;
    case Dtype::F16: return at::kHalf;
    case Dtype::BF16: return at::kBFloat16;
    case Dtype::I64: return at::kLong;
    case Dtype::I32: return at::kInt;
    case Dtype::I16: return at::kShort;
    case Dtype::I8: return at::kChar;
    case Dtype::U8: return at::kByte;
    case Dtype::BOOL: return at::kBool;
    default:
      throw ModelError(where + ": dtype " + std::string(dtype_name(d)) + " cannot be loaded into a tensor");
  }
}

Dtype from_scalar_type(c10::ScalarType t) {
  switch (t) {
    case at::kDouble: return Dtype::F64;
    case at::kFloat: return Dtype::F32;
    case at::kHalf: return Dtype::F16;
    case at::kBFloat16: return Dtype::BF16;
    case at::kLong: return Dtype::I64;
    case at::kInt: return Dtype::I32;
    case at::kShort: return Dtype::I16;
    case at::kChar: return Dtype::I8;
    case at::kByte: return Dtype::U8;
    case at::kBool: return Dtype::BOOL;
    default: throw ModelError(std::string("tensor dtype ") + c10::toString(t) + " cannot be saved as safetensors");
  }
}

bool is_float_dtype(Dtype d) { return d == Dtype::F32 || d == Dtype::F16 || d == Dtype::BF16 || d == Dtype::F64; }

at::Tensor tensor_from_file(const SafetensorsFile& file, const TensorInfo& info) {
  const auto type = to_scalar_type(info.dtype, file.path() + ": tensor '" + info.name + "'");
  auto* ptr = const_cast<std::uint8_t*>(file.tensor_data(info));
  const auto opts = at::TensorOptions().dtype(type);
  if (info.numel() == 0) return at::empty(info.shape, opts);
  if (reinterpret_cast<std::uintptr_t>(ptr) % dtype_size(info.dtype) != 0)
    return at::from_blob(ptr, info.shape, opts).clone();  // misaligned: copy once
  std::shared_ptr<MappedFile> keep = file.mapping();
  return at::from_blob(ptr, info.shape, [keep](void*) {}, opts);
}

std::map<std::string, at::Tensor> load_safetensors(const std::string& path) {
  const SafetensorsFile f = SafetensorsFile::open(path);
  std::map<std::string, at::Tensor> out;
  for (const auto& t : f.tensors()) out[t.name] = tensor_from_file(f, t);
  return out;
}

namespace {
std::vector<TensorBytes> as_bytes(const std::vector<std::pair<std::string, at::Tensor>>& tensors,
                                  std::vector<at::Tensor>* keep) {
  std::vector<TensorBytes> out;
  for (const auto& [name, t] : tensors) {
    at::Tensor c = t.detach().to(at::kCPU).contiguous();
    keep->push_back(c);
    TensorBytes b;
    b.name = name;
    b.dtype = from_scalar_type(c.scalar_type());
    b.shape = c.sizes().vec();
    b.data = c.data_ptr();
    b.nbytes = c.nbytes();
    out.push_back(b);
  }
  return out;
}
}  // namespace

void save_safetensors(const std::string& path, const std::vector<std::pair<std::string, at::Tensor>>& tensors,
                      const std::map<std::string, std::string>& metadata) {
  std::vector<at::Tensor> keep;
  write_safetensors(path, as_bytes(tensors, &keep), metadata);
}

void save_safetensors_sharded(const std::string& dir, const std::vector<std::pair<std::string, at::Tensor>>& tensors,
                              std::uint64_t max_shard_bytes) {
  std::vector<at::Tensor> keep;
  write_safetensors_sharded(dir, as_bytes(tensors, &keep), max_shard_bytes);
}

}  // namespace tunesmith::model
