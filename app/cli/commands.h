#pragma once
// Entry points of the command groups. Each takes the arguments after its own name
// (e.g. for "tunesmith-cli data validate x.jsonl": {"validate", "x.jsonl"}) and returns
// an exit code of the contract (args.h). Usage errors may be thrown as UsageError.
#include <string>
#include <vector>

namespace tunesmith::cli {

using ArgList = std::vector<std::string>;

int run_data(const ArgList& args);
int run_data_validate(const ArgList& args);
int run_data_stats(const ArgList& args);
int run_data_import(const ArgList& args);
int run_data_split(const ArgList& args);
int run_data_dedupe(const ArgList& args);
int run_data_leakage(const ArgList& args);

int run_demo(const ArgList& args, const std::string& argv0);

int run_tokenize(const ArgList& args);
int run_template(const ArgList& args);

#ifdef TUNESMITH_HAVE_CLOUD
int run_openai(const ArgList& args, const std::string& argv0);
#endif

#ifdef TUNESMITH_HAVE_MODEL
int run_model(const ArgList& args);
int run_generate(const ArgList& args);
int run_train(const ArgList& args);
int run_export(const ArgList& args);
int run_eval(const ArgList& args);
#endif

}  // namespace tunesmith::cli
