#include "core/cloud/retry.h"

#include <algorithm>
#include <cmath>

namespace tunesmith::cloud {

bool should_retry_status(int status, const RetryHeaders& headers) {
  const QByteArray sr = headers.should_retry.trimmed().toLower();
  if (sr == "true") return true;
  if (sr == "false") return false;
  return status == 408 || status == 409 || status == 429 || status >= 500;
}

std::optional<double> server_retry_delay(const RetryHeaders& headers, const QDateTime& now) {
  std::optional<double> delay;
  if (!headers.retry_after_ms.isEmpty()) {
    bool ok = false;
    const double ms = headers.retry_after_ms.trimmed().toDouble(&ok);
    if (ok) delay = ms / 1000.0;
  }
  if (!delay && !headers.retry_after.isEmpty()) {
    bool ok = false;
    const QByteArray v = headers.retry_after.trimmed();
    const double s = v.toDouble(&ok);
    if (ok) {
      delay = s;
    } else {
      // An HTTP date ("Thu, 01 Jan 2026 00:00:10 GMT"); Qt's RFC 2822 parser wants a
      // numeric zone.
      QString text = QString::fromLatin1(v);
      if (text.endsWith(QLatin1String(" GMT")) || text.endsWith(QLatin1String(" UTC"))) text = text.left(text.size() - 4) + QStringLiteral(" +0000");
      const QDateTime when = QDateTime::fromString(text, Qt::RFC2822Date);
      if (when.isValid()) delay = now.msecsTo(when) / 1000.0;
    }
  }
  if (delay && *delay >= 0 && *delay <= 120) return delay;
  return std::nullopt;
}

double retry_delay_s(int retries_taken, const RetryHeaders& headers, double jitter, const QDateTime& now) {
  if (const auto d = server_retry_delay(headers, now)) return *d;
  const double base = std::min(kInitialRetryDelayS * std::pow(2.0, retries_taken), kMaxRetryDelayS);
  return base * (1.0 - 0.25 * std::clamp(jitter, 0.0, 1.0));
}

}  // namespace tunesmith::cloud
