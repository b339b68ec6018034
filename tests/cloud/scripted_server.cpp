#include "tests/cloud/scripted_server.h"

namespace tunesmith::test {

ScriptedServer::ScriptedServer() {
  server_.listen(QHostAddress::LocalHost, 0);
  QObject::connect(&server_, &QTcpServer::newConnection, this, [this] {
    while (QTcpSocket* s = server_.nextPendingConnection()) {
      s->setParent(this);
      QObject::connect(s, &QTcpSocket::readyRead, this, [this, s] { on_ready_read(s); });
      QObject::connect(s, &QTcpSocket::disconnected, s, &QObject::deleteLater);
    }
  });
}

void ScriptedServer::script(std::vector<HttpResponse> responses) {
  sequence_ = std::move(responses);
  next_ = 0;
  handler_ = [this](const HttpRequest&) {
    const HttpResponse r = sequence_.at(std::min(next_, sequence_.size() - 1));
    ++next_;
    return r;
  };
}

QString ScriptedServer::base_url() const {
  return QStringLiteral("http://127.0.0.1:%1/v1").arg(server_.serverPort());
}

static const char* reason(int status) {
  switch (status) {
    case 200: return "OK";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 404: return "Not Found";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 422: return "Unprocessable Entity";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    default: return "Status";
  }
}

void ScriptedServer::on_ready_read(QTcpSocket* s) {
  QByteArray& buf = buffers_[s];
  buf += s->readAll();
  while (true) {
    const int header_end = buf.indexOf("\r\n\r\n");
    if (header_end < 0) return;
    HttpRequest req;
    const QList<QByteArray> lines = buf.left(header_end).split('\n');
    const QList<QByteArray> first = lines.value(0).trimmed().split(' ');
    req.method = first.value(0);
    QByteArray target = first.value(1);
    const int q = target.indexOf('?');
    req.path = q < 0 ? target : target.left(q);
    req.query = q < 0 ? QByteArray() : target.mid(q + 1);
    for (int i = 1; i < lines.size(); ++i) {
      const int colon = lines[i].indexOf(':');
      if (colon > 0) req.headers[lines[i].left(colon).trimmed().toLower()] = lines[i].mid(colon + 1).trimmed();
    }
    const int length = req.headers.value("content-length", "0").toInt();
    if (buf.size() < header_end + 4 + length) return;  // the body is still coming
    req.body = buf.mid(header_end + 4, length);
    buf.remove(0, header_end + 4 + length);
    requests_.push_back(req);
    const HttpResponse r = handler_ ? handler_(req) : HttpResponse{};
    if (r.hang) continue;
    if (r.close_without_answer) {
      s->abort();
      return;
    }
    QByteArray out = "HTTP/1.1 " + QByteArray::number(r.status) + " " + reason(r.status) + "\r\n";
    out += "Content-Type: application/json\r\nContent-Length: " + QByteArray::number(r.body.size()) + "\r\n";
    for (const auto& [name, value] : r.headers) out += name + ": " + value + "\r\n";
    out += "\r\n" + r.body;
    s->write(out);
  }
}

}  // namespace tunesmith::test
