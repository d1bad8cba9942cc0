#include "common/server.h"

#include <absl/synchronization/mutex.h>
#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "common/call_scope.h"
#include "common/log.h"
#include "common/metrics_interceptor.h"

namespace gongkai::common {
namespace {

sigset_t HandledSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGHUP);
  return set;
}

}  // namespace

ServerOptions ReadServerOptions(Config& config, const std::string& default_listen,
                                const std::string& default_metrics_listen) {
  ServerOptions o;
  o.listen = config.Address("GONGKAI_LISTEN", default_listen, "gRPC listening address");
  o.metrics_listen = config.Address("GONGKAI_METRICS_LISTEN", default_metrics_listen, "/metrics listening address");
  o.ready_file = config.String("GONGKAI_READY_FILE", "", "file to write the bound ports to once serving");
  o.shutdown_grace = std::chrono::seconds(
      config.Int("GONGKAI_SHUTDOWN_GRACE_SECONDS", 10, 0, 300, "time in-flight calls get to finish on SIGTERM"));
  o.max_threads = static_cast<int>(config.Int("GONGKAI_MAX_THREADS", 256, 2, 4096, "threads that run calls at most"));
  o.health_listen = config.String("GONGKAI_HEALTH_LISTEN", "",
                                  "plaintext host:port serving only grpc.health.v1, for probes without TLS");
  return o;
}

void WriteFileAtomically(const std::string& path, const std::string& text) {
  std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << text;
    out.close();  // the bytes reach the file here
    if (!out) {
      std::remove(tmp.c_str());
      throw std::runtime_error("cannot write " + tmp);
    }
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) throw std::runtime_error("cannot rename to " + path);
}

Server::Server(ServerOptions options)
    : options_(std::move(options)), registry_(std::make_shared<prometheus::Registry>()) {
  sigset_t set = HandledSignals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  // Debian builds Abseil with its debug checks, which make every lock gRPC
  // takes also update a lock-order graph: a tenth of a busy server's time.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  metrics_ = std::make_unique<GrpcServerMetrics>(*registry_, false);
}

Server::~Server() = default;

void Server::AddService(grpc::Service* service) { services_.push_back(service); }
void Server::AddQueuedService(QueuedService* service) { queued_service_ = service; }
void Server::ScopeCalls(const IdentitySigner& signer, CallBounds& bounds) {
  scope_signer_ = &signer;
  scope_bounds_ = &bounds;
}
void Server::SetReadinessProbe(std::function<bool()> probe, std::chrono::milliseconds interval) {
  probe_ = std::move(probe);
  probe_interval_ = interval;
}
void Server::ReportPort(const std::string& name, int port) { reported_ports_.emplace_back(name + "_port", port); }
void Server::OnReload(std::function<void()> hook) { reload_hooks_.push_back(std::move(hook)); }
void Server::OnStopping(std::function<void()> hook) { stopping_hooks_.push_back(std::move(hook)); }
void Server::AddCollectable(std::shared_ptr<prometheus::Collectable> collectable) {
  collectables_.push_back(std::move(collectable));
}

