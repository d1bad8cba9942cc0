#include "gateway/http_front.h"

#include <openssl/ssl.h>

#include <algorithm>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream_base.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <limits>
#include <memory>
#include <optional>
#include <stdexcept>
#include <variant>

#include "common/log.h"
#include "gateway/connect.h"
#include "gateway/limits.h"
#include "gateway/parse_check.h"

namespace gongkai::gateway {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

constexpr std::size_t kHeaderLimit = 16 * 1024;
// What a JSON message may take beside its binary form: names, quotes,
// base64 and numbers as text.
constexpr std::size_t kJsonGrowth = 4;

tcp::endpoint ParseListen(const std::string& listen) {
  auto colon = listen.rfind(':');
  if (colon == std::string::npos) throw std::runtime_error("GONGKAI_HTTP_LISTEN: " + listen + " is not host:port");
  std::string host = listen.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  beast::error_code ec;
  auto address = net::ip::make_address(host, ec);
  int port = -1;
  try {
    port = std::stoi(listen.substr(colon + 1));
  } catch (const std::exception&) {
  }
  if (ec || port < 0 || port > 65535) {
    throw std::runtime_error("GONGKAI_HTTP_LISTEN: " + listen + " is not an address and port");
  }
  return {address, static_cast<unsigned short>(port)};
}

// A server context for TLS 1.2 and 1.3 with the certificate chain and the
// key of `files` (no client certificate asked for); throws
// std::runtime_error naming a file that does not load.
std::shared_ptr<ssl::context> LoadContext(common::TlsFiles files) {
  files.client_ca.clear();
  const auto native = common::ServerTlsContext(files, common::ClientCertificates::kOptional, common::Alpn::kNone);
  SSL_CTX_up_ref(native.get());  // Asio's context holds a reference of its own
  return std::make_shared<ssl::context>(native.get());
}

// The peer in gRPC's form, which the rate limiter reads (rate_limiter.h).
std::string PeerOf(const tcp::endpoint& endpoint) {
  const auto address = endpoint.address();
  if (address.is_v4()) return "ipv4:" + address.to_string() + ":" + std::to_string(endpoint.port());
  return "ipv6:[" + address.to_string() + "]:" + std::to_string(endpoint.port());
}

// Whether `name` is a proto identifier, or dotted identifiers when `dotted`.
bool IsProtoName(std::string_view name, bool dotted) {
  bool start = true;
  bool dot = false;
  for (char c : name) {
    if (c == '.' && dotted && !start) {
      start = dot = true;
    } else if (std::isalpha(static_cast<unsigned char>(c)) || c == '_' ||
               (!start && std::isdigit(static_cast<unsigned char>(c)))) {
      start = false;
    } else {
      return false;
    }
  }
  return !start && (dot || !dotted);
}

// "/gongkai.registry.v1.RegistryService/VerifyCertificate": a service's
// full name (with dots), then a method; anything else is a web path.
bool IsMethodPath(std::string_view path) {
  if (path.size() < 2 || path[0] != '/') return false;
  auto slash = path.find('/', 1);
  if (slash == std::string_view::npos) return false;
  return IsProtoName(path.substr(1, slash - 1), true) && IsProtoName(path.substr(slash + 1), false);
}

std::string Header(const http::request<http::string_body>& request, std::string_view name) {
  auto it = request.find(beast::string_view(name.data(), name.size()));
  if (it == request.end()) return {};
  return std::string(it->value());
}

}  // namespace

// One upstream call: what must live until its completion.
struct HttpFront::Call {
  Admission admission;
  Encoding encoding = Encoding::kJson;
  bool get = false;
  grpc::ClientContext context;
  grpc::ByteBuffer request;
  grpc::ByteBuffer response;
};

