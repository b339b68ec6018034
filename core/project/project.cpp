#include "core/project/project.h"

#include <cstdlib>
#include <filesystem>
#include <stdexcept>

#include "core/data/atomic_file.h"
#include "core/data/io_error.h"

namespace tunesmith::project {
namespace fs = std::filesystem;
using data::Json;

std::string Project::file_path() const { return (fs::path(folder) / "tunesmith.json").string(); }

std::string Project::resolve(const std::string& relative) const {
  fs::path p(relative);
  return p.is_absolute() ? p.string() : (fs::path(folder) / p).string();
}

namespace {

template <typename T>
T field(const Json& j, const char* key, const std::string& file, T fallback) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return fallback;
  try {
    return it->get<T>();
  } catch (const Json::exception&) {
    throw std::runtime_error(file + ": field '" + key + "' has the wrong type");
  }
}

}  // namespace

Project load_project(const std::string& folder) {
  Project p;
  p.folder = folder;
  const std::string file = p.file_path();
  std::string text = data::read_file(file);
  Json j;
  try {
    j = Json::parse(text);
  } catch (const Json::parse_error& e) {
    throw std::runtime_error(file + ": invalid JSON: " + e.what());
  }
  if (!j.is_object()) throw std::runtime_error(file + ": not a JSON object");
  if (field<std::string>(j, "format", file, "") != "tunesmith-project")
    throw std::runtime_error(file + ": field 'format' must be \"tunesmith-project\"");
  int version = field<int>(j, "version", file, 0);
  if (version < 1 || version > Project::kFormatVersion)
    throw std::runtime_error(file + ": unsupported project version " + std::to_string(version));
  p.name = field<std::string>(j, "name", file, fs::path(folder).filename().string());
  if (auto it = j.find("datasets"); it != j.end()) {
    if (!it->is_array()) throw std::runtime_error(file + ": field 'datasets' must be a list");
    for (std::size_t i = 0; i < it->size(); ++i) {
      const Json& d = (*it)[i];
      const std::string where = file + ": datasets[" + std::to_string(i) + "]";
      if (!d.is_object()) throw std::runtime_error(where + " must be an object");
      DatasetEntry e{field<std::string>(d, "name", where, ""), field<std::string>(d, "path", where, ""),
                     field<std::string>(d, "split", where, "")};
      if (e.path.empty()) throw std::runtime_error(where + ": field 'path' is missing");
      if (e.name.empty()) e.name = fs::path(e.path).stem().string();
      p.datasets.push_back(std::move(e));
    }
  }
  p.runs = field<std::vector<std::string>>(j, "runs", file, {});
  p.evaluations = field<std::vector<std::string>>(j, "evaluations", file, {});
  p.models = field<std::vector<std::string>>(j, "models", file, {});
  if (auto it = j.find("settings"); it != j.end() && it->is_object()) p.settings = *it;
  if (auto it = j.find("baseline"); it != j.end() && !it->is_null()) {
    const std::string where = file + ": baseline";
    if (!it->is_object()) throw std::runtime_error(where + " must be an object");
    Baseline b;
    b.path = field<std::string>(*it, "path", where, "");
    b.answerer = field<std::string>(*it, "answerer", where, "");
    b.spec = field<std::string>(*it, "spec", where, "");
    b.scores = field<std::map<std::string, double>>(*it, "scores", where, {});
    if (b.path.empty()) throw std::runtime_error(where + ": field 'path' is missing");
    p.baseline = std::move(b);
  }
  return p;
}

void save_project(const Project& p) {
  Json j = Json::object();
  j["format"] = "tunesmith-project";
  j["version"] = Project::kFormatVersion;
  j["name"] = p.name;
  Json ds = Json::array();
  for (const auto& d : p.datasets) ds.push_back({{"name", d.name}, {"path", d.path}, {"split", d.split}});
  j["datasets"] = ds;
  j["models"] = p.models;
  j["runs"] = p.runs;
  j["evaluations"] = p.evaluations;
  j["settings"] = p.settings;
  if (p.baseline)
    j["baseline"] = {{"path", p.baseline->path},
                     {"answerer", p.baseline->answerer},
                     {"spec", p.baseline->spec},
                     {"scores", p.baseline->scores}};
  data::write_file_atomic(p.file_path(), j.dump(2) + "\n");
}

Project create_demo_project(const std::string& folder, const std::string& resources_dir) {
  const fs::path root(folder);
  const fs::path acme = fs::path(resources_dir) / "demo" / "acme";
  if (!fs::exists(acme / "train.jsonl"))
    throw data::IoError(resources_dir + ": no demo dataset (demo/acme/train.jsonl); set TUNESMITH_RESOURCES");
  std::error_code ec;
  fs::create_directories(root / "data", ec);
  if (ec) throw data::IoError(folder + ": cannot create folder: " + ec.message());
  for (const char* name : {"train.jsonl", "test.jsonl"})
    data::write_file_atomic((root / "data" / name).string(), data::read_file((acme / name).string()));
  Project p;
  p.folder = folder;
  p.name = "Acme support demo";
  p.datasets = {{"Acme support (train)", "data/train.jsonl", "train"},
                {"Acme support (test)", "data/test.jsonl", "test"}};
  save_project(p);
  return p;
}

std::string find_resources_dir(const std::string& argv0) {
  if (const char* env = std::getenv("TUNESMITH_RESOURCES"); env && *env) return env;
  std::error_code ec;
  fs::path exe = fs::canonical("/proc/self/exe", ec);
  if (ec) exe = fs::absolute(argv0, ec);
  for (const fs::path& candidate : {exe.parent_path().parent_path() / "share" / "tunesmith",
                                    exe.parent_path() / "resources"}) {
    if (fs::exists(candidate / "demo" / "acme" / "train.jsonl", ec)) return candidate.string();
  }
#ifdef TUNESMITH_SOURCE_RESOURCES
  return TUNESMITH_SOURCE_RESOURCES;
#else
  return "resources";
#endif
}

}  // namespace tunesmith::project
