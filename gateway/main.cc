// The gateway: the one door for city systems, supervisors, the desk and the public.
#include <openssl/rand.h>
#include <unistd.h>

#include <algorithm>
#include <optional>
#include <thread>

#include "common/config.h"
#include "common/encoding.h"
#include "common/log.h"
#include "common/server.h"
#include "common/tls.h"
#include "gateway/frame_front.h"
#include "gateway/http_front.h"
#include "gateway/introspection.h"
#include "gateway/limits.h"
#include "gateway/parse_check.h"
#include "gateway/principals.h"
#include "gateway/proxy.h"
#include "gateway/routes.h"

int main(int argc, char** argv) {
  using namespace gongkai;
  common::SetLogComponent("gateway");
  gateway::RouteProtobufLogs();
  common::Config config(argc, argv);
  auto server_options = common::ReadServerOptions(config, "127.0.0.1:7100", "127.0.0.1:9100");
  std::string principals_file =
      config.RequiredString("GONGKAI_PRINCIPALS_FILE", "JSON file of callers and token hashes");
  const common::IdentityFiles identity_files = common::ReadIdentityFiles(config, /*trust=*/false);
  std::string upstreams = config.RequiredString("GONGKAI_UPSTREAMS", "package=host:port,... of the services");
  gateway::ProxyOptions proxy_options;
  proxy_options.default_deadline = std::chrono::milliseconds(
      config.Int("GONGKAI_DEFAULT_DEADLINE_MS", 30000, 100, 600000, "deadline of calls that set none"));
  proxy_options.max_deadline = std::chrono::milliseconds(config.Int(
      "GONGKAI_MAX_DEADLINE_MS", 300000, 1000, 3600000, "longest deadline a caller gets (a longer one is capped)"));
  if (proxy_options.max_deadline < proxy_options.default_deadline) {
    config.Fail("GONGKAI_MAX_DEADLINE_MS", "must not be below GONGKAI_DEFAULT_DEADLINE_MS");
  }
  proxy_options.request_limits.public_read_bytes =
      static_cast<std::size_t>(config.Int("GONGKAI_PUBLIC_REQUEST_MAX_BYTES", 64 * 1024, 1024, 64 * 1024 * 1024,
                                          "largest request message of a method the public may call"));
  proxy_options.request_limits.write_bytes =
      static_cast<std::size_t>(config.Int("GONGKAI_REQUEST_MAX_BYTES", 64 * 1024 * 1024, 1024, 64 * 1024 * 1024,
                                          "largest request message of any other method"));
  proxy_options.trusted_proxies = gateway::SplitAddresses(config.String(
      "GONGKAI_TRUSTED_PROXIES", "", "peer addresses whose X-Forwarded-For names the client (comma-separated)"));
  int rate_limit = static_cast<int>(
      config.Int("GONGKAI_RATE_LIMIT", 60, 1, 1000000, "calls per window per caller to rate-limited methods"));
  auto rate_window =
      std::chrono::milliseconds(config.Int("GONGKAI_RATE_WINDOW_MS", 60000, 100, 3600000, "the rate limit's window"));
  auto rate_callers = static_cast<std::size_t>(config.Int("GONGKAI_RATE_LIMIT_MAX_CALLERS", 100000, 1, 10000000,
                                                          "callers the rate limiter keeps a bucket for at most"));
  proxy_options.max_streams_per_caller =
      static_cast<int>(config.Int("GONGKAI_MAX_STREAMS_PER_CALLER", 8, 1, 10000,
                                  "streaming calls a caller may have open at once (more are RESOURCE_EXHAUSTED)"));
  proxy_options.threads = static_cast<int>(
      config.Int("GONGKAI_PROXY_THREADS", std::max(1u, std::thread::hardware_concurrency()), 1, 256,
                 "threads that serve the gRPC port's calls from its completion queue (default: one per core)"));
  gateway::HttpOptions http_options;
  http_options.listen =
      config.String("GONGKAI_HTTP_LISTEN", "127.0.0.1:8100", "host:port of the HTTP door (Connect's JSON form)");
  http_options.threads =
      static_cast<int>(config.Int("GONGKAI_HTTP_THREADS", 2, 1, 64, "threads that serve the HTTP door"));
  http_options.max_body_bytes = static_cast<std::size_t>(config.Int(
      "GONGKAI_HTTP_MAX_BODY_BYTES", 64 * 1024 * 1024, 1024, 256 * 1024 * 1024, "largest HTTP request body"));
  http_options.max_connections = static_cast<std::size_t>(
      config.Int("GONGKAI_HTTP_MAX_CONNECTIONS", 1024, 1, 100000, "HTTP connections open at once (more are closed)"));
  http_options.cors_origins = gateway::SplitAddresses(
      config.String("GONGKAI_CORS_ORIGINS", "", "origins whose web pages may call the HTTP door (comma-separated)"));
  http_options.web_dir = config.String("GONGKAI_WEB_DIR", "", "folder of the web pages to serve (none when empty)");
  http_options.public_url = config.String(
      "GONGKAI_PUBLIC_URL", "", "where the public reaches the pages, for the links of badge QR codes (default: Host)");
  // TLS on the gRPC port and the HTTP door when the certificate is set; with
  // a client CA, a city system's client certificate may name its principal
  // (gRPC only).
  const auto tls = common::ReadTlsFiles(config);
  http_options.tls = tls;
  proxy_options.client_certificates = tls && !tls->client_ca.empty();
  const auto upstream_tls = common::ReadUpstreamTls(config);
  const gateway::ServerLimits server_limits = gateway::ReadServerLimits(config, server_options.max_threads);
  // The gRPC port is served on HTTP/2 frames (frame_front.h), the gRPC
  // server behind it on an abstract unix socket, in plaintext: TLS ends at
  // the front. GONGKAI_GRPC_FRONT=grpc has the gRPC server serve the port
  // itself.
  const std::string front = config.String(
      "GONGKAI_GRPC_FRONT", "frames", "what serves the gRPC port: frames (the frame front) or grpc (the gRPC server)");
  if (front != "frames" && front != "grpc") config.Fail("GONGKAI_GRPC_FRONT", "must be frames or grpc");
  gateway::FrameFrontOptions front_options;
  front_options.max_connections = static_cast<std::size_t>(
      config.Int("GONGKAI_MAX_CONNECTIONS", static_cast<int64_t>(front_options.max_connections), 1, 1000000,
                 "connections open at once on the gRPC port, the frame front's (more are closed)"));
  if (front == "frames") {
    unsigned char random[8];
    RAND_bytes(random, sizeof random);
    front_options.listen = server_options.listen;
    front_options.internal = "gongkai-gateway-" + std::to_string(getpid()) + "-" +
                             common::HexEncode(std::string_view(reinterpret_cast<char*>(random), sizeof random));
    front_options.threads = proxy_options.threads;
    front_options.limits = server_limits;
    front_options.tls = tls;
    front_options.upstream_tls = upstream_tls;
    server_options.listen = "unix-abstract:" + front_options.internal;
  } else if (tls) {
    server_options.credentials = common::ServerCredentialsOf(*tls, common::ClientCertificates::kOptional);
  }
  gateway::GatewayHealth health;  // before the server, which reports to it
  // Behind the frame front, the gRPC server's one connection per event loop
  // carries every forwarded call of that loop's callers: the streams a
  // connection may open are bounded per caller by the front instead.
  gateway::ServerLimits behind_front = server_limits;
  if (!front_options.listen.empty()) behind_front.max_concurrent_streams = 1 << 20;
  server_options.configure_builder = [behind_front, &health](grpc::ServerBuilder& builder) {
    gateway::ApplyServerLimits(behind_front, builder);
    gateway::InstallIntrospection(builder, health);
  };
  config.Finish();

  common::Server server(server_options);
  if (auto certificates = common::CertificateExpiryGauges(tls, upstream_tls)) server.AddCollectable(certificates);
  try {
    auto principals = gateway::Principals::Load(principals_file);
    auto routes = gateway::Routes::Parse(upstreams, upstream_tls);
    const common::IdentitySigner signer(common::ReadSigningKey(identity_files.key), common::kGatewaySigner);
    common::GrpcServerMetrics metrics(server.registry(), /*with_caller=*/true);
    gateway::RateLimiter rate_limiter(rate_limit, rate_window, rate_callers);
    gateway::Proxy proxy(principals, routes, signer, metrics, rate_limiter, proxy_options);
    gateway::Introspection introspection(health, routes, proxy);
    proxy.Beside(&introspection);
    // SIGHUP reads the principals file again: a revoked or rotated token
    // stops working at once, calls in flight finish. A file that does not
    // read keeps the principals served, and says why.
    server.OnReload([&principals, &principals_file] {
      try {
        principals.Replace(gateway::Principals::Load(principals_file));
        common::Log(common::LogLevel::kInfo, "principals_reloaded", {{"principals", principals.size()}});
      } catch (const std::exception& e) {
        common::Log(common::LogLevel::kError, "principals_reload_failed", {{"reason", e.what()}});
      }
    });
    server.DisableMetricsInterceptor();
    server.AddQueuedService(&proxy);
    std::optional<gateway::FrameFront> frames;
    if (!front_options.listen.empty()) {
      frames.emplace(proxy, front_options);
      server.ReportPort("grpc", frames->port());
    }
    gateway::HttpFront http(proxy, http_options);
    // SIGHUP also reads the certificates again, those of the HTTP door and
    // the frame front's (which also reads its own every
    // GONGKAI_TLS_REFRESH_SECONDS when they changed, as the gRPC server
    // does): new connections get them, open ones keep theirs.
    if (frames && (tls || upstream_tls)) server.OnReload([&frames] { frames->ReloadCertificates(); });
    if (tls) {
      server.OnReload([&http] {
        try {
          http.ReloadCertificate();
          common::Log(common::LogLevel::kInfo, "http_certificate_reloaded");
        } catch (const std::exception& e) {
          common::Log(common::LogLevel::kError, "http_certificate_reload_failed", {{"reason", e.what()}});
        }
      });
    }
    // The HTTP door stops first, within the grace: its upstream calls are
    // served on the proxy's queue, which stops with the gRPC server.
    const auto grace = std::chrono::duration_cast<std::chrono::milliseconds>(server_options.shutdown_grace);
    server.OnStopping([&http, &frames, grace] {
      if (frames) frames->Stop(grace);
      http.Stop(grace);
    });
    server.ReportPort("http", http.port());
    http.Start();
    if (frames) frames->Start();
    common::Log(
        common::LogLevel::kInfo, "gateway_configured",
        {{"principals", principals.size()}, {"upstreams", routes.addresses()}, {"web_files", http.web_files()}});
    const int code = server.Run();
    http.Stop(grace);  // when the server did not start
    return code;
  } catch (const std::exception& e) {
    common::Log(common::LogLevel::kError, "gateway_start_failed", {{"reason", e.what()}});
    return 2;
  }
}