// One connection: a request at a time, read, answered, then the next; over
// TLS (after its handshake) when the front has a TLS context.
//
// A POST to a method is admitted (Proxy::Admit: token, access, rate limit)
// on its head alone, and its body is read only once admitted and only up to
// its method's limit; a refused one is answered at once and the connection
// closed, its body unread. Any other request may carry no body.
class HttpFront::Session : public std::enable_shared_from_this<Session> {
 public:
  // `context` null: plaintext.
  Session(HttpFront& front, tcp::socket socket, std::shared_ptr<ssl::context> context)
      : front_(front), context_(std::move(context)), stream_(StreamOf(std::move(socket), context_.get())) {
    beast::error_code ec;
    peer_ = Tcp().socket().remote_endpoint(ec);
  }
  ~Session() {
    EndRequest();
    front_.connections_.fetch_sub(1);
  }

  void Run() {
    net::dispatch(Tcp().get_executor(), [self = shared_from_this()] { self->Handshake(); });
  }

 private:
  using Stream = std::variant<beast::tcp_stream, TlsStream>;

  static Stream StreamOf(tcp::socket socket, ssl::context* context) {
    if (context == nullptr) return Stream(std::in_place_index<0>, std::move(socket));
    return Stream(std::in_place_index<1>, std::move(socket), *context);
  }

  // The TCP stream, under TLS or not: its socket, its expiry.
  beast::tcp_stream& Tcp() {
    return std::visit([](auto& stream) -> beast::tcp_stream& { return beast::get_lowest_layer(stream); }, stream_);
  }

  // Calls `io` with the stream requests are read from and answers written
  // to: the TCP stream, or the TLS stream over it.
  template <typename Io>
  void OnStream(Io&& io) {
    std::visit(std::forward<Io>(io), stream_);
  }

  // Over TLS, the handshake first, within the idle timeout; a client that
  // does not speak TLS (a plaintext request) fails it and is not answered.
  void Handshake() {
    auto* tls = std::get_if<TlsStream>(&stream_);
    if (tls == nullptr) return ReadHeader();
    Tcp().expires_after(front_.options_.idle_timeout);
    tls->async_handshake(ssl::stream_base::server, [self = shared_from_this()](beast::error_code ec) {
      if (ec) return self->Close();
      self->ReadHeader();
    });
  }

  void ReadHeader() {
    parser_.emplace();
    parser_->header_limit(kHeaderLimit);
    // The body's limit is the request's own, set once its head is read
    // (OnHeader); until then the largest, so that an announced length is
    // answered rather than dropped. (Not boost::none: Beast 1.74 compares a
    // length with it as the smallest value.)
    parser_->body_limit(std::numeric_limits<std::uint64_t>::max());
    Tcp().expires_after(front_.options_.idle_timeout);
    OnStream([this](auto& stream) {
      http::async_read_header(stream, buffer_, *parser_,
                              beast::bind_front_handler(&Session::OnHeader, shared_from_this()));
    });
  }

  void OnHeader(beast::error_code ec, std::size_t) {
    if (ec) return Close();
    counted_ = true;
    front_.RequestStarted();
    call_.reset();
    const auto& request = parser_->get();
    version_ = request.version() == 10 ? 10 : 11;
    keep_alive_ = request.keep_alive();
    origin_ = Header(request, "origin");
    if (!origin_.empty() && !front_.AllowedOrigin(origin_)) origin_.clear();
    std::string_view target(request.target().data(), request.target().size());
    path_ = std::string(target.substr(0, target.find('?')));
    body_limit_ = 0;
    if (front_.stopping_.load()) {
      keep_alive_ = false;
      return AnswerError({grpc::StatusCode::UNAVAILABLE, "the gateway is stopping; try again"});
    }
    if (request.method() == http::verb::post && IsMethodPath(path_)) {
      if (!BeginPost(request)) return;  // answered
    }
    // An announced length over the limit is refused before any of it is read.
    if (parser_->content_length() && *parser_->content_length() > body_limit_) {
      keep_alive_ = false;
      if (call_) return Finish(call_, BodyOverLimit());
      return AnswerError({grpc::StatusCode::INVALID_ARGUMENT, "this request takes no body"});
    }
    parser_->body_limit(body_limit_);
    if (body_limit_ > 0 && beast::iequals(request[http::field::expect], "100-continue")) {
      auto go_on = std::make_shared<http::response<http::empty_body>>(http::status::continue_, request.version());
      OnStream([this, &go_on](auto& stream) {
        http::async_write(stream, *go_on, [self = shared_from_this(), go_on](beast::error_code ec, std::size_t) {
          if (ec) return self->Close();
          self->ReadBody();
        });
      });
      return;
    }
    ReadBody();
  }

