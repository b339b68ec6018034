// Placeholder until its issue lands: answers "not supported yet" (exit 2).
#include <iostream>

#include "app/cli/args.h"
#include "app/cli/commands.h"

namespace tunesmith::cli {

int run_data_validate(const ArgList&) {
  std::cerr << "tunesmith-cli: run_data_validate: not supported yet\n";
  return kUsage;
}

int run_data_stats(const ArgList&) {
  std::cerr << "tunesmith-cli: run_data_stats: not supported yet\n";
  return kUsage;
}

}  // namespace tunesmith::cli
