// Placeholder until its issue lands: answers "not supported yet" (exit 2).
#include <iostream>

#include "app/cli/args.h"
#include "app/cli/commands.h"

namespace tunesmith::cli {

int run_tokenize(const ArgList&) {
  std::cerr << "tunesmith-cli: run_tokenize: not supported yet\n";
  return kUsage;
}

int run_template(const ArgList&) {
  std::cerr << "tunesmith-cli: run_template: not supported yet\n";
  return kUsage;
}

}  // namespace tunesmith::cli
