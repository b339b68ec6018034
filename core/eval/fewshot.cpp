#include "core/eval/fewshot.h"

#include <numeric>
#include <random>

namespace tunesmith::eval {

FewShot draw_fewshot(const std::vector<EvalCase>& train, std::size_t k, std::uint64_t seed) {
  FewShot f;
  std::vector<std::size_t> usable;
  for (std::size_t i = 0; i < train.size(); ++i)
    if (train[i].has_reference) usable.push_back(i);
  for (const EvalCase& c : train) {
    if (!c.system_prompt.empty()) {
      f.system_prompt = c.system_prompt;
      break;
    }
  }
  std::mt19937_64 rng(seed);
  const std::size_t n = std::min(k, usable.size());
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t j = i + static_cast<std::size_t>(rng() % (usable.size() - i));
    std::swap(usable[i], usable[j]);
    const EvalCase& c = train[usable[i]];
    Json shot = Json::array();
    for (const Json& m : c.input)
      if (m.is_object() && m.value("role", "") != "system") shot.push_back(m);
    shot.push_back({{"role", "assistant"}, {"content", c.reference}});
    f.shots.push_back(std::move(shot));
    f.drawn.push_back(usable[i]);
  }
  return f;
}

Json fewshot_messages(const FewShot& fewshot, const Json& case_input) {
  Json out = Json::array();
  std::string system = fewshot.system_prompt;
  if (!case_input.empty() && case_input[0].is_object() && case_input[0].value("role", "") == "system")
    system = case_input[0].value("content", Json("")).is_string() ? case_input[0]["content"].get<std::string>()
                                                                    : system;
  if (!system.empty()) out.push_back({{"role", "system"}, {"content", system}});
  for (const Json& shot : fewshot.shots)
    for (const Json& m : shot) out.push_back(m);
  for (const Json& m : case_input)
    if (!(m.is_object() && m.value("role", "") == "system")) out.push_back(m);
  return out;
}

FewShotAnswerer::FewShotAnswerer(std::shared_ptr<Answerer> inner, FewShot fewshot, std::string spec)
    : inner_(std::move(inner)), fewshot_(std::move(fewshot)), spec_(std::move(spec)) {}

std::vector<Answer> FewShotAnswerer::answer(const std::vector<Json>& conversations, const std::atomic<bool>* cancel) {
  std::vector<Json> prompted;
  prompted.reserve(conversations.size());
  for (const Json& c : conversations) prompted.push_back(fewshot_messages(fewshot_, c));
  return inner_->answer(prompted, cancel);
}

}  // namespace tunesmith::eval
