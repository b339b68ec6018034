#include <iostream>

#include "app/cli/args.h"
#include "app/cli/commands.h"

namespace tunesmith::cli {

int run_data(const ArgList& args) {
  static constexpr const char* kHelp =
      "Usage: tunesmith-cli data validate|stats|import|split|dedupe|leakage ... (SUBCOMMAND --help)\n";
  if (args.empty() || args[0] == "--help" || args[0] == "-h") {
    (args.empty() ? std::cerr : std::cout) << kHelp;
    return args.empty() ? kUsage : kOk;
  }
  const ArgList rest(args.begin() + 1, args.end());
  const std::string& sub = args[0];
  if (sub == "validate") return run_data_validate(rest);
  if (sub == "stats") return run_data_stats(rest);
  if (sub == "import") return run_data_import(rest);
  if (sub == "split") return run_data_split(rest);
  if (sub == "dedupe") return run_data_dedupe(rest);
  if (sub == "leakage") return run_data_leakage(rest);
  throw UsageError("unknown subcommand 'data " + sub + "'");
}

}  // namespace tunesmith::cli
