#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "common/tls.h"
#include "gateway/limits.h"
#include "gateway/proxy.h"

namespace gongkai::gateway {

struct FrameFrontOptions {
  std::string listen;  // host:port of the gateway's gRPC port (port 0: any free port)
  // Name of the abstract unix socket the gateway's gRPC server listens on
  // (gRPC's "unix-abstract:<name>"): no file, so none to clean up or to
  // make writable; what comes in on it is trusted only by its signed header.
  std::string internal;
  int threads = 2;      // event loops, each with its own listener (SO_REUSEPORT) and connections
  ServerLimits limits;  // keepalive, idle connections, streams per connection
  // Callers' connections open at once on the port, over every loop: one
  // more is closed as soon as it is accepted (and logged), as the HTTP
  // door's are, so that connections cannot take every descriptor or an
  // unbounded share of memory (each may hold its streams' windows).
  std::size_t max_connections = 4096;
  // A call's own header block at most (names and values), as gRPC's
  // servers bound a call's metadata.
  std::size_t max_header_bytes = 16 * 1024;
  // TLS on the port, when set (ALPN h2); with a client CA, a caller may
  // present a client certificate, which names its principal when the proxy
  // takes them (ProxyOptions::client_certificates).
  std::optional<common::TlsFiles> tls;
  // TLS to the services, when set: their certificates verified against the
  // CA for the address called, this process's client certificate presented.
  std::optional<common::UpstreamTls> upstream_tls;
};

// The gateway's gRPC port, served on HTTP/2 frames (nghttp2), in front of its
// gRPC server; over TLS (OpenSSL) when FrameFrontOptions::tls is set, and to
// the services over TLS when FrameFrontOptions::upstream_tls is.
//
// A call of a known unary method whose request is not compressed (nearly
// every call) is served here: it goes through the same Proxy::Admit,
// PrepareUpstream headers, size limit, parse check and metering as a call of
// the gRPC server, and its request message is sent, and its answer relayed,
// as frames on an HTTP/2 connection of this loop's to the upstream, with no
// gRPC call on either side. Every other call (streams, health, reflection,
// an unknown method, a compressed request) is forwarded frame by frame to
// the gateway's gRPC server (Proxy, Introspection) on a unix socket, with the
// caller's address and client certificate in a header signed with a key
// drawn at start (FrontHeader), which that server alone can verify.
class FrameFront {
 public:
  // Loads the TLS files when set and binds the port (throws
  // std::runtime_error naming what failed).
  FrameFront(Proxy& proxy, FrameFrontOptions options);
  ~FrameFront();
  FrameFront(const FrameFront&) = delete;
  FrameFront& operator=(const FrameFront&) = delete;

  int port() const { return port_; }
  void Start();
  // Takes no new connection, tells the open ones (GOAWAY) and waits up to
  // `grace` for their calls to end; then closes them.
  void Stop(std::chrono::milliseconds grace);
  // Reads the TLS files again now (they are also read every
  // refresh_seconds when they changed): new connections get them, open ones
  // keep theirs; a file that does not load is logged and what was served
  // stays.
  void ReloadCertificates();

  struct Loop;
  struct Tls;

 private:
  Proxy& proxy_;
  FrameFrontOptions options_;
  std::unique_ptr<Tls> tls_;
  int port_ = 0;
  // Callers' connections open, over every loop; before loops_, which count
  // on it until they are destroyed.
  std::atomic<std::size_t> callers_{0};
  std::vector<std::unique_ptr<Loop>> loops_;
  std::vector<std::thread> threads_;
};

// The header the frame front adds to a call it forwards to the gateway's gRPC
// server: who called, as only the front knows. Signed with a key drawn once
// per process, so that a caller cannot forge it.
struct FrontHeader {
  static constexpr char kName[] = "x-gongkai-front";
  std::string peer;                // gRPC's form: "ipv4:127.0.0.1:5555"
  std::string client_certificate;  // CertificateFingerprint, empty when none
};
std::string SignFrontHeader(const FrontHeader& header);
// nullopt when `value` is not one this process signed.
std::optional<FrontHeader> VerifyFrontHeader(std::string_view value);

}  // namespace gongkai::gateway
