#pragma once

#include <grpcpp/security/server_credentials.h>

#include <memory>
#include <optional>
#include <string>

#include "common/config.h"

namespace gongkai::common {

// TLS on a gRPC port from PEM files: the certificate chain and its private
// key. The files are read again every `refresh_seconds`, so a certificate
// replaced on disk (the key and the certificate both, each renamed into
// place) is served to new connections without a restart; connections open
// keep theirs. gRPC negotiates TLS 1.2 or 1.3 only.
struct TlsFiles {
  std::string certificate;
  std::string key;
  int refresh_seconds = 60;
};

// GONGKAI_TLS_CERT_FILE and GONGKAI_TLS_KEY_FILE (both or neither: a
// problem for Config::Finish otherwise, as is a file that does not read as
// PEM) and GONGKAI_TLS_REFRESH_SECONDS; nullopt when TLS is not set.
std::optional<TlsFiles> ReadTlsFiles(Config& config);

std::shared_ptr<grpc::ServerCredentials> ServerCredentialsOf(const TlsFiles& files);

}  // namespace gongkai::common
