#pragma once

// What the benches over real processes share: the setup error and how a run
// ends, the Shanxi cities, their agencies and officers, readings of /proc
// (memory, CPU, how a process ended), the latency table they print, and what
// the benches that load records through the gateway against a plain COPY
// measure and print.

#include <grpcpp/grpcpp.h>
#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <iterator>
#include <map>
#include <memory>
#include <mutex>
#include <pqxx/pqxx>
#include <stdexcept>
#include <string>
#include <thread>
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

// Throws BrokenSetup "<what>: <CODE> <message>" unless `status` is OK.
void CheckStatus(const grpc::Status& status, const std::string& what);

// bytea in COPY text form: the hex input format ("\\x0a1b…"), as the services send it.
std::string CopyBytea(const std::string& bytes);

// splitmix64 draws: a record drawn with its own number as the seed follows
// from that number alone, so every part of a bench builds the same record, in
// any order.
class Draw {
 public:
  explicit Draw(uint64_t seed) : state_(seed * 0x9E3779B97F4A7C15ULL + 0x2545F4914F6CDD1DULL) {}
  uint64_t Next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  // lo … hi, both included.
  int Int(int lo, int hi) { return lo + static_cast<int>(Next() % static_cast<uint64_t>(hi - lo + 1)); }
  // True in `p` cases of 100 (to a hundredth of a percent).
  bool Percent(double p) { return static_cast<double>(Next() % 10000) < p * 100; }
  const std::string& Pick(const std::vector<std::string>& from) { return from[Next() % from.size()]; }

 private:
  uint64_t state_;
};

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

// An ACTIVE officer of `agency` (市场监管综合执法), valid 2025–2030.
registry::v1::Officer BenchOfficer(const std::string& certificate_number, const std::string& agency,
                                   const std::string& name);

// Registers officers through the gateway as `city` in one call (`what` names
// it in a failure); every one must come back ACCEPTED.
void RegisterOfficers(const testing::Platform& platform, registry::v1::RegistryService::Stub& gateway,
                      const std::string& city, const std::vector<registry::v1::Officer>& officers,
                      const std::string& what);

// A channel to the gateway on a connection of its own: channels of distinct
// `i` do not share one.
std::shared_ptr<grpc::Channel> OwnChannel(const testing::Platform& platform, int i);

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

// This process, as "bench (client)".
CpuShare ClientShare();

// The PostgreSQL backends of `database` (BackendsOf), as "postgres", with the
// ones opened within the window.
CpuShare PostgresShare(const std::string& database);

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

// ---- a load through the gateway against a plain COPY -----------------------------
// (penalties_sync_bench, inspections_sync_bench)

// What such a bench loads and where, and the words its lines name them with.
struct LoadSubject {
  std::string process;  // the service that stores the records, its memory watched: "penalties"
  std::string table;    // where it stores them: "penalties.records"
  int kind = 0;         // their kind there
  std::string load;     // the run through the gateway: "sync"
  std::string unit;     // the records in the result lines: "decisions"
  std::string records;  // the records in the memory lines: "records"
  std::string counted;  // what the load tells RssWatch::Add: "sent" (written) or "stored" (answered)
};

// The table the COPY baseline writes.
inline constexpr char kCopyTable[] = "bench_copy";

// Memory counts as flat when the peak over the second half of the records is
// within this share of the peak over the first half.
inline constexpr double kFlatTolerance = 0.10;

// The CPU shares of a load into `service` through the gateway: the bench, the
// gateway, the service, the registry and the database's backends.
std::vector<CpuShare> LoadShares(const testing::Platform& platform, const std::string& service);

// A process's RSS, sampled every 200 ms on a thread of its own, and read at
// the moments 10%, 50% and 100% of the load's records have been counted (sent
// or stored, as the load counts them); also the peak while each tenth of them
// was counted, and the gateway's peak.
class RssWatch {
 public:
  static constexpr auto kSampleEvery = std::chrono::milliseconds(200);
  static constexpr int kMilestonePercents[] = {10, 50, 100};

  struct Reading {
    int percent = 0;               // the milestone; 0 for the reading of Finish
    int64_t count = 0;             // records counted by then
    double seconds = 0;            // since the watch started
    int64_t sampled_peak_kb = -1;  // the highest sample so far
    int64_t hwm_kb = -1;           // the kernel's peak (VmHWM) at that moment
    int64_t rss_kb = -1;
    int64_t stored = -1;  // what `stored` counted at that moment; -1 without it
  };

