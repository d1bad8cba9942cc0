#include "common/tls.h"

#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <prometheus/metric_family.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <future>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace gongkai::common {
namespace {

// 2029-06-01T00:00:00Z, 2030-01-01T00:00:00Z and 2031-03-15T12:00:00Z.
constexpr std::int64_t k2029 = 1874966400;
constexpr std::int64_t k2030 = 1893456000;
constexpr std::int64_t k2031 = 1931342400;

// A self-signed certificate valid until `not_after` (seconds since the Unix
// epoch), in PEM; its private key in `key_pem` when given; with `alt_name`
// ("IP:127.0.0.1") as its subjectAltName.
std::string CertificatePem(std::int64_t not_after, std::string* key_pem = nullptr, const char* alt_name = nullptr) {
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"),
                                                          EVP_PKEY_free);
  std::unique_ptr<X509, decltype(&X509_free)> certificate(X509_new(), X509_free);
  EXPECT_TRUE(key && certificate);
  X509_set_version(certificate.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(certificate.get()), 1);
  X509_gmtime_adj(X509_getm_notBefore(certificate.get()), 0);
  ASN1_TIME_set(X509_getm_notAfter(certificate.get()), static_cast<time_t>(not_after));
  X509_NAME* name = X509_get_subject_name(certificate.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("gongkai test"), -1, -1,
                             0);
  X509_set_issuer_name(certificate.get(), name);
  X509_set_pubkey(certificate.get(), key.get());
  if (alt_name != nullptr) {
    X509_EXTENSION* extension = X509V3_EXT_conf_nid(nullptr, nullptr, NID_subject_alt_name, alt_name);
    EXPECT_NE(extension, nullptr);
    X509_add_ext(certificate.get(), extension, -1);
    X509_EXTENSION_free(extension);
  }
  EXPECT_GT(X509_sign(certificate.get(), key.get(), nullptr), 0);
  std::unique_ptr<BIO, decltype(&BIO_free)> out(BIO_new(BIO_s_mem()), BIO_free);
  EXPECT_EQ(PEM_write_bio_X509(out.get(), certificate.get()), 1);
  char* data = nullptr;
  const long length = BIO_get_mem_data(out.get(), &data);
  if (key_pem != nullptr) {
    std::unique_ptr<BIO, decltype(&BIO_free)> key_out(BIO_new(BIO_s_mem()), BIO_free);
    EXPECT_EQ(PEM_write_bio_PrivateKey(key_out.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr), 1);
    char* key_data = nullptr;
    const long key_length = BIO_get_mem_data(key_out.get(), &key_data);
    key_pem->assign(key_data, static_cast<std::size_t>(key_length));
  }
  return std::string(data, static_cast<std::size_t>(length));
}

class TlsFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/gongkai-tls-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string Write(const std::string& name, const std::string& text) {
    const std::string path = dir_ + "/" + name;
    std::ofstream(path) << text;
    return path;
  }

  // A server's certificate (for 127.0.0.1) and a client's, each trusted as
  // the other's CA, with their keys.
  void WriteServerAndClient(TlsFiles* served, UpstreamTls* upstream) {
    std::string server_key, client_key;
    served->certificate = Write("served.crt", CertificatePem(k2030, &server_key, "IP:127.0.0.1"));
    served->key = Write("served.key", server_key);
    upstream->ca = served->certificate;
    upstream->certificate = Write("client.crt", CertificatePem(k2030, &client_key));
    upstream->key = Write("client.key", client_key);
    served->client_ca = upstream->certificate;
  }

  std::string dir_;
};

// The gauge's samples by their `certificate` label.
std::map<std::string, double> Samples(const prometheus::Collectable& gauges) {
  std::map<std::string, double> out;
  for (const auto& family : gauges.Collect()) {
    EXPECT_EQ(family.name, "gongkai_tls_certificate_expiry_timestamp_seconds");
    EXPECT_EQ(family.type, prometheus::MetricType::Gauge);
    for (const auto& metric : family.metric) {
      EXPECT_EQ(metric.label.size(), 1u);
      out[metric.label.at(0).value] = metric.gauge.value;
    }
  }
  return out;
}

TEST_F(TlsFilesTest, EarliestExpiryIsTheCertificatesNotAfter) {
  EXPECT_EQ(EarliestExpiry(Write("one.crt", CertificatePem(k2030))), k2030);
}

TEST_F(TlsFilesTest, EarliestExpiryOfAChainIsItsFirstToEnd) {
  const std::string chain = CertificatePem(k2031) + CertificatePem(k2029) + CertificatePem(k2030);
  EXPECT_EQ(EarliestExpiry(Write("chain.crt", chain)), k2029);
}

