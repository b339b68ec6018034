#include "core/cloud/openai_client.h"

#include <QEventLoop>
#include <QFile>
#include <QFileInfo>
#include <QHttpMultiPart>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QRandomGenerator>
#include <QTimer>

#include "core/cloud/redact.h"

namespace tunesmith::cloud {

namespace {

bool is_connection_error(QNetworkReply::NetworkError e) {
  switch (e) {
    case QNetworkReply::ConnectionRefusedError:
    case QNetworkReply::RemoteHostClosedError:
    case QNetworkReply::HostNotFoundError:
    case QNetworkReply::TimeoutError:
    case QNetworkReply::TemporaryNetworkFailureError:
    case QNetworkReply::NetworkSessionFailedError:
    case QNetworkReply::UnknownNetworkError:
    case QNetworkReply::ProxyConnectionRefusedError:
    case QNetworkReply::ProxyConnectionClosedError:
    case QNetworkReply::ProxyTimeoutError:
    case QNetworkReply::SslHandshakeFailedError:
    case QNetworkReply::InternalServerError:
    case QNetworkReply::ServiceUnavailableError:
    case QNetworkReply::UnknownServerError:
      return true;
    default:
      return false;
  }
}

QString encode_id(const QString& id) { return QString::fromLatin1(QUrl::toPercentEncoding(id)); }

}  // namespace

// ---------------------------------------------------------------------------- Call

Call::Call(OpenAIClient* client, Request request) : QObject(client), client_(client), request_(std::move(request)) {
  timeout_timer_ = new QTimer(this);
  timeout_timer_->setSingleShot(true);
  connect(timeout_timer_, &QTimer::timeout, this, [this] {
    timed_out_ = true;
    if (reply_) reply_->abort();
  });
  retry_timer_ = new QTimer(this);
  retry_timer_->setSingleShot(true);
  connect(retry_timer_, &QTimer::timeout, this, &Call::send_attempt);
}

Call::~Call() {
  if (reply_) {
    reply_->disconnect(this);
    reply_->abort();
    reply_->deleteLater();
  }
}

void Call::cancel() {
  if (finished_) return;
  cancelled_ = true;
  retry_timer_->stop();
  timeout_timer_->stop();
  if (reply_) {
    reply_->abort();  // on_reply_finished() reports the cancellation
  } else {
    Result r;
    r.error.kind = ApiError::Kind::Cancelled;
    r.error.message = QStringLiteral("cancelled");
    r.attempts = retries_taken_ + (result_.attempts > 0 ? 1 : 0);
    finish(std::move(r));
  }
}

void Call::then(std::function<void(const Result&)> f) {
  if (finished_) {
    QTimer::singleShot(0, this, [this, f = std::move(f)] { f(result_); });
    return;
  }
  connect(this, &Call::finished, this, [this, f = std::move(f)] { f(result_); });
}

void Call::send_attempt() {
  if (cancelled_ || finished_) return;
  const ClientOptions& opt = client_->options_;
  QNetworkRequest req(client_->url_for(request_.path, request_.query));
  QList<QPair<QByteArray, QByteArray>> headers;
  auto set_header = [&](const QByteArray& name, const QByteArray& value) {
    req.setRawHeader(name, value);
    headers.append({name, value});
  };
  if (!opt.api_key.isEmpty()) set_header("Authorization", "Bearer " + opt.api_key.toUtf8());
  if (!opt.organization.isEmpty()) set_header("OpenAI-Organization", opt.organization.toUtf8());
  if (!opt.project.isEmpty()) set_header("OpenAI-Project", opt.project.toUtf8());
  set_header("Accept", "application/json");
  set_header("User-Agent", "Tunesmith/" TUNESMITH_VERSION);
  set_header("X-Stainless-Retry-Count", QByteArray::number(retries_taken_));
  req.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::NoLessSafeRedirectPolicy);

