// Certificate verification (执法证真伪查询) on the wire: the same external load
// generator (h2load, bench/h2load.h) drives a plain gRPC callback echo server,
// the registry directly and the gateway in front of it, in one run, at 16 and
// at 512 calls in flight. The ratios to the echo server say what the gateway
// and the registry cost on top of gRPC itself on this machine.
//
// With --bench-tls=true every link is TLS: the echo server and the gateway
// are driven over https with the same server credentials, the platform runs
// mutual TLS inside, and the registry's port, which then requires a client
// certificate h2load cannot present, is not driven directly.
//
// Needs the throwaway cluster of bench/run (GONGKAI_TEST_DATABASE_URL),
// h2load (Debian nghttp2-client) and, for TLS, openssl.
// Usage: verify_bench [--bench-seconds=10] [--bench-rounds=3] [--bench-officers=10000] [--bench-tls=false]
// A missed target is reported, not failed: the exit status is non-zero only for
// a broken setup or a platform process that died during the run.

#include <grpcpp/generic/async_generic_service.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/security/credentials.h>
#include <grpcpp/security/server_credentials.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include "bench/bench_support.h"
#include "bench/frame_forwarder.h"
#include "bench/h2load.h"
#include "common/config.h"
#include "common/metrics.h"
#include "common/service_table.h"
#include "common/tls.h"
#include "gongkai/registry/v1/registry.grpc.pb.h"
#include "tests/e2e/platform.h"

namespace gongkai {
namespace {

using bench::BrokenSetup;
using bench::Clock;
using bench::CpuShare;
using registry::v1::RegistryService;
using registry::v1::VerifyCertificateResponse;

constexpr char kVerifyMethod[] = "/gongkai.registry.v1.RegistryService/VerifyCertificate";
constexpr auto kWarmUp = std::chrono::seconds(2);
// A deadline on every call, so a stuck server shows up as DEADLINE_EXCEEDED, not a hang.
constexpr auto kCallDeadline = std::chrono::seconds(10);
constexpr int kBatchSize = 1000;  // the registry's default GONGKAI_MAX_BATCH
// A serial never loaded: its certificate is UNKNOWN.
constexpr int kFirstUnknownSerial = 9'000'000;
constexpr double kTargetRatio = 0.40;
constexpr double kTargetP99Ms = 5.0;

struct Settings {
  int seconds = 10;
  int rounds = 3;
  int officers = 10'000;
  bool tls = false;
};

std::string CertificateNumber(int serial) {
  char number[16];
  std::snprintf(number, sizeof number, "BENCH%07d", serial);
  return number;
}

// ---- TLS ----------------------------------------------------------------------

// A private CA (ca.crt) and certificates signed by it (<name>.crt, <name>.key)
// for 127.0.0.1, each good for a server and as a client certificate, made by
// openssl as tests/e2e/certificates.h makes them, in a folder of their own
// removed with them (after the platform that reads them has stopped).
class Certificates {
 public:
  explicit Certificates(const std::vector<std::string>& names) {
    char pattern[] = "/tmp/gongkai-verify-tls-XXXXXX";
    if (mkdtemp(pattern) == nullptr) throw BrokenSetup("cannot make a folder for the certificates");
    dir_ = pattern;
    try {
      OpenSsl(
          "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 "
          "-subj '/CN=gongkai bench CA' -keyout ca.key -out ca.crt");
      for (const auto& name : names) {
        OpenSsl("openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj '/CN=" + name +
                "' -keyout " + name + ".key -out " + name + ".csr && printf 'subjectAltName=IP:127.0.0.1\\n" +
                "extendedKeyUsage=serverAuth,clientAuth\\n' > " + name + ".ext && openssl x509 -req -in " + name +
                ".csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 -extfile " + name + ".ext -out " + name +
                ".crt");
      }
    } catch (...) {
      Remove();
      throw;
    }
  }
  ~Certificates() { Remove(); }
  Certificates(const Certificates&) = delete;
  Certificates& operator=(const Certificates&) = delete;

