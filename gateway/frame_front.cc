#include "gateway/frame_front.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <nghttp2/nghttp2.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstddef>
#include <cstring>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <stdexcept>

#include "common/encoding.h"
#include "common/log.h"
#include "common/tls.h"
#include "gateway/grpc_wire.h"
#include "gateway/parse_check.h"
#include "gateway/principals.h"

namespace gongkai::gateway {
namespace {

using Clock = std::chrono::steady_clock;
using Headers = std::vector<std::pair<std::string, std::string>>;

// Name/value pairs as nghttp2 takes them: pointers into `headers`, which must
// outlive them (nghttp2 copies them when a frame is submitted).
std::vector<nghttp2_nv> Nv(Headers&&) = delete;
std::vector<nghttp2_nv> Nv(const Headers& headers) {
  std::vector<nghttp2_nv> nv;
  nv.reserve(headers.size());
  for (const auto& [name, value] : headers) {
    nv.push_back({reinterpret_cast<uint8_t*>(const_cast<char*>(name.data())),
                  reinterpret_cast<uint8_t*>(const_cast<char*>(value.data())), name.size(), value.size(),
                  NGHTTP2_NV_FLAG_NONE});
  }
  return nv;
}

std::string HeaderOf(const Headers& headers, std::string_view name) {
  for (const auto& [n, v] : headers) {
    if (n == name) return v;
  }
  return {};
}

// Bytes one side sent that the other has not taken yet.
struct Pending {
  std::string bytes;
  std::size_t at = 0;
  bool empty() const { return at == bytes.size(); }
  std::size_t size() const { return bytes.size() - at; }
  void Append(const uint8_t* data, std::size_t n) {
    if (empty()) {
      bytes.clear();
      at = 0;
    }
    bytes.append(reinterpret_cast<const char*>(data), n);
  }
  std::size_t Take(uint8_t* out, std::size_t n) {
    n = std::min(n, size());
    std::memcpy(out, bytes.data() + at, n);
    at += n;
    if (at > 65536 && at * 2 > bytes.size()) {  // what was taken goes once it is most of the buffer
      bytes.erase(0, at);
      at = 0;
    }
    return n;
  }
};

// The frames a connection holds for a socket that does not take them: past
// this, no more are made and nothing more is read from it until it drains.
constexpr std::size_t kMaxUnsent = 4 << 20;

// A connection of ours that has not connected, a TLS connection whose
// handshake has not ended, or a caller's connection whose first HTTP/2 frame
// (its SETTINGS, after the preface) has not come, within this is closed
// (gRPC's own connect timeout).
constexpr auto kConnectTimeout = std::chrono::seconds(20);

enum class Side { kCaller, kInternal, kUpstream };

struct Call;

struct Conn {
  FrameFront::Loop* loop = nullptr;
  Side side = Side::kCaller;
  int fd = -1;
  // TLS on the socket (the port's, or to a service), null without. OpenSSL
  // reads and writes the socket itself; what it must do before it can go on
  // is noted, so that the connection is polled for it.
  SSL* ssl = nullptr;
  bool handshaken = false;
  bool tls_broken = false;        // a TLS error: the connection is not shut down cleanly
  bool read_wants_write = false;  // SSL_read must send first (polled for writing)
  bool write_wants_read = false;  // SSL_write must receive first (tried again after a read)
  // The fingerprint (CertificateFingerprint) of the client certificate a
  // caller presented and TLS verified; empty when none.
  std::string certificate;
  std::string tls_failure;  // why a connection of ours failed its handshake
  nghttp2_session* session = nullptr;
  std::string out;  // frames the socket has not taken yet
  std::size_t out_at = 0;
  bool polling_out = false;
  bool polling_in = true;
  bool connecting = false;  // a connection of ours whose connect is in progress
  bool greeted = false;     // a caller's first frame has come
  std::string peer;         // a caller's address, in gRPC's form
  std::set<Call*> calls;    // the calls with a stream on this connection
  Upstream* upstream = nullptr;
  Clock::time_point opened;
  Clock::time_point last_read;
  Clock::time_point idle_since;
  Clock::time_point ping_sent;
  bool ping_out = false;
  int pings_without_data = 0;
};

// One call: the caller's stream and, once it goes on, its stream on the
// internal or the upstream connection (onward).
struct Call {
  Conn* caller = nullptr;  // null once the caller's connection is gone
  int32_t caller_id = 0;
  Conn* onward = nullptr;  // null until it goes on, and once that connection is gone
  int32_t onward_id = 0;
  Headers request;
  std::size_t header_bytes = 0;
  bool direct = false;  // served here, not forwarded to the gRPC server
  // A direct call's:
  Admission admission;
  MessageReader reader;
  bool sent = false;                  // its request went upstream
  std::optional<grpc::Status> final;  // its status, once known
  bool metered = false;
  // Both:
  Pending to_onward, to_caller;
  Headers response, trailers;
  bool caller_ended = false, onward_ended = false;  // END_STREAM received
  bool caller_closed = false, onward_closed = false;
  bool responded = false;  // the caller's answer has begun
  std::optional<std::multimap<Clock::time_point, Call*>::iterator> timer;
};

void NoDelay(int fd) {
  const int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

std::string PeerOf(const sockaddr_storage& address) {
  char text[INET6_ADDRSTRLEN] = {};
  if (address.ss_family == AF_INET6) {
    const auto& a = reinterpret_cast<const sockaddr_in6&>(address);
    if (IN6_IS_ADDR_V4MAPPED(&a.sin6_addr)) {  // an IPv4 caller on a dual-stack port, named as gRPC names it
      inet_ntop(AF_INET, &a.sin6_addr.s6_addr[12], text, sizeof text);
      return "ipv4:" + std::string(text) + ":" + std::to_string(ntohs(a.sin6_port));
    }
    inet_ntop(AF_INET6, &a.sin6_addr, text, sizeof text);
    return "ipv6:[" + std::string(text) + "]:" + std::to_string(ntohs(a.sin6_port));
  }
  const auto& a = reinterpret_cast<const sockaddr_in&>(address);
  inet_ntop(AF_INET, &a.sin_addr, text, sizeof text);
  return "ipv4:" + std::string(text) + ":" + std::to_string(ntohs(a.sin_port));
}

// host:port of an upstream, as the routes name it.
std::pair<std::string, std::string> HostAndPort(const std::string& address) {
  const auto colon = address.rfind(':');
  if (colon == std::string::npos) return {address, ""};
  std::string host = address.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  return {host, address.substr(colon + 1)};
}

// Whether the method's service is one the gateway routes to
// (services/services.table); the gRPC server serves the rest (health,
// reflection) or refuses them.
bool Routed(const MethodInfo& method) {
  static const std::set<std::string> routed = [] {
    std::set<std::string> names;
    for (const auto* service : RoutedServices()) names.insert(service->full_name());
    return names;
  }();
  return routed.count(method.service) > 0;
}

const unsigned char* FrontKey() {
  static const auto key = [] {
    std::array<unsigned char, 32> k{};
    if (RAND_bytes(k.data(), static_cast<int>(k.size())) != 1) throw std::runtime_error("no random bytes");
    return k;
  }();
  return key.data();
}

std::string FrontMac(std::string_view peer, std::string_view certificate) {
  const std::string text = std::string(peer) + "\n" + std::string(certificate);
  unsigned char mac[EVP_MAX_MD_SIZE];
  std::size_t length = 0;
  if (EVP_Q_mac(nullptr, "HMAC", nullptr, "SHA256", nullptr, FrontKey(), 32,
                reinterpret_cast<const unsigned char*>(text.data()), text.size(), mac, sizeof mac,
                &length) == nullptr ||
      length == 0) {
    throw std::runtime_error("HMAC-SHA256 is not available");
  }
  return common::HexEncode(std::string_view(reinterpret_cast<const char*>(mac), length));
}

}  // namespace

std::string SignFrontHeader(const FrontHeader& header) {
  return common::Base64Encode(header.peer, common::Base64::kUrl, false) + "." +
         common::Base64Encode(header.client_certificate, common::Base64::kUrl, false) + "." +
         FrontMac(header.peer, header.client_certificate);
}

std::optional<FrontHeader> VerifyFrontHeader(std::string_view value) {
  const auto first = value.find('.');
  if (first == std::string_view::npos) return std::nullopt;
  const auto second = value.find('.', first + 1);
  if (second == std::string_view::npos) return std::nullopt;
  auto peer = common::Base64Decode(value.substr(0, first));
  auto certificate = common::Base64Decode(value.substr(first + 1, second - first - 1));
  if (!peer || !certificate) return std::nullopt;
  std::string expected;
  try {
    expected = FrontMac(*peer, *certificate);
  } catch (const std::exception&) {
    return std::nullopt;
  }
  const std::string_view mac = value.substr(second + 1);
  if (mac.size() != expected.size() || CRYPTO_memcmp(mac.data(), expected.data(), mac.size()) != 0) {
    return std::nullopt;
  }
  return FrontHeader{std::move(*peer), std::move(*certificate)};
}

namespace {

// What tells a file's contents on disk apart: a file renamed into place or
// written again changes it.
std::string FileStamp(const std::vector<std::string>& paths) {
  std::string stamp;
  for (const auto& path : paths) {
    struct stat st {};
    if (path.empty() || stat(path.c_str(), &st) != 0) {
      stamp += "-;";
      continue;
    }
    stamp += std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino) + ":" + std::to_string(st.st_size) + ":" +
             std::to_string(st.st_mtim.tv_sec) + "." + std::to_string(st.st_mtim.tv_nsec) + ";";
  }
  return stamp;
}

}  // namespace

// The TLS contexts of the port and of the connections to the services, read
// from their files at the start and, when the files changed, every
// refresh_seconds (as gRPC reads its own): new connections get what was read
// last, open ones keep theirs. Null without TLS on that side.
struct FrameFront::Tls {
  // One side's context and what its files were when it was read.
  struct Side {
    std::function<std::shared_ptr<SSL_CTX>()> load;  // throws naming the file
    std::vector<std::string> files;
    std::string stamp;                 // guarded by mutex
    std::shared_ptr<SSL_CTX> context;  // guarded by mutex
  };

