#pragma once

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "common/tls.h"
#include "gateway/proxy.h"
#include "gateway/web_files.h"

namespace gongkai::gateway {

struct HttpOptions {
  std::string listen = "127.0.0.1:8100";  // host:port (port 0: any free port)
  int threads = 2;
  // The largest request body (a JSON message, or a binary one); a longer
  // one is refused before it is read to its end. A method the public may
  // call takes at most four times its message limit (limits.h) in JSON.
  std::size_t max_body_bytes = 64 * 1024 * 1024;
  std::size_t max_connections = 1024;  // more are closed as they come
  // A connection that sends no complete request for this long is closed.
  std::chrono::seconds idle_timeout{60};
  // Origins ("https://portal.example.cn") whose pages may call the API from
  // a browser (CORS); none by default.
  std::vector<std::string> cors_origins;
  // The web pages to serve (WebFiles), none when empty.
  std::string web_dir;
  // Where the public reaches the pages ("https://zfgk.shanxi.gov.cn"): the
  // link a badge's QR code holds. When empty, the request's Host is used.
  std::string public_url;
  // When set, the door speaks HTTPS only (TLS 1.2 or 1.3), with this
  // certificate chain and key (those of the gRPC port); a plaintext request
  // fails the handshake and is not answered. The files are read at the start
  // and again by HttpFront::ReloadCertificate (refresh_seconds and client_ca
  // are not used: no client certificate is asked for).
  std::optional<common::TlsFiles> tls;
};

// The gateway's HTTP door: the Connect protocol's unary form
// (connect.h), `POST /<package>.<Service>/<Method>` with the message as
// JSON or binary, and `GET` with the message in the query for the methods
// marked NO_SIDE_EFFECTS. Each call goes through the same Proxy::Admit as a
// gRPC call (tokens, access, rate limits, deadlines from
// Connect-Timeout-Ms, metering), and upstream as a gRPC call with the
// caller's signed identity. Streaming methods are served over gRPC only.
// Any other GET is a web page (HttpOptions::web_dir), or /qr/<officer
// code>.svg: the QR code of the link that verifies that officer's badge.
// HTTP/1.1 with keep-alive, parsed by Boost.Beast; over TLS when
// HttpOptions::tls is set.
class HttpFront {
 public:
  // Loads the TLS certificate and key when set, and binds the listening
  // socket; throws std::runtime_error naming the file or the address.
  HttpFront(Proxy& proxy, HttpOptions options);
  ~HttpFront();
  HttpFront(const HttpFront&) = delete;
  HttpFront& operator=(const HttpFront&) = delete;

  int port() const { return port_; }
  std::size_t web_files() const { return web_.size(); }
  // Starts the threads that accept and serve.
  void Start();
  // Takes no new connections and answers no new request (UNAVAILABLE), lets
  // the requests in flight be answered for up to `grace` (then cancels the
  // calls still upstream), and closes every connection.
  void Stop(std::chrono::milliseconds grace);
  // With HttpOptions::tls: reads the certificate chain and key files again;
  // the connections accepted from then on are served with them, those open
  // keep the certificate they began with. When a file does not load, throws
  // std::runtime_error naming it and keeps serving the certificate it had.
  // Does nothing without TLS.
  void ReloadCertificate();

 private:
  class Session;
  struct Call;
  void Accept();
  // The TLS context new connections are served with; null without TLS.
  std::shared_ptr<boost::asio::ssl::context> Context();
  bool AllowedOrigin(const std::string& origin) const;
  // The requests read and not yet answered, so that Stop lets them finish.
  void RequestStarted();
  void RequestEnded();
  // The calls gone upstream, so that Stop can cancel them and wait for their
  // callbacks. 0 (no call) once stopping.
  uint64_t CallStarted(std::shared_ptr<Call> call);
  void CallEnded(uint64_t id);

  Proxy& proxy_;
  const HttpOptions options_;
  const WebFiles web_;
  int port_ = 0;
  std::atomic<std::size_t> connections_{0};
  std::atomic<bool> stopping_{false};
  std::mutex mutex_;
  std::condition_variable changed_;
  std::size_t requests_ = 0;                         // guarded by mutex_
  uint64_t last_call_ = 0;                           // guarded by mutex_
  std::map<uint64_t, std::shared_ptr<Call>> calls_;  // guarded by mutex_
  std::mutex context_mutex_;
  // Null without TLS. Each connection holds the one it was made with.
  std::shared_ptr<boost::asio::ssl::context> context_;  // guarded by context_mutex_
  // Declared after what sessions use: destroying it destroys the sessions
  // its handlers hold.
  boost::asio::io_context io_;
  boost::asio::ip::tcp::acceptor acceptor_;  // on a strand, with its retry timer
  boost::asio::steady_timer retry_;
  std::vector<std::thread> threads_;
  bool stopped_ = false;
};

}  // namespace gongkai::gateway
