#include "common/tls.h"

#include <grpcpp/security/tls_certificate_provider.h>
#include <grpcpp/security/tls_credentials_options.h>

#include <fstream>
#include <sstream>

namespace gongkai::common {
namespace {

// Whether `path` reads and holds a PEM block of `label` ("CERTIFICATE", "PRIVATE KEY").
bool HoldsPem(const std::string& path, const std::string& label) {
  std::ifstream in(path);
  if (!in) return false;
  std::stringstream text;
  text << in.rdbuf();
  const std::string s = text.str();
  const std::size_t begin = s.find("-----BEGIN ");
  return begin != std::string::npos && s.find(label + "-----", begin) != std::string::npos;
}

}  // namespace

std::optional<TlsFiles> ReadTlsFiles(Config& config) {
  TlsFiles files;
  files.certificate = config.String("GONGKAI_TLS_CERT_FILE", "",
                                    "PEM certificate chain of the gRPC port; with GONGKAI_TLS_KEY_FILE, TLS only");
  files.key = config.String("GONGKAI_TLS_KEY_FILE", "", "PEM private key of GONGKAI_TLS_CERT_FILE");
  files.refresh_seconds = static_cast<int>(config.Int("GONGKAI_TLS_REFRESH_SECONDS", 60, 1, 86400,
                                                      "how often the certificate and key files are read again"));
  if (files.certificate.empty() && files.key.empty()) return std::nullopt;
  if (files.certificate.empty() || files.key.empty()) {
    config.Fail(files.certificate.empty() ? "GONGKAI_TLS_CERT_FILE" : "GONGKAI_TLS_KEY_FILE",
                "GONGKAI_TLS_CERT_FILE and GONGKAI_TLS_KEY_FILE are set together");
    return std::nullopt;
  }
  if (!HoldsPem(files.certificate, "CERTIFICATE")) {
    config.Fail("GONGKAI_TLS_CERT_FILE", files.certificate + " does not read as a PEM certificate");
  }
  if (!HoldsPem(files.key, "PRIVATE KEY")) {
    config.Fail("GONGKAI_TLS_KEY_FILE", files.key + " does not read as a PEM private key");
  }
  return files;
}

std::shared_ptr<grpc::ServerCredentials> ServerCredentialsOf(const TlsFiles& files) {
  auto provider = std::make_shared<grpc::experimental::FileWatcherCertificateProvider>(
      files.key, files.certificate, static_cast<unsigned int>(files.refresh_seconds));
  grpc::experimental::TlsServerCredentialsOptions options(provider);
  options.watch_identity_key_cert_pairs();
  return grpc::experimental::TlsServerCredentials(options);
}

}  // namespace gongkai::common
