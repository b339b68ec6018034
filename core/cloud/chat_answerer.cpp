#include "core/cloud/chat_answerer.h"

#include <memory>
#include <stdexcept>

#include <QElapsedTimer>
#include <QEventLoop>
#include <QTimer>

namespace tunesmith::cloud {

std::vector<ChatOutcome> run_chats(const ClientOptions& options, const std::vector<Json>& bodies, int concurrency,
                                   const std::atomic<bool>* cancel) {
  std::vector<ChatOutcome> out(bodies.size());
  if (bodies.empty()) return out;
  OpenAIClient client(options);
  QEventLoop loop;
  std::size_t next = 0, done = 0;
  std::vector<Call*> in_flight(bodies.size(), nullptr);
  std::vector<QElapsedTimer> clocks(bodies.size());
  const std::size_t limit = static_cast<std::size_t>(std::max(1, concurrency));
  std::size_t running = 0;
  bool stopping = false;

  std::function<void()> launch;
  auto finish_one = [&](std::size_t i, const Result& r) {
    ChatOutcome& o = out[i];
    o.latency_s = static_cast<double>(clocks[i].nsecsElapsed()) / 1e9;
    o.error = r.error;
    if (r.ok()) {
      o.text = chat_text(r.json);
      const Json usage = r.json.value("usage", Json::object());
      if (usage.is_object()) {
        o.prompt_tokens = usage.value("prompt_tokens", 0);
        o.completion_tokens = usage.value("completion_tokens", 0);
      }
    }
    in_flight[i] = nullptr;
    --running;
    ++done;
    if (done == bodies.size()) loop.quit();
    else launch();
  };
  launch = [&]() {
    while (!stopping && running < limit && next < bodies.size()) {
      const std::size_t i = next++;
      clocks[i].start();
      Call* call = client.chat(bodies[i]);
      in_flight[i] = call;
      ++running;
      call->then([&, i, call](const Result& r) {
        finish_one(i, r);
        call->deleteLater();
      });
    }
  };
  // Cancellation comes from another thread as a flag: polled, then every call aborted
  // and the unsent ones marked.
  QTimer poll;
  if (cancel) {
    poll.setInterval(50);
    QObject::connect(&poll, &QTimer::timeout, [&]() {
      if (!cancel->load() || stopping) return;
      stopping = true;
      for (std::size_t i = next; i < bodies.size(); ++i) {
        out[i].error.kind = ApiError::Kind::Cancelled;
        out[i].error.message = QStringLiteral("cancelled");
        ++done;
      }
      next = bodies.size();
      for (Call* c : in_flight)
        if (c) c->cancel();
      if (done == bodies.size()) loop.quit();
    });
    poll.start();
  }
  launch();
  if (done < bodies.size()) loop.exec();
  return out;
}

RemoteSpec parse_remote_spec(const std::string& spec) {
  RemoteSpec r;
  if (spec.rfind("openai:", 0) == 0) {
    r.model = QString::fromStdString(spec.substr(7));
  } else if (spec.rfind("endpoint:", 0) == 0) {
    const std::string rest = spec.substr(9);
    const auto hash = rest.rfind('#');
    if (hash == std::string::npos || hash == 0 || hash + 1 == rest.size())
      throw std::invalid_argument("'" + spec + "': expected endpoint:BASE_URL#MODEL_ID");
    r.openai = false;
    r.base_url = QString::fromStdString(rest.substr(0, hash));
    r.model = QString::fromStdString(rest.substr(hash + 1));
  } else {
    throw std::invalid_argument("'" + spec + "': expected openai:MODEL_ID or endpoint:BASE_URL#MODEL_ID");
  }
  if (r.model.isEmpty()) throw std::invalid_argument("'" + spec + "': the model id is empty");
  return r;
}

std::optional<double> answer_cost(const std::optional<estimate::PriceEntry>& price, qint64 prompt_tokens,
                                  qint64 completion_tokens) {
  if (!price || !price->input_per_1m || !price->output_per_1m) return std::nullopt;
  return static_cast<double>(prompt_tokens) * *price->input_per_1m / 1e6 +
         static_cast<double>(completion_tokens) * *price->output_per_1m / 1e6;
}

std::vector<eval::Answer> ChatAnswerer::answer(const std::vector<Json>& conversations,
                                               const std::atomic<bool>* cancel) {
  std::vector<Json> bodies;
  bodies.reserve(conversations.size());
  for (const Json& c : conversations)
    bodies.push_back(chat_body(s_.model, c, {}, s_.temperature.value_or(0.0), s_.max_tokens));
  const std::vector<ChatOutcome> got = run_chats(s_.client, bodies, s_.concurrency, cancel);
  std::vector<eval::Answer> out(got.size());
  for (std::size_t i = 0; i < got.size(); ++i) {
    eval::Answer& a = out[i];
    a.latency_s = got[i].latency_s;
    if (!got[i].error.ok()) {
      a.error = got[i].error.describe().toStdString();
      continue;
    }
    a.text = got[i].text.toStdString();
    a.prompt_tokens = got[i].prompt_tokens;
    a.completion_tokens = got[i].completion_tokens;
    a.cost_usd = answer_cost(s_.price, a.prompt_tokens, a.completion_tokens);
  }
  return out;
}

std::vector<eval::ChatReply> ChatJudge::complete(const std::vector<Json>& requests, const std::atomic<bool>* cancel) {
  std::vector<Json> bodies;
  ResponseFormat format;
  format.type = ResponseFormat::Type::JsonObject;
  for (const Json& messages : requests)
    bodies.push_back(chat_body(s_.model, messages, format, s_.temperature.value_or(0.0), s_.max_tokens));
  const std::vector<ChatOutcome> got = run_chats(s_.client, bodies, s_.concurrency, cancel);
  std::vector<eval::ChatReply> out(got.size());
  for (std::size_t i = 0; i < got.size(); ++i) {
    if (got[i].error.ok()) out[i].text = got[i].text.toStdString();
    else out[i].error = got[i].error.describe().toStdString();
  }
  return out;
}

}  // namespace tunesmith::cloud