  QNetworkAccessManager* nam = client_->nam_;
  QNetworkReply* reply = nullptr;
  if (request_.upload) {
    const Upload& up = *request_.upload;
    auto file = std::make_unique<QFile>(up.file_path);
    if (!file->open(QIODevice::ReadOnly)) {
      Result r;
      r.error.kind = ApiError::Kind::Usage;
      r.error.message = QStringLiteral("cannot read %1: %2").arg(up.file_path, file->errorString());
      finish(std::move(r));
      return;
    }
    auto* multipart = new QHttpMultiPart(QHttpMultiPart::FormDataType);
    for (const auto& [name, value] : up.fields) {
      QHttpPart part;
      part.setHeader(QNetworkRequest::ContentDispositionHeader,
                     QStringLiteral("form-data; name=\"%1\"").arg(QString::fromUtf8(name)));
      part.setBody(value);
      multipart->append(part);
    }
    QHttpPart filePart;
    QString fileName = up.file_name.isEmpty() ? QFileInfo(up.file_path).fileName() : up.file_name;
    fileName.replace(QLatin1Char('"'), QLatin1Char('_'));
    filePart.setHeader(QNetworkRequest::ContentTypeHeader, up.content_type);
    filePart.setHeader(QNetworkRequest::ContentDispositionHeader,
                       QStringLiteral("form-data; name=\"file\"; filename=\"%1\"").arg(fileName));
    filePart.setBodyDevice(file.get());
    upload_total_ = file->size();
    upload_reported_ = 0;
    file.release()->setParent(multipart);
    multipart->append(filePart);
    headers.append({"Content-Type", "multipart/form-data; boundary=" + multipart->boundary()});
    // Qt throttles progress to one signal per 100 ms and may drop the last one of a
    // short upload; a progress bar wants them all (one per chunk written).
    req.setAttribute(QNetworkRequest::EmitAllUploadProgressSignalsAttribute, true);
    reply = nam->sendCustomRequest(req, request_.method, multipart);
    multipart->setParent(reply);
  } else if (request_.json) {
    set_header("Content-Type", "application/json");
    const QByteArray body = QByteArray::fromStdString(request_.json->dump());
    reply = nam->sendCustomRequest(req, request_.method, body);
  } else {
    reply = nam->sendCustomRequest(req, request_.method);
  }
  reply_ = reply;
  timed_out_ = false;
  attempt_clock_.start();
  ++result_.attempts;
  client_->log(QStringLiteral("-> %1 %2%3\n%4")
                   .arg(QString::fromLatin1(request_.method), req.url().toString(),
                        retries_taken_ ? QStringLiteral(" (retry %1)").arg(retries_taken_) : QString(),
                        format_headers_redacted(headers)));
  connect(reply, &QNetworkReply::uploadProgress, this, [this](qint64 sent, qint64 total) {
    if (sent == 0 && total == 0) return;  // Qt's "no upload" signal
    upload_reported_ = sent;
    if (total > 0) upload_total_ = total;
    Q_EMIT upload_progress(sent, total);
  });
  connect(reply, &QNetworkReply::finished, this, &Call::on_reply_finished);
  const int timeout = request_.timeout_ms >= 0 ? request_.timeout_ms : opt.timeout_ms;
  if (timeout > 0) timeout_timer_->start(timeout);
}

