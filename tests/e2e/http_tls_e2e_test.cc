// The gateway's HTTP door over TLS (GONGKAI_TLS_CERT_FILE, GONGKAI_TLS_KEY_FILE,
// the gRPC port's certificate): a client that trusts the platform's CA is
// served, a plaintext request and a client that does not trust the CA are
// not, and a certificate replaced on disk is served to new connections after
// SIGHUP while a connection opened before keeps being served.
#include <gtest/gtest.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <signal.h>

#include <array>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/ssl/stream_base.hpp>
#include <boost/asio/ssl/verify_mode.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "tests/e2e/certificates.h"
#include "tests/e2e/platform.h"

namespace gongkai::testing {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;
using nlohmann::json;

constexpr char kVerify[] = "/gongkai.registry.v1.RegistryService/VerifyCertificate";
constexpr char kVerifyBody[] = R"({"certificateNumber":"NEVER-ISSUED"})";

// The SHA-256 of a certificate in hex; empty for none.
std::string Fingerprint(const X509* certificate) {
  if (certificate == nullptr) return {};
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (X509_digest(certificate, EVP_sha256(), digest, &length) != 1) return {};
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < length; ++i) {
    hex += kHex[digest[i] >> 4];
    hex += kHex[digest[i] & 0xf];
  }
  return hex;
}

// The fingerprint of the (first) certificate of a PEM file; empty when it
// does not read.
std::string FingerprintOfFile(const std::string& path) {
  BIO* bio = BIO_new_file(path.c_str(), "r");
  if (bio == nullptr) return {};
  X509* certificate = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  std::string fingerprint = Fingerprint(certificate);
  X509_free(certificate);
  return fingerprint;
}

tcp::endpoint Local(int port) { return {net::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)}; }

struct Answer {
  int status = 0;  // 0: no answer
  std::string body;
  bool keep_alive = false;
};

// An HTTPS connection to 127.0.0.1:port from a client that checks the
// certificate against `ca_file` (empty: the system's roots, which do not
// hold the platform's CA) and for the address 127.0.0.1. Each operation runs
// to its end, or for 10 s at most, before the next.
class TlsClient {
 public:
  // `max_version` (TLS1_1_VERSION, say): the newest TLS the client offers;
  // 0: any.
  TlsClient(int port, const std::string& ca_file, int max_version = 0)
      : context_(ClientContext(ca_file, max_version)), stream_(io_, context_) {
    stream_.set_verify_mode(ssl::verify_peer);
    stream_.set_verify_callback(ssl::host_name_verification("127.0.0.1"));
    beast::get_lowest_layer(stream_).connect(Local(port), handshake_error_);
    if (handshake_error_) return;
    Expire();
    stream_.async_handshake(ssl::stream_base::client, [this](beast::error_code ec) { handshake_error_ = ec; });
    Run();
  }

  // Why the connection or its handshake failed; none once connected.
  beast::error_code handshake_error() const { return handshake_error_; }

  // The fingerprint of the certificate the gateway presented.
  std::string PeerFingerprint() {
    X509* certificate = SSL_get1_peer_certificate(stream_.native_handle());
    std::string fingerprint = Fingerprint(certificate);
    X509_free(certificate);
    return fingerprint;
  }

  // VerifyCertificate of a number never issued, in JSON, on this connection
  // (kept alive).
  Answer Verify() {
    http::request<http::string_body> request(http::verb::post, kVerify, 11);
    request.set(http::field::host, "127.0.0.1");
    request.set(http::field::content_type, "application/json");
    request.keep_alive(true);
    request.body() = kVerifyBody;
    request.prepare_payload();
    beast::error_code ec;
    Expire();
    http::async_write(stream_, request, [&ec](beast::error_code e, std::size_t) { ec = e; });
    Run();
    if (ec) return {};
    http::response<http::string_body> response;
    Expire();
    http::async_read(stream_, buffer_, response, [&ec](beast::error_code e, std::size_t) { ec = e; });
    Run();
    if (ec) return {};
    return {static_cast<int>(response.result_int()), response.body(), response.keep_alive()};
  }

 private:
  static ssl::context ClientContext(const std::string& ca_file, int max_version) {
    ssl::context context(ssl::context::tls_client);
    if (ca_file.empty()) {
      context.set_default_verify_paths();
    } else {
      context.load_verify_file(ca_file);
    }
    if (max_version != 0) {
      // Security level 0: the client itself would not offer an old TLS otherwise.
      SSL_CTX_set_security_level(context.native_handle(), 0);
      SSL_CTX_set_min_proto_version(context.native_handle(), 0);
      SSL_CTX_set_max_proto_version(context.native_handle(), max_version);
    }
    return context;
  }

  void Expire() { beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(10)); }

  void Run() {
    io_.restart();
    io_.run();
  }

  net::io_context io_;
  ssl::context context_;
  beast::ssl_stream<beast::tcp_stream> stream_;
  beast::flat_buffer buffer_;
  beast::error_code handshake_error_;
};

