#pragma once

#include <grpcpp/generic/async_generic_service.h>
#include <grpcpp/grpcpp.h>
#include <prometheus/registry.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/config.h"
#include "common/identity.h"
#include "common/metrics.h"

namespace gongkai::common {

class CallBounds;

// A service that serves its calls on completion queues of its own, with
// threads of its own (the gateway's proxy): no hand-off between gRPC's
// threads and the handler's.
class QueuedService {
 public:
  virtual ~QueuedService() = default;
  // Registers the service and adds its completion queues, before the server
  // is built.
  virtual void Register(grpc::ServerBuilder& builder) = 0;
  // Once the server has started: waits for calls and serves them.
  virtual void Start() = 0;
  // Once the server has stopped: waits for the calls still open to end, then
  // drains the queues and joins the threads.
  virtual void Stop() = 0;
};

// What every server process is told at start-up; read with ReadServerOptions.
struct ServerOptions {
  std::string listen;          // gRPC host:port (port 0: any free port)
  std::string metrics_listen;  // /metrics host:port
  std::string ready_file;      // when set, {"grpc_port","metrics_port","pid"} is written here once serving
  // The gRPC port's credentials (common/tls.h); none: plaintext.
  std::shared_ptr<grpc::ServerCredentials> credentials;
  // host:port of a plaintext port serving grpc.health.v1 alone, with the
  // process's health (GONGKAI_HEALTH_LISTEN): for probes that speak no TLS,
  // such as the kubelet's, when the gRPC port requires a client
  // certificate. Empty: none.
  std::string health_listen;
  std::chrono::seconds shutdown_grace{10};
  // Threads that run calls at most (GONGKAI_MAX_THREADS): a database-backed
  // service's executor (ServiceRuntime), which runs its calls' work, and the
  // synchronous server's ResourceQuota (server reflection, the one service
  // still served synchronously).
  int max_threads = 256;
  // Called on the builder after the defaults, before the server starts: a
  // process's own limits (the gateway's keepalive, streams, memory quota).
  std::function<void(grpc::ServerBuilder&)> configure_builder;
};

ServerOptions ReadServerOptions(Config& config, const std::string& default_listen,
                                const std::string& default_metrics_listen);

// The one server bootstrap: gRPC health (NOT_SERVING while the readiness
// probe fails), server reflection, the metrics interceptor, the call scope
// of a service's calls (ScopeCalls), /metrics, and a graceful stop on
// SIGTERM/SIGINT that lets in-flight calls finish. SIGHUP runs the reload
// hooks. Construct it before any other thread starts, so that the signals
// reach the thread that waits for them.
class Server {
 public:
  explicit Server(ServerOptions options);
  ~Server();

  prometheus::Registry& registry() { return *registry_; }
  std::shared_ptr<prometheus::Registry> shared_registry() { return registry_; }

  // Meter calls with the interceptor (services). The gateway meters its own.
  void AddService(grpc::Service* service);
  // Serves every method no service registers (at most one).
  void AddQueuedService(QueuedService* service);
  void DisableMetricsInterceptor() { metrics_interceptor_ = false; }
  // Installs the call scope (call_scope.h) beside the metrics interceptor:
  // each call's identity checked against its method, its lane and deadline
  // made the receiving thread's CurrentCall, the calls let in at once bounded
  // by `bounds`. Both must outlive Run().
  void ScopeCalls(const IdentitySigner& signer, CallBounds& bounds);
  // Polled every interval; its answer is the health status.
  void SetReadinessProbe(std::function<bool()> probe, std::chrono::milliseconds interval);
  void OnReload(std::function<void()> hook);
  // Run on SIGTERM/SIGINT once the health is NOT_SERVING, before the gRPC
  // server's graceful stop (the gateway's HTTP door, whose calls go through
  // the QueuedService).
  void OnStopping(std::function<void()> hook);
  // Served on /metrics beside the registry (e.g. ScrapeGauges).
  void AddCollectable(std::shared_ptr<prometheus::Collectable> collectable);

  // Another port this process serves (the gateway's HTTP door), written to
  // the ready file and logged as "<name>_port" beside the gRPC and metrics
  // ports. A port named "grpc" replaces the gRPC server's own there (the
  // gateway's gRPC port is its frame front's, its gRPC server behind it on a
  // unix socket).
  void ReportPort(const std::string& name, int port);

  // Starts, serves until SIGTERM/SIGINT, stops gracefully; returns the exit code.
  int Run();

 private:
  ServerOptions options_;
  std::shared_ptr<prometheus::Registry> registry_;
  std::unique_ptr<GrpcServerMetrics> metrics_;
  std::vector<grpc::Service*> services_;
  QueuedService* queued_service_ = nullptr;
  bool metrics_interceptor_ = true;
  const IdentitySigner* scope_signer_ = nullptr;
  CallBounds* scope_bounds_ = nullptr;
  std::function<bool()> probe_;
  std::chrono::milliseconds probe_interval_{1000};
  std::vector<std::function<void()>> reload_hooks_;
  std::vector<std::function<void()>> stopping_hooks_;
  std::vector<std::shared_ptr<prometheus::Collectable>> collectables_;
  std::vector<std::pair<std::string, int>> reported_ports_;
};

// Writes text to path atomically (temporary file, then rename).
void WriteFileAtomically(const std::string& path, const std::string& text);

}  // namespace gongkai::common
