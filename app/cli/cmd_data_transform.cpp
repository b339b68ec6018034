// Placeholder until its issue lands: answers "not supported yet" (exit 2).
#include <iostream>

#include "app/cli/args.h"
#include "app/cli/commands.h"

namespace tunesmith::cli {

int run_data_import(const ArgList&) {
  std::cerr << "tunesmith-cli: run_data_import: not supported yet\n";
  return kUsage;
}

int run_data_split(const ArgList&) {
  std::cerr << "tunesmith-cli: run_data_split: not supported yet\n";
  return kUsage;
}

int run_data_dedupe(const ArgList&) {
  std::cerr << "tunesmith-cli: run_data_dedupe: not supported yet\n";
  return kUsage;
}

int run_data_leakage(const ArgList&) {
  std::cerr << "tunesmith-cli: run_data_leakage: not supported yet\n";
  return kUsage;
}

}  // namespace tunesmith::cli
