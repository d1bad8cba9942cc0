#pragma once

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <sys/types.h>

#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/clock.h"
#include "common/identity.h"
#include "common/testing/postgres.h"
#include "gongkai/registry/v1/registry.pb.h"

namespace gongkai::testing {

// A child process of the test, stopped with SIGTERM when it goes.
class Process {
 public:
  // With `log_file` set, the process's standard output and error are
  // appended to that file rather than shared with the test's.
  Process(const std::string& path, const std::map<std::string, std::string>& env, const std::string& log_file = "");
  ~Process();
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  // Sends SIGTERM and waits; returns the exit status (or -signal).
  int Stop();
  // Sends SIGKILL, as a crash would (no shutdown: calls in flight are cut),
  // and waits; returns -SIGKILL.
  int Kill();
  bool running() const { return pid_ > 0; }
  // Whether the process still runs: false once stopped or killed, and when it
  // ended by itself (a crash), which Stop still reaps.
  bool alive() const;
  pid_t pid() const { return pid_; }

 private:
  // Sends `sig` and waits; returns the exit status (or -signal).
  int End(int sig);

  pid_t pid_ = -1;
};

struct Ports {
  int grpc = 0;
  int metrics = 0;
  int http = 0;    // the gateway's HTTP door; 0 for the services
  int health = 0;  // the plaintext health port (GONGKAI_HEALTH_LISTEN); 0 when none
};

// A server process started with GONGKAI_READY_FILE; the ports it bound.
struct Server {
  std::unique_ptr<Process> process;
  Ports ports;
};

// Starts `binary` with `env` plus a ready file, and waits until it serves;
// with `log_dir` set, its output goes to <log_dir>/<name>.log.
Server StartServer(const std::string& binary, std::map<std::string, std::string> env, const std::string& work_dir,
                   const std::string& name, const std::string& log_dir = "");

// Settings added to (or replacing) the defaults of each process.
struct PlatformOptions {
  // By process: a service's name in services/services.table, or "gateway".
  std::map<std::string, std::map<std::string, std::string>> env;
  // When set (YYYY-MM-DD), every service runs on this date
  // (GONGKAI_PINNED_DATE, with GONGKAI_ALLOW_PINNED_CLOCK=true).
  std::string pinned_date;
  // When set, each process's log goes to <log_dir>/<process>.log instead of
  // the test's output, so that a failure's message is not buried in it.
  std::string log_dir;
};

// The date an end-to-end test pins its platform to (PlatformOptions::pinned_date)
// when what it asserts depends on today: the dates in its records lie before
// it, so the test passes whatever the machine's date.
inline constexpr char kTestDate[] = "2026-12-01";

// The platform as real processes on free ports: a fresh database, every
// service of services/services.table in its order, each connected as its own
// role (scripts/db-roles: owner of its schema only, no superuser), and the
// gateway in front, with a city principal per demo city, a province and a desk
// principal.
class Platform {
 public:
  explicit Platform(const PlatformOptions& options = {});
  ~Platform();

  std::shared_ptr<grpc::Channel> Gateway() const;
  // A channel straight to a service, past the gateway.
  std::shared_ptr<grpc::Channel> Direct(const std::string& service) const;
  // "Bearer <token>" of a principal: "city-140100", "province", "desk" (of
  // DeskAgency()), "desk-2" (of DeskAgency(2)).
  std::string Authorization(const std::string& principal) const;
  // The Ed25519 identity key of `process` ("gateway", or a service's name;
  // GONGKAI_IDENTITY_KEY_FILE), and the services' trust file, listing every
  // process's public key (GONGKAI_IDENTITY_TRUST_FILE).
  std::string identity_key_file(const std::string& process) const { return dir_ + "/identity-" + process + ".key"; }
  std::string trust_file() const { return dir_ + "/trusted-keys"; }
  // Signs as `process` does: the gateway any caller, a service its own
  // identity (common::ServiceIdentity).
  std::unique_ptr<common::IdentitySigner> SignerOf(const std::string& process) const;
  // The gateway's principals file (GONGKAI_PRINCIPALS_FILE), read again on SIGHUP.
  std::string principals_file() const { return dir_ + "/principals.json"; }
  // Puts on `ctx` the token of `principal` (none for "", the public) and a
  // deadline of 10 s.
  void Authorize(grpc::ClientContext& ctx, const std::string& principal) const;
  // Calls `method` through the gateway as `principal` ("" for the public),
  // e.g. Call("city-140100", &RegistryService::Stub::UpsertAgencies, request, &response).
  template <typename Stub, typename Request, typename Response>
  grpc::Status Call(const std::string& principal,
                    grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
                    const Request& request, Response* response) const {
    grpc::ClientContext ctx;
    Authorize(ctx, principal);
    Stub stub(Gateway());
    return (stub.*method)(&ctx, request, response);
  }
  // GET /metrics of the gateway.
  std::string GatewayMetrics() const;
  // A service by its name in the table; throws std::out_of_range for another name.
  Server& service(const std::string& name);
  const Server& service(const std::string& name) const;
  // Starts service `name` again once its process ended (Process::Kill or
  // Stop; stopped first if it still runs), with the settings and the ports it
  // had, so the gateway and the services that call it find it where they did.
  void Restart(const std::string& name);
  // As Restart(name), with `settings` added to (or replacing) those it had,
  // kept for its later restarts: e.g. {{"GONGKAI_PINNED_DATE", "2026-06-16"}}
  // runs that service alone on another day (Today() still answers the
  // platform's date).
  void Restart(const std::string& name, const std::map<std::string, std::string>& settings);
  Server& gateway() { return gateway_; }
  const Server& gateway() const { return gateway_; }
  // The date the services run on: the pinned date, or today in Asia/Shanghai.
  common::Date Today() const;
  // The superuser's connection string to the platform's database.
  const std::string& database_url() const { return db_.url(); }
  // The connection string `service` runs with: its own role and password
  // file. Throws std::out_of_range for a name not in the table.
  const std::string& service_database_url(const std::string& service) const;
  // The agency a desk principal works for (registered by the test, in Taiyuan).
  static std::string DeskAgency(int n = 1);