// A plaintext HTTP request to 127.0.0.1:port: what comes back before the
// connection ends, and how it ended (a timeout after 10 s of silence).
struct PlaintextExchange {
  std::string received;
  beast::error_code end;
};
PlaintextExchange PlaintextRequest(int port) {
  PlaintextExchange exchange;
  net::io_context io;
  beast::tcp_stream stream(io);
  stream.connect(Local(port), exchange.end);
  if (exchange.end) return exchange;
  const std::string body = kVerifyBody;
  const std::string request = std::string("POST ") + kVerify +
                              " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: " +
                              std::to_string(body.size()) + "\r\n\r\n" + body;
  stream.expires_after(std::chrono::seconds(10));
  // A write cut short by the gateway closing is not the point: what is read is.
  net::async_write(stream, net::buffer(request), [](beast::error_code, std::size_t) {});
  io.run();
  std::array<char, 4096> chunk;
  while (!exchange.end) {
    std::size_t read = 0;
    stream.expires_after(std::chrono::seconds(10));
    stream.async_read_some(net::buffer(chunk), [&](beast::error_code ec, std::size_t n) {
      exchange.end = ec;
      read = n;
    });
    io.restart();
    io.run();
    exchange.received.append(chunk.data(), read);
  }
  return exchange;
}

class HttpTlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/gongkai-http-tls-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    MakeCertificate(dir_, "gateway", true);
    if (HasFatalFailure()) return;
    PlatformOptions options;
    options.pinned_date = kTestDate;
    options.env["gateway"] = {{"GONGKAI_TLS_CERT_FILE", dir_ + "/gateway.crt"},
                              {"GONGKAI_TLS_KEY_FILE", dir_ + "/gateway.key"}};
    platform_ = std::make_unique<Platform>(options);
  }

  void TearDown() override {
    platform_.reset();  // before its files go
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }

  int port() const { return platform_->gateway().ports.http; }
  std::string ca_file() const { return dir_ + "/ca.crt"; }

  std::string dir_;
  std::unique_ptr<Platform> platform_;
};

TEST_F(HttpTlsTest, ATrustingClientIsServedAndAPlaintextOrUntrustingOneIsNot) {
  TlsClient trusting(port(), ca_file());
  ASSERT_FALSE(trusting.handshake_error()) << trusting.handshake_error().message();
  EXPECT_EQ(trusting.PeerFingerprint(), FingerprintOfFile(dir_ + "/gateway.crt"));
  const Answer answer = trusting.Verify();
  ASSERT_EQ(answer.status, 200) << answer.body;
  EXPECT_EQ(json::parse(answer.body)["verdict"], "UNKNOWN") << answer.body;
  EXPECT_TRUE(answer.keep_alive);
  // The same connection serves the next request.
  EXPECT_EQ(trusting.Verify().status, 200);

  // A plaintext request fails the handshake: no answer, and the connection
  // closed (not left to time out).
  const PlaintextExchange plaintext = PlaintextRequest(port());
  EXPECT_EQ(plaintext.received.find("HTTP/"), std::string::npos) << plaintext.received;
  EXPECT_TRUE(plaintext.end) << "the connection ends";
  EXPECT_NE(plaintext.end, beast::error::timeout) << "the gateway closes the connection";

  TlsClient untrusting(port(), "");
  EXPECT_TRUE(untrusting.handshake_error()) << "a client that does not trust the platform's CA does not connect";

  TlsClient old_tls(port(), ca_file(), TLS1_1_VERSION);
  EXPECT_TRUE(old_tls.handshake_error()) << "TLS 1.1 is refused";

  // The door still serves after all that.
  TlsClient again(port(), ca_file());
  ASSERT_FALSE(again.handshake_error()) << again.handshake_error().message();
  EXPECT_EQ(again.Verify().status, 200);
}

TEST_F(HttpTlsTest, ANewCertificateIsServedToNewConnectionsAfterSighupAndOpenOnesKeepBeingServed) {
  TlsClient before(port(), ca_file());
  ASSERT_FALSE(before.handshake_error()) << before.handshake_error().message();
  const std::string old_fingerprint = FingerprintOfFile(dir_ + "/gateway.crt");
  ASSERT_FALSE(old_fingerprint.empty());
  EXPECT_EQ(before.PeerFingerprint(), old_fingerprint);
  const Answer first = before.Verify();
  ASSERT_EQ(first.status, 200) << first.body;
  ASSERT_TRUE(first.keep_alive);

  // A new pair renamed into place, then SIGHUP.
  MakeCertificate(dir_, "gateway-next", false);
  std::filesystem::rename(dir_ + "/gateway-next.key", dir_ + "/gateway.key");
  std::filesystem::rename(dir_ + "/gateway-next.crt", dir_ + "/gateway.crt");
  const std::string new_fingerprint = FingerprintOfFile(dir_ + "/gateway.crt");
  ASSERT_FALSE(new_fingerprint.empty());
  ASSERT_NE(new_fingerprint, old_fingerprint);
  ASSERT_EQ(kill(platform_->gateway().process->pid(), SIGHUP), 0);

  EXPECT_TRUE(Eventually(
      [&] {
        TlsClient after(port(), ca_file());
        return !after.handshake_error() && after.PeerFingerprint() == new_fingerprint;
      },
      10000))
      << "a new connection is served the new certificate";
  TlsClient after(port(), ca_file());
  ASSERT_FALSE(after.handshake_error()) << after.handshake_error().message();
  const Answer served = after.Verify();
  EXPECT_EQ(served.status, 200) << served.body;

  // The connection opened before the reload is still served, with the
  // certificate it began with.
  const Answer second = before.Verify();
  ASSERT_EQ(second.status, 200) << second.body;
  EXPECT_EQ(json::parse(second.body)["verdict"], "UNKNOWN") << second.body;
  EXPECT_EQ(before.PeerFingerprint(), old_fingerprint);
}

}  // namespace
}  // namespace gongkai::testing
