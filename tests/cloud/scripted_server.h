#pragma once
// A scripted HTTP/1.1 server on loopback for the behaviour a contract mock cannot give
// (retries, timeouts, cancellation, job progressions): every request is recorded and
// answered by a handler. Runs in the test's own event loop.
#include <functional>
#include <vector>

#include <QByteArray>
#include <QList>
#include <QMap>
#include <QPair>
#include <QTcpServer>
#include <QTcpSocket>

namespace tunesmith::test {

struct HttpRequest {
  QByteArray method, path, query;  // path without the query
  QMap<QByteArray, QByteArray> headers;  // lower-case names
  QByteArray body;
};

struct HttpResponse {
  int status = 200;
  QList<QPair<QByteArray, QByteArray>> headers;
  QByteArray body = "{}";
  bool hang = false;          // never answer (for timeouts and cancellation)
  bool close_without_answer = false;  // drop the connection (a connection error)
  static HttpResponse json(int status, const QByteArray& body) {
    HttpResponse r;
    r.status = status;
    r.body = body;
    return r;
  }
};

class ScriptedServer : public QObject {
 public:
  using Handler = std::function<HttpResponse(const HttpRequest&)>;
  ScriptedServer();
  // Answers in sequence; the last answer repeats.
  void script(std::vector<HttpResponse> responses);
  void handle(Handler handler) { handler_ = std::move(handler); }
  QString base_url() const;  // "http://127.0.0.1:PORT/v1"
  const std::vector<HttpRequest>& requests() const { return requests_; }

 private:
  void on_ready_read(QTcpSocket* s);
  QTcpServer server_;
  Handler handler_;
  std::vector<HttpResponse> sequence_;
  std::size_t next_ = 0;
  std::vector<HttpRequest> requests_;
  QMap<QTcpSocket*, QByteArray> buffers_;
};

}  // namespace tunesmith::test
