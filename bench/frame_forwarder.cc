#include "bench/frame_forwarder.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <nghttp2/nghttp2.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>
#include <set>
#include <stdexcept>
#include <vector>

namespace gongkai::bench {
namespace {

struct Header {
  std::string name, value;
};

// Name/value pairs as nghttp2 takes them (it copies them).
std::vector<nghttp2_nv> Nv(std::vector<Header>& headers) {
  std::vector<nghttp2_nv> nv;
  nv.reserve(headers.size());
  for (auto& h : headers) {
    nv.push_back({reinterpret_cast<uint8_t*>(h.name.data()), reinterpret_cast<uint8_t*>(h.value.data()), h.name.size(),
                  h.value.size(), NGHTTP2_NV_FLAG_NONE});
  }
  return nv;
}

// Bytes one side sent that the other has not taken yet.
struct Pending {
  std::string bytes;
  std::size_t at = 0;
  bool empty() const { return at == bytes.size(); }
  void Append(const uint8_t* data, std::size_t n) {
    if (empty()) {
      bytes.clear();
      at = 0;
    }
    bytes.append(reinterpret_cast<const char*>(data), n);
  }
  std::size_t Take(uint8_t* out, std::size_t n) {
    n = std::min(n, bytes.size() - at);
    std::memcpy(out, bytes.data() + at, n);
    at += n;
    return n;
  }
};

struct Conn;

// One forwarded stream: the caller's (down) and the upstream's (up).
struct Call {
  Conn* down = nullptr;  // null once the caller's connection is gone
  int32_t down_id = 0;
  int32_t up_id = 0;
  std::vector<Header> request, response, trailers;
  Pending to_up, to_down;
  bool down_ended = false;  // the caller sent END_STREAM
  bool up_ended = false;    // the upstream sent END_STREAM
  bool down_closed = false;
  bool up_closed = false;
};

struct Conn {
  FrameForwarder::Loop* loop = nullptr;
  int fd = -1;
  bool upstream = false;
  nghttp2_session* session = nullptr;
  std::string out;  // frames the socket has not taken yet
  std::size_t out_at = 0;
  bool polling_out = false;
  std::set<Call*> calls;  // on a caller's connection: its open calls
};

void Check(bool ok, const std::string& what) {
  if (!ok) throw std::runtime_error("frame forwarder: " + what + ": " + std::strerror(errno));
}

void NoDelay(int fd) {
  const int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

}  // namespace

struct FrameForwarder::Loop {
  int epoll = -1;
  int listener = -1;
  int wake = -1;
  Conn up;
  std::map<int, std::unique_ptr<Conn>> downs;  // by socket
  std::set<Conn*> dirty;                       // sessions with frames to send
  std::set<Call*> calls;
  std::atomic<int64_t>* forwarded = nullptr;
  std::atomic<bool> stopping{false};
  nghttp2_session_callbacks* callbacks = nullptr;

  ~Loop() {
    for (auto& [fd, conn] : downs) {
      nghttp2_session_del(conn->session);
      close(fd);
    }
    if (up.session != nullptr) nghttp2_session_del(up.session);
    for (Call* call : calls) delete call;
    for (int fd : {up.fd, listener, wake, epoll}) {
      if (fd >= 0) close(fd);
    }
    if (callbacks != nullptr) nghttp2_session_callbacks_del(callbacks);
  }

  void Forget(Call* call) {
    calls.erase(call);
    delete call;
  }

  // ---- the two data sources --------------------------------------------------

  static ssize_t ReadRequest(nghttp2_session*, int32_t, uint8_t* buf, size_t length, uint32_t* flags,
                             nghttp2_data_source* source, void*) {
    auto* call = static_cast<Call*>(source->ptr);
    if (call->to_up.empty() && !call->down_ended) return NGHTTP2_ERR_DEFERRED;
    const std::size_t n = call->to_up.Take(buf, length);
    if (call->to_up.empty() && call->down_ended) *flags |= NGHTTP2_DATA_FLAG_EOF;
    return static_cast<ssize_t>(n);
  }

  static ssize_t ReadResponse(nghttp2_session* session, int32_t stream_id, uint8_t* buf, size_t length, uint32_t* flags,
                              nghttp2_data_source* source, void*) {
    auto* call = static_cast<Call*>(source->ptr);
    if (call->to_down.empty() && !call->up_ended) return NGHTTP2_ERR_DEFERRED;
    const std::size_t n = call->to_down.Take(buf, length);
    if (call->to_down.empty() && call->up_ended) {
      *flags |= NGHTTP2_DATA_FLAG_EOF;
      if (!call->trailers.empty()) {
        *flags |= NGHTTP2_DATA_FLAG_NO_END_STREAM;
        auto nv = Nv(call->trailers);
        nghttp2_submit_trailer(session, stream_id, nv.data(), nv.size());
      }
    }
    return static_cast<ssize_t>(n);
  }