  void ReadBody() {
    OnStream([this](auto& stream) {
      http::async_read(stream, buffer_, *parser_, beast::bind_front_handler(&Session::OnRead, shared_from_this()));
    });
  }

  void OnRead(beast::error_code ec, std::size_t) {
    if (ec == http::error::body_limit) {
      keep_alive_ = false;  // the rest of the body is not read
      request_ = parser_->release();
      if (call_) return Finish(call_, BodyOverLimit());
      return AnswerError({grpc::StatusCode::INVALID_ARGUMENT, "this request takes no body"});
    }
    if (ec) return Close();
    request_ = parser_->release();
    if (call_) return Forward(call_, std::move(request_.body()));
    Handle();
  }

  grpc::Status BodyOverLimit() const {
    return {grpc::StatusCode::RESOURCE_EXHAUSTED,
            "the request body is over its limit of " + std::to_string(body_limit_) + " bytes"};
  }

  // The head of a POST to a method: its encoding, its protocol headers, then
  // its admission. Sets call_ and body_limit_; false when it was answered.
  bool BeginPost(const http::request<http::string_body>& request) {
    auto encoding = EncodingOfContentType(Header(request, "content-type"));
    keep_alive_ = false;  // until admitted: a refusal leaves the body unread
    if (!encoding) {
      auto response = Response(http::status::unsupported_media_type, "text/plain; charset=utf-8",
                               "Content-Type must be application/json or application/proto\n");
      response.set("Accept-Post", "application/json, application/proto");
      Write(std::move(response));
      return false;
    }
    const std::string content_encoding = Header(request, "content-encoding");
    if (!content_encoding.empty() && content_encoding != "identity") {
      AnswerError({grpc::StatusCode::UNIMPLEMENTED,
                   "content-encoding " + content_encoding + " is not supported: send the body uncompressed"});
      return false;
    }
    auto call = Admitted(request, /*get=*/false);
    if (!call) return false;
    call->encoding = *encoding;
    keep_alive_ = request.keep_alive();
    call_ = call;
    body_limit_ = std::min(front_.options_.max_body_bytes,
                           std::max<std::size_t>(call->admission.request_limit * kJsonGrowth, 4096));
    return true;
  }

  // Whatever the verb: what the head says of the call, then Proxy::Admit.
  // nullptr when the call was answered (refused).
  template <typename Body>
  std::shared_ptr<Call> Admitted(const http::request<Body>& request, bool get) {
    auto method = LookUpMethod(path_);
    if (method && method->grpc_type != "unary") {
      AnswerError({grpc::StatusCode::UNIMPLEMENTED, path_ + " streams: call it over gRPC"});
      return nullptr;
    }
    if (method && get && !method->no_side_effects) {
      auto response = Response(http::status::method_not_allowed, "application/json",
                               ConnectErrorBody({grpc::StatusCode::UNIMPLEMENTED, path_ + " is not a read: POST it"}));
      response.set(http::field::allow, "POST");
      Write(std::move(response));
      return nullptr;
    }
    const std::string version = Header(request, "connect-protocol-version");
    if (!version.empty() && version != "1") {
      AnswerError({grpc::StatusCode::INVALID_ARGUMENT, "connect-protocol-version must be 1"});
      return nullptr;
    }
    std::optional<std::chrono::milliseconds> timeout;
    auto timeout_ok = ParseTimeout(Header(request, "connect-timeout-ms"), &timeout);
    if (!timeout_ok.ok()) {
      AnswerError(timeout_ok);
      return nullptr;
    }
    CallHead head;
    head.method = path_;
    head.authorization = Header(request, "authorization");
    head.request_id = Header(request, common::kRequestIdHeader);
    if (timeout) head.deadline = std::chrono::system_clock::now() + *timeout;
    head.client = [this, &request](std::string* peer, std::string* forwarded_for) {
      *peer = PeerOf(peer_);
      forwarded_for->clear();
      for (const auto& field : request) {
        if (!beast::iequals(field.name_string(), "x-forwarded-for")) continue;
        if (!forwarded_for->empty()) *forwarded_for += ",";
        forwarded_for->append(field.value().data(), field.value().size());
      }
    };
    auto call = std::make_shared<Call>();
    call->get = get;
    call->admission = front_.proxy_.Admit(head);
    if (!call->admission.admitted()) {
      Finish(call, call->admission.refusal);
      return nullptr;
    }
    return call;
  }

