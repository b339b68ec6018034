#pragma once
// The project on disk: a folder with tunesmith.json (datasets, runs, evaluations,
// settings; never secrets) and the files it refers to by relative path.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/data/json.h"

namespace tunesmith::project {

struct DatasetEntry {
  std::string name;   // shown in the sidebar
  std::string path;   // relative to the project folder
  std::string split;  // "train", "val", "test" or "" (unsplit)
};

// The remembered baseline evaluation (usually the base model before fine-tuning): later
// evaluations are compared with it ("contains moved from 41% to 78%"), see
// core/eval/baseline.h. Scores are the summary's means per scorer for one answerer.
struct Baseline {
  std::string path;      // the evaluation folder, relative to the project folder
  std::string answerer;  // its label in that evaluation ("a")
  std::string spec;      // what that answerer was ("local:models/demo")
  std::map<std::string, double> scores;  // scorer name -> mean (0..1 for accuracies)
};

struct Project {
  static constexpr int kFormatVersion = 1;
  std::string folder;  // absolute or as given
  std::string name;
  std::vector<DatasetEntry> datasets;
  std::vector<std::string> runs;         // run folders, relative
  std::vector<std::string> evaluations;  // evaluation folders, relative
  std::vector<std::string> models;       // model folders, relative or absolute
  data::Json settings = data::Json::object();  // free-form, secrets never stored
  std::optional<Baseline> baseline;

  std::string file_path() const;                          // folder/tunesmith.json
  std::string resolve(const std::string& relative) const; // folder/relative
};

// Throws data::IoError (missing or unreadable) or std::runtime_error naming the field
// for a malformed file.
Project load_project(const std::string& folder);
void save_project(const Project& project);  // atomic

// Writes the demo project (the Acme support dataset split into train and test) into
// `folder`, copying the data from `resources_dir` (the source tree's resources/ or the
// installed share folder). Returns the project.
Project create_demo_project(const std::string& folder, const std::string& resources_dir);

// Where the resources are: $TUNESMITH_RESOURCES, next to the executable
// (../share/tunesmith), or the source tree this binary was built from.
std::string find_resources_dir(const std::string& argv0);

}  // namespace tunesmith::project