  std::string ca() const { return dir_ + "/ca.crt"; }
  std::string certificate(const std::string& name) const { return dir_ + "/" + name + ".crt"; }
  std::string key(const std::string& name) const { return dir_ + "/" + name + ".key"; }

 private:
  // Runs `command` in the folder; its errors go to openssl.log, said when it fails.
  void OpenSsl(const std::string& command) const {
    const std::string log = dir_ + "/openssl.log";
    if (std::system(("cd '" + dir_ + "' && { " + command + "; } 2>>openssl.log").c_str()) != 0) {
      throw BrokenSetup("making the TLS certificates (openssl) failed: " + command + "\n" + testing::ReadFile(log));
    }
  }
  void Remove() const {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  std::string dir_;
};

// The credentials of the bench's own calls: TLS trusting the CA of
// `certificates` (no client certificate: the gateway asks for none), or
// plaintext without them.
std::shared_ptr<grpc::ChannelCredentials> ClientCredentials(const std::optional<Certificates>& certificates) {
  if (!certificates) return grpc::InsecureChannelCredentials();
  grpc::SslCredentialsOptions trust;
  trust.pem_root_certs = testing::ReadFile(certificates->ca());
  if (trust.pem_root_certs.empty()) throw BrokenSetup("cannot read " + certificates->ca());
  return grpc::SslCredentials(trust);
}

// ---- loading --------------------------------------------------------------

// Batch b goes to the agency of city b mod 11, so every city holds officers.
// Returns the seconds the officers took.
double LoadOfficers(const testing::Platform& platform, RegistryService::Stub& gateway, int count) {
  const auto start = Clock::now();
  for (int first = 0, batch = 0; first < count; first += kBatchSize, ++batch) {
    const auto& cities = bench::ShanxiCities();
    const std::string& city = cities[static_cast<std::size_t>(batch) % cities.size()];
    registry::v1::UpsertOfficersRequest request;
    const int last = std::min(count, first + kBatchSize);
    for (int serial = first; serial < last; ++serial) {
      auto* o = request.add_officers();
      o->set_certificate_number(CertificateNumber(serial));
      o->set_agency_credit_code(bench::CityAgency(city));
      o->set_name("执法人员" + std::to_string(serial));
      o->set_category("市场监管综合执法");
      o->set_valid_from("2025-01-01");
      o->set_valid_until("2030-12-31");
      o->set_status(registry::v1::ACTIVE);
      o->set_source_version(1);
    }
    grpc::ClientContext context;
    bench::AuthorizeAsCity(context, platform, city);
    registry::v1::UpsertOfficersResponse response;
    grpc::Status status = gateway.UpsertOfficers(&context, request, &response);
    const std::string what = "UpsertOfficers batch " + std::to_string(batch) + " (city " + city + ")";
    if (!status.ok()) {
      throw BrokenSetup(what + ": " + common::CodeName(status.error_code()) + " " + status.error_message());
    }
    bench::CheckAccepted(response.results(), last - first, what);
  }
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// So the run measures real answers: a loaded certificate is VALID, a never
// issued one UNKNOWN.
void CheckVerdicts(const std::shared_ptr<grpc::Channel>& channel, int officers) {
  auto gateway = RegistryService::NewStub(channel);
  auto verify = [&](const std::string& number) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + kCallDeadline);
    registry::v1::VerifyCertificateRequest request;
    request.set_certificate_number(number);
    VerifyCertificateResponse response;
    grpc::Status status = gateway->VerifyCertificate(&context, request, &response);
    if (!status.ok()) {
      throw BrokenSetup("VerifyCertificate " + number + ": " + common::CodeName(status.error_code()) + " " +
                        status.error_message());
    }
    return response;
  };
  for (int serial : {0, officers / 2, officers - 1}) {
    const std::string number = CertificateNumber(serial);
    auto response = verify(number);
    if (response.verdict() != VerifyCertificateResponse::VALID || response.officer().certificate_number() != number) {
      throw BrokenSetup("VerifyCertificate " + number + ": expected VALID, got " +
                        VerifyCertificateResponse::Verdict_Name(response.verdict()));
    }
  }
  auto unknown = verify(CertificateNumber(kFirstUnknownSerial));
  if (unknown.verdict() != VerifyCertificateResponse::UNKNOWN) {
    throw BrokenSetup("VerifyCertificate of a never issued number: expected UNKNOWN, got " +
                      VerifyCertificateResponse::Verdict_Name(unknown.verdict()));
  }
}

// ---- the echo server --------------------------------------------------------

// Any method, unary: the one request message comes back as the response.
class EchoCall final : public grpc::ServerGenericBidiReactor {
 public:
  explicit EchoCall(std::atomic<int64_t>& answered) : answered_(answered) { StartRead(&message_); }