 private:
  TestDatabase db_;
  std::string dir_;      // the platform's own folder ({run}), removed with it
  std::string log_dir_;  // PlatformOptions::log_dir
  // Each service's connection string, by name (scripts/db-roles).
  std::map<std::string, std::string> database_urls_;
  std::optional<common::Date> pinned_date_;
  std::map<std::string, std::string> tokens_;
  // In table order; stopped in the reverse order, after the gateway.
  std::vector<std::pair<std::string, Server>> services_;
  // Each service's environment, with the settings a Restart added, for Restart.
  std::map<std::string, std::map<std::string, std::string>> settings_;
  Server gateway_;
};

// The fixture of end-to-end tests that start a platform of their own for each
// test, on kTestDate unless Options() says otherwise.
class PlatformTest : public ::testing::Test {
 protected:
  void SetUp() override { platform_ = std::make_unique<Platform>(Options()); }

  virtual PlatformOptions Options() {
    PlatformOptions options;
    options.pinned_date = kTestDate;
    return options;
  }

  // Calls `method` through the gateway as `principal` ("" for the public).
  template <typename Stub, typename Request, typename Response>
  grpc::Status Call(const std::string& principal,
                    grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
                    const Request& request, Response* response) {
    return platform_->Call(principal, method, request, response);
  }

  // Registers one agency of `city` (area code = city code) as that city;
  // expects it ACCEPTED. Its credit code.
  std::string AddAgency(const std::string& city, int serial,
                        const std::vector<std::string>& domains = {"market_regulation"});

  // The date `days` before the platform's today, YYYY-MM-DD.
  std::string IsoDaysAgo(int days) const;

  std::unique_ptr<Platform> platform_;
};

// The contents of a file; empty when it cannot be read.
std::string ReadFile(const std::string& path);

// An HTTP answer: its status, its headers (names in lower case) and its body.
struct HttpAnswer {
  int status = 0;
  std::map<std::string, std::string> headers;
  std::string body;
};
// One HTTP/1.1 request to 127.0.0.1:port (Boost.Beast's client); throws
// std::runtime_error when nothing answers.
HttpAnswer HttpRequest(int port, const std::string& verb, const std::string& target,
                       const std::map<std::string, std::string>& headers = {}, const std::string& body = {});

// A script of tests/node run with `env` (added to this process's), as the
// end-to-end tests drive the clients and browser tests written for Node:
// its exit status, its output, and each JSON line with a "step" by step.
struct NodeRun {
  int status = -1;
  std::string output;
  std::map<std::string, nlohmann::json> steps;
};
NodeRun RunNode(const std::string& script, const std::map<std::string, std::string>& env);

// GET http://127.0.0.1:port/path; the body, or empty when nothing answers.
std::string HttpGet(int port, const std::string& path);

// The value of one sample of a Prometheus text exposition (`series` is the
// metric's name and its labels in order, as written), or nullopt.
std::optional<double> MetricValue(const std::string& metrics, const std::string& series);

// The standard health status of a server: "SERVING", "NOT_SERVING", or the
// gRPC error when the call fails.
std::string HealthOf(const std::shared_ptr<grpc::Channel>& channel);

// A valid credit code with the given area code and serial number.
std::string CreditCode(const std::string& area, int serial);

// Agency `serial` of `city` (its area code the city's), in `domains`, valid
// 2026 to 2030, source version 1: what AddAgency registers.
registry::v1::Agency AgencyOf(const std::string& city, int serial,
                              const std::vector<std::string>& domains = {"market_regulation"});

// Waits until pred() or the timeout; returns pred().
bool Eventually(const std::function<bool()>& pred, int timeout_ms = 10000);

}  // namespace gongkai::testing
