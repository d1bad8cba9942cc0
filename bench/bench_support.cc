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
#include <iterator>
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

void CheckStatus(const grpc::Status& status, const std::string& what) {
  if (!status.ok()) {
    throw BrokenSetup(what + ": " + common::CodeName(status.error_code()) + " " + status.error_message());
  }
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
    const std::string what = "UpsertAgencies for " + city;
    CheckStatus(gateway.UpsertAgencies(&context, request, &response), what);
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

registry::v1::Officer BenchOfficer(const std::string& certificate_number, const std::string& agency,
                                   const std::string& name) {
  registry::v1::Officer o;
  o.set_certificate_number(certificate_number);
  o.set_agency_credit_code(agency);
  o.set_name(name);
  o.set_category("市场监管综合执法");
  o.set_valid_from("2025-01-01");
  o.set_valid_until("2030-12-31");
  o.set_status(registry::v1::ACTIVE);
  o.set_source_version(1);
  return o;
}

void RegisterOfficers(const testing::Platform& platform, registry::v1::RegistryService::Stub& gateway,
                      const std::string& city, const std::vector<registry::v1::Officer>& officers,
                      const std::string& what) {
  registry::v1::UpsertOfficersRequest request;
  for (const auto& o : officers) *request.add_officers() = o;
  grpc::ClientContext context;
  AuthorizeAsCity(context, platform, city);
  registry::v1::UpsertOfficersResponse response;
  CheckStatus(gateway.UpsertOfficers(&context, request, &response), what);
  CheckAccepted(response.results(), request.officers_size(), what);
}

std::shared_ptr<grpc::Channel> OwnChannel(const testing::Platform& platform, int i) {
  grpc::ChannelArguments args;
  // A distinct argument per channel, so gRPC gives each its own connection.
  args.SetInt("gongkai.bench.channel", i);
  return grpc::CreateCustomChannel("127.0.0.1:" + std::to_string(platform.gateway().ports.grpc),
                                   grpc::InsecureChannelCredentials(), args);
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

CpuShare ClientShare() { return {"bench (client)", {getpid()}}; }

CpuShare PostgresShare(const std::string& database) {
  return {"postgres", BackendsOf(database), [database] { return BackendsOf(database); }};
}

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

// ---- a load through the gateway against a plain COPY -----------------------------

std::vector<CpuShare> LoadShares(const testing::Platform& platform, const std::string& service) {
  return {ClientShare(),
          {"gateway", {platform.gateway().process->pid()}},
          {service, {platform.service(service).process->pid()}},
          {"registry", {platform.service("registry").process->pid()}},
          PostgresShare(DatabaseOf(platform.database_url()))};
}

RssWatch::RssWatch(pid_t pid, pid_t gateway, int64_t total, std::function<int64_t()> stored)
    : pid_(pid), gateway_(gateway), total_(total), stored_(std::move(stored)) {
  sampler_ = std::thread([this] { Sample(); });
}

RssWatch::~RssWatch() { Stop(); }

void RssWatch::Stop() {
  if (!sampler_.joinable()) return;
  stop_ = true;
  sampler_.join();
}

void RssWatch::Add(int64_t records) {
  const int64_t now = count_ += records;
  std::lock_guard lock(mutex_);
  while (readings_.size() < std::size(kMilestonePercents) &&
         now * 100 >= total_ * kMilestonePercents[readings_.size()]) {
    readings_.push_back(Read(kMilestonePercents[readings_.size()], now));
  }
}

RssWatch::Reading RssWatch::Finish() {
  Reading last;
  {
    std::lock_guard lock(mutex_);
    last = Read(0, count_);
  }
  Stop();
  return last;
}

std::vector<RssWatch::Reading> RssWatch::readings() const {
  std::lock_guard lock(mutex_);
  return readings_;
}

std::vector<int64_t> RssWatch::tenths() const {
  std::lock_guard lock(mutex_);
  return tenths_kb_;
}

void RssWatch::Sample() {
  while (!stop_) {
    const int64_t rss = StatusKb(pid_, "VmRSS");
    const int64_t gateway = StatusKb(gateway_, "VmRSS");
    {
      std::lock_guard lock(mutex_);
      peak_kb_ = std::max(peak_kb_, rss);
      const auto tenth = static_cast<std::size_t>(std::min<int64_t>(9, count_ * 10 / total_));
      tenths_kb_[tenth] = std::max(tenths_kb_[tenth], rss);
    }
    gateway_peak_kb_ = std::max<int64_t>(gateway_peak_kb_, gateway);
    ++samples_;
    std::this_thread::sleep_for(kSampleEvery);
  }
}

RssWatch::Reading RssWatch::Read(int percent, int64_t count) {
  const int64_t rss = StatusKb(pid_, "VmRSS");
  peak_kb_ = std::max(peak_kb_, rss);
  return {percent,
          count,
          std::chrono::duration<double>(Clock::now() - start_).count(),
          peak_kb_,
          StatusKb(pid_, "VmHWM"),
          rss,
          stored_ ? stored_() : -1};
}

namespace {

// "100000 sent, ~83000 stored, 7.1 s" with a stored count, else "100000, 7.1 s" (numbers padded).
std::string Counts(const LoadSubject& subject, const RssWatch::Reading& r) {
  if (r.stored < 0) return Sprintf("%7lld, %6.1f s", static_cast<long long>(r.count), r.seconds);
  return Sprintf("%7lld %s, ~%7lld stored, %6.1f s", static_cast<long long>(r.count), subject.counted.c_str(),
                 static_cast<long long>(r.stored), r.seconds);
}

std::string Growth(double part, double whole) { return Sprintf("%+.1f%%", whole > 0 ? 100.0 * part / whole : 0.0); }

}  // namespace

void PrintMemory(const LoadSubject& subject, const RssWatch& memory, const RssWatch::Reading& after) {
  std::printf("\n%s RSS (VmRSS sampled every %lld ms, %lld samples; VmHWM is the kernel's peak):\n",
              subject.process.c_str(), static_cast<long long>(RssWatch::kSampleEvery.count()),
              static_cast<long long>(memory.samples()));
  for (const auto& r : memory.readings()) {
    std::printf("  at %3d%% %s (%s): peak %s, VmHWM %s, now %s\n", r.percent, subject.counted.c_str(),
                Counts(subject, r).c_str(), Mib(r.sampled_peak_kb).c_str(), Mib(r.hwm_kb).c_str(),
                Mib(r.rss_kb).c_str());
  }
  std::printf("  after the %s (%s): peak %s, VmHWM %s, now %s\n", subject.load.c_str(), Counts(subject, after).c_str(),
              Mib(after.sampled_peak_kb).c_str(), Mib(after.hwm_kb).c_str(), Mib(after.rss_kb).c_str());
  std::string tenths;
  for (int64_t kb : memory.tenths()) tenths += kb < 0 ? " -" : Sprintf(" %.0f", static_cast<double>(kb) / 1024.0);
  std::printf("  peak by tenth of the %s %s (MiB):%s\n", subject.records.c_str(), subject.counted.c_str(),
              tenths.c_str());
  std::printf("gateway RSS: peak %s sampled, %s after the %s\n", Mib(memory.gateway_peak_kb()).c_str(),
              Mib(StatusKb(memory.gateway(), "VmRSS")).c_str(), subject.load.c_str());
}

void CheckStored(const std::string& url, const LoadSubject& subject, int64_t expected) {
  pqxx::connection conn(url);
  pqxx::read_transaction tx(conn);
  const auto stored =
      tx.exec_params("SELECT count(*) FROM " + subject.table + " WHERE kind = $1", subject.kind)[0][0].as<int64_t>();
  if (stored != expected) {
    throw BrokenSetup(Sprintf("%s holds %lld %s after the %s, not %lld", subject.table.c_str(),
                              static_cast<long long>(stored), subject.unit.c_str(), subject.load.c_str(),
                              static_cast<long long>(expected)));
  }
}

void CreateCopyTable(const std::string& url, const LoadSubject& subject) {
  pqxx::connection conn(url);
  pqxx::work tx(conn);
  tx.exec(std::string("CREATE TABLE ") + kCopyTable + " (LIKE " + subject.table + " INCLUDING ALL)");
  tx.commit();
}

void PrintCopy(const LoadSubject& subject, const CopyResult& copy, const std::string& with, int per_transaction) {
  const std::string building =
      copy.wall_seconds > 0 ? Sprintf(" (%.1f s with building the rows)", copy.wall_seconds) : std::string();
  std::printf(
      "\ncopy:     %lld rows into %s (LIKE %s INCLUDING ALL) with %s, %d rows per transaction: %.1f s in the COPY "
      "transactions, %.0f rows/s%s\n",
      static_cast<long long>(copy.rows), kCopyTable, subject.table.c_str(), with.c_str(), per_transaction,
      copy.copy_seconds, copy.rate(), building.c_str());
  std::printf("          cpu: %s\n", copy.cpu.c_str());
}

CopyClock::CopyClock(const std::string& database)
    : cpu_({ClientShare(), PostgresShare(database)}), start_(Clock::now()) {}

void CopyClock::Transaction(int64_t rows, const std::function<void()>& run) {
  const auto start = Clock::now();
  run();
  result_.copy_seconds += std::chrono::duration<double>(Clock::now() - start).count();
  result_.rows += rows;
}

CopyResult CopyClock::Result(bool building) const {
  CopyResult out = result_;
  if (building) out.wall_seconds = std::chrono::duration<double>(Clock::now() - start_).count();
  out.cpu = cpu_.Report();
  return out;
}

TableFigures FiguresOf(pqxx::connection& conn, const std::string& table, int kind) {
  pqxx::read_transaction tx(conn);
  const auto r = tx.exec_params(
      "SELECT count(*), coalesce(avg(octet_length(record)), 0)::bigint, "
      "coalesce(avg(octet_length(public_record)), 0)::bigint, count(public_record), "
      "pg_size_pretty(pg_total_relation_size($1::regclass)) FROM " +
          table + " WHERE kind = $2",
      table, kind)[0];
  return {r[0].as<int64_t>(), r[1].as<int64_t>(), r[2].as<int64_t>(), r[3].as<int64_t>(), r[4].as<std::string>()};
}

void PrintVerdict(const LoadSubject& subject, int64_t records, double load_rate, double copy_rate, double target_ratio,
                  const RssWatch& memory) {
  const double ratio = load_rate / copy_rate;
  const std::vector<RssWatch::Reading> readings = memory.readings();
  const auto row = [](const std::string& name) { return Sprintf("  %-23s", name.c_str()); };
  std::printf("\nresult:\n");
  std::printf("%s%lld\n", row(subject.unit).c_str(), static_cast<long long>(records));
  std::printf("%s%.0f %s/s\n", row(subject.load + " through gateway").c_str(), load_rate, subject.unit.c_str());
  std::printf("%s%.0f rows/s\n", row("plain COPY").c_str(), copy_rate);
  std::printf("%s%.3f\n", row("ratio " + subject.load + "/COPY").c_str(), ratio);
  std::string peaks;
  for (const auto& r : readings) {
    peaks += peaks.empty() ? "" : ", ";
    peaks += Sprintf("%d%%: %s", r.percent, Mib(r.sampled_peak_kb).c_str());
  }
  std::printf("%s%s\n", row(subject.process + " peak RSS").c_str(), peaks.c_str());
  // Flat in the number of records: counting the second half of the records
  // must not take the process higher than the first half did. (The first
  // tenth is no baseline: a service's worker threads, each with its own
  // allocator arena, join in as the load goes on.)
  const std::vector<int64_t> peaks_kb = memory.tenths();
  const int64_t first_half = *std::max_element(peaks_kb.begin(), peaks_kb.begin() + 5);
  const int64_t second_half = *std::max_element(peaks_kb.begin() + 5, peaks_kb.end());
  std::printf(
      "\ntarget: %s >= %.1f of the COPY rate; memory flat in the number of %s "
      "(peak over the second half of the %s within %.0f%% of the peak over the first half)\n",
      subject.load.c_str(), target_ratio, subject.records.c_str(), subject.records.c_str(), 100 * kFlatTolerance);
  std::printf("  ratio %.3f: %s\n", ratio, Met(ratio >= target_ratio));
  std::printf("  peak RSS %s over the first half, %s over the second (%s): %s\n", Mib(first_half).c_str(),
              Mib(second_half).c_str(),
              Growth(static_cast<double>(second_half - first_half), static_cast<double>(first_half)).c_str(),
              Met(first_half > 0 && second_half <= first_half * (1 + kFlatTolerance)));
  if (readings.size() == std::size(RssWatch::kMilestonePercents)) {
    const double at10 = static_cast<double>(readings[0].sampled_peak_kb);
    const double at50 = static_cast<double>(readings[1].sampled_peak_kb);
    const double at100 = static_cast<double>(readings[2].sampled_peak_kb);
    std::printf("  (peak at 100%% %s %s from the peak at 10%%, %s from the peak at 50%%)\n", subject.counted.c_str(),
                Growth(at100 - at10, at10).c_str(), Growth(at100 - at50, at50).c_str());
  }
}

}  // namespace gongkai::bench