  void OnReadDone(bool ok) override {
    if (!ok) return Finish({grpc::StatusCode::INVALID_ARGUMENT, "no request message"});
    answered_.fetch_add(1, std::memory_order_relaxed);
    StartWriteAndFinish(&message_, grpc::WriteOptions(), grpc::Status::OK);
  }
  void OnDone() override { delete this; }

 private:
  std::atomic<int64_t>& answered_;
  grpc::ByteBuffer message_;
};

class EchoService final : public grpc::CallbackGenericService {
 public:
  grpc::ServerGenericBidiReactor* CreateReactor(grpc::GenericCallbackServerContext*) override {
    return new EchoCall(answered_);
  }
  int64_t answered() const { return answered_.load(); }

 private:
  std::atomic<int64_t> answered_{0};
};

class EchoServer {
 public:
  explicit EchoServer(const std::shared_ptr<grpc::ServerCredentials>& credentials) {
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", credentials, &port_);
    // The settings common::Server gives the platform's processes, nothing tuned.
    grpc::ResourceQuota quota("echo");
    quota.SetMaxThreads(64);
    builder.SetResourceQuota(quota);
    builder.SetMaxReceiveMessageSize(64 * 1024 * 1024);
    builder.RegisterCallbackGenericService(&service_);
    server_ = builder.BuildAndStart();
    if (!server_ || port_ == 0) throw BrokenSetup("the echo server did not start");
  }
  ~EchoServer() {
    server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
    server_->Wait();
  }

  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  int64_t answered() const { return service_.answered(); }