  // ---- nghttp2's callbacks, for both sides ----------------------------------------

  static Call* CallOf(nghttp2_session* session, int32_t stream_id) {
    return static_cast<Call*>(nghttp2_session_get_stream_user_data(session, stream_id));
  }

  static int OnBeginHeaders(nghttp2_session* session, const nghttp2_frame* frame, void* user) {
    auto* conn = static_cast<Conn*>(user);
    if (conn->upstream || frame->hd.type != NGHTTP2_HEADERS || frame->headers.cat != NGHTTP2_HCAT_REQUEST) return 0;
    auto* call = new Call;
    call->down = conn;
    call->down_id = frame->hd.stream_id;
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
    Header h{std::string(reinterpret_cast<const char*>(name), namelen),
             std::string(reinterpret_cast<const char*>(value), valuelen)};
    if (!conn->upstream) {
      if (frame->headers.cat == NGHTTP2_HCAT_REQUEST) call->request.push_back(std::move(h));
    } else if (frame->headers.cat == NGHTTP2_HCAT_RESPONSE) {
      call->response.push_back(std::move(h));
    } else {
      call->trailers.push_back(std::move(h));
    }
    return 0;
  }

  static int OnFrameRecv(nghttp2_session* session, const nghttp2_frame* frame, void* user) {
    auto* conn = static_cast<Conn*>(user);
    Loop& loop = *conn->loop;
    if (frame->hd.type != NGHTTP2_HEADERS && frame->hd.type != NGHTTP2_DATA) return 0;
    Call* call = CallOf(session, frame->hd.stream_id);
    if (call == nullptr) return 0;
    const bool ended = (frame->hd.flags & NGHTTP2_FLAG_END_STREAM) != 0;
    if (!conn->upstream) {
      if (ended) call->down_ended = true;
      if (frame->hd.type == NGHTTP2_HEADERS && frame->headers.cat == NGHTTP2_HCAT_REQUEST) {
        loop.StartUpstream(call);
      } else if (ended && call->up_id > 0) {
        nghttp2_session_resume_data(loop.up.session, call->up_id);
        loop.dirty.insert(&loop.up);
      }
      return 0;
    }
    if (ended) call->up_ended = true;
    if (call->down_closed) return 0;
    nghttp2_session* down = call->down->session;
    if (frame->hd.type == NGHTTP2_HEADERS && frame->headers.cat == NGHTTP2_HCAT_RESPONSE) {
      auto nv = Nv(call->response);
      if (ended) {  // trailers only
        nghttp2_submit_response(down, call->down_id, nv.data(), nv.size(), nullptr);
      } else {
        nghttp2_data_provider provider;
        provider.source.ptr = call;
        provider.read_callback = ReadResponse;
        nghttp2_submit_response(down, call->down_id, nv.data(), nv.size(), &provider);
      }
    } else if (ended) {
      nghttp2_session_resume_data(down, call->down_id);
    }
    loop.dirty.insert(call->down);
    return 0;
  }

  static int OnDataChunk(nghttp2_session*, uint8_t, int32_t stream_id, const uint8_t* data, size_t len, void* user) {
    auto* conn = static_cast<Conn*>(user);
    Loop& loop = *conn->loop;
    Call* call = CallOf(conn->session, stream_id);
    if (call == nullptr) return 0;
    if (!conn->upstream) {
      call->to_up.Append(data, len);
      if (call->up_id > 0) {
        nghttp2_session_resume_data(loop.up.session, call->up_id);
        loop.dirty.insert(&loop.up);
      }
    } else if (!call->down_closed) {
      call->to_down.Append(data, len);
      nghttp2_session_resume_data(call->down->session, call->down_id);
      loop.dirty.insert(call->down);
    }
    return 0;
  }

  static int OnStreamClose(nghttp2_session* session, int32_t stream_id, uint32_t error_code, void* user) {
    auto* conn = static_cast<Conn*>(user);
    Loop& loop = *conn->loop;
    Call* call = CallOf(session, stream_id);
    if (call == nullptr) return 0;
    if (!conn->upstream) {
      call->down_closed = true;
      conn->calls.erase(call);
      if (call->up_id > 0 && !call->up_closed) {
        nghttp2_submit_rst_stream(loop.up.session, NGHTTP2_FLAG_NONE, call->up_id, NGHTTP2_CANCEL);
        loop.dirty.insert(&loop.up);
        return 0;
      }
      loop.Forget(call);
      return 0;
    }
    call->up_closed = true;
    if (error_code == NGHTTP2_NO_ERROR) loop.forwarded->fetch_add(1);
    if (call->down_closed) {
      loop.Forget(call);
      return 0;
    }
    if (error_code != NGHTTP2_NO_ERROR && !call->up_ended) {
      nghttp2_submit_rst_stream(call->down->session, NGHTTP2_FLAG_NONE, call->down_id, error_code);
      loop.dirty.insert(call->down);
    }
    return 0;
  }

