#include "bench/bench_support.h"

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "common/metrics.h"
#include "common/service_table.h"

namespace gongkai::bench {
namespace {

constexpr auto kLoadDeadline = std::chrono::seconds(120);
constexpr int kAgenciesPerCall = 1000;  // the registry's default GONGKAI_MAX_BATCH

}  // namespace

int RunBench(const char* bench, const std::function<int()>& run) {
  try {
    return run();
  } catch (const std::exception& e) {
    std::fflush(stdout);
    std::fprintf(stderr, "%s: broken setup: %s\n", bench, e.what());
    return 1;
  }
}

std::string Sprintf(const char* format, ...) {
  char text[4096];
  va_list args;
  va_start(args, format);
  std::vsnprintf(text, sizeof text, format, args);
  va_end(args);
  return text;
}

std::string CopyBytea(const std::string& bytes) {
  static const char* kHex = "0123456789abcdef";
  std::string out = "\\x";
  out.reserve(2 + 2 * bytes.size());
  for (unsigned char c : bytes) {
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 15]);
  }
  return out;
}

const std::vector<std::string>& ShanxiCities() {
  static const std::vector<std::string> kCities = {"140100", "140200", "140300", "140400", "140500", "140600",
                                                   "140700", "140800", "140900", "141000", "141100"};
  return kCities;
}

std::string CityAgency(const std::string& city) { return testing::CreditCode(city, 1); }

void CheckAccepted(const google::protobuf::RepeatedPtrField<common::v1::RecordResult>& results, int expected,
                   const std::string& what) {
  using RecordResult = common::v1::RecordResult;
  if (results.size() != expected) {
    throw BrokenSetup(what + ": " + std::to_string(results.size()) + " results for " + std::to_string(expected) +
                      " records");
  }
  for (const auto& r : results) {
    if (r.outcome() == RecordResult::ACCEPTED) continue;
    std::string why = what + ": record " + r.key() + " was " + RecordResult::Outcome_Name(r.outcome());
    for (const auto& v : r.violations()) why += "; " + v.field() + ": " + v.description();
    throw BrokenSetup(why);
  }
}

void AuthorizeAsCity(grpc::ClientContext& context, const testing::Platform& platform, const std::string& city) {
  context.AddMetadata("authorization", platform.Authorization("city-" + city));
  context.set_deadline(std::chrono::system_clock::now() + kLoadDeadline);
}

registry::v1::Agency BenchAgency(const std::string& credit_code, const std::string& area_code, const std::string& name,
                                 const std::vector<std::string>& domains) {
  registry::v1::Agency a;
  a.set_credit_code(credit_code);
  a.set_name(name);
  a.set_legal_representative("赵某");
  a.set_area_code(area_code);
  a.set_contact("0351-7654321");
  for (const auto& d : domains) a.add_domains(d);
  a.set_valid_from("2025-01-01");
  a.set_valid_until("2030-12-31");
  a.set_source_version(1);
  return a;
}

void RegisterAgencies(const testing::Platform& platform, registry::v1::RegistryService::Stub& gateway,
                      const std::string& city, const std::vector<registry::v1::Agency>& agencies) {
  for (std::size_t first = 0; first < agencies.size(); first += kAgenciesPerCall) {
    const std::size_t last = std::min(agencies.size(), first + kAgenciesPerCall);
    registry::v1::UpsertAgenciesRequest request;
    for (std::size_t i = first; i < last; ++i) *request.add_agencies() = agencies[i];
    grpc::ClientContext context;
    AuthorizeAsCity(context, platform, city);
    registry::v1::UpsertAgenciesResponse response;
    grpc::Status status = gateway.UpsertAgencies(&context, request, &response);
    const std::string what = "UpsertAgencies for " + city;
    if (!status.ok()) {
      throw BrokenSetup(what + ": " + common::CodeName(status.error_code()) + " " + status.error_message());
    }
    CheckAccepted(response.results(), static_cast<int>(last - first), what);
  }
}

void RegisterCityAgencies(const testing::Platform& platform, registry::v1::RegistryService::Stub& gateway,
                          const std::vector<std::string>& domains) {
  for (const auto& city : ShanxiCities()) {
    RegisterAgencies(platform, gateway, city,
                     {BenchAgency(CityAgency(city), city, "基准测试执法机构" + city, domains)});
  }
}