 private:
  EchoService service_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
};

void CheckEcho(const std::string& address, const std::string& message,
               const std::shared_ptr<grpc::ChannelCredentials>& credentials) {
  grpc::Slice message_slice(message);
  const grpc::ByteBuffer request(&message_slice, 1);
  auto channel = grpc::CreateChannel(address, credentials);
  grpc::GenericStub stub(channel);
  grpc::CompletionQueue cq;
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + kCallDeadline);
  grpc::ByteBuffer response;
  grpc::Status status;
  auto reader = stub.PrepareUnaryCall(&context, kVerifyMethod, request, &cq);
  reader->StartCall();
  reader->Finish(&response, &status, nullptr);
  void* tag;
  bool ok;
  cq.Next(&tag, &ok);
  cq.Shutdown();
  while (cq.Next(&tag, &ok)) {
  }
  grpc::Slice sent, got;
  if (!status.ok()) {
    throw BrokenSetup("echo call: " + common::CodeName(status.error_code()) + " " + status.error_message());
  }
  if (!request.TrySingleSlice(&sent).ok() || !response.DumpToSingleSlice(&got).ok() || sent.size() != got.size() ||
      !std::equal(sent.begin(), sent.end(), got.begin())) {
    throw BrokenSetup("the echo server answered other bytes than it was sent");
  }
}

// ---- the runs -----------------------------------------------------------------

// A concurrency the targets are driven at: connections × calls in flight on each.
struct Level {
  int connections;
  int streams;
  int inflight() const { return connections * streams; }
};

// A server under load and how its calls' gRPC status codes are counted.
struct Target {
  std::string name;
  std::string address;
  std::function<std::map<std::string, int64_t>()> codes;  // counted so far, by code
  std::vector<CpuShare> shares;                           // the processes serving it
};

struct Row {
  std::string target;
  int inflight = 0;
  bench::H2LoadResult load;
  std::map<std::string, int64_t> codes;  // the target's own count over the run
  int64_t ok = 0;
  int64_t uncounted = 0;  // answered, but not by the target's count (gRPC's own refusals)
  double ok_per_second = 0;
};

Row Measure(const Target& target, const Level& level, const Settings& settings, const std::string& message) {
  bench::H2Load load;
  load.address = target.address;
  load.path = kVerifyMethod;
  load.message = message;
  load.connections = level.connections;
  load.streams = level.streams;
  load.seconds = settings.seconds;
  load.tls = settings.tls;
  Row row;
  row.target = target.name;
  row.inflight = level.inflight();
  std::map<std::string, int64_t> before;
  row.load = bench::RunH2Load(load, target.shares, [&] { before = target.codes(); });
  row.codes = bench::Delta(target.codes(), before);
  int64_t counted = 0;
  for (const auto& [code, n] : row.codes) counted += n;
  row.ok = row.codes.count("OK") ? row.codes.at("OK") : 0;
  row.uncounted = std::max<int64_t>(0, row.load.calls - counted);
  row.ok_per_second = row.load.seconds > 0 ? static_cast<double>(row.ok) / row.load.seconds : 0;
  return row;
}

std::string Others(const Row& row) {
  std::string out;
  for (const auto& [code, n] : row.codes) {
    if (code != "OK") out += (out.empty() ? "" : ", ") + code + " " + std::to_string(n);
  }
  if (row.uncounted > 0) out += (out.empty() ? "" : ", ") + std::string("uncounted ") + std::to_string(row.uncounted);
  return out.empty() ? "-" : out;
}

// What the rounds measured of one target at one concurrency: the round of
// median throughput, its ratio to the echo server of the same round and
// concurrency (median over the rounds), and every round's other codes.
struct Summary {
  Row median;
  double ratio = 0;
  std::vector<double> ratios;  // each round's
  std::string others;          // every round's codes other than OK, "-" for none
};

double Median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values.empty() ? 0 : values[values.size() / 2];
}

// rounds[r][k]: round r's k-th measurement; `per_level` targets at each level,
// the echo server first.
std::vector<Summary> Summarize(const std::vector<std::vector<Row>>& rounds, std::size_t per_level) {
  std::vector<Summary> summaries(rounds.front().size());
  for (std::size_t k = 0; k < summaries.size(); ++k) {
    std::vector<const Row*> rows;
    for (const auto& round : rounds) {
      const Row& row = round[k];
      const Row& echo = round[k - k % per_level];
      rows.push_back(&row);
      summaries[k].ratios.push_back(echo.ok_per_second > 0 ? row.ok_per_second / echo.ok_per_second : 0);
      const std::string others = Others(row);
      if (others != "-") summaries[k].others += (summaries[k].others.empty() ? "" : "; ") + others;
    }
    std::sort(rows.begin(), rows.end(), [](const Row* x, const Row* y) { return x->ok_per_second < y->ok_per_second; });
    summaries[k].median = *rows[rows.size() / 2];
    summaries[k].ratio = Median(summaries[k].ratios);
    if (summaries[k].others.empty()) summaries[k].others = "-";
  }
  return summaries;
}