  explicit Tls(const FrameFrontOptions& options) {
    if (const auto& served = options.tls) {
      refresh = std::chrono::seconds(served->refresh_seconds);
      server.load = [served] {
        return common::ServerTlsContext(*served, common::ClientCertificates::kOptional, common::Alpn::kH2);
      };
      server.files = {served->certificate, served->key, served->client_ca};
    }
    if (const auto& upstream = options.upstream_tls) {
      refresh = std::chrono::seconds(upstream->refresh_seconds);
      client.load = [upstream] { return common::ClientTlsContext(*upstream, common::Alpn::kH2); };
      client.files = {upstream->ca, upstream->certificate, upstream->key};
    }
    for (Side* side : {&server, &client}) {  // throws at the start
      if (!side->load) continue;
      side->stamp = FileStamp(side->files);
      side->context = side->load();
    }
    checked = Clock::now();
  }

  std::shared_ptr<SSL_CTX> Server() {
    std::lock_guard lock(mutex);
    return server.context;
  }
  std::shared_ptr<SSL_CTX> Client() {
    std::lock_guard lock(mutex);
    return client.context;
  }

  // Each side's files read again when refresh_seconds have passed and they
  // changed, or at once and whatever they are when `forced` (SIGHUP); a file
  // that does not load keeps what was served, and says why (at each refresh
  // until it loads).
  void Refresh(bool forced = false) {
    if (!server.load && !client.load) return;
    // One refresh at a time (a loop's and SIGHUP's), so that files read
    // later are never replaced by files read before.
    std::lock_guard reloading(reload_mutex);
    {
      std::lock_guard lock(mutex);
      if (!forced && Clock::now() - checked < refresh) return;
      checked = Clock::now();
    }
    for (Side* side : {&server, &client}) {
      if (!side->load) continue;
      const std::string stamp = FileStamp(side->files);
      {
        std::lock_guard lock(mutex);
        if (!forced && stamp == side->stamp) continue;
      }
      std::shared_ptr<SSL_CTX> context;
      try {
        context = side->load();
      } catch (const std::exception& e) {
        Log(common::LogLevel::kError, "tls_reload_failed", {{"reason", e.what()}});
        continue;
      }
      Log(common::LogLevel::kInfo, "tls_reloaded", {{"side", side == &server ? "port" : "upstream"}});
      std::lock_guard lock(mutex);
      side->stamp = stamp;
      side->context.swap(context);
    }
  }

  Clock::duration refresh = std::chrono::seconds(60);
  std::mutex reload_mutex;
  std::mutex mutex;
  Clock::time_point checked;  // guarded by mutex
  Side server, client;
};

struct FrameFront::Loop {
  Loop(Proxy& proxy, const FrameFrontOptions& options, Tls& tls, std::atomic<std::size_t>& callers)
      : proxy(proxy), options(options), tls(tls), callers(callers) {}
  ~Loop();

  Proxy& proxy;
  const FrameFrontOptions& options;
  Tls& tls;
  std::atomic<std::size_t>& callers;  // the front's count of callers' connections (max_connections)
  int epoll = -1;
  int listener = -1;
  int wake = -1;
  nghttp2_session_callbacks* callbacks = nullptr;
  std::map<int, std::unique_ptr<Conn>> conns;  // by socket
  std::set<Conn*> live;                        // the same, by address
  Conn* internal = nullptr;
  std::map<Upstream*, Conn*> upstreams;
  std::map<Upstream*, Clock::time_point> failed;  // when a connection to it last failed
  std::set<Conn*> dirty;                          // sessions that may have frames to send
  std::multimap<Clock::time_point, Call*> timers;
  std::set<Call*> calls;
  Clock::time_point last_sweep;
  bool accept_paused = false;
  std::atomic<bool> stop_asked{false};
  std::atomic<int64_t> stop_by_ms{0};  // steady clock, when the stop gives up waiting
  bool stopping = false;

  void Run();

  // ---- connections ---------------------------------------------------------------

  nghttp2_session* NewSession(Conn& conn) {
    nghttp2_option* option = nullptr;
    nghttp2_option_new(&option);
    nghttp2_option_set_no_auto_window_update(option, 1);
    // gRPC takes a header value with spaces at its ends (a token "Bearer "
    // is refused as a bad credential, not as a malformed stream).
    nghttp2_option_set_no_rfc9113_leading_and_trailing_ws_validation(option, 1);
    nghttp2_session* session = nullptr;
    const int rv = conn.side == Side::kCaller ? nghttp2_session_server_new2(&session, callbacks, &conn, option)
                                              : nghttp2_session_client_new2(&session, callbacks, &conn, option);
    nghttp2_option_del(option);
    if (rv != 0) throw std::runtime_error(std::string("nghttp2 session: ") + nghttp2_strerror(rv));
    std::vector<nghttp2_settings_entry> settings = {{NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE, 1 << 20}};
    if (conn.side == Side::kCaller) {
      settings.push_back(
          {NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS, static_cast<uint32_t>(options.limits.max_concurrent_streams)});
      settings.push_back({NGHTTP2_SETTINGS_MAX_HEADER_LIST_SIZE, static_cast<uint32_t>(options.max_header_bytes)});
    } else {
      settings.push_back({NGHTTP2_SETTINGS_ENABLE_PUSH, 0});
    }
    nghttp2_submit_settings(session, NGHTTP2_FLAG_NONE, settings.data(), settings.size());
    nghttp2_session_set_local_window_size(session, NGHTTP2_FLAG_NONE, 0, 8 << 20);
    return session;
  }

