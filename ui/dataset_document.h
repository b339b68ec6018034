#pragma once
// A dataset open in the window: the examples and everything found wrong with them
// (lines that could not be read, then the validation rules). The GUI issue gives it a
// QUndoStack; for now it is read-only.
#include <cstddef>
#include <string>
#include <vector>

#include "core/data/dataset.h"
#include "core/data/finding.h"

namespace tunesmith::ui {

struct DatasetDocument {
  std::string name;  // shown in the sidebar and above the table
  data::Dataset dataset;
  // Unreadable lines and validation findings, ordered by line (file-wide ones first).
  std::vector<data::Finding> findings;
  data::FindingCounts counts;

  // The example a finding points at: its own example, else the first example at or
  // after its line (an unreadable line is not in the table; its neighbour is), else
  // the last one. npos when the dataset is empty or the finding is about the file.
  std::size_t example_for(const data::Finding& finding) const;
};

// Loads and validates a JSONL file (OpenAI rules). Throws data::IoError when the file
// cannot be read.
DatasetDocument load_dataset_document(const std::string& path, const std::string& name);

// The estimated token count of one example: ~4 bytes a token, plus the chat format's
// per-message and per-conversation overhead (the rule the validator uses).
std::size_t estimated_tokens(const data::Conversation& example);

}  // namespace tunesmith::ui