void PrintTable(const std::vector<Summary>& summaries) {
  std::printf("%-11s %9s %10s %10s %8s %8s %8s %8s %6s  %s\n", "target", "in flight", "calls", "OK calls/s", "mean ms",
              "p50 ms", "p99 ms", "max ms", "ratio", "not OK (every round)");
  for (const auto& s : summaries) {
    const Row& row = s.median;
    std::printf("%-11s %9d %10lld %10.0f %8.2f %8.2f %8.2f %8.2f %6.3f  %s\n", row.target.c_str(), row.inflight,
                static_cast<long long>(row.load.calls), row.ok_per_second, row.load.mean_ms, row.load.p50_ms,
                row.load.p99_ms, row.load.max_ms, s.ratio, s.others.c_str());
  }
}

std::string Ratios(const std::vector<double>& ratios) {
  std::string out;
  for (double r : ratios) out += (out.empty() ? "" : " ") + bench::Sprintf("%.3f", r);
  return out;
}

int Run(const Settings& settings) {
  const std::vector<Level> levels = {{4, 4}, {16, 32}};
  std::printf(
      "verify_bench%s: %u cores, h2load (1 thread) at 16 (4 connections x 4) and 512 (16 x 32) calls in "
      "flight, a warm-up of 20,000 calls, then %d s measured per target\n",
      settings.tls ? " (TLS: h2load over https to the echo server and the gateway, mutual TLS inside the platform)"
                   : "",
      std::thread::hardware_concurrency(), settings.seconds);
  std::fflush(stdout);

  // Made before the platform, so removed after it has stopped.
  std::optional<Certificates> certificates;
  if (settings.tls) certificates.emplace(std::vector<std::string>{"gateway", "service", "echo"});

  testing::PlatformOptions options;
  // The bench measures the service, not the per-caller limit (all its calls come from one address).
  options.env["gateway"] = {{"GONGKAI_RATE_LIMIT", "1000000"}, {"GONGKAI_RATE_WINDOW_MS", "100"}};
  if (certificates) {
    // The gateway's port on TLS without a client CA (h2load presents no
    // certificate); every service's port requires a client certificate of
    // the CA, and every caller of a service presents one, as in production.
    auto& gateway_env = options.env["gateway"];
    gateway_env["GONGKAI_TLS_CERT_FILE"] = certificates->certificate("gateway");
    gateway_env["GONGKAI_TLS_KEY_FILE"] = certificates->key("gateway");
    gateway_env["GONGKAI_UPSTREAM_CA_FILE"] = certificates->ca();
    gateway_env["GONGKAI_UPSTREAM_CERT_FILE"] = certificates->certificate("gateway");
    gateway_env["GONGKAI_UPSTREAM_KEY_FILE"] = certificates->key("gateway");
    for (const auto& entry : common::ServiceTable()) {
      options.env[entry.name] = {{"GONGKAI_TLS_CERT_FILE", certificates->certificate("service")},
                                 {"GONGKAI_TLS_KEY_FILE", certificates->key("service")},
                                 {"GONGKAI_TLS_CLIENT_CA_FILE", certificates->ca()},
                                 {"GONGKAI_UPSTREAM_CA_FILE", certificates->ca()},
                                 {"GONGKAI_UPSTREAM_CERT_FILE", certificates->certificate("service")},
                                 {"GONGKAI_UPSTREAM_KEY_FILE", certificates->key("service")}};
    }
  }
  testing::Platform platform(options);
  const auto& registry = platform.service("registry");
  const pid_t registry_pid = registry.process->pid();
  const pid_t gateway_pid = platform.gateway().process->pid();
  // The processes this bench drives; a death of the others is not its finding.
  const bench::Processes watched = {{"gateway", gateway_pid}, {"registry", registry_pid}};

  // The bench's own calls to the gateway (loading, checks), over TLS when the port is.
  const auto credentials = ClientCredentials(certificates);
  const auto gateway_channel =
      grpc::CreateChannel("127.0.0.1:" + std::to_string(platform.gateway().ports.grpc), credentials);
  auto gateway = RegistryService::NewStub(gateway_channel);
  double load_seconds = 0;
  bench::Checked(watched, [&] {
    bench::RegisterCityAgencies(platform, *gateway);
    load_seconds = LoadOfficers(platform, *gateway, settings.officers);
  });
  std::printf("load:     %zu agencies, %d officers in batches of %d through the gateway%s: %.1f s, %.0f officers/s\n",
              bench::ShanxiCities().size(), settings.officers, kBatchSize, settings.tls ? " over TLS" : "",
              load_seconds, settings.officers / load_seconds);
  std::printf("registry RSS with %d officers loaded: %s (peak %s)\n", settings.officers,
              bench::Mib(bench::StatusKb(registry_pid, "VmRSS")).c_str(),
              bench::Mib(bench::StatusKb(registry_pid, "VmHWM")).c_str());
  std::fflush(stdout);

  bench::Checked(watched, [&] { CheckVerdicts(gateway_channel, settings.officers); });
  // Every call verifies one loaded certificate (VALID).
  registry::v1::VerifyCertificateRequest request;
  request.set_certificate_number(CertificateNumber(settings.officers / 2));
  const std::string message = request.SerializeAsString();

  const std::string method = "VerifyCertificate";
  const int registry_metrics = registry.ports.metrics;
  const int gateway_metrics = platform.gateway().ports.metrics;
  // The echo server behind the same TLS as the gateway's port: the same
  // server credentials (common::ServerCredentialsOf, no client CA).
  std::shared_ptr<grpc::ServerCredentials> echo_credentials = grpc::InsecureServerCredentials();
  if (certificates) {
    common::TlsFiles files;
    files.certificate = certificates->certificate("echo");
    files.key = certificates->key("echo");
    echo_credentials = common::ServerCredentialsOf(files, common::ClientCertificates::kOptional);
  }
  EchoServer echo(echo_credentials);
  CheckEcho(echo.address(), message, credentials);
  // In the table a target is named with " TLS" when driven over TLS.
  const std::string suffix = settings.tls ? " TLS" : "";
  std::vector<Target> targets;
  targets.push_back({"echo" + suffix,
                     echo.address(),
                     [&] {
                       return std::map<std::string, int64_t>{{"OK", echo.answered()}};
                     },
                     {{"echo (bench)", {getpid()}}}});
  if (settings.tls) {
    std::printf(
        "registry: not driven directly over TLS: its port requires a client certificate of the platform's CA "
        "(mutual TLS, as in production), and h2load presents none\n");
  } else {
    targets.push_back({"registry",
                       "127.0.0.1:" + std::to_string(registry.ports.grpc),
                       [&] { return bench::GrpcCodes(testing::HttpGet(registry_metrics, "/metrics"), method); },
                       {{"registry", {registry_pid}}}});
  }
  // The floor under a gateway: a hop that forwards HTTP/2 frames to the
  // registry and does nothing else (bench/frame_forwarder.h), plaintext only.
  std::optional<bench::FrameForwarder> forwarder;
  if (!settings.tls) {
    forwarder.emplace("127.0.0.1:" + std::to_string(registry.ports.grpc));
    targets.push_back({"frames",
                       forwarder->address(),
                       [&] { return bench::GrpcCodes(testing::HttpGet(registry_metrics, "/metrics"), method); },
                       {{"frames (bench)", {getpid()}}, {"registry", {registry_pid}}}});
  }
  targets.push_back({"gateway" + suffix,
                     "127.0.0.1:" + std::to_string(platform.gateway().ports.grpc),
                     [&] { return bench::GrpcCodes(testing::HttpGet(gateway_metrics, "/metrics"), method); },
                     {{"gateway", {gateway_pid}}, {"registry", {registry_pid}}}});
  const std::size_t gateway_index = targets.size() - 1;  // the gateway is driven last at each concurrency
  std::fflush(stdout);
  // Rounds, each driving every target at every concurrency in turn, so that
  // a change in the machine's speed (other work on shared cores) falls on
  // every target alike; each figure is the median over the rounds.
  std::vector<std::vector<Row>> rounds(static_cast<std::size_t>(settings.rounds));
  std::vector<std::string> cpu;
  for (int r = 0; r < settings.rounds; ++r) {
    for (const auto& level : levels) {
      for (const auto& target : targets) {
        Row row;
        bench::Checked(watched, [&] { row = Measure(target, level, settings, message); });
        if (r == 0) {
          cpu.push_back(bench::Sprintf("%-11s @%3d: %s", target.name.c_str(), level.inflight(), row.load.cpu.c_str()));
        }
        rounds[static_cast<std::size_t>(r)].push_back(std::move(row));
      }
    }
  }
  const auto summaries = Summarize(rounds, targets.size());
  const std::string after_check = bench::FailureOf([&] { CheckVerdicts(gateway_channel, settings.officers); });

  std::printf(
      "\nVerifyCertificate of one loaded certificate%s, %d s measured per target, %d rounds; the round of median "
      "OK calls/s is shown; ratio: OK calls/s over the echo server's at the same concurrency in the same round, "
      "median over the rounds; not OK: the target's own count of other codes:\n",
      settings.tls ? " over TLS (https)" : "", settings.seconds, settings.rounds);
  PrintTable(summaries);
  std::printf("\ncpu in the first round (%% of one core):\n");
  for (const auto& line : cpu) std::printf("  %s\n", line.c_str());
  bench::PrintRssAfterRun("registry", registry_pid, gateway_pid);

  std::printf(
      "\ntargets%s: through the gateway >= %.2f of echo at 16 and at 512 in flight, p99 < %.0f ms at 16; "
      "only OK answers\n",
      settings.tls ? " (TLS, against the echo server behind the same TLS)" : "", kTargetRatio, kTargetP99Ms);
  for (std::size_t i = 0; i < summaries.size(); i += targets.size()) {
    const Summary& gateway_summary = summaries[i + gateway_index];
    const Row& gateway_row = gateway_summary.median;
    std::printf("  @%d ratio %.3f (rounds: %s): %s\n", gateway_row.inflight, gateway_summary.ratio,
                Ratios(gateway_summary.ratios).c_str(), bench::Met(gateway_summary.ratio >= kTargetRatio));
    if (gateway_row.inflight == 16) {
      std::printf("  @16 gateway p99 %.2f ms: %s\n", gateway_row.load.p99_ms,
                  bench::Met(gateway_row.load.p99_ms < kTargetP99Ms));
    }
    for (std::size_t j = i + 1; j < i + targets.size(); ++j) {
      std::printf("  @%d %s answers other than OK: %s (%s)\n", summaries[j].median.inflight,
                  summaries[j].median.target.c_str(), summaries[j].others.c_str(),
                  bench::Met(summaries[j].others == "-"));
    }
  }

  // A platform that broke under load is a finding, but not a measurement.
  return bench::RunStatus(watched, after_check, "the figures");
}

}  // namespace
}  // namespace gongkai

int main(int argc, char** argv) {
  gongkai::common::Config config(argc, argv);
  gongkai::Settings settings;
  settings.seconds = static_cast<int>(config.Int("GONGKAI_BENCH_SECONDS", 10, 1, 600, "measured seconds per target"));
  settings.rounds = static_cast<int>(config.Int("GONGKAI_BENCH_ROUNDS", 3, 1, 20, "rounds over every target"));
  settings.officers =
      static_cast<int>(config.Int("GONGKAI_BENCH_OFFICERS", 10'000, 1, 1'000'000, "officers loaded before the run"));
  settings.tls = config.Bool("GONGKAI_BENCH_TLS", false,
                             "TLS on every link: the echo server and the gateway over https, mutual TLS inside");
  config.Finish();
  return gongkai::bench::RunBench("verify_bench", [&] { return gongkai::Run(settings); });
}