// ---- /proc readings ---------------------------------------------------------

int64_t StatusKb(pid_t pid, const std::string& field) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.starts_with(field + ":")) return std::stoll(line.substr(field.size() + 1));
  }
  return -1;
}

std::string Mib(int64_t kb) {
  if (kb < 0) return "(process gone)";
  char text[32];
  std::snprintf(text, sizeof text, "%.1f MiB", static_cast<double>(kb) / 1024.0);
  return text;
}

double CpuSeconds(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (stat.empty()) return 0;
  // The command name may hold spaces; the fields are counted after its ')'.
  std::istringstream fields(stat.substr(stat.rfind(')') + 2));
  std::string field;
  double ticks = 0;
  for (int i = 3; i <= 15 && fields >> field; ++i) {
    if (i == 14 || i == 15) ticks += std::stod(field);
  }
  return ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
}

double MachineBusySeconds() {
  std::ifstream in("/proc/stat");
  std::string cpu;
  double user, nice, system, idle, iowait, irq, softirq, steal;
  in >> cpu >> user >> nice >> system >> idle >> iowait >> irq >> softirq >> steal;
  return (user + nice + system + irq + softirq + steal) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

std::string DatabaseOf(const std::string& url) {
  const auto at = url.rfind("dbname=");
  if (at == std::string::npos) return {};
  const std::string rest = url.substr(at + 7);
  return rest.substr(0, rest.find(' '));
}

std::vector<pid_t> BackendsOf(const std::string& database) {
  std::vector<pid_t> pids;
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    const std::string name = entry.path().filename();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream in(entry.path() / "cmdline");
    std::string title;
    std::getline(in, title, '\0');
    if (title.starts_with("postgres: ") && title.find(" " + database + " ") != std::string::npos) {
      pids.push_back(std::stoi(name));
    }
  }
  return pids;
}

std::string FateOf(pid_t pid) {
  siginfo_t info{};
  if (waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOHANG | WNOWAIT) != 0 || info.si_pid == 0) return {};
  if (info.si_code == CLD_EXITED) return "exited with status " + std::to_string(info.si_status);
  return std::string("killed by signal ") + std::to_string(info.si_status) + " (" + strsignal(info.si_status) + ")" +
         (info.si_code == CLD_DUMPED ? ", core dumped" : "");
}

Processes PlatformProcesses(const testing::Platform& platform) {
  Processes out = {{"gateway", platform.gateway().process->pid()}};
  for (const auto& entry : common::ServiceTable()) {
    out.emplace_back(entry.name, platform.service(entry.name).process->pid());
  }
  return out;
}

std::string DeadProcesses(const Processes& named) {
  std::string out;
  for (const auto& [name, pid] : named) {
    if (auto fate = FateOf(pid); !fate.empty()) {
      out += name + " (pid " + std::to_string(pid) + ") " + fate + "\n";
    }
  }
  return out;
}

void Checked(const Processes& watched, const std::function<void()>& step) {
  try {
    step();
  } catch (const BrokenSetup& e) {
    throw BrokenSetup(e.what() + std::string("\n") + DeadProcesses(watched));
  }
}

std::string FailureOf(const std::function<void()>& check) {
  try {
    check();
  } catch (const BrokenSetup& e) {
    return e.what();
  }
  return {};
}

int RunStatus(const Processes& watched, const std::string& after_check, const std::string& figures) {
  const std::string dead = DeadProcesses(watched);
  if (after_check.empty() && dead.empty()) {
    std::fflush(stdout);
    return 0;
  }
  std::printf("\nplatform broke during the run; %s are not a measurement:\n", figures.c_str());
  if (!after_check.empty()) std::printf("  check after the run: %s\n", after_check.c_str());
  if (!dead.empty()) std::printf("  %s", dead.c_str());
  std::fflush(stdout);
  return 1;
}

void PrintRssAfterRun(const std::string& name, pid_t pid, pid_t gateway_pid) {
  std::printf("%s RSS after the run: %s (peak %s); gateway RSS: %s\n", name.c_str(),
              Mib(StatusKb(pid, "VmRSS")).c_str(), Mib(StatusKb(pid, "VmHWM")).c_str(),
              Mib(StatusKb(gateway_pid, "VmRSS")).c_str());
}

const char* Met(bool met) { return met ? "met" : "not met"; }