TEST_F(TlsFilesTest, EarliestExpiryOfAFileWithoutACertificateIsNone) {
  EXPECT_EQ(EarliestExpiry(dir_ + "/missing.crt"), std::nullopt);
  EXPECT_EQ(EarliestExpiry(Write("empty.crt", "")), std::nullopt);
  EXPECT_EQ(
      EarliestExpiry(Write("garbage.crt", "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n")),
      std::nullopt);
}

TEST_F(TlsFilesTest, ACertificateFileMustHoldACertificateThatParses) {
  const std::string key =
      Write("served.key", "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIA==\n-----END PRIVATE KEY-----\n");
  const std::string good = Write("good.crt", CertificatePem(k2030));
  const std::string broken =
      Write("broken.crt", "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n");
  Config served({{"GONGKAI_TLS_CERT_FILE", good}, {"GONGKAI_TLS_KEY_FILE", key}}, {});
  ASSERT_TRUE(ReadTlsFiles(served).has_value());
  EXPECT_TRUE(served.Errors().empty());

  Config refused({{"GONGKAI_TLS_CERT_FILE", broken}, {"GONGKAI_TLS_KEY_FILE", key}}, {});
  ReadTlsFiles(refused);
  ASSERT_EQ(refused.Errors().size(), 1u);
  EXPECT_NE(refused.Errors()[0].find("GONGKAI_TLS_CERT_FILE"), std::string::npos) << refused.Errors()[0];
  EXPECT_NE(refused.Errors()[0].find("does not read as a PEM certificate"), std::string::npos) << refused.Errors()[0];

  Config upstream({{"GONGKAI_UPSTREAM_CA_FILE", broken}}, {});
  ReadUpstreamTls(upstream);
  ASSERT_EQ(upstream.Errors().size(), 1u);
  EXPECT_NE(upstream.Errors()[0].find("GONGKAI_UPSTREAM_CA_FILE"), std::string::npos) << upstream.Errors()[0];
}

TEST_F(TlsFilesTest, AContextNamesTheFileThatDoesNotLoad) {
  std::string key, other_key;
  TlsFiles files;
  files.certificate = Write("served.crt", CertificatePem(k2030, &key));
  files.key = Write("served.key", key);
  CertificatePem(k2030, &other_key);
  EXPECT_NE(ServerTlsContext(files, ClientCertificates::kOptional, Alpn::kH2), nullptr);

  const auto refusal = [](const auto& load) -> std::string {
    try {
      load();
    } catch (const std::runtime_error& e) {
      return e.what();
    }
    return "loaded";
  };
  TlsFiles mismatched = files;
  mismatched.key = Write("other.key", other_key);
  const std::string wrong_key =
      refusal([&] { ServerTlsContext(mismatched, ClientCertificates::kOptional, Alpn::kH2); });
  EXPECT_NE(wrong_key.find("GONGKAI_TLS_KEY_FILE: " + mismatched.key + " is not the key of the certificate"),
            std::string::npos)
      << wrong_key;
  TlsFiles missing = files;
  missing.certificate = dir_ + "/none.crt";
  const std::string no_file = refusal([&] { ServerTlsContext(missing, ClientCertificates::kOptional, Alpn::kH2); });
  EXPECT_NE(no_file.find("GONGKAI_TLS_CERT_FILE: " + missing.certificate), std::string::npos) << no_file;
  UpstreamTls upstream;
  upstream.ca = Write("ca.crt", "not a certificate");
  const std::string no_ca = refusal([&] { ClientTlsContext(upstream, Alpn::kH2); });
  EXPECT_NE(no_ca.find("GONGKAI_UPSTREAM_CA_FILE: " + upstream.ca), std::string::npos) << no_ca;
}