int Server::Run() {
  MetricsEndpoint metrics_endpoint(options_.metrics_listen, registry_);
  for (const auto& c : collectables_) metrics_endpoint.Add(c);

  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  int grpc_port = 0;
  builder.AddListeningPort(options_.listen,
                           options_.credentials ? options_.credentials : grpc::InsecureServerCredentials(), &grpc_port);
  grpc::ResourceQuota quota("gongkai");
  quota.SetMaxThreads(options_.max_threads);
  builder.SetResourceQuota(quota);
  builder.SetMaxReceiveMessageSize(64 * 1024 * 1024);
  // Without bandwidth probing each stream's receive window stays small, so a
  // fast sender (a city's streaming backfill) is held back by flow control
  // instead of piling megabytes into this process ahead of what it has stored.
  builder.AddChannelArgument(GRPC_ARG_HTTP2_BDP_PROBE, 0);
  // No channelz service is served, so its per-call bookkeeping is not kept.
  builder.AddChannelArgument(GRPC_ARG_ENABLE_CHANNELZ, 0);
  if (options_.configure_builder) options_.configure_builder(builder);
  for (auto* s : services_) builder.RegisterService(s);
  if (queued_service_ != nullptr) queued_service_->Register(builder);
  std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> factories;
  if (metrics_interceptor_) factories.push_back(MakeMetricsInterceptorFactory(*metrics_));
  if (scope_signer_ != nullptr) factories.push_back(MakeCallScopeFactory(*scope_signer_, *scope_bounds_));
  if (!factories.empty()) builder.experimental().SetInterceptorCreators(std::move(factories));
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (!server || grpc_port == 0) {
    Log(LogLevel::kError, "listen_failed", {{"address", options_.listen}});
    return 1;
  }
  // The plaintext health port: its own server, holding nothing but the
  // default health service, told every change of the main one's status.
  std::unique_ptr<grpc::Server> health_server;
  if (!options_.health_listen.empty()) {
    grpc::ServerBuilder health_builder;
    int health_port = 0;
    health_builder.AddListeningPort(options_.health_listen, grpc::InsecureServerCredentials(), &health_port);
    health_server = health_builder.BuildAndStart();
    if (!health_server || health_port == 0) {
      Log(LogLevel::kError, "listen_failed", {{"address", options_.health_listen}});
      return 1;
    }
    reported_ports_.emplace_back("health_port", health_port);
  }
  if (queued_service_ != nullptr) queued_service_->Start();
  grpc::HealthCheckServiceInterface* const health = server->GetHealthCheckService();
  grpc::HealthCheckServiceInterface* const plain_health =
      health_server ? health_server->GetHealthCheckService() : nullptr;
  auto set_serving = [health, plain_health](bool serving) {
    health->SetServingStatus(serving);
    if (plain_health != nullptr) plain_health->SetServingStatus(serving);
  };

  std::mutex mutex;
  std::condition_variable stop_cv;
  bool stopping = false;
  std::thread prober;
  if (probe_) {
    prober = std::thread([&] {
      bool last = false;
      bool first = true;
      std::unique_lock lock(mutex);
      while (!stopping) {
        lock.unlock();
        bool ok = probe_();
        lock.lock();
        if (stopping) break;
        if (first || ok != last) {
          set_serving(ok);
          Log(ok ? LogLevel::kInfo : LogLevel::kWarning, "readiness", {{"serving", ok}});
          last = ok;
          first = false;
        }
        stop_cv.wait_for(lock, probe_interval_, [&] { return stopping; });
      }
    });
  } else {
    set_serving(true);
  }

  nlohmann::json serving = {{"grpc_port", grpc_port}, {"metrics_port", metrics_endpoint.port()}};
  for (const auto& [name, port] : reported_ports_) serving[name] = port;
  Log(LogLevel::kInfo, "serving", serving);
  // A ready file that cannot be written stops the process as a signal
  // would, with exit status 1: whoever waits for it would wait for ever.
  bool ready = true;
  if (!options_.ready_file.empty()) {
    nlohmann::json ports = {
        {"grpc_port", grpc_port}, {"metrics_port", metrics_endpoint.port()}, {"pid", static_cast<int>(getpid())}};
    for (const auto& [name, port] : reported_ports_) ports[name] = port;
    try {
      WriteFileAtomically(options_.ready_file, ports.dump() + "\n");
    } catch (const std::exception& e) {
      Log(LogLevel::kError, "ready_file_unwritable", {{"path", options_.ready_file}, {"reason", e.what()}});
      ready = false;
    }
  }

  sigset_t set = HandledSignals();
  while (ready) {
    int sig = 0;
    sigwait(&set, &sig);
    if (sig == SIGHUP) {
      Log(LogLevel::kInfo, "reload");
      for (auto& hook : reload_hooks_) hook();
      continue;
    }
    Log(LogLevel::kInfo, "stopping", {{"signal", sig}});
    break;
  }
  health->Shutdown();
  if (plain_health != nullptr) plain_health->Shutdown();
  {
    std::lock_guard lock(mutex);
    stopping = true;
  }
  stop_cv.notify_all();
  if (prober.joinable()) prober.join();
  for (auto& hook : stopping_hooks_) hook();
  server->Shutdown(std::chrono::system_clock::now() + options_.shutdown_grace);
  server->Wait();
  if (queued_service_ != nullptr) queued_service_->Stop();
  if (health_server) health_server->Shutdown(std::chrono::system_clock::now());
  Log(LogLevel::kInfo, "stopped");
  return ready ? 0 : 1;
}

}  // namespace gongkai::common
