#pragma once
// The contract mock: ../shared/openai/mock-server.sh (Stoplight Prism serving OpenAI's
// published OpenAPI spec) on a free loopback port, started once per test process on
// first use (bounded wait) and stopped at exit. When it cannot start, url() throws with
// the reason, so every contract test FAILS rather than passing silently.
// Qt-free: the CLI tests use it too.
#include <string>

namespace tunesmith::test {

class PrismServer {
 public:
  static PrismServer& instance();
  // "http://127.0.0.1:PORT"; starts the server on first call; throws std::runtime_error
  // with the script's output when it cannot start.
  const std::string& url();
  ~PrismServer();

 private:
  PrismServer() = default;
  void start();
  bool tried_ = false;
  std::string url_, error_;
  int pid_ = 0;
};

// The folder holding mock-server.sh: $TUNESMITH_SHARED_DIR/openai when set, else
// <source>/../shared/openai.
std::string shared_openai_dir();
// A port that was free a moment ago on 127.0.0.1.
int free_loopback_port();

}  // namespace tunesmith::test