  Conn& Add(std::unique_ptr<Conn> conn, bool out) {
    Conn& c = *conn;
    c.loop = this;
    c.opened = c.last_read = c.idle_since = Clock::now();
    epoll_event event{};
    event.events = EPOLLIN | (out ? EPOLLOUT : 0u);
    event.data.ptr = &c;
    epoll_ctl(epoll, EPOLL_CTL_ADD, c.fd, &event);
    c.polling_out = out;
    conns[c.fd] = std::move(conn);
    live.insert(&c);
    c.session = NewSession(c);
    dirty.insert(&c);
    return c;
  }

  void Accept() {
    for (;;) {
      sockaddr_storage address{};
      socklen_t size = sizeof address;
      const int fd = accept4(listener, reinterpret_cast<sockaddr*>(&address), &size, SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (fd < 0) {
        if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
          // Out of descriptors or memory: the waiting connection stays in the
          // backlog, and polling the listener would only wake this loop again
          // at once; it is polled again at the next sweep (a second).
          epoll_ctl(epoll, EPOLL_CTL_DEL, listener, nullptr);
          accept_paused = true;
          Log(common::LogLevel::kWarning, "accept_paused", {{"reason", std::strerror(errno)}});
        }
        return;
      }
      if (callers.fetch_add(1) >= options.max_connections) {
        callers.fetch_sub(1);
        close(fd);
        Log(common::LogLevel::kWarning, "connection_refused", {{"limit", options.max_connections}});
        continue;
      }
      NoDelay(fd);
      auto conn = std::make_unique<Conn>();
      conn->fd = fd;
      conn->side = Side::kCaller;
      conn->peer = PeerOf(address);
      if (const auto context = tls.Server()) {
        conn->ssl = SSL_new(context.get());
        if (conn->ssl == nullptr || SSL_set_fd(conn->ssl, fd) != 1) {
          ERR_clear_error();
          if (conn->ssl != nullptr) SSL_free(conn->ssl);
          close(fd);
          callers.fetch_sub(1);
          continue;
        }
        SSL_set_accept_state(conn->ssl);
      }
      Add(std::move(conn), false);
    }
  }

  // A connection of ours, started; nullptr when the socket could not be made.
  Conn* Connect(Side side, const sockaddr* address, socklen_t size) {
    const int fd = socket(address->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) return nullptr;
    if (address->sa_family != AF_UNIX) NoDelay(fd);
    const int rv = connect(fd, address, size);
    if (rv != 0 && errno != EINPROGRESS) {
      close(fd);
      return nullptr;
    }
    const bool connecting = rv != 0;
    auto conn = std::make_unique<Conn>();
    conn->fd = fd;
    conn->side = side;
    conn->connecting = connecting;
    return &Add(std::move(conn), connecting);
  }

  Conn* Internal() {
    if (internal != nullptr) return internal;
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    const std::size_t length = std::min(options.internal.size(), sizeof address.sun_path - 1);
    std::memcpy(address.sun_path + 1, options.internal.data(), length);  // sun_path[0] = 0: abstract
    internal = Connect(Side::kInternal, reinterpret_cast<sockaddr*>(&address),
                       static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + 1 + length));
    return internal;
  }

  // The connection to an upstream: the open one, or a new one; nullptr when
  // one failed within the last second (a call then is UNAVAILABLE at once,
  // as gRPC's channel answers while it backs off).
  Conn* UpstreamConn(Upstream* upstream) {
    if (auto it = upstreams.find(upstream); it != upstreams.end()) return it->second;
    if (auto it = failed.find(upstream); it != failed.end() && Clock::now() - it->second < std::chrono::seconds(1)) {
      return nullptr;
    }
    const auto [host, port] = HostAndPort(upstream->address());
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    if (getaddrinfo(host.c_str(), port.c_str(), &hints, &found) != 0 || found == nullptr) {
      failed[upstream] = Clock::now();
      return nullptr;
    }
    Conn* conn = Connect(Side::kUpstream, found->ai_addr, found->ai_addrlen);
    freeaddrinfo(found);
    if (conn == nullptr) {
      failed[upstream] = Clock::now();
      return nullptr;
    }
    conn->upstream = upstream;
    if (const auto context = tls.Client()) {  // before the first flush, which comes from Run
      conn->ssl = SSL_new(context.get());
      if (conn->ssl == nullptr || SSL_set_fd(conn->ssl, conn->fd) != 1) {
        ERR_clear_error();
        Close(conn);
        failed[upstream] = Clock::now();
        return nullptr;
      }
      SSL_set_connect_state(conn->ssl);
      if (!common::VerifyServerName(conn->ssl, host)) {
        conn->tls_failure = "the name " + host + " cannot be checked";
        ERR_clear_error();
        Close(conn);
        return nullptr;
      }
    }
    upstreams[upstream] = conn;
    return conn;
  }

  // Polls for what the connection can do: write when it has frames the
  // socket did not take (unless TLS waits to read first), or when TLS must
  // send before it reads; read unless it holds kMaxUnsent frames.
  void Watch(Conn& conn) {
    const bool waiting = conn.out_at < conn.out.size();
    const bool out = (waiting && !conn.write_wants_read) || conn.read_wants_write;
    // While TLS must send before it reads, the socket's being writable is
    // what lets it read on (polling for reading would only spin); while it
    // must receive before it writes, it is read whatever it holds.
    const bool in = !conn.read_wants_write && (conn.write_wants_read || conn.out.size() - conn.out_at < kMaxUnsent);
    if (out == conn.polling_out && in == conn.polling_in) return;
    epoll_event event{};
    event.events = (in ? EPOLLIN : 0u) | (out ? EPOLLOUT : 0u);
    event.data.ptr = &conn;
    epoll_ctl(epoll, EPOLL_CTL_MOD, conn.fd, &event);
    conn.polling_out = out;
    conn.polling_in = in;
  }

  // Sends what the session has to send; false when the connection is done.
  bool Flush(Conn& conn) {
    bool at_mark = true;  // stopped pulling at kMaxUnsent, with frames left in the session
    while (conn.out.size() - conn.out_at < kMaxUnsent) {
      const uint8_t* data = nullptr;
      const ssize_t n = nghttp2_session_mem_send(conn.session, &data);
      if (n < 0) return false;
      if (n == 0) {
        at_mark = false;
        break;
      }
      conn.out.append(reinterpret_cast<const char*>(data), static_cast<std::size_t>(n));
    }
    if (conn.connecting) return true;
    while (conn.out_at < conn.out.size()) {
      std::size_t n = 0;
      const Io io = Transmit(conn, conn.out.data() + conn.out_at, conn.out.size() - conn.out_at, &n);
      if (io == Io::kClosed) return false;
      if (io == Io::kBlocked) break;
      conn.out_at += n;
    }
    if (conn.ssl != nullptr && !conn.handshaken && SSL_is_init_finished(conn.ssl)) Handshaken(conn);
    if (conn.out_at == conn.out.size() || (conn.out_at > (1 << 20) && conn.out_at * 2 > conn.out.size())) {
      conn.out.erase(0, conn.out_at);
      conn.out_at = 0;
    }
    const bool waiting = conn.out_at < conn.out.size();
    // The socket took all it was given while the session still holds frames:
    // they are pulled on this same pass (Run flushes until none is dirty).
    if (at_mark && !waiting) dirty.insert(&conn);
    Watch(conn);
    return waiting || nghttp2_session_want_read(conn.session) || nghttp2_session_want_write(conn.session);
  }

