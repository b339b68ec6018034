#pragma once
// The OpenAI REST client on QNetworkAccessManager: asynchronous, cancellable, with a
// timeout per request and the official SDK's retry rules (retry.h). The base URL is
// the prefix that paths are appended to, like the SDK's `base_url` (default
// https://api.openai.com/v1), so any OpenAI-compatible server (vLLM, llama.cpp server,
// Ollama) serves for chat and models.
//
// Every call returns a Call (owned by the client until deleted; delete it or call
// deleteLater() once done), which emits finished() once, after its retries. The
// Authorization header is never logged: log lines pass through redact_line().
//
// Not thread-safe: use a client from the thread that created it (an event loop must
// run there). For the CLI and tests, wait() runs a local event loop until a call ends.
#include <functional>
#include <optional>
#include <variant>

#include <QByteArray>
#include <QElapsedTimer>
#include <QList>
#include <QObject>
#include <QPair>
#include <QPointer>
#include <QString>
#include <QUrlQuery>

#include "core/cloud/api_error.h"
#include "core/cloud/retry.h"
#include "core/data/json.h"

class QNetworkAccessManager;
class QNetworkReply;
class QTimer;

namespace tunesmith::cloud {

using Json = data::Json;

inline constexpr const char* kDefaultBaseUrl = "https://api.openai.com/v1";
inline constexpr int kDefaultTimeoutMs = 600'000;  // the SDK's 10 minutes

struct ClientOptions {
  QString base_url = QString::fromLatin1(kDefaultBaseUrl);
  QString api_key;  // sent as "Authorization: Bearer ..." when not empty
  QString organization;  // OpenAI-Organization header when not empty
  QString project;       // OpenAI-Project header when not empty
  int timeout_ms = kDefaultTimeoutMs;
  int max_retries = kDefaultMaxRetries;
  // Receives one redacted line per attempt and per answer; may be empty.
  std::function<void(const QString&)> log;
  // For tests: scales every retry delay (1 = the SDK's delays).
  double retry_delay_scale = 1.0;
};

// A file to send as multipart/form-data, with extra text fields.
struct Upload {
  QString file_path;
  QString file_name;  // as the server sees it; the file's name when empty
  QByteArray content_type = "application/jsonl";
  QList<QPair<QByteArray, QByteArray>> fields;  // e.g. {"purpose", "fine-tune"}
};

struct Request {
  QByteArray method = "GET";
  QString path;  // appended to the base URL: "/files"
  QUrlQuery query;
  std::optional<Json> json;       // JSON body
  std::optional<Upload> upload;   // multipart body (instead of json)
  int timeout_ms = -1;            // -1: the client's
  int max_retries = -1;           // -1: the client's
};

struct Result {
  ApiError error;  // kind None on success
  int status = 0;
  QByteArray body;
  Json json;       // the parsed body on success (null when the body is empty)
  int attempts = 0;
  bool ok() const { return error.ok(); }
};

class OpenAIClient;

// One API call, its retries included.
class Call : public QObject {
  Q_OBJECT
 public:
  ~Call() override;
  // Aborts the request (and any pending retry); finished() follows with kind Cancelled.
  // Nothing happens when the call has already finished.
  void cancel();
  bool is_finished() const { return finished_; }
  const Result& result() const { return result_; }
  // Calls `f` once the call has finished (at once, from the event loop, if it has).
  void then(std::function<void(const Result&)> f);

 Q_SIGNALS:
  void finished();
  void upload_progress(qint64 sent, qint64 total);

 private:
  friend class OpenAIClient;
  Call(OpenAIClient* client, Request request);
  void send_attempt();
  void on_reply_finished();
  void retry_or_finish(ApiError error, const RetryHeaders& headers);
  void finish(Result result);