  // Requests other than a POST to a method, whose body (none) is read.
  void Handle() {
    std::string_view target(request_.target().data(), request_.target().size());
    const std::string_view query =
        target.find('?') == std::string_view::npos ? "" : target.substr(target.find('?') + 1);
    const auto verb = request_.method();
    if (verb == http::verb::options) return AnswerPreflight();
    if ((verb == http::verb::get || verb == http::verb::head) && !IsMethodPath(path_)) return AnswerWeb(path_);
    if (verb != http::verb::get) {
      auto response = Response(http::status::method_not_allowed, "text/plain; charset=utf-8",
                               IsMethodPath(path_) ? "GET or POST\n" : "GET or HEAD\n");
      response.set(http::field::allow, IsMethodPath(path_) ? "GET, POST, OPTIONS" : "GET, HEAD");
      return Write(std::move(response));
    }
    GetQuery get;
    auto parsed = ParseGetQuery(query, &get);
    if (!parsed.ok()) return AnswerError(parsed);
    auto call = Admitted(request_, /*get=*/true);
    if (!call) return;
    call->encoding = get.encoding;
    Forward(call, std::move(get.message));
  }

  // An admitted call's message: decoded, checked, sent upstream.
  void Forward(const std::shared_ptr<Call>& call, std::string body) {
    Admission& admission = call->admission;
    const MethodInfo& method = *admission.method;
    std::string binary;
    if (call->encoding == Encoding::kProto) {
      // Checked as the gRPC door checks it (parse_check.h): protobuf's
      // diagnostics become the answer, not a log line per request.
      grpc::ByteBuffer buffer = BufferOf(body);
      std::string why;
      if (body.size() <= admission.request_limit && !ParsesAs(*method.input, buffer, &why)) {
        return Finish(call, UnparsableRequestStatus(*method.input, why));
      }
      binary = std::move(body);
    } else {
      auto decoded = DecodeMessage(*method.input, call->encoding, body, &binary);
      if (!decoded.ok()) return Finish(call, decoded);
    }
    if (binary.size() > admission.request_limit) {
      return Finish(call, OversizedRequestStatus(path_, binary.size(), admission.request_limit));
    }
    call->request = BufferOf(binary);
    front_.proxy_.PrepareUpstream(admission, &call->context);
    const uint64_t id = front_.CallStarted(call);
    if (id == 0) return Finish(call, {grpc::StatusCode::UNAVAILABLE, "the gateway is stopping; try again"});
    front_.proxy_.CallUpstream(*admission.upstream, &call->context, path_, call->request, &call->response,
                               [front = &front_, self = shared_from_this(), call, id](grpc::Status status) mutable {
                                 auto executor = self->Tcp().get_executor();
                                 net::post(executor, [self = std::move(self), call = std::move(call),
                                                      status = std::move(status)] { self->Answered(call, status); });
                                 // Last: once every call has ended, Stop may take the executor away.
                                 front->CallEnded(id);
                               });
  }