  // ---- the socket, plain or TLS ----------------------------------------------------------

  enum class Io { kDone, kBlocked, kClosed };

  // What a TLS read or write that did not go through waits for.
  static Io TlsOutcome(Conn& conn, bool reading) {
    switch (SSL_get_error(conn.ssl, 0)) {
      case SSL_ERROR_WANT_READ:
        if (!reading) conn.write_wants_read = true;
        return Io::kBlocked;
      case SSL_ERROR_WANT_WRITE:
        if (reading) conn.read_wants_write = true;
        return Io::kBlocked;
      case SSL_ERROR_ZERO_RETURN:  // the peer closed (close_notify)
        return Io::kClosed;
      default:  // the handshake or a record failed
        conn.tls_broken = true;
        if (conn.side == Side::kUpstream && !conn.handshaken) {
          char reason[256] = {};
          ERR_error_string_n(ERR_peek_last_error(), reason, sizeof reason);
          conn.tls_failure = reason;
          const long verified = SSL_get_verify_result(conn.ssl);
          if (verified != X509_V_OK) conn.tls_failure += std::string(": ") + X509_verify_cert_error_string(verified);
        }
        ERR_clear_error();
        return Io::kClosed;
    }
  }

  // Up to `size` bytes of the connection's stream into `buffer` (`*n`).
  static Io Receive(Conn& conn, uint8_t* buffer, std::size_t size, std::size_t* n) {
    if (conn.ssl != nullptr) {
      ERR_clear_error();
      conn.read_wants_write = false;
      if (SSL_read_ex(conn.ssl, buffer, size, n) == 1) return Io::kDone;
      return TlsOutcome(conn, /*reading=*/true);
    }
    for (;;) {
      const ssize_t r = recv(conn.fd, buffer, size, 0);
      if (r > 0) {
        *n = static_cast<std::size_t>(r);
        return Io::kDone;
      }
      if (r < 0 && errno == EINTR) continue;
      return r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) ? Io::kBlocked : Io::kClosed;
    }
  }

  // Of `size` bytes, sends what the socket takes (`*n`).
  static Io Transmit(Conn& conn, const char* data, std::size_t size, std::size_t* n) {
    if (conn.ssl != nullptr) {
      ERR_clear_error();
      conn.write_wants_read = false;
      if (SSL_write_ex(conn.ssl, data, size, n) == 1) return Io::kDone;
      return TlsOutcome(conn, /*reading=*/false);
    }
    for (;;) {
      const ssize_t r = send(conn.fd, data, size, MSG_NOSIGNAL);
      if (r >= 0) {
        *n = static_cast<std::size_t>(r);
        return Io::kDone;
      }
      if (errno == EINTR) continue;
      return errno == EAGAIN || errno == EWOULDBLOCK ? Io::kBlocked : Io::kClosed;
    }
  }

  // The TLS handshake has ended: the client certificate a caller presented
  // (TLS verified it against the client CA) is what may name its principal.
  void Handshaken(Conn& conn) {
    conn.handshaken = true;
    if (conn.side != Side::kCaller) return;
    if (X509* certificate = SSL_get0_peer_certificate(conn.ssl)) conn.certificate = CertificateFingerprint(certificate);
  }

  // Reads what the socket has; false when the connection is done.
  bool Read(Conn& conn) {
    uint8_t buffer[65536];
    for (;;) {
      std::size_t n = 0;
      const Io io = Receive(conn, buffer, sizeof buffer, &n);
      if (conn.ssl != nullptr) {
        if (!conn.handshaken && SSL_is_init_finished(conn.ssl)) Handshaken(conn);
        // What waited on this read may go on (a write during the handshake),
        // and what it must send first is polled for (Watch).
        dirty.insert(&conn);
      }
      if (io == Io::kClosed) return false;
      if (io == Io::kBlocked) return true;
      conn.last_read = Clock::now();
      conn.ping_out = false;
      if (nghttp2_session_mem_recv(conn.session, buffer, n) < 0) return false;
      dirty.insert(&conn);
      // A plain socket gave less than asked: it has nothing more (polling
      // says so again otherwise). TLS gives one record at a time.
      if (conn.ssl == nullptr && n < sizeof buffer) return true;
    }
  }

  void FinishConnect(Conn& conn) {
    int error = 0;
    socklen_t size = sizeof error;
    getsockopt(conn.fd, SOL_SOCKET, SO_ERROR, &error, &size);
    if (error != 0) return Close(&conn);
    conn.connecting = false;
    dirty.insert(&conn);
  }

  // The connection is gone: each call on it ends as its other side lets it.
  void Close(Conn* conn) {
    dirty.erase(conn);
    const std::set<Call*> open = std::move(conn->calls);
    conn->calls.clear();
    for (Call* call : open) {
      if (conn->side == Side::kCaller) {
        call->caller_closed = true;
        call->caller = nullptr;
        if (call->direct && !call->metered) Meter(call, {grpc::StatusCode::CANCELLED, "the caller went away"});
        ResetOnward(call, NGHTTP2_CANCEL);
      } else {
        call->onward = nullptr;
        if (!call->onward_closed) {
          call->onward_closed = true;
          // A direct call is told UNAVAILABLE; a forwarded one may have been
          // processed in part, so it is not told it was refused.
          if (!call->onward_ended) OnwardFailed(call, call->direct ? NGHTTP2_REFUSED_STREAM : NGHTTP2_INTERNAL_ERROR);
        }
      }
      MaybeForget(call);
    }
    Retire(conn);
    // A connection to a service that did not connect, or failed its TLS
    // handshake, is not tried again for a second.
    if (conn->side == Side::kUpstream && (conn->connecting || (conn->ssl != nullptr && !conn->handshaken))) {
      failed[conn->upstream] = Clock::now();
      if (!conn->tls_failure.empty() || (conn->ssl != nullptr && !conn->connecting)) {
        Log(common::LogLevel::kWarning, "upstream_tls_failed",
            {{"upstream", conn->upstream->address()},
             {"reason", conn->tls_failure.empty() ? "the handshake did not end" : conn->tls_failure}});
      }
    }
    nghttp2_session_del(conn->session);
    if (conn->ssl != nullptr) {
      // close_notify, once, without waiting for the peer's: a session closed
      // so stays resumable.
      if (conn->handshaken && !conn->tls_broken) {
        SSL_shutdown(conn->ssl);
        ERR_clear_error();
      }
      SSL_free(conn->ssl);
    }
    epoll_ctl(epoll, EPOLL_CTL_DEL, conn->fd, nullptr);
    close(conn->fd);
    if (conn->side == Side::kCaller) callers.fetch_sub(1);
    live.erase(conn);
    conns.erase(conn->fd);
  }

  // A connection of ours that takes no new calls (its peer sent GOAWAY, or
  // it is closing): the next call opens another.
  void Retire(Conn* conn) {
    if (conn == internal) internal = nullptr;
    if (auto it = upstreams.find(conn->upstream); it != upstreams.end() && it->second == conn) upstreams.erase(it);
  }

  // ---- calls ---------------------------------------------------------------------

  // Flow control: every DATA byte is credited to its connection when it is
  // received (so a call that cannot deliver holds up no other call on the
  // connection), and to its stream once the other side took it (so each
  // call's own window holds a sender back to what its receiver takes). The
  // connection is then flushed, for the WINDOW_UPDATE to go out.
  static void ConsumeStream(Conn* conn, int32_t stream_id, std::size_t n) {
    if (conn == nullptr || n == 0) return;
    nghttp2_session_consume_stream(conn->session, stream_id, n);
    conn->loop->dirty.insert(conn);
  }

  void ResetOnward(Call* call, uint32_t code) {
    if (call->onward == nullptr || call->onward_closed) return;
    nghttp2_submit_rst_stream(call->onward->session, NGHTTP2_FLAG_NONE, call->onward_id, code);
    dirty.insert(call->onward);
  }

  void MaybeForget(Call* call) {
    if (!call->caller_closed || (call->onward_id != 0 && !call->onward_closed)) return;
    if (call->timer) timers.erase(*call->timer);
    if (call->onward != nullptr) call->onward->calls.erase(call);
    calls.erase(call);
    delete call;
  }

  void Meter(Call* call, const grpc::Status& status) {
    call->metered = true;
    proxy.Metered(call->admission, status);
  }

  // A direct call's status, known: told to the caller (after the answer's
  // messages already come) and metered; whatever is still upstream is
  // cancelled.
  void Finish(Call* call, const grpc::Status& status) {
    if (call->metered || call->final) return;
    if (call->timer) {
      timers.erase(*call->timer);
      call->timer.reset();
    }
    if (!call->onward_ended) ResetOnward(call, NGHTTP2_CANCEL);
    call->onward_ended = true;
    if (call->caller_closed) return Meter(call, status);
    call->final = status;
    nghttp2_session* session = call->caller->session;
    if (!call->responded) {
      call->responded = true;
      Meter(call, status);
      const Headers headers = StatusHeaders(status, /*trailers_only=*/true);
      const auto nv = Nv(headers);
      nghttp2_submit_response(session, call->caller_id, nv.data(), nv.size(), nullptr);
    } else {
      nghttp2_session_resume_data(session, call->caller_id);
    }
    dirty.insert(call->caller);
  }

  // The onward stream failed (reset, or its connection gone) before its end.
  void OnwardFailed(Call* call, uint32_t code) {
    if (call->direct) {
      // As gRPC maps a stream's reset (PROTOCOL-HTTP2.md, "Errors").
      switch (code) {
        case NGHTTP2_REFUSED_STREAM:
          return Finish(call, {grpc::StatusCode::UNAVAILABLE, "the upstream is unavailable; try again"});
        case NGHTTP2_CANCEL: return Finish(call, {grpc::StatusCode::CANCELLED, "the upstream cancelled the call"});
        case NGHTTP2_ENHANCE_YOUR_CALM:
          return Finish(call, {grpc::StatusCode::RESOURCE_EXHAUSTED, "the upstream is overloaded"});
        default:
          return Finish(call, {grpc::StatusCode::INTERNAL,
                               "the upstream reset the call (HTTP/2 error " + std::to_string(code) + ")"});
      }
    }
    if (call->caller_closed) return;
    nghttp2_submit_rst_stream(call->caller->session, NGHTTP2_FLAG_NONE, call->caller_id,
                              code == NGHTTP2_NO_ERROR ? static_cast<uint32_t>(NGHTTP2_INTERNAL_ERROR) : code);
    dirty.insert(call->caller);
  }

  // The caller's headers are in: the call is served here or forwarded.
  void Begin(Call* call) {
    if (call->header_bytes > options.max_header_bytes) {
      call->direct = true;  // answered here, not metered: no method is taken from an oversized block
      call->metered = true;
      call->responded = true;
      const Headers headers =
          StatusHeaders({grpc::StatusCode::RESOURCE_EXHAUSTED,
                         "the call's headers of " + std::to_string(call->header_bytes) + " bytes exceed the limit of " +
                             std::to_string(options.max_header_bytes) + " bytes"},
                        true);
      const auto nv = Nv(headers);
      nghttp2_submit_response(call->caller->session, call->caller_id, nv.data(), nv.size(), nullptr);
      dirty.insert(call->caller);
      return;
    }
    const std::string path = HeaderOf(call->request, ":path");
    const std::string encoding = HeaderOf(call->request, "grpc-encoding");
    const auto method = LookUpMethod(path);
    if (method && Routed(*method) && method->grpc_type == "unary" && (encoding.empty() || encoding == "identity")) {
      return BeginDirect(call, path);
    }
    BeginForwarded(call);
  }

  void BeginDirect(Call* call, const std::string& path) {
    call->direct = true;
    CallHead head;
    head.method = path;
    head.authorization = HeaderOf(call->request, "authorization");
    head.request_id = HeaderOf(call->request, common::kRequestIdHeader);
    if (proxy.options().client_certificates) head.client_certificate = call->caller->certificate;
    if (auto timeout = ParseGrpcTimeout(HeaderOf(call->request, "grpc-timeout"))) {
      // Past the longest deadline a caller gets, it is capped to that (Admit).
      const auto kept = std::min<std::chrono::nanoseconds>(*timeout, proxy.options().max_deadline);
      head.deadline =
          std::chrono::system_clock::now() + std::chrono::duration_cast<std::chrono::system_clock::duration>(kept);
    }
    head.client = [call](std::string* peer, std::string* forwarded_for) {
      *peer = call->caller->peer;
      for (const auto& [name, value] : call->request) {
        if (name != "x-forwarded-for") continue;
        if (!forwarded_for->empty()) *forwarded_for += ",";
        *forwarded_for += value;
      }
    };
    call->admission = proxy.Admit(head);
    if (!call->admission.admitted()) return Finish(call, call->admission.refusal);
    const auto left = call->admission.deadline - std::chrono::system_clock::now();
    call->timer = timers.emplace(Clock::now() + std::chrono::duration_cast<Clock::duration>(left), call);
    if (call->caller_ended) Finish(call, {grpc::StatusCode::INVALID_ARGUMENT, "no request message"});
  }

  // The direct call's request bytes so far: refused over its limit, sent
  // upstream once whole and parsed.
  void DirectRequest(Call* call) {
    if (call->sent || call->final || call->metered) return;
    const Admission& a = call->admission;
    if (const auto length = call->reader.NextLength()) {
      if (*length > a.request_limit) return Finish(call, OversizedRequestStatus(a.path, *length, a.request_limit));
      if (call->reader.NextCompressed()) {
        return Finish(call, {grpc::StatusCode::INTERNAL, "a compressed message on a call that names no grpc-encoding"});
      }
    }
    const auto message = call->reader.Next();
    if (!message) {
      if (call->caller_ended) Finish(call, {grpc::StatusCode::INVALID_ARGUMENT, "no request message"});
      return;
    }
    std::string why;
    if (!ParsesAs(*a.method->input, *message, &why)) {
      common::RequestScope scope(a.request_id);
      Log(common::LogLevel::kWarning, "unparsable_message",
          {{"method", a.path}, {"message", 0}, {"type", a.method->input->full_name()}, {"why", why}});
      return Finish(call, UnparsableRequestStatus(*a.method->input, why));
    }
    Conn* up = UpstreamConn(a.upstream);
    if (up == nullptr) return Finish(call, {grpc::StatusCode::UNAVAILABLE, "the upstream is unavailable; try again"});
    Headers headers = {{":method", "POST"},
                       {":scheme", up->ssl != nullptr ? "https" : "http"},
                       {":path", a.path},
                       {":authority", a.upstream->address()},
                       {"content-type", "application/grpc"},
                       {"te", "trailers"},
                       {"grpc-timeout", FormatGrpcTimeout(a.deadline - std::chrono::system_clock::now())}};
    for (auto& header : proxy.UpstreamHeaders(a)) headers.push_back(std::move(header));
    call->to_onward.bytes = FramedMessage(*message);
    call->sent = true;
    SubmitOnward(call, up, headers);
  }

  void BeginForwarded(Call* call) {
    Conn* in = Internal();
    if (in == nullptr) {
      nghttp2_submit_rst_stream(call->caller->session, NGHTTP2_FLAG_NONE, call->caller_id, NGHTTP2_REFUSED_STREAM);
      dirty.insert(call->caller);
      return;
    }
    Headers headers;
    headers.reserve(call->request.size() + 1);
    for (auto& header : call->request) {
      if (header.first != FrontHeader::kName) headers.push_back(std::move(header));
    }
    call->request.clear();
    headers.emplace_back(FrontHeader::kName, SignFrontHeader({call->caller->peer, call->caller->certificate}));
    SubmitOnward(call, in, headers);
  }

  void SubmitOnward(Call* call, Conn* onward, const Headers& headers) {
    nghttp2_data_provider provider;
    provider.source.ptr = call;
    provider.read_callback = ReadToOnward;
    const auto nv = Nv(headers);
    const int32_t id = nghttp2_submit_request(onward->session, nullptr, nv.data(), nv.size(), &provider, call);
    if (id < 0) {
      if (call->direct) return Finish(call, {grpc::StatusCode::UNAVAILABLE, "the upstream is unavailable; try again"});
      nghttp2_submit_rst_stream(call->caller->session, NGHTTP2_FLAG_NONE, call->caller_id, NGHTTP2_REFUSED_STREAM);
      dirty.insert(call->caller);
      return;
    }
    call->onward = onward;
    call->onward_id = id;
    onward->calls.insert(call);
    dirty.insert(onward);
  }

  // The onward stream's answer begins (`ended`: it is all headers).
  void OnwardHeaders(Call* call, bool ended) {
    if (call->caller_closed) return;
    if (call->direct) {
      if (ended || HeaderOf(call->response, ":status") != "200") return Finish(call, StatusOfHeaders(call->response));
      if (call->final || call->metered) return;
      Respond(call, {{":status", "200"}, {"content-type", "application/grpc"}});
      return;
    }
    if (ended) {
      call->responded = true;
      const auto nv = Nv(call->response);
      nghttp2_submit_response(call->caller->session, call->caller_id, nv.data(), nv.size(), nullptr);
      dirty.insert(call->caller);
      return;
    }
    Respond(call, call->response);
  }

  void Respond(Call* call, const Headers& headers) {
    call->responded = true;
    nghttp2_data_provider provider;
    provider.source.ptr = call;
    provider.read_callback = ReadToCaller;
    const auto nv = Nv(headers);
    nghttp2_submit_response(call->caller->session, call->caller_id, nv.data(), nv.size(), &provider);
    dirty.insert(call->caller);
  }

  // ---- the two data sources ----------------------------------------------------------

  static ssize_t ReadToOnward(nghttp2_session*, int32_t, uint8_t* buf, size_t length, uint32_t* flags,
                              nghttp2_data_source* source, void*) {
    auto* call = static_cast<Call*>(source->ptr);
    const bool complete = call->direct || call->caller_ended;
    if (call->to_onward.empty() && !complete) return NGHTTP2_ERR_DEFERRED;
    const std::size_t n = call->to_onward.Take(buf, length);
    if (!call->direct) ConsumeStream(call->caller, call->caller_id, n);
    if (call->to_onward.empty() && complete) *flags |= NGHTTP2_DATA_FLAG_EOF;
    return static_cast<ssize_t>(n);
  }

  static ssize_t ReadToCaller(nghttp2_session* session, int32_t stream_id, uint8_t* buf, size_t length, uint32_t* flags,
                              nghttp2_data_source* source, void*) {
    auto* call = static_cast<Call*>(source->ptr);
    if (call->to_caller.empty() && !call->onward_ended) return NGHTTP2_ERR_DEFERRED;
    const std::size_t n = call->to_caller.Take(buf, length);
    ConsumeStream(call->onward, call->onward_id, n);
    if (!call->to_caller.empty() || !call->onward_ended) return static_cast<ssize_t>(n);
    *flags |= NGHTTP2_DATA_FLAG_EOF;
    if (call->direct) {
      const grpc::Status status = call->final ? *call->final : grpc::Status(grpc::StatusCode::UNKNOWN, "no status");
      if (!call->metered) call->caller->loop->Meter(call, status);
      *flags |= NGHTTP2_DATA_FLAG_NO_END_STREAM;
      const Headers headers = StatusHeaders(status, /*trailers_only=*/false);
      const auto nv = Nv(headers);
      nghttp2_submit_trailer(session, stream_id, nv.data(), nv.size());
    } else if (!call->trailers.empty()) {
      *flags |= NGHTTP2_DATA_FLAG_NO_END_STREAM;
      const auto nv = Nv(call->trailers);
      nghttp2_submit_trailer(session, stream_id, nv.data(), nv.size());
    }
    return static_cast<ssize_t>(n);
  }

  // ---- nghttp2's callbacks, for every connection ------------------------------------------

  static Call* CallOf(nghttp2_session* session, int32_t stream_id) {
    return static_cast<Call*>(nghttp2_session_get_stream_user_data(session, stream_id));
  }

  static int OnBeginHeaders(nghttp2_session* session, const nghttp2_frame* frame, void* user) {
    auto* conn = static_cast<Conn*>(user);
    if (conn->side != Side::kCaller || frame->hd.type != NGHTTP2_HEADERS ||
        frame->headers.cat != NGHTTP2_HCAT_REQUEST) {
      return 0;
    }
    auto* call = new Call;
    call->caller = conn;
    call->caller_id = frame->hd.stream_id;
    conn->loop->calls.insert(call);
    conn->calls.insert(call);
    nghttp2_session_set_stream_user_data(session, frame->hd.stream_id, call);
    return 0;
  }

  static int OnHeader(nghttp2_session* session, const nghttp2_frame* frame, const uint8_t* name, size_t namelen,
                      const uint8_t* value, size_t valuelen, uint8_t, void* user) {
    auto* conn = static_cast<Conn*>(user);
    Call* call = CallOf(session, frame->hd.stream_id);
    if (call == nullptr || frame->hd.type != NGHTTP2_HEADERS) return 0;
    if (conn->side == Side::kCaller) {
      if (frame->headers.cat != NGHTTP2_HCAT_REQUEST) return 0;  // a caller's trailers mean nothing to gRPC
      call->header_bytes += namelen + valuelen + 32;
      if (call->header_bytes > conn->loop->options.max_header_bytes) return 0;  // refused whole in Begin
    }
    std::string n(reinterpret_cast<const char*>(name), namelen);
    std::string v(reinterpret_cast<const char*>(value), valuelen);
    if (conn->side == Side::kCaller) {
      call->request.emplace_back(std::move(n), std::move(v));
    } else if (frame->headers.cat == NGHTTP2_HCAT_RESPONSE) {
      call->response.emplace_back(std::move(n), std::move(v));
    } else {
      call->trailers.emplace_back(std::move(n), std::move(v));
    }
    return 0;
  }

  static int OnFrameRecv(nghttp2_session* session, const nghttp2_frame* frame, void* user) {
    auto* conn = static_cast<Conn*>(user);
    Loop& loop = *conn->loop;
    conn->greeted = true;
    if (frame->hd.type == NGHTTP2_DATA) conn->pings_without_data = 0;
    if (frame->hd.type == NGHTTP2_GOAWAY && conn->side != Side::kCaller) loop.Retire(conn);
    if (frame->hd.type != NGHTTP2_HEADERS && frame->hd.type != NGHTTP2_DATA) return 0;
    Call* call = CallOf(session, frame->hd.stream_id);
    if (call == nullptr) return 0;
    const bool ended = (frame->hd.flags & NGHTTP2_FLAG_END_STREAM) != 0;
    if (conn->side == Side::kCaller) {
      if (ended) call->caller_ended = true;
      if (frame->hd.type == NGHTTP2_HEADERS && frame->headers.cat == NGHTTP2_HCAT_REQUEST) {
        loop.Begin(call);
      } else if (ended && call->direct) {
        loop.DirectRequest(call);
      } else if (ended && call->onward != nullptr && !call->onward_closed) {
        nghttp2_session_resume_data(call->onward->session, call->onward_id);
        loop.dirty.insert(call->onward);
      }
      return 0;
    }
    if (frame->hd.type == NGHTTP2_HEADERS && frame->headers.cat == NGHTTP2_HCAT_RESPONSE) {
      if (ended) call->onward_ended = true;
      loop.OnwardHeaders(call, ended);
      return 0;
    }
    if (!ended) return 0;
    call->onward_ended = true;
    if (call->direct && !call->final) {
      call->final = frame->hd.type == NGHTTP2_HEADERS
                        ? StatusOf(call->trailers)
                        : grpc::Status(grpc::StatusCode::INTERNAL, "the upstream's answer ended without a status");
    }
    if (!call->caller_closed && call->responded) {
      nghttp2_session_resume_data(call->caller->session, call->caller_id);
      loop.dirty.insert(call->caller);
    }
    return 0;
  }

  static int OnDataChunk(nghttp2_session* session, uint8_t, int32_t stream_id, const uint8_t* data, size_t len,
                         void* user) {
    auto* conn = static_cast<Conn*>(user);
    Loop& loop = *conn->loop;
    nghttp2_session_consume_connection(session, len);
    loop.dirty.insert(conn);
    Call* call = CallOf(session, stream_id);
    if (call == nullptr) return 0;
    if (conn->side == Side::kCaller) {
      if (call->direct) {
        ConsumeStream(conn, stream_id, len);
        if (call->sent || call->final || call->metered) return 0;
        call->reader.Add(std::string_view(reinterpret_cast<const char*>(data), len));
        loop.DirectRequest(call);
        return 0;
      }
      call->to_onward.Append(data, len);
      if (call->onward != nullptr && !call->onward_closed) {
        nghttp2_session_resume_data(call->onward->session, call->onward_id);
        loop.dirty.insert(call->onward);
      }
      return 0;
    }
    if (call->caller_closed || (call->direct && (call->final || call->metered))) {
      ConsumeStream(conn, stream_id, len);
      return 0;
    }
    call->to_caller.Append(data, len);
    if (call->responded) {
      nghttp2_session_resume_data(call->caller->session, call->caller_id);
      loop.dirty.insert(call->caller);
    }
    return 0;
  }

  // The caller's answer has ended while the caller still sends (a call
  // refused before its message was read): RST_STREAM with NO_ERROR tells it
  // to stop, as gRPC's servers do, once the answer is on its way (nghttp2
  // sends RST_STREAM ahead of queued HEADERS, so not before).
  static int OnFrameSend(nghttp2_session* session, const nghttp2_frame* frame, void* user) {
    auto* conn = static_cast<Conn*>(user);
    if (conn->side != Side::kCaller || (frame->hd.flags & NGHTTP2_FLAG_END_STREAM) == 0) return 0;
    Call* call = CallOf(session, frame->hd.stream_id);
    if (call != nullptr && !call->caller_ended) {
      nghttp2_submit_rst_stream(session, NGHTTP2_FLAG_NONE, frame->hd.stream_id, NGHTTP2_NO_ERROR);
    }
    return 0;
  }

  static int OnStreamClose(nghttp2_session* session, int32_t stream_id, uint32_t error_code, void* user) {
    auto* conn = static_cast<Conn*>(user);
    Loop& loop = *conn->loop;
    Call* call = CallOf(session, stream_id);
    if (call == nullptr) return 0;
    if (conn->side == Side::kCaller) {
      call->caller_closed = true;
      conn->calls.erase(call);
      if (conn->calls.empty()) conn->idle_since = Clock::now();
      if (call->direct && !call->metered) {
        loop.Meter(call, {grpc::StatusCode::CANCELLED, "the caller cancelled the call"});
      }
      loop.ResetOnward(call, NGHTTP2_CANCEL);
      call->to_onward = {};
      call->caller = nullptr;
    } else {
      call->onward_closed = true;
      if (!call->onward_ended) loop.OnwardFailed(call, error_code);
    }
    loop.MaybeForget(call);
    return 0;
  }

  // ---- time -----------------------------------------------------------------------

  // Deadlines of direct calls, then once a second every caller's connection:
  // keepalive pings, and the idle ones closed.
  void RunTimers() {
    const auto now = Clock::now();
    while (!timers.empty() && timers.begin()->first <= now) {
      Call* call = timers.begin()->second;
      timers.erase(timers.begin());
      call->timer.reset();
      Finish(call, {grpc::StatusCode::DEADLINE_EXCEEDED,
                    call->sent ? "Deadline Exceeded" : "the request message did not arrive within the deadline"});
    }
    if (now - last_sweep < std::chrono::seconds(1)) return;
    last_sweep = now;
    tls.Refresh();
    if (accept_paused && !stopping) {
      epoll_event event{};
      event.events = EPOLLIN;
      event.data.ptr = &listener;
      epoll_ctl(epoll, EPOLL_CTL_ADD, listener, &event);
      accept_paused = false;
    }
    const ServerLimits& limits = options.limits;
    std::vector<Conn*> closing;
    for (auto& [fd, conn] : conns) {
      // A connection to a service that has not connected (or ended its TLS
      // handshake) within gRPC's own connect timeout is given up: its calls
      // are UNAVAILABLE. A caller's that has not ended its handshake, or not
      // sent its first frame, is closed as well.
      const bool unready = conn->connecting || (conn->ssl != nullptr && !conn->handshaken) ||
                           (conn->side == Side::kCaller && !conn->greeted);
      if (unready && now - conn->opened >= kConnectTimeout) {
        closing.push_back(conn.get());
        continue;
      }
      if (conn->side != Side::kCaller) continue;
      if (conn->ping_out && now - conn->ping_sent >= limits.keepalive_timeout) {
        closing.push_back(conn.get());
        continue;
      }
      if (conn->calls.empty() && now - conn->idle_since >= limits.max_connection_idle) {
        nghttp2_submit_goaway(conn->session, NGHTTP2_FLAG_NONE, nghttp2_session_get_last_proc_stream_id(conn->session),
                              NGHTTP2_NO_ERROR, nullptr, 0);
        dirty.insert(conn.get());
        continue;
      }
      if (!conn->ping_out && now - conn->last_read >= limits.keepalive_time &&
          conn->pings_without_data < limits.max_pings_without_data) {
        nghttp2_submit_ping(conn->session, NGHTTP2_FLAG_NONE, nullptr);
        conn->ping_out = true;
        conn->ping_sent = now;
        ++conn->pings_without_data;
        dirty.insert(conn.get());
      }
    }
    for (Conn* conn : closing) Close(conn);
  }

  int WaitMs() const {
    int64_t ms = 1000;
    if (!timers.empty()) {
      const auto until = std::chrono::duration_cast<std::chrono::milliseconds>(timers.begin()->first - Clock::now());
      ms = std::clamp<int64_t>(until.count() + 1, 0, ms);
    }
    return static_cast<int>(ms);
  }

  void BeginStop() {
    stopping = true;
    epoll_ctl(epoll, EPOLL_CTL_DEL, listener, nullptr);
    close(listener);  // new connections are refused, not left in the backlog
    listener = -1;
    for (auto& [fd, conn] : conns) {
      if (conn->side != Side::kCaller) continue;
      nghttp2_submit_goaway(conn->session, NGHTTP2_FLAG_NONE, nghttp2_session_get_last_proc_stream_id(conn->session),
                            NGHTTP2_NO_ERROR, nullptr, 0);
      dirty.insert(conn.get());
    }
  }

  bool CallersDone() const {
    for (const auto& [fd, conn] : conns) {
      if (conn->side == Side::kCaller && !conn->calls.empty()) return false;
    }
    return true;
  }
};