void Call::on_reply_finished() {
  timeout_timer_->stop();
  QNetworkReply* reply = reply_;
  reply_ = nullptr;
  if (!reply) return;
  reply->deleteLater();
  const QVariant statusAttr = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute);
  const int status = statusAttr.isValid() ? statusAttr.toInt() : 0;
  const QByteArray body = reply->readAll();
  RetryHeaders rh{reply->rawHeader("x-should-retry"), reply->rawHeader("retry-after-ms"),
                  reply->rawHeader("retry-after")};
  const qint64 ms = attempt_clock_.elapsed();

  if (cancelled_) {
    Result r;
    r.error.kind = ApiError::Kind::Cancelled;
    r.error.message = QStringLiteral("cancelled");
    r.attempts = result_.attempts;
    client_->log(QStringLiteral("<- cancelled %1 %2").arg(QString::fromLatin1(request_.method), request_.path));
    finish(std::move(r));
    return;
  }
  if (timed_out_) {
    ApiError e;
    e.kind = ApiError::Kind::Timeout;
    const int timeout = request_.timeout_ms >= 0 ? request_.timeout_ms : client_->options_.timeout_ms;
    e.message = QStringLiteral("no complete answer within %1 ms").arg(timeout);
    client_->log(QStringLiteral("<- timeout %1 %2 (%3 ms)").arg(QString::fromLatin1(request_.method), request_.path).arg(ms));
    retry_or_finish(std::move(e), {});
    return;
  }
  if (status == 0) {
    ApiError e;
    e.kind = ApiError::Kind::Network;
    e.message = reply->errorString();
    client_->log(QStringLiteral("<- network error %1 %2: %3")
                     .arg(QString::fromLatin1(request_.method), request_.path, redact_line(e.message)));
    if (is_connection_error(reply->error())) {
      retry_or_finish(std::move(e), {});
    } else {
      Result r;
      r.error = std::move(e);
      r.attempts = result_.attempts;
      finish(std::move(r));
    }
    return;
  }
  client_->log(QStringLiteral("<- %1 %2 %3 (%4 ms, %5 bytes)")
                   .arg(status)
                   .arg(QString::fromLatin1(request_.method), request_.path)
                   .arg(ms)
                   .arg(body.size()));
  if (status >= 400) {
    ApiError e = http_error(status, body, reply->attribute(QNetworkRequest::HttpReasonPhraseAttribute).toString());
    if (should_retry_status(status, rh)) {
      retry_or_finish(std::move(e), rh);
    } else {
      Result r;
      r.error = std::move(e);
      r.status = status;
      r.body = body;
      r.attempts = result_.attempts;
      finish(std::move(r));
    }
    return;
  }
  if (request_.upload && upload_reported_ < upload_total_) {
    // Qt may not report the end of a short upload: say it is complete.
    Q_EMIT upload_progress(upload_total_, upload_total_);
  }
  Result r;
  r.status = status;
  r.body = body;
  r.attempts = result_.attempts;
  if (!body.trimmed().isEmpty()) {
    try {
      r.json = Json::parse(body.constData(), body.constData() + body.size());
    } catch (const std::exception& ex) {
      r.error.kind = ApiError::Kind::Parse;
      r.error.status = status;
      r.error.body = body;
      r.error.message = QStringLiteral("the answer is not JSON (%1)").arg(QString::fromUtf8(ex.what()));
    }
  }
  finish(std::move(r));
}

void Call::retry_or_finish(ApiError error, const RetryHeaders& headers) {
  const int max = request_.max_retries >= 0 ? request_.max_retries : client_->options_.max_retries;
  if (retries_taken_ < max && !cancelled_) {
    const double delay = retry_delay_s(retries_taken_, headers, QRandomGenerator::global()->generateDouble()) *
                         client_->options_.retry_delay_scale;
    ++retries_taken_;
    client_->log(QStringLiteral("   retrying %1 %2 in %3 s (%4)")
                     .arg(QString::fromLatin1(request_.method), request_.path)
                     .arg(delay, 0, 'f', 3)
                     .arg(redact_line(error.describe())));
    retry_timer_->start(static_cast<int>(delay * 1000.0));
    return;
  }
  Result r;
  r.status = error.status;
  r.body = error.body;
  r.error = std::move(error);
  r.attempts = result_.attempts;
  finish(std::move(r));
}

void Call::finish(Result result) {
  if (finished_) return;
  finished_ = true;
  timeout_timer_->stop();
  retry_timer_->stop();
  result_ = std::move(result);
  Q_EMIT finished();
}

// ---------------------------------------------------------------------------- client

OpenAIClient::OpenAIClient(ClientOptions options, QObject* parent)
    : QObject(parent), nam_(new QNetworkAccessManager(this)), options_(std::move(options)) {
  nam_->setAutoDeleteReplies(false);
}

OpenAIClient::~OpenAIClient() = default;

void OpenAIClient::log(const QString& line) const {
  if (options_.log) options_.log(redact_line(line));
}

