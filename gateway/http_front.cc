#include "gateway/http_front.h"

#include <algorithm>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <memory>
#include <optional>
#include <stdexcept>

#include "common/log.h"
#include "gateway/connect.h"
#include "gateway/limits.h"
#include "gateway/parse_check.h"

namespace gongkai::gateway {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

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

// One connection: a request at a time, read, answered, then the next.
class HttpFront::Session : public std::enable_shared_from_this<Session> {
 public:
  Session(HttpFront& front, tcp::socket socket) : front_(front), stream_(std::move(socket)) {
    beast::error_code ec;
    peer_ = stream_.socket().remote_endpoint(ec);
  }
  ~Session() { front_.connections_.fetch_sub(1); }

  void Run() {
    net::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->ReadHeader(); });
  }

 private:
  void ReadHeader() {
    parser_.emplace();
    parser_->header_limit(kHeaderLimit);
    body_limit_ = front_.options_.max_body_bytes;
    parser_->body_limit(body_limit_);
    stream_.expires_after(front_.options_.idle_timeout);
    http::async_read_header(stream_, buffer_, *parser_,
                            beast::bind_front_handler(&Session::OnHeader, shared_from_this()));
  }

  void OnHeader(beast::error_code ec, std::size_t) {
    if (ec) return Close();
    const auto& request = parser_->get();
    // A method's body is bounded by its message limit before it is read.
    std::string_view target(request.target().data(), request.target().size());
    auto method = LookUpMethod(std::string(target.substr(0, target.find('?'))));
    if (method) {
      std::size_t limit = RequestLimitFor(*method, front_.proxy_.options().request_limits);
      body_limit_ = std::min(front_.options_.max_body_bytes, std::max<std::size_t>(limit * kJsonGrowth, 4096));
      parser_->body_limit(body_limit_);
    }
    if (beast::iequals(request[http::field::expect], "100-continue")) {
      auto go_on = std::make_shared<http::response<http::empty_body>>(http::status::continue_, request.version());
      http::async_write(stream_, *go_on, [self = shared_from_this(), go_on](beast::error_code ec, std::size_t) {
        if (ec) return self->Close();
        self->ReadBody();
      });
      return;
    }
    ReadBody();
  }

  void ReadBody() {
    http::async_read(stream_, buffer_, *parser_, beast::bind_front_handler(&Session::OnRead, shared_from_this()));
  }

  void OnRead(beast::error_code ec, std::size_t) {
    if (ec == http::error::body_limit) {
      request_ = parser_->release();
      keep_alive_ = false;  // the rest of the body is not read
      return AnswerError({grpc::StatusCode::RESOURCE_EXHAUSTED,
                          "the request body is over its limit of " + std::to_string(body_limit_) + " bytes"});
    }
    if (ec) return Close();
    request_ = parser_->release();
    keep_alive_ = request_.keep_alive();
    origin_ = Header(request_, "origin");
    if (!origin_.empty() && !front_.AllowedOrigin(origin_)) origin_.clear();
    Handle();
  }

  void Handle() {
    std::string_view target(request_.target().data(), request_.target().size());
    const std::string path(target.substr(0, target.find('?')));
    const std::string_view query =
        target.find('?') == std::string_view::npos ? "" : target.substr(target.find('?') + 1);
    const auto verb = request_.method();
    if (verb == http::verb::options) return AnswerPreflight();
    if ((verb == http::verb::get || verb == http::verb::head) && !IsMethodPath(path)) return AnswerWeb(path);
    if (verb != http::verb::get && verb != http::verb::post) {
      auto response = Response(http::status::method_not_allowed, "text/plain; charset=utf-8", "GET, POST or OPTIONS\n");
      response.set(http::field::allow, "GET, POST, OPTIONS");
      return Write(std::move(response));
    }

    auto call = std::make_shared<Call>();
    call->get = verb == http::verb::get;
    std::string body;
    if (call->get) {
      GetQuery get;
      auto parsed = ParseGetQuery(query, &get);
      if (!parsed.ok()) return AnswerError(parsed);
      call->encoding = get.encoding;
      body = std::move(get.message);
    } else {
      auto encoding = EncodingOfContentType(Header(request_, "content-type"));
      if (!encoding) {
        auto response = Response(http::status::unsupported_media_type, "text/plain; charset=utf-8",
                                 "Content-Type must be application/json or application/proto\n");
        response.set("Accept-Post", "application/json, application/proto");
        return Write(std::move(response));
      }
      call->encoding = *encoding;
      const std::string content_encoding = Header(request_, "content-encoding");
      if (!content_encoding.empty() && content_encoding != "identity") {
        return AnswerError({grpc::StatusCode::UNIMPLEMENTED,
                            "content-encoding " + content_encoding + " is not supported: send the body uncompressed"});
      }
      body = std::move(request_.body());
    }
    const std::string version = Header(request_, "connect-protocol-version");
    if (!version.empty() && version != "1") {
      return AnswerError({grpc::StatusCode::INVALID_ARGUMENT, "connect-protocol-version must be 1"});
    }
    std::optional<std::chrono::milliseconds> timeout;
    auto timeout_ok = ParseTimeout(Header(request_, "connect-timeout-ms"), &timeout);
    if (!timeout_ok.ok()) return AnswerError(timeout_ok);

    CallHead head;
    head.method = path;
    head.authorization = Header(request_, "authorization");
    head.request_id = Header(request_, common::kRequestIdHeader);
    if (timeout) head.deadline = std::chrono::system_clock::now() + *timeout;
    head.client = [this](std::string* peer, std::string* forwarded_for) {
      *peer = PeerOf(peer_);
      forwarded_for->clear();
      for (const auto& field : request_) {
        if (!beast::iequals(field.name_string(), "x-forwarded-for")) continue;
        if (!forwarded_for->empty()) *forwarded_for += ",";
        forwarded_for->append(field.value().data(), field.value().size());
      }
    };
    call->admission = front_.proxy_.Admit(head);
    Admission& admission = call->admission;
    if (!admission.admitted()) return Finish(call, admission.refusal);
    const MethodInfo& method = *admission.method;
    if (method.grpc_type != "unary") {
      return Finish(call, {grpc::StatusCode::UNIMPLEMENTED, path + " streams: call it over gRPC"});
    }
    if (call->get && !method.no_side_effects) {
      return Finish(call, {grpc::StatusCode::UNIMPLEMENTED, path + " is not a read: call it with POST"});
    }
    std::string binary;
    auto decoded = DecodeMessage(*method.input, call->encoding, body, &binary);
    if (!decoded.ok()) return Finish(call, decoded);
    if (binary.size() > admission.request_limit) {
      return Finish(call, OversizedRequestStatus(path, binary.size(), admission.request_limit));
    }
    call->request = BufferOf(binary);
    front_.proxy_.PrepareUpstream(admission, &call->context);
    front_.CallStarted(&call->context);
    admission.upstream->stub().UnaryCall(
        &call->context, path, grpc::StubOptions(), &call->request, &call->response,
        [self = shared_from_this(), call](grpc::Status status) {
          if (status.error_code() == grpc::StatusCode::UNAVAILABLE) call->admission.upstream->ReconnectSoon();
          net::post(self->stream_.get_executor(),
                    [self, call, status = std::move(status)] { self->Answered(call, status); });
          self->front_.CallEnded(&call->context);
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
    return "http://" + Header(request_, "host");
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
    http::response<http::string_body> response(status, request_.version() == 10 ? 10 : 11);
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
    stream_.expires_after(front_.options_.idle_timeout);
    http::async_write(stream_, *response_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec || !self->keep_alive_) return self->Close();
      self->response_.reset();
      self->ReadHeader();
    });
  }

  void Close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
    stream_.close();
  }

  HttpFront& front_;
  beast::tcp_stream stream_;
  tcp::endpoint peer_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::size_t body_limit_ = 0;  // of the request being read
  http::request<http::string_body> request_;
  std::shared_ptr<http::response<http::string_body>> response_;
  std::string origin_;  // the request's Origin when it is allowed, otherwise empty
  bool keep_alive_ = true;
};