  void StartUpstream(Call* call) {
    auto nv = Nv(call->request);
    nghttp2_data_provider provider;
    provider.source.ptr = call;
    provider.read_callback = ReadRequest;
    const int32_t id = nghttp2_submit_request(up.session, nullptr, nv.data(), nv.size(), &provider, call);
    if (id < 0) {
      nghttp2_submit_rst_stream(call->down->session, NGHTTP2_FLAG_NONE, call->down_id, NGHTTP2_REFUSED_STREAM);
      dirty.insert(call->down);
      return;
    }
    call->up_id = id;
    dirty.insert(&up);
  }

  // ---- sockets ------------------------------------------------------------------

  nghttp2_session* NewSession(Conn& conn) {
    nghttp2_session* session = nullptr;
    const int rv = conn.upstream ? nghttp2_session_client_new(&session, callbacks, &conn)
                                 : nghttp2_session_server_new(&session, callbacks, &conn);
    if (rv != 0) throw std::runtime_error("frame forwarder: nghttp2 session: " + std::string(nghttp2_strerror(rv)));
    const nghttp2_settings_entry settings[] = {{NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS, 4096},
                                               {NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE, 1 << 20},
                                               {NGHTTP2_SETTINGS_ENABLE_PUSH, 0}};
    nghttp2_submit_settings(session, NGHTTP2_FLAG_NONE, settings, conn.upstream ? 3 : 2);
    nghttp2_session_set_local_window_size(session, NGHTTP2_FLAG_NONE, 0, 1 << 24);
    return session;
  }

  void Watch(Conn& conn, bool out) {
    epoll_event event{};
    event.events = EPOLLIN | (out ? EPOLLOUT : 0u);
    event.data.ptr = &conn;
    epoll_ctl(epoll, EPOLL_CTL_MOD, conn.fd, &event);
    conn.polling_out = out;
  }

  // Sends what the session has to send; false when the connection is done.
  bool Flush(Conn& conn) {
    for (;;) {
      const uint8_t* data = nullptr;
      const ssize_t n = nghttp2_session_mem_send(conn.session, &data);
      if (n < 0) return false;
      if (n == 0) break;
      conn.out.append(reinterpret_cast<const char*>(data), static_cast<std::size_t>(n));
    }
    while (conn.out_at < conn.out.size()) {
      const ssize_t n = send(conn.fd, conn.out.data() + conn.out_at, conn.out.size() - conn.out_at, MSG_NOSIGNAL);
      if (n < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK) break;
        if (errno == EINTR) continue;
        return false;
      }
      conn.out_at += static_cast<std::size_t>(n);
    }
    if (conn.out_at == conn.out.size()) {
      conn.out.clear();
      conn.out_at = 0;
    }
    const bool waiting = conn.out_at < conn.out.size();
    if (waiting != conn.polling_out) Watch(conn, waiting);
    return nghttp2_session_want_read(conn.session) || nghttp2_session_want_write(conn.session) || waiting;
  }

  // Reads what the socket has; false when the connection is done.
  bool Read(Conn& conn) {
    uint8_t buffer[65536];
    for (;;) {
      const ssize_t n = recv(conn.fd, buffer, sizeof buffer, 0);
      if (n == 0) return false;
      if (n < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK) return true;
        if (errno == EINTR) continue;
        return false;
      }
      if (nghttp2_session_mem_recv(conn.session, buffer, static_cast<std::size_t>(n)) < 0) return false;
      dirty.insert(&conn);
      if (static_cast<std::size_t>(n) < sizeof buffer) return true;
    }
  }

  void CloseDown(Conn* conn) {
    dirty.erase(conn);
    for (Call* call : conn->calls) {
      call->down_closed = true;
      call->down = nullptr;
      if (call->up_id > 0 && !call->up_closed) {
        nghttp2_submit_rst_stream(up.session, NGHTTP2_FLAG_NONE, call->up_id, NGHTTP2_CANCEL);
        dirty.insert(&up);
      } else {
        Forget(call);
      }
    }
    conn->calls.clear();
    nghttp2_session_del(conn->session);
    epoll_ctl(epoll, EPOLL_CTL_DEL, conn->fd, nullptr);
    close(conn->fd);
    downs.erase(conn->fd);
  }

