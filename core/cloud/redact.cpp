#include "core/cloud/redact.h"

#include <QRegularExpression>

namespace tunesmith::cloud {

QString redact_line(const QString& line) {
  static const QRegularExpression auth(QStringLiteral(R"((Authorization\s*[:=]\s*)(Bearer\s+)?[^\s,;"']+)"),
                                       QRegularExpression::CaseInsensitiveOption);
  static const QRegularExpression bearer(QStringLiteral(R"(\b(Bearer\s+)[A-Za-z0-9._~+/=-]+)"),
                                         QRegularExpression::CaseInsensitiveOption);
  static const QRegularExpression key(QStringLiteral(R"(\b(sk|sess|rk)-[A-Za-z0-9_-]{6,})"));
  QString out = line;
  out.replace(auth, QStringLiteral("\\1\\2[redacted]"));
  out.replace(bearer, QStringLiteral("\\1[redacted]"));
  out.replace(key, QStringLiteral("\\1-[redacted]"));
  return out;
}

QString format_headers_redacted(const QList<QPair<QByteArray, QByteArray>>& headers) {
  QString out;
  for (const auto& [name, value] : headers) {
    const QByteArray lower = name.toLower();
    const bool secret = lower == "authorization" || lower == "api-key" || lower == "x-api-key" ||
                        lower == "cookie" || lower == "set-cookie" || lower == "proxy-authorization";
    if (!out.isEmpty()) out += QLatin1Char('\n');
    out += QString::fromLatin1(name) + QStringLiteral(": ") +
           (secret ? QStringLiteral("[redacted]") : redact_line(QString::fromLatin1(value)));
  }
  return out;
}

QString mask_key(const QString& key) {
  if (key.isEmpty()) return {};
  if (key.size() <= 8) return QStringLiteral("[redacted]");
  return key.left(3) + QStringLiteral("...") + key.right(4);
}

}  // namespace tunesmith::cloud
