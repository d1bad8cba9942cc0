#include "common/tls.h"

#include <grpcpp/security/tls_certificate_provider.h>
#include <grpcpp/security/tls_credentials_options.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

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
