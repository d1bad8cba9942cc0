// Certificate verification (执法证真伪查询) through the gateway with 100,000
// officers loaded, against a plain gRPC echo server driven by the same client
// in the same run: the ratio of the two says what the gateway, the registry
// and PostgreSQL cost on top of gRPC itself on this machine.
//
// Needs the throwaway cluster of bench/run (GONGKAI_TEST_DATABASE_URL).
// Usage: verify_bench [--bench-seconds=10] [--bench-channels=4]
//                     [--bench-inflight=16] [--bench-officers=100000]
// A missed target is reported, not failed: the exit status is non-zero only for
// a broken setup or a platform process that died during the run.

#include <grpcpp/generic/async_generic_service.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "bench/bench_support.h"
#include "common/config.h"
#include "common/metrics.h"
#include "gongkai/registry/v1/registry.grpc.pb.h"
#include "tests/e2e/platform.h"

namespace gongkai {
namespace {

using bench::BrokenSetup;
using bench::CallTally;
using bench::Clock;
using bench::CpuShare;
using bench::RunReport;
using registry::v1::RegistryService;
using registry::v1::VerifyCertificateResponse;

constexpr char kVerifyMethod[] = "/gongkai.registry.v1.RegistryService/VerifyCertificate";
constexpr auto kWarmUp = std::chrono::seconds(2);
// A deadline on every call, so a stuck server shows up as DEADLINE_EXCEEDED, not a hang.
constexpr auto kCallDeadline = std::chrono::seconds(10);
constexpr int kBatchSize = 1000;  // the registry's default GONGKAI_MAX_BATCH
// Serials from here on are never loaded: the ~5% of lookups that find nothing.
constexpr int kFirstUnknownSerial = 9'000'000;
constexpr int kUnknownPercent = 5;
constexpr int kRequestPoolSize = 1 << 16;
constexpr double kTargetRatio = 0.3;
constexpr double kTargetP99Ms = 10.0;
// Room for every latency of a fast run, so recording never allocates mid-run.
constexpr int64_t kExpectedCallsPerSecond = 100'000;

struct Settings {
  int seconds = 10;
  int channels = 4;
  int inflight = 16;
  int officers = 100'000;
};

std::string CertificateNumber(int serial) {
  char number[16];
  std::snprintf(number, sizeof number, "BENCH%07d", serial);
  return number;
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
void CheckVerdicts(const testing::Platform& platform, int officers) {
  auto gateway = RegistryService::NewStub(platform.Gateway());
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

// Serialized requests drawn up front, so the client times calls, not the generator.
std::vector<grpc::ByteBuffer> VerifyRequests(int officers) {
  std::mt19937 random(42);
  std::uniform_int_distribution<int> loaded(0, officers - 1);
  std::uniform_int_distribution<int> never(kFirstUnknownSerial, kFirstUnknownSerial + 999'999);
  std::uniform_int_distribution<int> percent(0, 99);
  std::vector<grpc::ByteBuffer> requests;
  requests.reserve(kRequestPoolSize);
  for (int i = 0; i < kRequestPoolSize; ++i) {
    registry::v1::VerifyCertificateRequest request;
    const int serial = percent(random) < kUnknownPercent ? never(random) : loaded(random);
    request.set_certificate_number(CertificateNumber(serial));
    const std::string bytes = request.SerializeAsString();
    grpc::Slice slice(bytes);
    requests.emplace_back(&slice, 1);
  }
  return requests;
}

// ---- the echo server --------------------------------------------------------

// Any method, unary: the one request message comes back as the response.
class EchoCall final : public grpc::ServerGenericBidiReactor {
 public:
  EchoCall() { StartRead(&message_); }

  void OnReadDone(bool ok) override {
    if (!ok) return Finish({grpc::StatusCode::INVALID_ARGUMENT, "no request message"});
    StartWriteAndFinish(&message_, grpc::WriteOptions(), grpc::Status::OK);
  }
  void OnDone() override { delete this; }

 private:
  grpc::ByteBuffer message_;
};

class EchoService final : public grpc::CallbackGenericService {
 public:
  grpc::ServerGenericBidiReactor* CreateReactor(grpc::GenericCallbackServerContext*) override { return new EchoCall(); }
};

class EchoServer {
 public:
  EchoServer() {
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port_);
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

 private:
  EchoService service_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
};

void CheckEcho(const std::string& address, const grpc::ByteBuffer& request) {
  auto channel = grpc::CreateChannel(address, grpc::InsecureChannelCredentials());
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

// ---- the load generator -----------------------------------------------------

// One channel, one thread, one completion queue, `inflight` unary calls kept
// in flight; calls completing in [measure_from, measure_until) are counted.
void DriveChannel(const std::shared_ptr<grpc::Channel>& channel, int inflight,
                  const std::vector<grpc::ByteBuffer>& requests, std::size_t first_request,
                  Clock::time_point measure_from, Clock::time_point measure_until, CallTally& tally) {
  struct Call {
    std::unique_ptr<grpc::ClientContext> context;
    std::unique_ptr<grpc::ClientAsyncResponseReader<grpc::ByteBuffer>> reader;
    grpc::ByteBuffer response;
    grpc::Status status;
    Clock::time_point start;
  };
  grpc::GenericStub stub(channel);
  grpc::CompletionQueue cq;
  std::vector<Call> calls(static_cast<std::size_t>(inflight));
  std::size_t next = first_request;
  auto start = [&](Call& call) {
    call.context = std::make_unique<grpc::ClientContext>();
    call.context->set_deadline(std::chrono::system_clock::now() + kCallDeadline);
    call.start = Clock::now();
    call.reader = stub.PrepareUnaryCall(call.context.get(), kVerifyMethod, requests[next], &cq);
    next = (next + 1) % requests.size();
    call.reader->StartCall();
    call.reader->Finish(&call.response, &call.status, &call);
  };
  for (auto& call : calls) start(call);

  int outstanding = inflight;
  void* tag;
  bool ok;
  while (outstanding > 0 && cq.Next(&tag, &ok)) {
    const auto now = Clock::now();
    Call& call = *static_cast<Call*>(tag);
    if (now >= measure_from && now < measure_until) tally.Add(call.status, now - call.start);
    if (now < measure_until) {
      start(call);
    } else {
      --outstanding;
    }
  }
  cq.Shutdown();
  while (cq.Next(&tag, &ok)) {
  }
}

// The same client for every target: `channels` distinct channels, a thread
// each, a warm-up, then the measured window.
RunReport Drive(const std::string& target, const std::string& address, const Settings& settings,
                const std::vector<grpc::ByteBuffer>& requests,
                const std::function<std::vector<CpuShare>()>& processes) {
  std::vector<std::shared_ptr<grpc::Channel>> channels;
  for (int i = 0; i < settings.channels; ++i) {
    grpc::ChannelArguments args;
    // A distinct argument per channel, so each gets its own subchannel and connection.
    args.SetInt("gongkai.bench.channel", i);
    auto channel = grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), args);
    if (!channel->WaitForConnected(std::chrono::system_clock::now() + std::chrono::seconds(10))) {
      throw BrokenSetup(target + ": channel " + std::to_string(i) + " to " + address + " did not connect");
    }
    channels.push_back(channel);
  }

  const auto begin = Clock::now();
  const auto measure_from = begin + kWarmUp;
  const auto measure_until = measure_from + std::chrono::seconds(settings.seconds);
  std::vector<CallTally> tallies(channels.size());
  const auto per_worker = kExpectedCallsPerSecond * settings.seconds / settings.channels;
  for (auto& t : tallies) t.latencies_ns.reserve(static_cast<std::size_t>(per_worker));
  std::vector<std::thread> workers;
  for (std::size_t i = 0; i < channels.size(); ++i) {
    workers.emplace_back(DriveChannel, std::cref(channels[i]), settings.inflight, std::cref(requests),
                         i * requests.size() / channels.size(), measure_from, measure_until, std::ref(tallies[i]));
  }

  std::this_thread::sleep_until(measure_from);
  const bench::CpuMeter cpu(processes());
  std::this_thread::sleep_until(measure_until);
  const std::string cpu_used = cpu.Report();
  for (auto& w : workers) w.join();

  RunReport report = bench::Summarize(target, tallies, settings.seconds);
  report.cpu = cpu_used;
  return report;
}

int Run(const Settings& settings) {
  std::printf("verify_bench: %u cores, %d channels x %d calls in flight, %lld s warm-up, %d s measured\n",
              std::thread::hardware_concurrency(), settings.channels, settings.inflight,
              static_cast<long long>(kWarmUp.count()), settings.seconds);
  std::fflush(stdout);

  testing::PlatformOptions options;
  // The bench measures the service, not the per-caller limit (all its calls come from one address).
  options.env["gateway"] = {{"GONGKAI_RATE_LIMIT", "1000000"}, {"GONGKAI_RATE_WINDOW_MS", "100"}};
  testing::Platform platform(options);
  const pid_t registry_pid = platform.service("registry").process->pid();
  const pid_t gateway_pid = platform.gateway().process->pid();
  const std::string database = bench::DatabaseOf(platform.database_url());
  // The processes this bench drives; a death of the others is not its finding.
  const bench::Processes watched = {{"gateway", gateway_pid}, {"registry", registry_pid}};

  auto gateway = RegistryService::NewStub(platform.Gateway());
  double load_seconds = 0;
  bench::Checked(watched, [&] {
    bench::RegisterCityAgencies(platform, *gateway);
    load_seconds = LoadOfficers(platform, *gateway, settings.officers);
  });
  std::printf("load:     %zu agencies, %d officers in batches of %d through the gateway: %.1f s, %.0f officers/s\n",
              bench::ShanxiCities().size(), settings.officers, kBatchSize, load_seconds,
              settings.officers / load_seconds);
  std::printf("registry RSS with %d officers loaded: %s (peak %s)\n", settings.officers,
              bench::Mib(bench::StatusKb(registry_pid, "VmRSS")).c_str(),
              bench::Mib(bench::StatusKb(registry_pid, "VmHWM")).c_str());
  std::fflush(stdout);

  bench::Checked(watched, [&] { CheckVerdicts(platform, settings.officers); });
  const auto requests = VerifyRequests(settings.officers);

  RunReport echo;
  {
    EchoServer server;
    CheckEcho(server.address(), requests.front());
    echo = Drive("echo", server.address(), settings, requests, [] {
      return std::vector<CpuShare>{{"bench (client+echo)", {getpid()}}};
    });
  }
  const std::string gateway_address = "127.0.0.1:" + std::to_string(platform.gateway().ports.grpc);
  RunReport through_gateway = Drive("gateway", gateway_address, settings, requests, [&] {
    return std::vector<CpuShare>{{"bench (client)", {getpid()}},
                                 {"gateway", {gateway_pid}},
                                 {"registry", {registry_pid}},
                                 {"postgres", bench::BackendsOf(database)}};
  });
  const std::string after_check = bench::FailureOf([&] { CheckVerdicts(platform, settings.officers); });

  std::printf("\nVerifyCertificate (%d%% never-issued numbers), %d s measured:\n", kUnknownPercent, settings.seconds);
  bench::PrintHeader();
  bench::PrintRow(echo);
  bench::PrintRow(through_gateway);
  bench::PrintErrors(echo);
  bench::PrintErrors(through_gateway);
  std::printf("cpu (echo):    %s\n", echo.cpu.c_str());
  std::printf("cpu (gateway): %s\n", through_gateway.cpu.c_str());
  const double ratio = echo.throughput > 0 ? through_gateway.throughput / echo.throughput : 0;
  std::printf("ratio gateway/echo throughput: %.3f\n", ratio);
  bench::PrintRssAfterRun("registry", registry_pid, gateway_pid);

  std::printf("\ntarget: ratio >= %.1f, p99 < %.0f ms\n", kTargetRatio, kTargetP99Ms);
  std::printf("  ratio %.3f: %s\n", ratio, bench::Met(ratio >= kTargetRatio));
  std::printf("  gateway p99 %.2f ms: %s\n", through_gateway.p99_ms, bench::Met(through_gateway.p99_ms < kTargetP99Ms));
  if (through_gateway.errors > 0) {
    std::printf("  gateway errors: %lld calls failed (see above)\n", static_cast<long long>(through_gateway.errors));
  }

  // A platform that broke under load is a finding, but not a measurement:
  // the gateway's figures then cover only the calls before it broke.
  return bench::RunStatus(watched, after_check, "the gateway figures");
}

}  // namespace
}  // namespace gongkai

int main(int argc, char** argv) {
  gongkai::common::Config config(argc, argv);
  gongkai::Settings settings;
  settings.seconds = static_cast<int>(config.Int("GONGKAI_BENCH_SECONDS", 10, 1, 600, "measured seconds per target"));
  settings.channels = static_cast<int>(config.Int("GONGKAI_BENCH_CHANNELS", 4, 1, 64, "client channels (connections)"));
  settings.inflight =
      static_cast<int>(config.Int("GONGKAI_BENCH_INFLIGHT", 16, 1, 1024, "calls in flight per channel"));
  settings.officers =
      static_cast<int>(config.Int("GONGKAI_BENCH_OFFICERS", 100'000, 1, 1'000'000, "officers loaded before the run"));
  config.Finish();
  return gongkai::bench::RunBench("verify_bench", [&] { return gongkai::Run(settings); });
}
