#pragma once
// When and how long to wait before retrying, as the official OpenAI SDKs do
// (openai-python _base_client.py): 2 retries by default; retry on 408, 409, 429, 5xx,
// timeouts and connection errors; an `x-should-retry: true|false` header overrides the
// status rule; the delay comes from `retry-after-ms`, then `retry-after` (seconds or an
// HTTP date) when it is between 0 and 120 s, otherwise exponential backoff
// min(0.5 * 2^n, 8) s with up to 25 % jitter taken off.
#include <optional>

#include <QByteArray>
#include <QDateTime>

namespace tunesmith::cloud {

inline constexpr int kDefaultMaxRetries = 2;
inline constexpr double kInitialRetryDelayS = 0.5;
inline constexpr double kMaxRetryDelayS = 8.0;

struct RetryHeaders {
  QByteArray should_retry;    // x-should-retry
  QByteArray retry_after_ms;  // retry-after-ms
  QByteArray retry_after;     // retry-after
};

// Whether an HTTP answer is worth retrying (status + x-should-retry).
bool should_retry_status(int status, const RetryHeaders& headers);

// The server's requested delay in seconds when usable (0 <= d <= 120), else nullopt.
std::optional<double> server_retry_delay(const RetryHeaders& headers, const QDateTime& now);

// Delay before retry number `retries_taken + 1` (retries_taken = 0 for the first retry).
// `jitter` in [0, 1) (a random draw; the caller passes it so tests are deterministic).
double retry_delay_s(int retries_taken, const RetryHeaders& headers, double jitter,
                     const QDateTime& now = QDateTime::currentDateTimeUtc());

}  // namespace tunesmith::cloud
