#include <iostream>

#include "app/cli/args.h"
#include "app/cli/commands.h"

namespace tunesmith::cli {

int run_eval(const ArgList&) {
  std::cerr << "tunesmith-cli eval: not supported yet\n";
  return kUsage;
}

}  // namespace tunesmith::cli