  void Answered(const std::shared_ptr<Call>& call, grpc::Status status) {
    std::string body;
    if (status.ok()) {
      if (!EncodeMessage(*call->admission.method->output, call->encoding, BytesOf(call->response), &body)) {
        status = {grpc::StatusCode::INTERNAL, "the answer could not be encoded"};
      }
    }
    front_.proxy_.Metered(call->admission, status);
    if (!status.ok()) return AnswerError(status, call->admission.request_id);
    auto response = Response(http::status::ok, ContentTypeOf(call->encoding), std::move(body));
    response.set(common::kRequestIdHeader, call->admission.request_id);
    // A public read asked without a credential is the same for everyone.
    const bool shared = call->get && call->admission.caller.role == common::v1::ROLE_PUBLIC;
    response.set(http::field::cache_control, shared ? "public, max-age=60" : "private, no-store");
    if (call->get) response.set(http::field::vary, origin_.empty() ? "Authorization" : "Origin, Authorization");
    Write(std::move(response));
  }

  // A call admitted (and metered) that ends here, without going upstream.
  void Finish(const std::shared_ptr<Call>& call, const grpc::Status& status) {
    front_.proxy_.Metered(call->admission, status);
    AnswerError(status, call->admission.request_id);
  }

  void AnswerError(const grpc::Status& status, const std::string& request_id = {}) {
    auto response = Response(static_cast<http::status>(HttpStatusOf(status.error_code())), "application/json",
                             ConnectErrorBody(status));
    response.set(http::field::cache_control, "no-store");
    if (!request_id.empty()) response.set(common::kRequestIdHeader, request_id);
    Write(std::move(response));
  }

