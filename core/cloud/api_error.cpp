#include "core/cloud/api_error.h"

#include <QJsonDocument>
#include <QJsonArray>
#include <QJsonObject>
#include <QStringList>

namespace tunesmith::cloud {

const char* kind_name(ApiError::Kind kind) {
  switch (kind) {
    case ApiError::Kind::None: return "none";
    case ApiError::Kind::Http: return "http";
    case ApiError::Kind::Timeout: return "timeout";
    case ApiError::Kind::Network: return "network";
    case ApiError::Kind::Cancelled: return "cancelled";
    case ApiError::Kind::Parse: return "parse";
    case ApiError::Kind::MissingKey: return "missing-key";
    case ApiError::Kind::Usage: return "usage";
  }
  return "unknown";
}

static QString json_string(const QJsonValue& v) {
  if (v.isString()) return v.toString();
  if (v.isDouble()) return QString::number(v.toDouble());
  return {};
}

ApiError http_error(int status, const QByteArray& body, const QString& reason) {
  ApiError e;
  e.kind = ApiError::Kind::Http;
  e.status = status;
  e.body = body;
  QJsonParseError perr;
  const QJsonDocument doc = QJsonDocument::fromJson(body, &perr);
  if (perr.error == QJsonParseError::NoError && doc.isObject()) {
    const QJsonObject root = doc.object();
    const QJsonValue errv = root.value(QStringLiteral("error"));
    if (errv.isObject()) {
      const QJsonObject o = errv.toObject();
      e.type = json_string(o.value(QStringLiteral("type")));
      e.message = json_string(o.value(QStringLiteral("message")));
      e.param = json_string(o.value(QStringLiteral("param")));
      e.code = json_string(o.value(QStringLiteral("code")));
    } else if (errv.isString()) {
      e.message = errv.toString();  // some compatible servers (llama.cpp, Ollama)
    } else if (root.value(QStringLiteral("message")).isString()) {
      e.message = root.value(QStringLiteral("message")).toString();
    } else if (root.value(QStringLiteral("detail")).isString()) {
      // RFC 7807 problem details (Prism, FastAPI-style servers): the validation
      // messages say what was wrong, the detail only that something was.
      QStringList parts;
      for (const QJsonValue& v : root.value(QStringLiteral("validation")).toArray()) {
        const QString m = v.toObject().value(QStringLiteral("message")).toString();
        if (!m.isEmpty() && !parts.contains(m)) parts << m;
      }
      e.message = parts.isEmpty() ? root.value(QStringLiteral("detail")).toString() : parts.join(QStringLiteral("; "));
      e.type = root.value(QStringLiteral("title")).toString();
    }
  }
  if (e.message.isEmpty()) {
    QString text = QString::fromUtf8(body).simplified();
    if (text.size() > 300) text = text.left(300) + QStringLiteral("...");
    e.message = text.isEmpty() ? reason : text;
  }
  return e;
}

QString ApiError::describe() const {
  switch (kind) {
    case Kind::None: return QStringLiteral("ok");
    case Kind::Http: {
      QString hint;
      if (status == 401) {
        hint = QStringLiteral("invalid API key (check OPENAI_API_KEY or the key in the keychain)");
      } else if (status == 429) {
        hint = code == QLatin1String("insufficient_quota") || type == QLatin1String("insufficient_quota")
                   ? QStringLiteral("quota exceeded (check the plan and billing)")
                   : QStringLiteral("rate limit or quota reached (wait and retry, or check the plan)");
      } else if (status == 403) {
        hint = QStringLiteral("not allowed for this key or organisation");
      } else if (status == 404) {
        hint = QStringLiteral("not found");
      }
      QString out = QStringLiteral("HTTP %1").arg(status);
      if (!hint.isEmpty()) out += QStringLiteral(": ") + hint;
      if (!message.isEmpty()) out += (hint.isEmpty() ? QStringLiteral(": ") : QStringLiteral(" - ")) + message;
      if (!param.isEmpty()) out += QStringLiteral(" (param: %1)").arg(param);
      return out;
    }
    case Kind::Timeout: return QStringLiteral("request timed out: ") + message;
    case Kind::Network: return QStringLiteral("network error: ") + message;
    case Kind::Cancelled: return QStringLiteral("cancelled");
    case Kind::Parse: return QStringLiteral("unexpected response: ") + message;
    case Kind::MissingKey: return message;
    case Kind::Usage: return message;
  }
  return message;
}

}  // namespace tunesmith::cloud