FrameFront::Loop::~Loop() {
  while (!conns.empty()) Close(conns.begin()->second.get());
  for (Call* call : calls) delete call;
  for (int fd : {listener, wake, epoll}) {
    if (fd >= 0) close(fd);
  }
  if (callbacks != nullptr) nghttp2_session_callbacks_del(callbacks);
}

void FrameFront::Loop::Run() {
  epoll_event events[64];
  for (;;) {
    const int n = epoll_wait(epoll, events, 64, WaitMs());
    for (int i = 0; i < n; ++i) {
      void* ptr = events[i].data.ptr;
      if (ptr == &listener) {
        Accept();
        continue;
      }
      if (ptr == &wake) {
        uint64_t count;
        if (read(wake, &count, sizeof count) < 0) {
          // nothing to read: the stop is asked below either way
        }
        continue;
      }
      auto* conn = static_cast<Conn*>(ptr);
      if (live.count(conn) == 0) continue;  // closed by an earlier event
      if (conn->connecting && (events[i].events & (EPOLLOUT | EPOLLERR | EPOLLHUP)) != 0) {
        FinishConnect(*conn);
        continue;
      }
      // TLS may have to send before it can read on (read_wants_write).
      const bool readable = (events[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR)) != 0 ||
                            ((events[i].events & EPOLLOUT) != 0 && conn->read_wants_write);
      if (readable && !Read(*conn)) {
        Close(conn);
        continue;
      }
      if ((events[i].events & EPOLLOUT) != 0) dirty.insert(conn);
    }
    if (stop_asked.load() && !stopping) BeginStop();
    RunTimers();
    // Sending one session's frames may give another some, so flush until
    // none has any left.
    while (!dirty.empty()) {
      Conn* conn = *dirty.begin();
      dirty.erase(dirty.begin());
      if (!Flush(*conn)) Close(conn);
    }
    if (stopping) {
      const int64_t now_ms =
          std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now().time_since_epoch()).count();
      if (CallersDone() || now_ms >= stop_by_ms.load()) {
        // Every connection closes with the loop, those to the gRPC server
        // behind it among them, so that its own stop finds none open.
        while (!conns.empty()) Close(conns.begin()->second.get());
        return;
      }
    }
  }
}