  void AnswerWeb(const std::string& path) {
    const bool head = request_.method() == http::verb::head;
    http::response<http::string_body> response;
    if (path.starts_with("/qr/") && path.ends_with(".svg")) {
      const std::string code = path.substr(4, path.size() - 8);
      const bool valid = !code.empty() && code.size() <= 64 && std::all_of(code.begin(), code.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '-';
      });
      std::optional<std::string> svg;
      if (valid) svg = QrSvg(PublicUrl() + "/verify.html?officer_code=" + code);
      if (!svg) return AnswerNotFound();
      response = Response(http::status::ok, "image/svg+xml", std::move(*svg));
      response.set(http::field::cache_control, options_public_url() ? "public, max-age=86400" : "no-store");
    } else {
      const WebFiles::File* file = front_.web_.Find(path);
      if (file == nullptr) return AnswerNotFound();
      if (Header(request_, "if-none-match") == file->etag) {
        response = Response(http::status::not_modified, "", "");
      } else {
        response = Response(http::status::ok, file->content_type, file->body);
      }
      response.set(http::field::etag, file->etag);
      response.set(http::field::cache_control, "no-cache");
    }
    response.set("X-Content-Type-Options", "nosniff");
    response.set("Content-Security-Policy",
                 "default-src 'self'; img-src 'self' data:; style-src 'self'; frame-ancestors 'none'");
    if (head) {
      response.content_length(response.body().size());
      response.body().clear();
      response.keep_alive(keep_alive_);
      response_ = std::make_shared<http::response<http::string_body>>(std::move(response));
      return WriteReady();
    }
    Write(std::move(response));
  }

  void AnswerNotFound() {
    Write(Response(http::status::not_found, "text/plain; charset=utf-8", "未找到 (not found)\n"));
  }

  bool options_public_url() const { return !front_.options_.public_url.empty(); }

  std::string PublicUrl() const {
    if (options_public_url()) return front_.options_.public_url;
    return (front_.options_.tls ? "https://" : "http://") + Header(request_, "host");
  }

  void AnswerPreflight() {
    auto response = Response(http::status::no_content, "", "");
    if (!origin_.empty()) {
      response.set(http::field::access_control_allow_methods, "GET, POST");
      response.set(http::field::access_control_allow_headers,
                   "authorization, content-type, connect-protocol-version, connect-timeout-ms, x-request-id, "
                   "x-user-agent");
      response.set(http::field::access_control_max_age, "7200");
    }
    Write(std::move(response));
  }

  http::response<http::string_body> Response(http::status status, const std::string& content_type, std::string body) {
    http::response<http::string_body> response(status, version_);
    if (!content_type.empty()) response.set(http::field::content_type, content_type);
    if (!origin_.empty()) {
      response.set(http::field::access_control_allow_origin, origin_);
      response.set(http::field::access_control_expose_headers, common::kRequestIdHeader);
      response.set(http::field::vary, "Origin");
    }
    response.body() = std::move(body);
    return response;
  }

  void Write(http::response<http::string_body> response) {
    response.keep_alive(keep_alive_);
    response.prepare_payload();
    response_ = std::make_shared<http::response<http::string_body>>(std::move(response));
    WriteReady();
  }

  // Writes response_, whose headers are complete.
  void WriteReady() {
    Tcp().expires_after(front_.options_.idle_timeout);
    OnStream([this](auto& stream) {
      http::async_write(stream, *response_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
        self->EndRequest();
        if (ec) return self->Close();
        if (!self->keep_alive_ || self->front_.stopping_.load()) return self->LingeringClose();
        self->response_.reset();
        self->ReadHeader();
      });
    });
  }

  void Close() {
    EndRequest();
    beast::error_code ec;
    Tcp().socket().shutdown(tcp::socket::shutdown_both, ec);
    Tcp().close();
  }

  // After an answer that closes the connection: no more is sent, and what
  // the client still sends (the body of a request refused on its head) is
  // read and dropped for a moment, so that closing with unread bytes does
  // not reset the connection before the client has read the answer. Over
  // TLS, the close is said in TLS first (close_notify, and the client's
  // answer to it when it sends one), within the same moment.
  void LingeringClose() {
    Tcp().expires_after(std::chrono::seconds(2));
    auto* tls = std::get_if<TlsStream>(&stream_);
    if (tls == nullptr) return Linger();
    // Whatever its outcome (the client closes without answering, or sends
    // more of its request), the TCP connection is then closed as plaintext's.
    tls->async_shutdown([self = shared_from_this()](beast::error_code) { self->Linger(); });
  }

  void Linger() {
    beast::error_code ec;
    Tcp().socket().shutdown(tcp::socket::shutdown_send, ec);
    if (ec) return Close();  // closed already (the moment passed), say
    Drain();
  }

  // Reads and drops what arrives, below TLS, until the client closes too or
  // the moment passes.
  void Drain() {
    drain_.resize(16 * 1024);
    Tcp().async_read_some(net::buffer(drain_), [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) return self->Close();  // the client closed too, or the moment passed
      self->Drain();
    });
  }

  // The request read is answered (or abandoned): Stop waits for none to be left.
  void EndRequest() {
    if (!counted_) return;
    counted_ = false;
    front_.RequestEnded();
  }

  HttpFront& front_;
  // The TLS context stream_ was made with (null for plaintext): before it,
  // so that it outlives it.
  std::shared_ptr<ssl::context> context_;
  Stream stream_;
  tcp::endpoint peer_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::size_t body_limit_ = 0;  // of the request being read
  std::string path_;            // of the request being read, without its query
  std::shared_ptr<Call> call_;  // a POST to a method, admitted, whose body is being read
  bool counted_ = false;        // the request is among the front's requests in flight
  unsigned version_ = 11;       // the request's HTTP version
  std::vector<char> drain_;     // what LingeringClose reads and drops
  http::request<http::string_body> request_;
  std::shared_ptr<http::response<http::string_body>> response_;
  std::string origin_;  // the request's Origin when it is allowed, otherwise empty
  bool keep_alive_ = true;
};

HttpFront::HttpFront(Proxy& proxy, HttpOptions options)
    : proxy_(proxy),
      options_(std::move(options)),
      web_(options_.web_dir.empty() ? WebFiles() : WebFiles::Load(options_.web_dir)),
      acceptor_(net::make_strand(io_)),
      retry_(acceptor_.get_executor()) {
  if (options_.tls) context_ = LoadContext(*options_.tls);
  const tcp::endpoint endpoint = ParseListen(options_.listen);
  beast::error_code ec;
  acceptor_.open(endpoint.protocol(), ec);
  if (!ec) acceptor_.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_.bind(endpoint, ec);
  if (!ec) acceptor_.listen(net::socket_base::max_listen_connections, ec);
  if (ec) throw std::runtime_error("GONGKAI_HTTP_LISTEN: cannot listen on " + options_.listen + ": " + ec.message());
  port_ = acceptor_.local_endpoint().port();
}