CpuMeter::CpuMeter(std::vector<CpuShare> shares) : shares_(std::move(shares)) {
  for (const auto& share : shares_) {
    for (pid_t pid : share.pids) before_.push_back(CpuSeconds(pid));
  }
  machine_before_ = MachineBusySeconds();
  start_ = Clock::now();
}

namespace {

std::string Share(const std::string& name, double used, double seconds) {
  char text[96];
  std::snprintf(text, sizeof text, "%s%s%.0f%%", name.c_str(), name.empty() ? "" : " ", 100.0 * used / seconds);
  return text;
}

}  // namespace

std::string CpuMeter::Report() const {
  const double seconds = std::chrono::duration<double>(Clock::now() - start_).count();
  std::string out;
  double ours = 0;
  std::size_t i = 0;
  for (const auto& share : shares_) {
    double used = 0;
    for (pid_t pid : share.pids) {
      const double now = CpuSeconds(pid);
      used += now > 0 ? now - before_[i] : 0;
      ++i;
    }
    if (share.rescan) {
      for (pid_t pid : share.rescan()) {
        if (std::find(share.pids.begin(), share.pids.end(), pid) == share.pids.end()) used += CpuSeconds(pid);
      }
    }
    ours += used;
    out += Share(share.name, used, seconds) + ", ";
  }
  const double machine = MachineBusySeconds() - machine_before_;
  return out + Share("rest of the machine", std::max(0.0, machine - ours), seconds) + " (all " +
         Share("", machine, seconds) + " of " + std::to_string(std::thread::hardware_concurrency()) + " cores)";
}

// ---- latency ------------------------------------------------------------------

void CallTally::Add(const grpc::Status& status, Clock::duration latency) {
  ++completed;
  if (status.ok()) {
    latencies_ns.push_back(std::chrono::duration_cast<std::chrono::nanoseconds>(latency).count());
  } else {
    const auto code = status.error_code();
    if (errors[code]++ == 0) first_message[code] = status.error_message();
  }
}

double PercentileMs(const std::vector<int64_t>& sorted, double p) {
  if (sorted.empty()) return 0;
  auto rank = static_cast<std::size_t>(std::ceil(p * static_cast<double>(sorted.size())));
  return static_cast<double>(sorted[std::clamp<std::size_t>(rank, 1, sorted.size()) - 1]) / 1e6;
}

RunReport Summarize(const std::string& target, const std::vector<CallTally>& tallies, double seconds) {
  RunReport report;
  report.target = target;
  std::vector<int64_t> latencies;
  for (const auto& t : tallies) {
    report.completed += t.completed;
    latencies.insert(latencies.end(), t.latencies_ns.begin(), t.latencies_ns.end());
    for (const auto& [code, n] : t.errors) {
      report.errors += n;
      report.error_codes[code] += n;
      report.first_message.emplace(code, t.first_message.at(code));
    }
  }
  std::sort(latencies.begin(), latencies.end());
  report.throughput = static_cast<double>(latencies.size()) / seconds;
  report.p50_ms = PercentileMs(latencies, 0.50);
  report.p90_ms = PercentileMs(latencies, 0.90);
  report.p99_ms = PercentileMs(latencies, 0.99);
  report.max_ms = latencies.empty() ? 0 : static_cast<double>(latencies.back()) / 1e6;
  return report;
}

void PrintHeader(int width) {
  std::printf("%-*s %10s %8s %11s %8s %8s %8s %8s\n", width, "target", "calls", "errors", "calls/s", "p50 ms", "p90 ms",
              "p99 ms", "max ms");
}

void PrintRow(const RunReport& r, int width) {
  std::printf("%-*s %10lld %8lld %11.0f %8.2f %8.2f %8.2f %8.2f\n", width, r.target.c_str(),
              static_cast<long long>(r.completed), static_cast<long long>(r.errors), r.throughput, r.p50_ms, r.p90_ms,
              r.p99_ms, r.max_ms);
}

void PrintErrors(const RunReport& r) {
  for (const auto& [code, n] : r.error_codes) {
    std::printf("  %s errors: %s x %lld (first: \"%s\")\n", r.target.c_str(), common::CodeName(code).c_str(),
                static_cast<long long>(n), r.first_message.at(code).c_str());
  }
}

}  // namespace gongkai::bench