HttpFront::HttpFront(Proxy& proxy, HttpOptions options)
    : proxy_(proxy),
      options_(std::move(options)),
      web_(options_.web_dir.empty() ? WebFiles() : WebFiles::Load(options_.web_dir)),
      acceptor_(io_) {
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
    if (ec == net::error::operation_aborted) return;  // stopping
    if (!ec) {
      if (connections_.fetch_add(1) >= options_.max_connections) {
        connections_.fetch_sub(1);
        common::Log(common::LogLevel::kWarning, "http_connection_refused", {{"limit", options_.max_connections}});
        beast::error_code ignored;
        socket.close(ignored);
      } else {
        std::make_shared<Session>(*this, std::move(socket))->Run();
      }
    }
    Accept();
  });
}

bool HttpFront::AllowedOrigin(const std::string& origin) const {
  return std::find(options_.cors_origins.begin(), options_.cors_origins.end(), origin) != options_.cors_origins.end();
}

void HttpFront::CallStarted(grpc::ClientContext* context) {
  std::lock_guard lock(calls_mutex_);
  calls_.insert(context);
}

void HttpFront::CallEnded(grpc::ClientContext* context) {
  std::lock_guard lock(calls_mutex_);
  calls_.erase(context);
  if (calls_.empty()) calls_done_.notify_all();
}

void HttpFront::Stop(std::chrono::milliseconds grace) {
  if (stopped_) return;
  stopped_ = true;
  net::post(io_, [this] {
    beast::error_code ec;
    acceptor_.close(ec);
  });
  {
    std::unique_lock lock(calls_mutex_);
    if (!calls_done_.wait_for(lock, grace, [this] { return calls_.empty(); })) {
      for (auto* context : calls_) context->TryCancel();
      calls_done_.wait(lock, [this] { return calls_.empty(); });
    }
  }
  io_.stop();
  for (auto& t : threads_) t.join();
  threads_.clear();
}

}  // namespace gongkai::gateway