namespace {

// A listening socket on host:port with SO_REUSEPORT, so that each loop has
// its own on the same port. A wildcard host (0.0.0.0, ::) listens on both
// IPv6 and IPv4, as gRPC's servers do.
int Listen(const std::string& listen, int port) {
  auto [host, given_port] = HostAndPort(listen);
  const bool wildcard = host.empty() || host == "0.0.0.0" || host == "::";
  if (wildcard) host = "::";
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE;
  addrinfo* found = nullptr;
  const std::string service = port != 0 ? std::to_string(port) : given_port;
  if (getaddrinfo(host.empty() ? nullptr : host.c_str(), service.c_str(), &hints, &found) != 0 || found == nullptr) {
    throw std::runtime_error("cannot resolve the gRPC listen address " + listen);
  }
  const int fd = socket(found->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  const int one = 1, zero = 0;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
  if (wildcard) setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof zero);
  const bool bound = fd >= 0 && bind(fd, found->ai_addr, found->ai_addrlen) == 0 && ::listen(fd, 1024) == 0;
  const int error = errno;
  freeaddrinfo(found);
  if (!bound) {
    if (fd >= 0) close(fd);
    throw std::runtime_error("cannot listen on " + listen + ": " + std::strerror(error));
  }
  return fd;
}

int PortOf(int fd) {
  sockaddr_storage address{};
  socklen_t size = sizeof address;
  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size);
  if (address.ss_family == AF_INET6) return ntohs(reinterpret_cast<sockaddr_in6&>(address).sin6_port);
  return ntohs(reinterpret_cast<sockaddr_in&>(address).sin_port);
}

}  // namespace

