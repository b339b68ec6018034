#pragma once
// Errors of the OpenAI client: a typed value, never an exception across the event loop.
// An HTTP error keeps OpenAI's error object ({"error": {"type", "message", "param",
// "code"}}) and the raw body, which the CLI prints whatever its shape.
#include <QByteArray>
#include <QString>

namespace tunesmith::cloud {

struct ApiError {
  enum class Kind {
    None,
    Http,        // the server answered with a status >= 400
    Timeout,     // the request's own timeout elapsed (after the retries)
    Network,     // connection refused, DNS, TLS, reset (after the retries)
    Cancelled,   // cancel() was called
    Parse,       // a 2xx answer that is not the JSON expected
    MissingKey,  // no API key from the environment or the keychain
    Usage,       // refused before sending (e.g. a file that cannot be read)
  };
  Kind kind = Kind::None;
  int status = 0;        // HTTP status; 0 when none
  QString type;          // OpenAI error object fields ("" when absent)
  QString message;       // the server's message, or ours for non-HTTP errors
  QString param;
  QString code;
  QByteArray body;       // the raw response body

  bool ok() const { return kind == Kind::None; }
  // One line for a person: the server's message with a hint for 401 (invalid key) and
  // 429 (rate limit or quota), e.g. "HTTP 401: invalid API key (Incorrect API key ...)".
  QString describe() const;
};

const char* kind_name(ApiError::Kind kind);

// Fills type/message/param/code from an OpenAI error body when it is one; otherwise the
// message is the body text (shortened) or the HTTP reason.
ApiError http_error(int status, const QByteArray& body, const QString& reason = {});

}  // namespace tunesmith::cloud
