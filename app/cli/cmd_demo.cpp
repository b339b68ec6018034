#include <iostream>

#include "app/cli/args.h"
#include "app/cli/commands.h"
#include "core/project/project.h"

namespace tunesmith::cli {

int run_demo(const ArgList& args, const std::string& argv0) {
  static constexpr const char* kHelp = R"(Usage: tunesmith-cli demo create --out DIR

Writes the demo project: DIR/tunesmith.json and the Acme support dataset split as
DIR/data/train.jsonl and DIR/data/test.jsonl.
)";
  Args a = Args::parse(args, {{"out"}, {}});
  if (a.has("help")) {
    std::cout << kHelp;
    return kOk;
  }
  if (a.positional().size() != 1 || a.positional()[0] != "create") throw UsageError("expected 'demo create --out DIR'");
  const std::string out = a.require("out");
  auto resources = project::find_resources_dir(argv0);
  auto p = project::create_demo_project(out, resources);
  std::cerr << "demo project written to " << p.folder << "\n";
  return kOk;
}

}  // namespace tunesmith::cli