// One handshake in memory between a server and a client context.
struct Handshake {
  bool done = false;
  std::string alpn;                  // the protocol the client sees taken
  bool client_certificate = false;   // the server holds one
  long server_verified = X509_V_OK;  // what the server made of the client's certificate
  long client_verified = X509_V_OK;  // what the client made of the server's
  bool resumed = false;
  SSL_SESSION* session = nullptr;  // the client's, to resume (the caller frees it)
};
// `host`: the name the client checks the server's certificate for
// (VerifyServerName), none when empty; `resume`: a session to resume.
Handshake Shake(SSL_CTX* server_context, SSL_CTX* client_context, const std::string& host = {},
                SSL_SESSION* resume = nullptr) {
  std::unique_ptr<SSL, decltype(&SSL_free)> server(SSL_new(server_context), SSL_free);
  std::unique_ptr<SSL, decltype(&SSL_free)> client(SSL_new(client_context), SSL_free);
  BIO *server_bio = nullptr, *client_bio = nullptr;
  EXPECT_EQ(BIO_new_bio_pair(&server_bio, 0, &client_bio, 0), 1);
  SSL_set_bio(server.get(), server_bio, server_bio);
  SSL_set_bio(client.get(), client_bio, client_bio);
  SSL_set_accept_state(server.get());
  SSL_set_connect_state(client.get());
  if (!host.empty()) EXPECT_TRUE(VerifyServerName(client.get(), host));
  if (resume != nullptr) SSL_set_session(client.get(), resume);
  Handshake outcome;
  for (int i = 0; i < 20 && !outcome.done; ++i) {
    const int c = SSL_do_handshake(client.get());
    const int s = SSL_do_handshake(server.get());
    outcome.done = c == 1 && s == 1;
  }
  ERR_clear_error();
  const unsigned char* alpn = nullptr;
  unsigned int length = 0;
  SSL_get0_alpn_selected(client.get(), &alpn, &length);
  if (alpn != nullptr) outcome.alpn.assign(reinterpret_cast<const char*>(alpn), length);
  outcome.client_certificate = SSL_get0_peer_certificate(server.get()) != nullptr;
  outcome.server_verified = SSL_get_verify_result(server.get());
  outcome.client_verified = SSL_get_verify_result(client.get());
  outcome.resumed = SSL_session_reused(client.get()) == 1;
  if (outcome.done) {
    outcome.session = SSL_get1_session(client.get());
    // Closed cleanly, or OpenSSL takes the session for a broken one and
    // resumes it no more.
    SSL_shutdown(client.get());
    SSL_shutdown(server.get());
  }
  return outcome;
}

// HTTP/2 is taken by ALPN, and the client's certificate is asked for and
// verified against the client CA (here self-signed certificates are their
// own CAs).
TEST_F(TlsFilesTest, TheContextsNegotiateHttp2AndTheServerVerifiesTheClientCertificate) {
  std::string stranger_key;
  TlsFiles served;
  UpstreamTls upstream;
  WriteServerAndClient(&served, &upstream);

  const auto server = ServerTlsContext(served, ClientCertificates::kOptional, Alpn::kH2);
  const auto client = ClientTlsContext(upstream, Alpn::kH2);
  const Handshake both = Shake(server.get(), client.get(), "127.0.0.1");
  EXPECT_TRUE(both.done);
  EXPECT_EQ(both.alpn, "h2");
  EXPECT_TRUE(both.client_certificate);
  EXPECT_EQ(both.server_verified, X509_V_OK);
  SSL_SESSION_free(both.session);

  // A client certificate the client CA did not sign fails the handshake,
  // though certificates are optional.
  UpstreamTls stranger = upstream;
  stranger.certificate = Write("stranger.crt", CertificatePem(k2030, &stranger_key));
  stranger.key = Write("stranger.key", stranger_key);
  const Handshake strange = Shake(server.get(), ClientTlsContext(stranger, Alpn::kH2).get());
  EXPECT_FALSE(strange.done);
  EXPECT_NE(strange.server_verified, X509_V_OK);

  // Without a certificate of its own, the client is served where it is
  // optional and refused where it is required.
  UpstreamTls anonymous = upstream;
  anonymous.certificate.clear();
  anonymous.key.clear();
  const auto bare = ClientTlsContext(anonymous, Alpn::kH2);
  const Handshake optional = Shake(server.get(), bare.get());
  EXPECT_TRUE(optional.done);
  EXPECT_FALSE(optional.client_certificate);
  SSL_SESSION_free(optional.session);
  const auto strict = ServerTlsContext(served, ClientCertificates::kRequire, Alpn::kH2);
  const Handshake refused = Shake(strict.get(), bare.get());
  EXPECT_FALSE(refused.done);
  EXPECT_FALSE(refused.client_certificate);

  // The client checks the server's certificate for the name it calls.
  const Handshake elsewhere = Shake(server.get(), client.get(), "10.0.0.1");
  EXPECT_FALSE(elsewhere.done);
  EXPECT_EQ(elsewhere.client_verified, X509_V_ERR_IP_ADDRESS_MISMATCH);
  // A server whose certificate the client's CA did not sign is refused.
  UpstreamTls other_ca = upstream;
  other_ca.ca = upstream.certificate;
  const Handshake untrusted = Shake(server.get(), ClientTlsContext(other_ca, Alpn::kH2).get());
  EXPECT_FALSE(untrusted.done);
  EXPECT_NE(untrusted.client_verified, X509_V_OK);
}

// A TLS 1.2 client that kept its session resumes it on its next connection,
// also where client certificates are asked for.
TEST_F(TlsFilesTest, ATls12SessionIsResumed) {
  TlsFiles served;
  UpstreamTls upstream;
  WriteServerAndClient(&served, &upstream);
  const auto server = ServerTlsContext(served, ClientCertificates::kOptional, Alpn::kH2);
  const auto client = ClientTlsContext(upstream, Alpn::kH2);
  ASSERT_EQ(SSL_CTX_set_max_proto_version(client.get(), TLS1_2_VERSION), 1);
  const Handshake first = Shake(server.get(), client.get());
  ASSERT_TRUE(first.done);
  ASSERT_NE(first.session, nullptr);
  const Handshake second = Shake(server.get(), client.get(), {}, first.session);
  EXPECT_TRUE(second.done);
  EXPECT_TRUE(second.resumed);
  SSL_SESSION_free(first.session);
  SSL_SESSION_free(second.session);
}

