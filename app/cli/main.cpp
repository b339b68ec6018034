// tunesmith-cli: the Tunesmith engine without a window. See `tunesmith-cli --help`.
#include <exception>
#include <iostream>
#include <string>

#include "app/cli/args.h"
#include "app/cli/commands.h"
#include "core/data/io_error.h"

namespace {

constexpr const char* kHelp = R"(tunesmith-cli - fine-tune language models from the command line

Usage: tunesmith-cli COMMAND [ARGS...]     (COMMAND --help for details)

Data:
  data validate FILE...   check OpenAI chat JSONL files (line-numbered findings)
  data stats FILE         examples, messages, characters and tokens per role
  data import FILE        convert CSV, Alpaca, ShareGPT or OpenAI JSONL to OpenAI JSONL
  data split FILE         train/val/test split that never leaks duplicates
  data dedupe FILE        drop exact and near duplicates
  data leakage TRAIN TEST find test examples that also appear in train
Text:
  tokenize                encode or decode JSON lines with a tokenizer.json
  template                render chat templates for JSON lines of messages
Models:
  model init|info         create a seeded random model folder / validate one
  generate                generate text with a local model
Training and evaluation:
  train                   LoRA fine-tuning of a local model (checkpoints, resume)
  export                  write an adapter or a merged model folder
  eval                    compare answerers on a test set (scores, judge, report)
Cloud:
  openai ...              OpenAI files, fine-tuning jobs, models, chat, synthetic data, costs
Projects:
  demo create --out DIR   write the demo project (Acme data, pretrained base model)

Exit codes: 0 success, 1 invalid input or failed check, 2 usage or I/O error,
3 internal error, 130 cancelled.
)";

}  // namespace

int main(int argc, char** argv) {
  using namespace tunesmith::cli;
  if (argc < 2) {
    std::cerr << kHelp;
    return kUsage;
  }
  const std::string command = argv[1];
  const ArgList rest = tail(argc, argv, 2);
  try {
    if (command == "--help" || command == "-h" || command == "help") {
      std::cout << kHelp;
      return kOk;
    }
    if (command == "--version") {
      std::cout << "tunesmith-cli " << TUNESMITH_VERSION << "\n";
      return kOk;
    }
    if (command == "data") return run_data(rest);
    if (command == "demo") return run_demo(rest, argv[0]);
    if (command == "tokenize") return run_tokenize(rest);
    if (command == "template") return run_template(rest);
#ifdef TUNESMITH_HAVE_CLOUD
    if (command == "openai") return run_openai(rest, argv[0]);
#endif
#ifdef TUNESMITH_HAVE_MODEL
    if (command == "model") return run_model(rest);
    if (command == "generate") return run_generate(rest);
    if (command == "train") return run_train(rest);
    if (command == "export") return run_export(rest);
    if (command == "eval") return run_eval(rest);
#endif
    std::cerr << "tunesmith-cli: unknown command '" << command << "' (see tunesmith-cli --help)\n";
    return kUsage;
  } catch (const UsageError& e) {
    std::cerr << "tunesmith-cli " << command << ": " << e.what() << " (see tunesmith-cli " << command
              << " --help)\n";
    return kUsage;
  } catch (const tunesmith::data::IoError& e) {
    std::cerr << "tunesmith-cli " << command << ": " << e.what() << "\n";
    return kUsage;
  } catch (const std::exception& e) {
    std::cerr << "tunesmith-cli " << command << ": internal error: " << e.what() << "\n";
    return kInternal;
  }
}
