#include <iostream>

#include "app/cli/args.h"
#include "app/cli/commands.h"

namespace tunesmith::cli {

int run_train(const ArgList&) {
  std::cerr << "tunesmith-cli train: not supported yet\n";
  return kUsage;
}

}  // namespace tunesmith::cli
