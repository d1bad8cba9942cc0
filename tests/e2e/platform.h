#pragma once

#include <grpcpp/grpcpp.h>
#include <sys/types.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/testing/postgres.h"

namespace gongkai::testing {

// A child process of the test, stopped with SIGTERM when it goes.
class Process {
 public:
  Process(const std::string& path, const std::map<std::string, std::string>& env);
  ~Process();
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  // Sends SIGTERM and waits; returns the exit status (or -signal).
  int Stop();
  bool running() const { return pid_ > 0; }
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
};

struct Ports {
  int grpc = 0;
  int metrics = 0;
};

// A server process started with GONGKAI_READY_FILE; the ports it bound.
struct Server {
  std::unique_ptr<Process> process;
  Ports ports;
};

// Starts `binary` with `env` plus a ready file, and waits until it serves.
Server StartServer(const std::string& binary, std::map<std::string, std::string> env, const std::string& work_dir,
                   const std::string& name);

// Settings added to (or replacing) the defaults of each process.
struct PlatformOptions {
  std::map<std::string, std::string> registry_env;
  std::map<std::string, std::string> gateway_env;
  std::map<std::string, std::string> penalties_env;
  std::map<std::string, std::string> requests_env;
};

// The platform as real processes on free ports: a fresh database, every
// service, and the gateway in front, with a city principal per demo city, a
// province and a desk principal.
class Platform {
 public:
  explicit Platform(const PlatformOptions& options = {});
  ~Platform();

  std::shared_ptr<grpc::Channel> Gateway() const;
  std::shared_ptr<grpc::Channel> RegistryDirect() const;
  // "Bearer <token>" of a principal: "city-140100", "province", "desk" (of
  // DeskAgency()), "desk-2" (of DeskAgency(2)).
  std::string Authorization(const std::string& principal) const;
  // GET /metrics of the gateway.
  std::string GatewayMetrics() const;
  Server& registry() { return registry_; }
  Server& penalties() { return penalties_; }
  Server& requests() { return requests_; }
  Server& gateway() { return gateway_; }
  const std::string& database_url() const { return db_.url(); }
  const std::string& secret() const { return secret_; }
  // A folder of this platform's own, removed with it.
  const std::string& dir() const { return dir_; }
  // The agency a desk principal works for (registered by the test, in Taiyuan).
  static std::string DeskAgency(int n = 1);

 private:
  TestDatabase db_;
  std::string dir_;
  std::string secret_;
  std::map<std::string, std::string> tokens_;
  Server registry_;
  Server penalties_;
  Server requests_;
  Server gateway_;
};

// GET http://127.0.0.1:port/path; the body, or empty when nothing answers.
std::string HttpGet(int port, const std::string& path);

// The standard health status of a server: "SERVING", "NOT_SERVING", or the
// gRPC error when the call fails.
std::string HealthOf(const std::shared_ptr<grpc::Channel>& channel);

// A valid credit code with the given area code and serial number.
std::string CreditCode(const std::string& area, int serial);

// Waits until pred() or the timeout; returns pred().
bool Eventually(const std::function<bool()>& pred, int timeout_ms = 10000);

}  // namespace gongkai::testing