QUrl OpenAIClient::url_for(const QString& path, const QUrlQuery& query) const {
  QString base = options_.base_url;
  while (base.endsWith(QLatin1Char('/'))) base.chop(1);
  QString p = path;
  if (!p.startsWith(QLatin1Char('/'))) p.prepend(QLatin1Char('/'));
  QUrl url(base + p);
  if (!query.isEmpty()) url.setQuery(query);
  return url;
}

Call* OpenAIClient::send(Request request) {
  auto* call = new Call(this, std::move(request));
  QTimer::singleShot(0, call, &Call::send_attempt);
  return call;
}

static QUrlQuery list_query(const ListParams& p) {
  QUrlQuery q;
  if (p.limit) q.addQueryItem(QStringLiteral("limit"), QString::number(*p.limit));
  if (!p.after.isEmpty()) q.addQueryItem(QStringLiteral("after"), p.after);
  if (!p.order.isEmpty()) q.addQueryItem(QStringLiteral("order"), p.order);
  if (!p.purpose.isEmpty()) q.addQueryItem(QStringLiteral("purpose"), p.purpose);
  return q;
}

static Request get(const QString& path, QUrlQuery q = {}) {
  Request r;
  r.method = "GET";
  r.path = path;
  r.query = std::move(q);
  return r;
}

static Request post(const QString& path, std::optional<Json> body = std::nullopt) {
  Request r;
  r.method = "POST";
  r.path = path;
  r.json = std::move(body);
  return r;
}

Call* OpenAIClient::upload_file(const QString& path, const QString& purpose) {
  Request r;
  r.method = "POST";
  r.path = QStringLiteral("/files");
  Upload up;
  up.file_path = path;
  up.fields.append({"purpose", purpose.toUtf8()});
  r.upload = up;
  return send(std::move(r));
}

Call* OpenAIClient::list_files(const ListParams& p) { return send(get(QStringLiteral("/files"), list_query(p))); }
Call* OpenAIClient::retrieve_file(const QString& id) { return send(get(QStringLiteral("/files/") + encode_id(id))); }
Call* OpenAIClient::delete_file(const QString& id) {
  Request r = get(QStringLiteral("/files/") + encode_id(id));
  r.method = "DELETE";
  return send(std::move(r));
}
Call* OpenAIClient::file_content(const QString& id) {
  return send(get(QStringLiteral("/files/") + encode_id(id) + QStringLiteral("/content")));
}

Json job_create_body(const JobCreate& job) {
  Json body = Json::object();
  body["model"] = job.model.toStdString();
  body["training_file"] = job.training_file.toStdString();
  if (!job.validation_file.isEmpty()) body["validation_file"] = job.validation_file.toStdString();
  if (!job.suffix.isEmpty()) body["suffix"] = job.suffix.toStdString();
  if (job.seed) body["seed"] = *job.seed;
  if (job.metadata.is_object() && !job.metadata.empty()) body["metadata"] = job.metadata;
  Json hp = Json::object();
  const Hyperparameters& h = job.hyperparameters;
  if (h.n_epochs) hp["n_epochs"] = *h.n_epochs;
  else if (job.send_auto) hp["n_epochs"] = "auto";
  if (h.batch_size) hp["batch_size"] = *h.batch_size;
  else if (job.send_auto) hp["batch_size"] = "auto";
  if (h.learning_rate_multiplier) hp["learning_rate_multiplier"] = *h.learning_rate_multiplier;
  else if (job.send_auto) hp["learning_rate_multiplier"] = "auto";
  Json supervised = Json::object();
  if (!hp.empty()) supervised["hyperparameters"] = hp;
  body["method"] = Json{{"type", "supervised"}, {"supervised", supervised}};
  return body;
}

