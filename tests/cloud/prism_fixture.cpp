#include "tests/cloud/prism_fixture.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <stdexcept>

namespace tunesmith::test {

std::string shared_openai_dir() {
  if (const char* d = std::getenv("TUNESMITH_SHARED_DIR"); d && *d) return std::string(d) + "/openai";
  return std::string(TUNESMITH_TEST_SOURCE_DIR) + "/../shared/openai";
}

int free_loopback_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return 0;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  int port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
    socklen_t len = sizeof addr;
    if (::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) port = ntohs(addr.sin_port);
  }
  ::close(fd);
  return port;
}

PrismServer& PrismServer::instance() {
  static PrismServer server;
  return server;
}

const std::string& PrismServer::url() {
  if (!tried_) {
    tried_ = true;
    start();
  }
  if (url_.empty()) throw std::runtime_error("the OpenAI contract mock (Prism) did not start: " + error_);
  return url_;
}

void PrismServer::start() {
  const std::string script = shared_openai_dir() + "/mock-server.sh";
  if (::access(script.c_str(), X_OK) != 0) {
    error_ = script + " not found or not executable (set TUNESMITH_SHARED_DIR)";
    return;
  }
  for (int attempt = 0; attempt < 2 && url_.empty(); ++attempt) {
    const int port = free_loopback_port();
    // Bounded: npm install (first run) and the start itself have their own limits in
    // the script; `timeout` bounds the whole.
    const std::string cmd = "MOCK_START_TIMEOUT=${MOCK_START_TIMEOUT:-240} timeout 900 '" + script + "' " +
                            std::to_string(port) + " 2>&1";
    FILE* p = ::popen(cmd.c_str(), "r");
    if (!p) {
      error_ = "cannot run " + script;
      return;
    }
    std::string out;
    char buf[512];
    while (std::fgets(buf, sizeof buf, p)) out += buf;
    const int rc = ::pclose(p);
    // stdout's last line is the PID; stderr lines start with "mock-server:".
    std::string last;
    std::size_t end = out.find_last_not_of("\n ");
    if (end != std::string::npos) {
      std::size_t begin = out.find_last_of('\n', end);
      last = out.substr(begin == std::string::npos ? 0 : begin + 1, end - (begin == std::string::npos ? 0 : begin + 1) + 1);
    }
    if (rc == 0 && !last.empty() && last.find_first_not_of("0123456789") == std::string::npos) {
      pid_ = std::atoi(last.c_str());
      url_ = "http://127.0.0.1:" + std::to_string(port);
      return;
    }
    error_ = "mock-server.sh exited with status " + std::to_string(WEXITSTATUS(rc)) + ":\n" + out;
    if (WEXITSTATUS(rc) != 4) return;  // 4 = port busy: try another
  }
}

PrismServer::~PrismServer() {
  if (pid_ > 0) ::kill(pid_, SIGTERM);
}

}  // namespace tunesmith::test