TEST_F(TlsFilesTest, NoTlsFilesMakeNoGauge) { EXPECT_EQ(CertificateExpiryGauges(std::nullopt, std::nullopt), nullptr); }

TEST_F(TlsFilesTest, TheGaugeNamesEachFileSetAndReadsItAtEveryScrape) {
  TlsFiles served;
  served.certificate = Write("served.crt", CertificatePem(k2030));
  served.key = dir_ + "/served.key";
  served.client_ca = Write("clients.crt", CertificatePem(k2031));
  UpstreamTls upstream;
  upstream.ca = Write("ca.crt", CertificatePem(k2029));  // no client certificate of its own
  const auto gauges = CertificateExpiryGauges(served, upstream);
  ASSERT_NE(gauges, nullptr);
  const std::map<std::string, double> first = {{"served", static_cast<double>(k2030)},
                                               {"client_ca", static_cast<double>(k2031)},
                                               {"upstream_ca", static_cast<double>(k2029)}};
  EXPECT_EQ(Samples(*gauges), first);

  // A certificate renewed on disk shows at the next scrape; a file that no
  // longer reads shows as 0 (its end is not known: the alert fires).
  Write("served.crt", CertificatePem(k2031));
  std::filesystem::remove(upstream.ca);
  const std::map<std::string, double> renewed = {
      {"served", static_cast<double>(k2031)}, {"client_ca", static_cast<double>(k2031)}, {"upstream_ca", 0.0}};
  EXPECT_EQ(Samples(*gauges), renewed);
}

TEST_F(TlsFilesTest, TheGaugeNamesTheUpstreamClientCertificate) {
  UpstreamTls upstream;
  upstream.ca = Write("ca.crt", CertificatePem(k2031));
  upstream.certificate = Write("client.crt", CertificatePem(k2029));
  upstream.key = dir_ + "/client.key";
  const auto gauges = CertificateExpiryGauges(std::nullopt, upstream);
  ASSERT_NE(gauges, nullptr);
  const std::map<std::string, double> expected = {{"upstream_ca", static_cast<double>(k2031)},
                                                  {"upstream_client", static_cast<double>(k2029)}};
  EXPECT_EQ(Samples(*gauges), expected);
}

// Channels to one service that make their first calls at once each connect
// with their certificates: none fails its handshake for want of them.
TEST_F(TlsFilesTest, ChannelsThatConnectAtOnceEachPresentTheirCertificatesOnTheFirstCall) {
  TlsFiles served;
  UpstreamTls upstream;
  WriteServerAndClient(&served, &upstream);
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort("127.0.0.1:0", ServerCredentialsOf(served), &port);
  const auto server = builder.BuildAndStart();
  ASSERT_NE(port, 0);
  constexpr int kRounds = 20;
  constexpr int kChannels = 8;
  for (int round = 0; round < kRounds; ++round) {
    std::vector<std::shared_ptr<grpc::Channel>> channels;
    for (int i = 0; i < kChannels; ++i) {
      channels.push_back(grpc::CreateChannel("ipv4:127.0.0.1:" + std::to_string(port), ChannelCredentialsOf(upstream)));
    }
    // The calls start together; a method the server does not serve answers
    // UNIMPLEMENTED once the connection is made, UNAVAILABLE when it is not.
    std::atomic<bool> go{false};
    std::vector<std::future<grpc::Status>> answers;
    for (const auto& channel : channels) {
      answers.push_back(std::async(std::launch::async, [&go, channel] {
        grpc::GenericStub stub(channel);
        grpc::ClientContext context;
        context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
        grpc::Slice empty(std::string{});
        grpc::ByteBuffer request(&empty, 1), response;
        std::promise<grpc::Status> done;
        while (!go.load()) std::this_thread::yield();
        stub.UnaryCall(&context, "/gongkai.test.v1.Nothing/Call", grpc::StubOptions(), &request, &response,
                       [&done](grpc::Status status) { done.set_value(std::move(status)); });
        return done.get_future().get();
      }));
    }
    go = true;
    for (auto& answer : answers) {
      const grpc::Status status = answer.get();
      ASSERT_EQ(status.error_code(), grpc::StatusCode::UNIMPLEMENTED)
          << "round " << round << ": " << status.error_message();
    }
  }
  server->Shutdown();
}

}  // namespace
}  // namespace gongkai::common