  void Accept() {
    for (;;) {
      const int fd = accept4(listener, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (fd < 0) return;
      NoDelay(fd);
      auto conn = std::make_unique<Conn>();
      conn->loop = this;
      conn->fd = fd;
      conn->session = NewSession(*conn);
      epoll_event event{};
      event.events = EPOLLIN;
      event.data.ptr = conn.get();
      epoll_ctl(epoll, EPOLL_CTL_ADD, fd, &event);
      dirty.insert(conn.get());
      downs[fd] = std::move(conn);
    }
  }

  void Run() {
    epoll_event events[64];
    while (!stopping.load()) {
      const int n = epoll_wait(epoll, events, 64, -1);
      for (int i = 0; i < n; ++i) {
        void* ptr = events[i].data.ptr;
        if (ptr == &listener) {
          Accept();
          continue;
        }
        if (ptr == &wake) continue;
        auto* conn = static_cast<Conn*>(ptr);
        if ((events[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR)) != 0 && !Read(*conn)) {
          if (conn->upstream) return;  // the upstream is gone: the bench says so when its calls fail
          CloseDown(conn);
          continue;
        }
        if ((events[i].events & EPOLLOUT) != 0) dirty.insert(conn);
      }
      // Sending one session's frames may give another some (a call's bytes),
      // so flush until no session has any left.
      while (!dirty.empty()) {
        Conn* conn = *dirty.begin();
        dirty.erase(dirty.begin());
        if (!Flush(*conn)) {
          if (conn->upstream) return;
          CloseDown(conn);
        }
      }
    }
  }
};

FrameForwarder::FrameForwarder(const std::string& upstream) : loop_(std::make_unique<Loop>()) {
  Loop& loop = *loop_;
  loop.forwarded = &forwarded_;
  nghttp2_session_callbacks_new(&loop.callbacks);
  nghttp2_session_callbacks_set_on_begin_headers_callback(loop.callbacks, Loop::OnBeginHeaders);
  nghttp2_session_callbacks_set_on_header_callback(loop.callbacks, Loop::OnHeader);
  nghttp2_session_callbacks_set_on_frame_recv_callback(loop.callbacks, Loop::OnFrameRecv);
  nghttp2_session_callbacks_set_on_data_chunk_recv_callback(loop.callbacks, Loop::OnDataChunk);
  nghttp2_session_callbacks_set_on_stream_close_callback(loop.callbacks, Loop::OnStreamClose);

  const auto colon = upstream.rfind(':');
  if (colon == std::string::npos) throw std::runtime_error("frame forwarder: no port in " + upstream);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(static_cast<uint16_t>(std::stoi(upstream.substr(colon + 1))));
  if (inet_pton(AF_INET, upstream.substr(0, colon).c_str(), &to.sin_addr) != 1) {
    throw std::runtime_error("frame forwarder: not an IPv4 address: " + upstream);
  }
  loop.up.loop = &loop;
  loop.up.upstream = true;
  loop.up.fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  Check(loop.up.fd >= 0, "socket");
  Check(connect(loop.up.fd, reinterpret_cast<sockaddr*>(&to), sizeof to) == 0, "connect to " + upstream);
  NoDelay(loop.up.fd);
  const int flags = fcntl(loop.up.fd, F_GETFL);
  fcntl(loop.up.fd, F_SETFL, flags | O_NONBLOCK);
  loop.up.session = loop.NewSession(loop.up);

  loop.listener = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  Check(loop.listener >= 0, "socket");
  sockaddr_in at{};
  at.sin_family = AF_INET;
  at.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  Check(bind(loop.listener, reinterpret_cast<sockaddr*>(&at), sizeof at) == 0, "bind");
  Check(listen(loop.listener, 128) == 0, "listen");
  socklen_t size = sizeof at;
  Check(getsockname(loop.listener, reinterpret_cast<sockaddr*>(&at), &size) == 0, "getsockname");
  port_ = ntohs(at.sin_port);

  loop.wake = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  loop.epoll = epoll_create1(EPOLL_CLOEXEC);
  Check(loop.wake >= 0 && loop.epoll >= 0, "epoll");
  epoll_event event{};
  event.events = EPOLLIN;
  event.data.ptr = &loop.listener;
  epoll_ctl(loop.epoll, EPOLL_CTL_ADD, loop.listener, &event);
  event.data.ptr = &loop.wake;
  epoll_ctl(loop.epoll, EPOLL_CTL_ADD, loop.wake, &event);
  event.data.ptr = &loop.up;
  epoll_ctl(loop.epoll, EPOLL_CTL_ADD, loop.up.fd, &event);
  loop.dirty.insert(&loop.up);
  thread_ = std::thread([&loop] { loop.Run(); });
}

FrameForwarder::~FrameForwarder() {
  loop_->stopping = true;
  const uint64_t one = 1;
  if (write(loop_->wake, &one, sizeof one) < 0) {
    // the loop polls the eventfd; a failed write leaves it to end on its next event
  }
  thread_.join();
}

}  // namespace gongkai::bench
