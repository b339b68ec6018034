#pragma once
// Keeps API keys out of logs: every log line of the client goes through redact_line().
#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>

namespace tunesmith::cloud {

// "Authorization: Bearer sk-..." -> "Authorization: Bearer [redacted]", and any
// OpenAI-style key (sk-..., sess-...) or "Bearer <token>" anywhere in the text.
QString redact_line(const QString& line);

// Header list as "Name: value" lines with Authorization (and other credentials:
// api-key, x-api-key, cookie) values replaced by "[redacted]".
QString format_headers_redacted(const QList<QPair<QByteArray, QByteArray>>& headers);

// A key shown to a person: "sk-...wxyz" (the last 4 characters only), "" for "".
QString mask_key(const QString& key);

}  // namespace tunesmith::cloud