FrameFront::FrameFront(Proxy& proxy, FrameFrontOptions options)
    : proxy_(proxy), options_(std::move(options)), tls_(std::make_unique<Tls>(options_)) {
  FrontKey();  // drawn before any loop runs
  // OpenSSL writes to a TLS socket with write(): a caller gone meanwhile
  // must fail that write, not end the process.
  if (options_.tls || options_.upstream_tls) signal(SIGPIPE, SIG_IGN);
  for (int i = 0; i < std::max(1, options_.threads); ++i) {
    auto loop = std::make_unique<Loop>(proxy_, options_, *tls_, callers_);
    loop->listener = Listen(options_.listen, port_);
    if (port_ == 0) port_ = PortOf(loop->listener);
    loop->wake = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    loop->epoll = epoll_create1(EPOLL_CLOEXEC);
    if (loop->wake < 0 || loop->epoll < 0) throw std::runtime_error("cannot make the gRPC port's event loop");
    nghttp2_session_callbacks_new(&loop->callbacks);
    nghttp2_session_callbacks_set_on_begin_headers_callback(loop->callbacks, Loop::OnBeginHeaders);
    nghttp2_session_callbacks_set_on_header_callback(loop->callbacks, Loop::OnHeader);
    nghttp2_session_callbacks_set_on_frame_recv_callback(loop->callbacks, Loop::OnFrameRecv);
    nghttp2_session_callbacks_set_on_data_chunk_recv_callback(loop->callbacks, Loop::OnDataChunk);
    nghttp2_session_callbacks_set_on_stream_close_callback(loop->callbacks, Loop::OnStreamClose);
    nghttp2_session_callbacks_set_on_frame_send_callback(loop->callbacks, Loop::OnFrameSend);
    epoll_event event{};
    event.events = EPOLLIN;
    event.data.ptr = &loop->listener;
    epoll_ctl(loop->epoll, EPOLL_CTL_ADD, loop->listener, &event);
    event.data.ptr = &loop->wake;
    epoll_ctl(loop->epoll, EPOLL_CTL_ADD, loop->wake, &event);
    loops_.push_back(std::move(loop));
  }
}

FrameFront::~FrameFront() { Stop(std::chrono::milliseconds(0)); }

void FrameFront::Start() {
  for (auto& loop : loops_) threads_.emplace_back([l = loop.get()] { l->Run(); });
}

void FrameFront::ReloadCertificates() { tls_->Refresh(/*forced=*/true); }

void FrameFront::Stop(std::chrono::milliseconds grace) {
  const int64_t by =
      std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now().time_since_epoch() + grace).count();
  for (auto& loop : loops_) {
    loop->stop_by_ms = by;
    loop->stop_asked = true;
    const uint64_t one = 1;
    if (write(loop->wake, &one, sizeof one) < 0) {
      // the loop wakes within a second to look at stop_asked anyway
    }
  }
  for (auto& thread : threads_) thread.join();
  threads_.clear();
}

}  // namespace gongkai::gateway