  // Watches `pid` and `gateway` over a load of `total` records. `stored`,
  // when set, counts the records stored apart from what the load counts
  // (e.g. from PostgreSQL's statistics); it is called under a lock only.
  RssWatch(pid_t pid, pid_t gateway, int64_t total, std::function<int64_t()> stored = nullptr);
  ~RssWatch();
  RssWatch(const RssWatch&) = delete;
  RssWatch& operator=(const RssWatch&) = delete;

  // Called by the load's workers after each batch: `records` more are counted.
  void Add(int64_t records);

  // A reading now, outside the milestones, then the sampling stops.
  Reading Finish();

  pid_t gateway() const { return gateway_; }
  std::vector<Reading> readings() const;
  int64_t samples() const { return samples_; }
  // The highest sample while each tenth of the records was counted; -1 for a tenth without one.
  std::vector<int64_t> tenths() const;
  int64_t gateway_peak_kb() const { return gateway_peak_kb_; }

 private:
  void Sample();
  void Stop();
  Reading Read(int percent, int64_t count);  // needs mutex_

  const pid_t pid_;
  const pid_t gateway_;
  const int64_t total_;
  const std::function<int64_t()> stored_;
  const Clock::time_point start_ = Clock::now();
  std::atomic<int64_t> count_{0};
  std::atomic<bool> stop_{false};
  std::atomic<int64_t> samples_{0};
  std::atomic<int64_t> gateway_peak_kb_{-1};
  mutable std::mutex mutex_;
  int64_t peak_kb_ = -1;                                           // guarded by mutex_
  std::vector<int64_t> tenths_kb_ = std::vector<int64_t>(10, -1);  // guarded by mutex_
  std::vector<Reading> readings_;                                  // guarded by mutex_
  std::thread sampler_;
};

// The memory lines: the process's readings at the milestones and `after` the
// load, its peak by tenth of the records, and the gateway's peak and RSS now.
void PrintMemory(const LoadSubject& subject, const RssWatch& memory, const RssWatch::Reading& after);

// Throws BrokenSetup unless the subject's table holds `expected` records of its kind.
void CheckStored(const std::string& url, const LoadSubject& subject, int64_t expected);

// Creates kCopyTable (LIKE the subject's table INCLUDING ALL).
void CreateCopyTable(const std::string& url, const LoadSubject& subject);

// What the COPY baseline did.
struct CopyResult {
  int64_t rows = 0;
  double copy_seconds = 0;  // inside the COPY transactions
  double wall_seconds = 0;  // with building the rows; 0 when the bench builds none
  std::string cpu;

  double rate() const { return static_cast<double>(rows) / copy_seconds; }
};

// The copy lines: the rows copied `with` what, `per_transaction` in each
// transaction, the time in the transactions, the rate and the CPU use.
void PrintCopy(const LoadSubject& subject, const CopyResult& copy, const std::string& with, int per_transaction);

// Times a COPY baseline: the CPU use of this process and the database's
// backends from construction, and only the time inside its transactions.
class CopyClock {
 public:
  explicit CopyClock(const std::string& database);

  // Runs one COPY transaction of `rows` rows, timed.
  void Transaction(int64_t rows, const std::function<void()>& run);

  // What the transactions did; `building`: the bench built the rows between
  // them, and the time since construction is said too.
  CopyResult Result(bool building) const;

 private:
  CpuMeter cpu_;
  Clock::time_point start_;
  CopyResult result_;
};

// What a table holds of a kind of record, so the service's table and the
// copy are seen to hold the same thing.
struct TableFigures {
  int64_t rows = 0;
  int64_t record_bytes = 0;         // the average size of `record`
  int64_t public_record_bytes = 0;  // the average size of `public_record`
  int64_t published = 0;            // the rows with a public_record
  std::string size;                 // the whole table's size on disk with its indexes ("1447 MB")
};
TableFigures FiguresOf(pqxx::connection& conn, const std::string& table, int kind);

// The result (`records` loaded at `load_rate`, the COPY at `copy_rate`, their
// ratio, the peaks at the milestones) and the targets, met or not: the ratio
// at least `target_ratio`, and memory flat in the number of records.
void PrintVerdict(const LoadSubject& subject, int64_t records, double load_rate, double copy_rate, double target_ratio,
                  const RssWatch& memory);

}  // namespace gongkai::bench