  OpenAIClient* client_;
  Request request_;
  QPointer<QNetworkReply> reply_;
  QTimer* timeout_timer_ = nullptr;
  QTimer* retry_timer_ = nullptr;
  QElapsedTimer attempt_clock_;
  qint64 upload_total_ = 0;     // bytes of the file being uploaded
  qint64 upload_reported_ = 0;  // the last progress reported
  int retries_taken_ = 0;
  bool timed_out_ = false;
  bool cancelled_ = false;
  bool finished_ = false;
  Result result_;
};

struct ListParams {
  std::optional<int> limit;
  QString after;           // cursor: the last id of the previous page
  QString order;           // "asc"|"desc" where supported ("" = server default)
  QString purpose;         // files only
};

// Hyperparameters are "auto" (nullopt) or a value.
struct Hyperparameters {
  std::optional<int> n_epochs;
  std::optional<int> batch_size;
  std::optional<double> learning_rate_multiplier;
};

struct JobCreate {
  QString model;
  QString training_file;
  QString validation_file;  // "" = none
  QString suffix;           // "" = none
  std::optional<qint64> seed;
  Json metadata;            // object of string values, or null
  Hyperparameters hyperparameters;  // sent as method: {type: supervised, ...}
  bool send_auto = false;   // send "auto" explicitly for unset hyperparameters
};

// The request body for JobCreate (exposed for tests and for a --dry-run).
Json job_create_body(const JobCreate& job);

class OpenAIClient : public QObject {
  Q_OBJECT
 public:
  explicit OpenAIClient(ClientOptions options, QObject* parent = nullptr);
  ~OpenAIClient() override;

  const ClientOptions& options() const { return options_; }
  void set_api_key(const QString& key) { options_.api_key = key; }
  // The URL a path resolves to: base URL (without a trailing '/') + path.
  QUrl url_for(const QString& path, const QUrlQuery& query = {}) const;

  // Generic request: the typed methods below are thin wrappers.
  Call* send(Request request);

  // Files
  Call* upload_file(const QString& path, const QString& purpose = QStringLiteral("fine-tune"));
  Call* list_files(const ListParams& params = {});
  Call* retrieve_file(const QString& id);
  Call* delete_file(const QString& id);
  Call* file_content(const QString& id);

  // Fine-tuning jobs
  Call* create_job(const JobCreate& job);
  Call* list_jobs(const ListParams& params = {});
  Call* retrieve_job(const QString& id);
  Call* cancel_job(const QString& id);
  Call* pause_job(const QString& id);
  Call* resume_job(const QString& id);
  Call* list_job_events(const QString& id, const ListParams& params = {});
  Call* list_job_checkpoints(const QString& id, const ListParams& params = {});

  // Chat completions: `body` is the request as OpenAI documents it (model, messages,
  // response_format, ...). chat_body() builds the common case.
  Call* chat(const Json& body, int timeout_ms = -1);

  // Models
  Call* list_models();
  Call* retrieve_model(const QString& id);

  void log(const QString& line) const;

 private:
  friend class Call;
  QNetworkAccessManager* nam_;
  ClientOptions options_;
};

// response_format of a chat request.
struct ResponseFormat {
  enum class Type { Text, JsonObject, JsonSchema } type = Type::Text;
  QString schema_name;  // json_schema only
  Json schema;          // json_schema only
  bool strict = true;   // json_schema only
};
Json chat_body(const QString& model, const Json& messages, const ResponseFormat& format = {},
               std::optional<double> temperature = std::nullopt, std::optional<int> max_tokens = std::nullopt);
// The text of the first choice's message ("" when absent).
QString chat_text(const Json& response);

// Runs a local event loop until `call` finishes, returns its result and deletes it.
Result wait(Call* call);

// Lists every page of a cursor-paginated list (`data`, `has_more`, ids as cursors) by
// calling `page(after)` until has_more is false or `max_pages` pages were read.
// Synchronous (runs local event loops): for the CLI and worker code.
struct AllPages {
  Result last;       // the last page's result (its error when one failed)
  Json data = Json::array();
  int pages = 0;
  bool truncated = false;  // stopped at max_pages with more to read
};
inline constexpr int kMaxListPages = 100;
AllPages list_all(const std::function<Call*(const QString& after)>& page, int max_pages = kMaxListPages);

}  // namespace tunesmith::cloud