HttpFront::~HttpFront() { Stop(std::chrono::milliseconds(0)); }

void HttpFront::Start() {
  Accept();
  for (int i = 0; i < std::max(1, options_.threads); ++i) threads_.emplace_back([this] { io_.run(); });
}

void HttpFront::Accept() {
  acceptor_.async_accept(net::make_strand(io_), [this](beast::error_code ec, tcp::socket socket) {
    if (ec == net::error::operation_aborted || stopping_.load()) return;
    if (ec) {
      // Out of descriptors, say: try again shortly rather than spin.
      common::Log(common::LogLevel::kWarning, "http_accept_failed", {{"reason", ec.message()}});
      retry_.expires_after(std::chrono::milliseconds(100));
      retry_.async_wait([this](beast::error_code waited) {
        if (!waited) Accept();
      });
      return;
    }
    if (connections_.fetch_add(1) >= options_.max_connections) {
      connections_.fetch_sub(1);
      common::Log(common::LogLevel::kWarning, "http_connection_refused", {{"limit", options_.max_connections}});
      beast::error_code ignored;
      socket.close(ignored);
    } else {
      std::make_shared<Session>(*this, std::move(socket), Context())->Run();
    }
    Accept();
  });
}

std::shared_ptr<ssl::context> HttpFront::Context() {
  std::lock_guard lock(context_mutex_);
  return context_;
}

void HttpFront::ReloadCertificate() {
  if (!options_.tls) return;
  auto context = LoadContext(*options_.tls);  // throws, keeping the context served
  std::lock_guard lock(context_mutex_);
  context_.swap(context);  // the old one goes once the lock is released and its connections closed
}

bool HttpFront::AllowedOrigin(const std::string& origin) const {
  return std::find(options_.cors_origins.begin(), options_.cors_origins.end(), origin) != options_.cors_origins.end();
}

void HttpFront::RequestStarted() {
  std::lock_guard lock(mutex_);
  ++requests_;
}

void HttpFront::RequestEnded() {
  std::lock_guard lock(mutex_);
  if (--requests_ == 0) changed_.notify_all();
}

uint64_t HttpFront::CallStarted(std::shared_ptr<Call> call) {
  std::lock_guard lock(mutex_);
  if (stopping_.load()) return 0;
  calls_.emplace(++last_call_, std::move(call));
  return last_call_;
}

void HttpFront::CallEnded(uint64_t id) {
  std::lock_guard lock(mutex_);
  calls_.erase(id);
  if (calls_.empty()) changed_.notify_all();
}

void HttpFront::Stop(std::chrono::milliseconds grace) {
  if (stopped_) return;
  stopped_ = true;
  {
    std::lock_guard lock(mutex_);
    stopping_.store(true);
  }
  net::post(acceptor_.get_executor(), [this] {
    beast::error_code ec;
    acceptor_.close(ec);
    retry_.cancel();
  });
  std::unique_lock lock(mutex_);
  // The requests read are answered within the grace; the calls still
  // upstream after it are cancelled, and answered as such.
  if (!changed_.wait_for(lock, grace, [this] { return requests_ == 0; })) {
    for (auto& [id, call] : calls_) call->context.TryCancel();
    changed_.wait_for(lock, std::chrono::seconds(2), [this] { return requests_ == 0; });
  }
  // No upstream callback may be left to post to the executor taken away below.
  changed_.wait(lock, [this] { return calls_.empty(); });
  lock.unlock();
  io_.stop();
  for (auto& t : threads_) t.join();
  threads_.clear();
}

}  // namespace gongkai::gateway
