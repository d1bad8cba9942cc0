#pragma once

// What the benches over real processes share: the setup error and how a run
// ends, the Shanxi cities and their agencies, readings of /proc (memory, CPU,
// how a process ended), and the latency table they print.

#include <grpcpp/grpcpp.h>
#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "gongkai/common/v1/batch.pb.h"
#include "gongkai/registry/v1/registry.grpc.pb.h"
#include "tests/e2e/platform.h"

namespace gongkai::bench {

using Clock = std::chrono::steady_clock;

// A setup that cannot give a meaningful measurement; caught in main after the
// platform's processes are stopped.
class BrokenSetup : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A bench's main: runs `run` and returns its exit status, or 1 with
// "<bench>: broken setup: <why>" on stderr when it throws.
int RunBench(const char* bench, const std::function<int()>& run);

// printf into a std::string (up to 4 KiB).
std::string Sprintf(const char* format, ...) __attribute__((format(printf, 1, 2)));

// bytea in COPY text form: the hex input format ("\\x0a1b…"), as the services send it.
std::string CopyBytea(const std::string& bytes);

// ---- the demo province ------------------------------------------------------

// The prefecture-level cities of Shanxi, 140100 … 141100.
const std::vector<std::string>& ShanxiCities();

// The agency a bench registers for a city: its area code is the city's own.
std::string CityAgency(const std::string& city);

// Throws BrokenSetup unless there are `expected` results, all ACCEPTED.
void CheckAccepted(const google::protobuf::RepeatedPtrField<common::v1::RecordResult>& results, int expected,
                   const std::string& what);

// A call as the city's principal, with a deadline long enough for a batch load.
void AuthorizeAsCity(grpc::ClientContext& context, const testing::Platform& platform, const std::string& city);

// A valid agency, valid 2025–2030.
registry::v1::Agency BenchAgency(const std::string& credit_code, const std::string& area_code, const std::string& name,
                                 const std::vector<std::string>& domains);

// Registers a city's agencies through the gateway as that city, at most 1000
// per call; every one must come back ACCEPTED.
void RegisterAgencies(const testing::Platform& platform, registry::v1::RegistryService::Stub& gateway,
                      const std::string& city, const std::vector<registry::v1::Agency>& agencies);

// One agency per Shanxi city (CityAgency), working in `domains`.
void RegisterCityAgencies(const testing::Platform& platform, registry::v1::RegistryService::Stub& gateway,
                          const std::vector<std::string>& domains = {"market_regulation"});

// ---- /proc readings ---------------------------------------------------------

// A "Vm*:  1234 kB" line of /proc/<pid>/status, in kB; -1 when absent.
int64_t StatusKb(pid_t pid, const std::string& field);

// "12.3 MiB", or "(process gone)" for a negative reading.
std::string Mib(int64_t kb);

// User + system CPU seconds a process has used so far; 0 once it is gone.
double CpuSeconds(pid_t pid);

// CPU seconds every core of the machine has spent busy (not idle or waiting on I/O).
double MachineBusySeconds();

// The database named in a libpq key=value string (its "dbname=").
std::string DatabaseOf(const std::string& url);

// The PostgreSQL backends serving `database` (their title names it), so the
// database's share of the CPU is seen beside the processes that call it.
std::vector<pid_t> BackendsOf(const std::string& database);

// How a child process ended, without reaping it (the platform does that);
// empty while it runs.
std::string FateOf(pid_t pid);

// Processes by name.
using Processes = std::vector<std::pair<std::string, pid_t>>;

// The platform's processes: the gateway and every service.
Processes PlatformProcesses(const testing::Platform& platform);

// The processes of `named` that have ended, one line each; empty while all run.
std::string DeadProcesses(const Processes& named);

// Runs a setup step; a BrokenSetup it throws also names the processes of
// `watched` that died, not only the call that failed.
void Checked(const Processes& watched, const std::function<void()>& step);

// The message of the BrokenSetup `check` throws; empty when it passes.
std::string FailureOf(const std::function<void()>& check);

// How a run over the platform ends, after its figures: 0, or 1 when
// `after_check` (the failure of a check after the run) is set or a process of
// `watched` died, which is said under the figures: `figures` ("the figures")
// are then not a measurement.
int RunStatus(const Processes& watched, const std::string& after_check = "",
              const std::string& figures = "the figures");

// "<name> RSS after the run: 12.3 MiB (peak 14.0 MiB); gateway RSS: 8.1 MiB".
void PrintRssAfterRun(const std::string& name, pid_t pid, pid_t gateway_pid);

// "met" or "not met".
const char* Met(bool met);

// Processes whose CPU use over a window is reported under one name.
struct CpuShare {
  std::string name;
  std::vector<pid_t> pids;
  // When set, asked again at the end of the window: processes it finds that
  // were not in `pids` started within the window and count whole (the
  // connections a pool opens on first use).
  std::function<std::vector<pid_t>()> rescan = nullptr;
};

// Each share's CPU use over a window, in % of one core, and the rest of the
// machine (other work on the same cores skews the figures).
class CpuMeter {
 public:
  explicit CpuMeter(std::vector<CpuShare> shares);

  // The use from construction until now.
  std::string Report() const;

 private:
  std::vector<CpuShare> shares_;
  std::vector<double> before_;
  double machine_before_ = 0;
  Clock::time_point start_;
};

// ---- latency ------------------------------------------------------------------

// What one client worker saw in a measured window.
struct CallTally {
  std::vector<int64_t> latencies_ns;  // OK calls only
  int64_t completed = 0;
  std::map<grpc::StatusCode, int64_t> errors;
  std::map<grpc::StatusCode, std::string> first_message;

  void Add(const grpc::Status& status, Clock::duration latency);
};

// One target's figures over a measured window.
struct RunReport {
  std::string target;
  int64_t completed = 0;
  int64_t errors = 0;
  double throughput = 0;  // OK calls per second
  double p50_ms = 0, p90_ms = 0, p99_ms = 0, max_ms = 0;
  std::map<grpc::StatusCode, int64_t> error_codes;
  std::map<grpc::StatusCode, std::string> first_message;
  std::string cpu;  // CPU use over the measured window, by process
};

// The p-quantile (0..1) of sorted nanoseconds, in ms (nearest rank).
double PercentileMs(const std::vector<int64_t>& sorted, double p);

// The workers' tallies over `seconds` as one report.
RunReport Summarize(const std::string& target, const std::vector<CallTally>& tallies, double seconds);

// The table: "target calls errors calls/s p50 ms p90 ms p99 ms max ms", the
// first column `width` wide.
void PrintHeader(int width = 8);
void PrintRow(const RunReport& r, int width = 8);
// One line per status code that failed, with the first message seen.
void PrintErrors(const RunReport& r);

}  // namespace gongkai::bench