Call* OpenAIClient::create_job(const JobCreate& job) {
  return send(post(QStringLiteral("/fine_tuning/jobs"), job_create_body(job)));
}
Call* OpenAIClient::list_jobs(const ListParams& p) {
  return send(get(QStringLiteral("/fine_tuning/jobs"), list_query(p)));
}
Call* OpenAIClient::retrieve_job(const QString& id) {
  return send(get(QStringLiteral("/fine_tuning/jobs/") + encode_id(id)));
}
Call* OpenAIClient::cancel_job(const QString& id) {
  return send(post(QStringLiteral("/fine_tuning/jobs/") + encode_id(id) + QStringLiteral("/cancel")));
}
Call* OpenAIClient::pause_job(const QString& id) {
  return send(post(QStringLiteral("/fine_tuning/jobs/") + encode_id(id) + QStringLiteral("/pause")));
}
Call* OpenAIClient::resume_job(const QString& id) {
  return send(post(QStringLiteral("/fine_tuning/jobs/") + encode_id(id) + QStringLiteral("/resume")));
}
Call* OpenAIClient::list_job_events(const QString& id, const ListParams& p) {
  return send(get(QStringLiteral("/fine_tuning/jobs/") + encode_id(id) + QStringLiteral("/events"), list_query(p)));
}
Call* OpenAIClient::list_job_checkpoints(const QString& id, const ListParams& p) {
  return send(
      get(QStringLiteral("/fine_tuning/jobs/") + encode_id(id) + QStringLiteral("/checkpoints"), list_query(p)));
}

Call* OpenAIClient::chat(const Json& body, int timeout_ms) {
  Request r = post(QStringLiteral("/chat/completions"), body);
  r.timeout_ms = timeout_ms;
  return send(std::move(r));
}

Call* OpenAIClient::list_models() { return send(get(QStringLiteral("/models"))); }
Call* OpenAIClient::retrieve_model(const QString& id) { return send(get(QStringLiteral("/models/") + encode_id(id))); }

// ---------------------------------------------------------------------------- helpers

Json chat_body(const QString& model, const Json& messages, const ResponseFormat& format,
               std::optional<double> temperature, std::optional<int> max_tokens) {
  Json body = Json::object();
  body["model"] = model.toStdString();
  body["messages"] = messages;
  switch (format.type) {
    case ResponseFormat::Type::Text:
      break;
    case ResponseFormat::Type::JsonObject:
      body["response_format"] = Json{{"type", "json_object"}};
      break;
    case ResponseFormat::Type::JsonSchema:
      body["response_format"] = Json{{"type", "json_schema"},
                                     {"json_schema",
                                      {{"name", format.schema_name.toStdString()},
                                       {"schema", format.schema},
                                       {"strict", format.strict}}}};
      break;
  }
  if (temperature) body["temperature"] = *temperature;
  if (max_tokens) body["max_completion_tokens"] = *max_tokens;
  return body;
}

QString chat_text(const Json& response) {
  if (!response.is_object()) return {};
  const auto choices = response.find("choices");
  if (choices == response.end() || !choices->is_array() || choices->empty()) return {};
  const Json& first = (*choices)[0];
  if (!first.is_object() || !first.contains("message")) return {};
  const Json& msg = first["message"];
  if (!msg.is_object() || !msg.contains("content") || !msg["content"].is_string()) return {};
  return QString::fromStdString(msg["content"].get<std::string>());
}

Result wait(Call* call) {
  if (!call->is_finished()) {
    QEventLoop loop;
    QObject::connect(call, &Call::finished, &loop, &QEventLoop::quit);
    loop.exec();
  }
  Result r = call->result();
  delete call;
  return r;
}

AllPages list_all(const std::function<Call*(const QString& after)>& page, int max_pages) {
  AllPages all;
  QString after;
  while (true) {
    Result r = wait(page(after));
    ++all.pages;
    all.last = r;
    if (!r.ok()) return all;
    const Json& j = r.json;
    QString last_id;
    if (j.is_object() && j.contains("data") && j["data"].is_array()) {
      for (const Json& item : j["data"]) {
        all.data.push_back(item);
        if (item.is_object() && item.contains("id") && item["id"].is_string())
          last_id = QString::fromStdString(item["id"].get<std::string>());
      }
    }
    const bool has_more = j.is_object() && j.contains("has_more") && j["has_more"].is_boolean() && j["has_more"].get<bool>();
    if (!has_more || last_id.isEmpty() || last_id == after) return all;
    if (all.pages >= max_pages) {
      all.truncated = true;
      return all;
    }
    after = last_id;
  }
}

}  // namespace tunesmith::cloud
