// `demo create --out DIR`: the demo project. The data part (core/project) needs no
// torch; the base model (core/train/demo_model.h, pretrained on the shipped corpus and
// cached) exists only in builds with the model engine.
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <iostream>

#include "app/cli/args.h"
#include "app/cli/commands.h"
#include "core/project/project.h"
#ifdef TUNESMITH_HAVE_MODEL
#include "core/train/demo_model.h"
#endif

namespace tunesmith::cli {

namespace {

#ifdef TUNESMITH_HAVE_MODEL
std::atomic<bool> g_demo_cancel{false};
extern "C" void on_demo_sigint(int) { g_demo_cancel = true; }

// Pretraining progress on stderr: a line redrawn in place on a terminal, otherwise one
// plain line every 50 steps.
void print_progress(const train::DemoModelProgress& p) {
  if (p.from_cache) {
    std::cerr << "demo base model: using the cached pretrained model\n";
    return;
  }
  const auto& s = p.pretrain;
  const bool tty = ::isatty(STDERR_FILENO) != 0;
  if (!tty && s.step % 50 != 0 && s.step != s.steps) return;
  const double eta = s.step > 0 ? s.elapsed_s * static_cast<double>(s.steps - s.step) / static_cast<double>(s.step) : 0;
  std::fprintf(stderr, "%spretraining the demo base model: step %lld/%lld  loss %.3f  %.0f tokens/s  eta %.0fs%s",
               tty ? "\r" : "", static_cast<long long>(s.step), static_cast<long long>(s.steps), s.loss,
               s.tokens_per_s, eta, tty ? (s.step == s.steps ? "\n" : "") : "\n");
  std::fflush(stderr);
}
#endif

}  // namespace

int run_demo(const ArgList& args, const std::string& argv0) {
  static constexpr const char* kHelp = R"(Usage: tunesmith-cli demo create --out DIR [--data-only]

Writes the demo project: DIR/tunesmith.json, the Acme support dataset split as
DIR/data/train.jsonl and DIR/data/test.jsonl, and DIR/models/demo/, a complete
Hugging Face model folder whose tiny model Tunesmith pretrains (full-parameter,
seeded, deterministic) on the generic English corpus it ships, so that it writes
English but knows nothing about Acme before fine-tuning.

Pretraining takes a minute or two on 2 cores; the result is cached under
$XDG_CACHE_HOME/tunesmith (or ~/.cache/tunesmith) and reused. TUNESMITH_NO_CACHE=1
forces a rebuild. Ctrl-C cancels (exit 130) and leaves no partial model.
--data-only writes the project and its data without the base model (to fine-tune a
model of your own).
)";
  Args a = Args::parse(args, {{"out"}, {"data-only"}});
  if (a.has("help")) {
    std::cout << kHelp;
    return kOk;
  }
  if (a.positional().size() != 1 || a.positional()[0] != "create") throw UsageError("expected 'demo create --out DIR'");
  const std::string out = a.require("out");
  auto resources = project::find_resources_dir(argv0);
  auto p = project::create_demo_project(out, resources);
  if (a.has("data-only")) {
    std::cerr << "demo project written to " << p.folder << " (data only)\n";
    return kOk;
  }
#ifdef TUNESMITH_HAVE_MODEL
  auto* previous = std::signal(SIGINT, on_demo_sigint);
  const train::DemoModelResult model =
      train::build_demo_model(p.resolve("models/demo"), resources, print_progress, &g_demo_cancel);
  std::signal(SIGINT, previous);
  if (model.dir.empty()) {
    std::cerr << "cancelled: the demo base model was not written\n";
    return kCancelled;
  }
  p.models = {"models/demo"};
  project::save_project(p);
  std::cerr << "demo base model: " << model.dir << (model.from_cache ? " (from the cache" : " (pretrained")
            << ", final loss " << model.final_loss << ", key " << model.key << ")\n";
#else
  std::cerr << "note: this build has no model engine (libtorch): models/demo/ was not written\n";
#endif
  std::cerr << "demo project written to " << p.folder << "\n";
  return kOk;
}

}  // namespace tunesmith::cli
