#include "common/tls.h"

#include <arpa/inet.h>
#include <grpcpp/security/tls_certificate_provider.h>
#include <grpcpp/security/tls_credentials_options.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstring>
#include <ctime>
#include <fstream>
#include <sstream>
#include <utility>
#include <vector>

#include "common/scrape_gauges.h"

namespace gongkai::common {
namespace {

// Whether `path` reads and holds a PEM block of a private key.
bool HoldsPrivateKey(const std::string& path) {
  std::ifstream in(path);
  if (!in) return false;
  std::stringstream text;
  text << in.rdbuf();
  const std::string s = text.str();
  const std::size_t begin = s.find("-----BEGIN ");
  return begin != std::string::npos && s.find("PRIVATE KEY-----", begin) != std::string::npos;
}

// Whether `path` holds a PEM certificate that parses.
bool HoldsCertificate(const std::string& path) { return EarliestExpiry(path).has_value(); }

// OpenSSL's reason for the last failure, and its error queue emptied.
std::string OpenSslError() {
  char text[256] = {};
  ERR_error_string_n(ERR_get_error(), text, sizeof text);
  ERR_clear_error();
  return text;
}

// A context for TLS 1.2 and 1.3, with HTTP/2 offered (client) or taken
// (server) by ALPN when `alpn` says so.
std::shared_ptr<SSL_CTX> NewContext(bool server, Alpn alpn) {
  std::shared_ptr<SSL_CTX> context(SSL_CTX_new(server ? TLS_server_method() : TLS_client_method()), SSL_CTX_free);
  if (!context || SSL_CTX_set_min_proto_version(context.get(), TLS1_2_VERSION) != 1) {
    throw std::runtime_error("TLS 1.2 and 1.3 are not available: " + OpenSslError());
  }
  // Frames are written from a buffer that grows between the tries of a write.
  SSL_CTX_set_mode(context.get(), SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
  // No TLS 1.2 renegotiation, which HTTP/2 forbids (RFC 9113, 9.2.1).
  SSL_CTX_set_options(context.get(), SSL_OP_NO_RENEGOTIATION);
  if (server) {
    // Sessions are resumed only by contexts of this name (a server that asks
    // for client certificates refuses to resume without one).
    static constexpr unsigned char kSessionContext[] = "gongkai";
    SSL_CTX_set_session_id_context(context.get(), kSessionContext, sizeof kSessionContext - 1);
  }
  if (alpn == Alpn::kNone) return context;
  static constexpr unsigned char kH2[] = {2, 'h', '2'};
  if (!server) {
    SSL_CTX_set_alpn_protos(context.get(), kH2, sizeof kH2);
    return context;
  }
  // h2 is taken when the client offers it; a client that offers no ALPN is
  // served too (it is the client's to use), one that offers others only is
  // refused (RFC 7301, 3.2).
  SSL_CTX_set_alpn_select_cb(
      context.get(),
      [](SSL*, const unsigned char** out, unsigned char* out_length, const unsigned char* in, unsigned int in_length,
         void*) -> int {
        unsigned char* selected = nullptr;
        if (SSL_select_next_proto(&selected, out_length, kH2, sizeof kH2, in, in_length) != OPENSSL_NPN_NEGOTIATED) {
          return SSL_TLSEXT_ERR_ALERT_FATAL;
        }
        *out = selected;
        return SSL_TLSEXT_ERR_OK;
      },
      nullptr);
  return context;
}

// The chain and key of a certificate into `context`; throws naming the
// variables and files.
void UseCertificate(SSL_CTX* context, const std::string& certificate, const std::string& key,
                    const char* certificate_variable, const char* key_variable) {
  if (SSL_CTX_use_certificate_chain_file(context, certificate.c_str()) != 1) {
    throw std::runtime_error(std::string(certificate_variable) + ": " + certificate +
                             " does not load as a PEM certificate chain: " + OpenSslError());
  }
  const bool loaded = SSL_CTX_use_PrivateKey_file(context, key.c_str(), SSL_FILETYPE_PEM) == 1;
  const unsigned long error = ERR_peek_last_error();
  if (!loaded && (ERR_GET_LIB(error) != ERR_LIB_X509 || ERR_GET_REASON(error) != X509_R_KEY_VALUES_MISMATCH)) {
    throw std::runtime_error(std::string(key_variable) + ": " + key +
                             " does not load as a PEM private key: " + OpenSslError());
  }
  if (!loaded || SSL_CTX_check_private_key(context) != 1) {
    ERR_clear_error();
    throw std::runtime_error(std::string(key_variable) + ": " + key + " is not the key of the certificate in " +
                             certificate);
  }
}

void TrustCa(SSL_CTX* context, const std::string& ca, const char* variable) {
  if (SSL_CTX_load_verify_locations(context, ca.c_str(), nullptr) != 1) {
    throw std::runtime_error(std::string(variable) + ": " + ca +
                             " does not load as PEM certificates: " + OpenSslError());
  }
}

}  // namespace

std::optional<TlsFiles> ReadTlsFiles(Config& config) {
  TlsFiles files;
  files.certificate = config.String("GONGKAI_TLS_CERT_FILE", "",
                                    "PEM certificate chain of the gRPC port; with GONGKAI_TLS_KEY_FILE, TLS only");
  files.key = config.String("GONGKAI_TLS_KEY_FILE", "", "PEM private key of GONGKAI_TLS_CERT_FILE");
  files.client_ca = config.String("GONGKAI_TLS_CLIENT_CA_FILE", "",
                                  "PEM CA whose certificates clients present (mutual TLS; with GONGKAI_TLS_CERT_FILE)");
  files.refresh_seconds = static_cast<int>(config.Int("GONGKAI_TLS_REFRESH_SECONDS", 60, 1, 86400,
                                                      "how often the certificate and key files are read again"));
  if (files.certificate.empty() && files.key.empty()) {
    if (!files.client_ca.empty()) config.Fail("GONGKAI_TLS_CLIENT_CA_FILE", "needs GONGKAI_TLS_CERT_FILE");
    return std::nullopt;
  }
  if (files.certificate.empty() || files.key.empty()) {
    config.Fail(files.certificate.empty() ? "GONGKAI_TLS_CERT_FILE" : "GONGKAI_TLS_KEY_FILE",
                "GONGKAI_TLS_CERT_FILE and GONGKAI_TLS_KEY_FILE are set together");
    return std::nullopt;
  }
  if (!HoldsCertificate(files.certificate)) {
    config.Fail("GONGKAI_TLS_CERT_FILE", files.certificate + " does not read as a PEM certificate");
  }
  if (!HoldsPrivateKey(files.key)) {
    config.Fail("GONGKAI_TLS_KEY_FILE", files.key + " does not read as a PEM private key");
  }
  if (!files.client_ca.empty() && !HoldsCertificate(files.client_ca)) {
    config.Fail("GONGKAI_TLS_CLIENT_CA_FILE", files.client_ca + " does not read as a PEM certificate");
  }
  return files;
}

std::shared_ptr<grpc::ServerCredentials> ServerCredentialsOf(const TlsFiles& files, ClientCertificates clients) {
  const auto refresh = static_cast<unsigned int>(files.refresh_seconds);
  auto provider = files.client_ca.empty() ? std::make_shared<grpc::experimental::FileWatcherCertificateProvider>(
                                                files.key, files.certificate, refresh)
                                          : std::make_shared<grpc::experimental::FileWatcherCertificateProvider>(
                                                files.key, files.certificate, files.client_ca, refresh);
  grpc::experimental::TlsServerCredentialsOptions options(provider);
  options.watch_identity_key_cert_pairs();
  if (!files.client_ca.empty()) {
    options.watch_root_certs();
    options.set_cert_request_type(clients == ClientCertificates::kRequire
                                      ? GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY
                                      : GRPC_SSL_REQUEST_CLIENT_CERTIFICATE_AND_VERIFY);
  }
  return grpc::experimental::TlsServerCredentials(options);
}

std::optional<UpstreamTls> ReadUpstreamTls(Config& config) {
  UpstreamTls tls;
  tls.ca = config.String("GONGKAI_UPSTREAM_CA_FILE", "",
                         "PEM CA of the services' certificates; set, calls to the services are TLS");
  tls.certificate =
      config.String("GONGKAI_UPSTREAM_CERT_FILE", "", "PEM client certificate presented to the services (mutual TLS)");
  tls.key = config.String("GONGKAI_UPSTREAM_KEY_FILE", "", "PEM private key of GONGKAI_UPSTREAM_CERT_FILE");
  tls.refresh_seconds = static_cast<int>(config.Int("GONGKAI_TLS_REFRESH_SECONDS", 60, 1, 86400,
                                                    "how often the certificate and key files are read again"));
  if (tls.ca.empty()) {
    if (!tls.certificate.empty() || !tls.key.empty()) {
      config.Fail("GONGKAI_UPSTREAM_CA_FILE",
                  "is needed with GONGKAI_UPSTREAM_CERT_FILE and GONGKAI_UPSTREAM_KEY_FILE");
    }
    return std::nullopt;
  }
  if (!HoldsCertificate(tls.ca))
    config.Fail("GONGKAI_UPSTREAM_CA_FILE", tls.ca + " does not read as a PEM certificate");
  if (tls.certificate.empty() != tls.key.empty()) {
    config.Fail(tls.certificate.empty() ? "GONGKAI_UPSTREAM_CERT_FILE" : "GONGKAI_UPSTREAM_KEY_FILE",
                "GONGKAI_UPSTREAM_CERT_FILE and GONGKAI_UPSTREAM_KEY_FILE are set together");
  } else if (!tls.certificate.empty()) {
    if (!HoldsCertificate(tls.certificate)) {
      config.Fail("GONGKAI_UPSTREAM_CERT_FILE", tls.certificate + " does not read as a PEM certificate");
    }
    if (!HoldsPrivateKey(tls.key)) {
      config.Fail("GONGKAI_UPSTREAM_KEY_FILE", tls.key + " does not read as a PEM private key");
    }
  }
  return tls;
}

std::shared_ptr<grpc::ChannelCredentials> ChannelCredentialsOf(const std::optional<UpstreamTls>& tls) {
  if (!tls) return grpc::InsecureChannelCredentials();
  const auto refresh = static_cast<unsigned int>(tls->refresh_seconds);
  auto provider = tls->certificate.empty()
                      ? std::make_shared<grpc::experimental::FileWatcherCertificateProvider>(tls->ca, refresh)
                      : std::make_shared<grpc::experimental::FileWatcherCertificateProvider>(tls->key, tls->certificate,
                                                                                             tls->ca, refresh);
  grpc::experimental::TlsChannelCredentialsOptions options;
  options.set_certificate_provider(provider);
  options.watch_root_certs();
  if (!tls->certificate.empty()) options.watch_identity_key_cert_pairs();
  return grpc::experimental::TlsCredentials(options);
}

std::shared_ptr<SSL_CTX> ServerTlsContext(const TlsFiles& files, ClientCertificates clients, Alpn alpn) {
  auto context = NewContext(/*server=*/true, alpn);
  UseCertificate(context.get(), files.certificate, files.key, "GONGKAI_TLS_CERT_FILE", "GONGKAI_TLS_KEY_FILE");
  if (!files.client_ca.empty()) {
    TrustCa(context.get(), files.client_ca, "GONGKAI_TLS_CLIENT_CA_FILE");
    STACK_OF(X509_NAME)* names = SSL_load_client_CA_file(files.client_ca.c_str());
    if (names != nullptr) SSL_CTX_set_client_CA_list(context.get(), names);
    ERR_clear_error();
    SSL_CTX_set_verify(
        context.get(),
        SSL_VERIFY_PEER | (clients == ClientCertificates::kRequire ? SSL_VERIFY_FAIL_IF_NO_PEER_CERT : 0), nullptr);
  }
  return context;
}

std::shared_ptr<SSL_CTX> ClientTlsContext(const UpstreamTls& tls, Alpn alpn) {
  auto context = NewContext(/*server=*/false, alpn);
  TrustCa(context.get(), tls.ca, "GONGKAI_UPSTREAM_CA_FILE");
  SSL_CTX_set_verify(context.get(), SSL_VERIFY_PEER, nullptr);
  if (!tls.certificate.empty()) {
    UseCertificate(context.get(), tls.certificate, tls.key, "GONGKAI_UPSTREAM_CERT_FILE", "GONGKAI_UPSTREAM_KEY_FILE");
  }
  return context;
}

bool VerifyServerName(SSL* ssl, const std::string& host) {
  unsigned char address[sizeof(in6_addr)];
  if (inet_pton(AF_INET, host.c_str(), address) == 1 || inet_pton(AF_INET6, host.c_str(), address) == 1) {
    return X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), host.c_str()) == 1;
  }
  SSL_set_hostflags(ssl, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
  return SSL_set1_host(ssl, host.c_str()) == 1 && SSL_set_tlsext_host_name(ssl, host.c_str()) == 1;
}

std::optional<std::int64_t> EarliestExpiry(const std::string& path) {
  BIO* file = BIO_new_file(path.c_str(), "r");
  if (file == nullptr) {
    ERR_clear_error();
    return std::nullopt;
  }
  std::optional<std::int64_t> earliest;
  while (X509* certificate = PEM_read_bio_X509(file, nullptr, nullptr, nullptr)) {
    std::tm end{};
    if (ASN1_TIME_to_tm(X509_get0_notAfter(certificate), &end) == 1) {
      const std::int64_t at = timegm(&end);
      if (!earliest || at < *earliest) earliest = at;
    }
    X509_free(certificate);
  }
  ERR_clear_error();  // the end of the file reads as an error too
  BIO_free(file);
  return earliest;
}

std::shared_ptr<prometheus::Collectable> CertificateExpiryGauges(const std::optional<TlsFiles>& served,
                                                                 const std::optional<UpstreamTls>& upstream) {
  std::vector<std::pair<std::string, std::string>> files;  // the label, the file
  if (served) {
    files.emplace_back("served", served->certificate);
    if (!served->client_ca.empty()) files.emplace_back("client_ca", served->client_ca);
  }
  if (upstream) {
    files.emplace_back("upstream_ca", upstream->ca);
    if (!upstream->certificate.empty()) files.emplace_back("upstream_client", upstream->certificate);
  }
  if (files.empty()) return nullptr;
  return std::make_shared<ScrapeGauges>([files] {
    ScrapeGauges::Family family{"gongkai_tls_certificate_expiry_timestamp_seconds",
                                "When the earliest certificate of each TLS file this process uses ends (notAfter), "
                                "in seconds since the Unix epoch; 0 for a file that does not read",
                                {}};
    for (const auto& [label, path] : files) {
      family.samples.push_back({{{"certificate", label}}, static_cast<double>(EarliestExpiry(path).value_or(0))});
    }
    return std::vector<ScrapeGauges::Family>{std::move(family)};
  });
}

}  // namespace gongkai::common
