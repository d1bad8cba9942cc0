#pragma once

#include <grpcpp/security/credentials.h>
#include <grpcpp/security/server_credentials.h>
#include <openssl/ssl.h>
#include <prometheus/collectable.h>

#include <cstdint>
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
  // The CA that signs the certificates clients may present
  // (GONGKAI_TLS_CLIENT_CA_FILE); none: clients present none.
  std::string client_ca;
  int refresh_seconds = 60;
};

// GONGKAI_TLS_CERT_FILE and GONGKAI_TLS_KEY_FILE (both or neither: a
// problem for Config::Finish otherwise, as is a file that does not read as
// PEM), GONGKAI_TLS_CLIENT_CA_FILE (only with them) and
// GONGKAI_TLS_REFRESH_SECONDS; nullopt when TLS is not set.
std::optional<TlsFiles> ReadTlsFiles(Config& config);

// What a port with a client CA asks of its clients: a service's port
// requires a certificate signed by it (mutual TLS inside the platform); the
// gateway's asks for one and checks it when given (a city system may
// present one, or only its token).
enum class ClientCertificates { kRequire, kOptional };

std::shared_ptr<grpc::ServerCredentials> ServerCredentialsOf(const TlsFiles& files,
                                                             ClientCertificates clients = ClientCertificates::kRequire);

// TLS of the calls a process makes to the platform's services (the
// gateway's upstreams, a service's calls to another): the CA that signed the
// services' certificates and the client certificate this process presents
// (mutual TLS), read again every `refresh_seconds` as the server's are.
struct UpstreamTls {
  std::string ca;
  std::string certificate;  // with `key`; both empty: no client certificate
  std::string key;
  int refresh_seconds = 60;
};

// GONGKAI_UPSTREAM_CA_FILE (TLS on when set), GONGKAI_UPSTREAM_CERT_FILE and
// GONGKAI_UPSTREAM_KEY_FILE (both or neither, only with the CA); nullopt when
// the calls are plaintext.
std::optional<UpstreamTls> ReadUpstreamTls(Config& config);

// The credentials of one channel to a platform's service: TLS verifying the
// service's certificate against `tls->ca` for the address called, with the
// client certificate; plaintext without `tls`.
//
// Each channel takes credentials of its own, with their own watcher of the
// files: gRPC (1.51) hands a watcher's certificates to the connections of
// its channels through one distributor, and of channels that connect for
// the first time at once, one may start its handshake before the
// certificates reach it (its call fails UNAVAILABLE, "Failed to create
// security handshaker"). A channel's own watcher has them before its first
// connection starts.
std::shared_ptr<grpc::ChannelCredentials> ChannelCredentialsOf(const std::optional<UpstreamTls>& tls);

// OpenSSL contexts, for the ports that speak TLS themselves rather than
// through gRPC (the gateway's frame front and HTTP door). Both negotiate TLS
// 1.2 or 1.3 only; with Alpn::kH2 they offer (client) or take (server)
// HTTP/2 by ALPN, as gRPC does.
//
// A server's: the certificate chain and key of `files`; with
// `files.client_ca`, a client certificate is asked for and, when presented,
// verified against it (kRequire: a client without one is refused).
// Throws std::runtime_error naming the variable and file that do not load.
enum class Alpn { kNone, kH2 };
std::shared_ptr<SSL_CTX> ServerTlsContext(const TlsFiles& files, ClientCertificates clients, Alpn alpn);
// A client's: the service's certificate verified against `tls.ca` (the name
// it is called by is checked per connection: VerifyServerName), presenting
// `tls.certificate` when set. Throws as ServerTlsContext does.
std::shared_ptr<SSL_CTX> ClientTlsContext(const UpstreamTls& tls, Alpn alpn);
// Sets the name a client connection checks the server's certificate for
// (an IP address or a DNS name, as gRPC checks its target's host), and
// sends a DNS name as SNI; false when OpenSSL did not take it (the
// connection must not go on).
bool VerifyServerName(SSL* ssl, const std::string& host);

// The earliest end of validity (notAfter) of the PEM certificates in
// `path`, in seconds since the Unix epoch; nullopt when the file does not
// read or holds no certificate that parses.
std::optional<std::int64_t> EarliestExpiry(const std::string& path);

// The gauge of when the certificates a process uses end, read from their
// files at every scrape, so a certificate renewed on disk shows at the next
// scrape (gRPC serves it within `refresh_seconds`; the gateway's HTTPS port
// once it is sent SIGHUP):
// gongkai_tls_certificate_expiry_timestamp_seconds{certificate}, each
// file's EarliestExpiry, 0 for a file that does not read; `certificate` is
// "served" (the port's chain), "client_ca", "upstream_ca" or
// "upstream_client", each only when set. nullptr when none is set.
std::shared_ptr<prometheus::Collectable> CertificateExpiryGauges(const std::optional<TlsFiles>& served,
                                                                 const std::optional<UpstreamTls>& upstream);

}  // namespace gongkai::common
