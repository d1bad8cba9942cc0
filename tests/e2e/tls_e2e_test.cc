// The gateway's gRPC port over TLS (GONGKAI_TLS_CERT_FILE, GONGKAI_TLS_KEY_FILE):
// a client that trusts the platform's CA is served, a plaintext client is
// refused, and a certificate replaced on disk is served to new connections
// without a restart.
#include <grpcpp/grpcpp.h>
#include <grpcpp/security/credentials.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <thread>

#include "common/testing/faketime.h"
#include "gongkai/registry/v1/registry.grpc.pb.h"
#include "tests/e2e/platform.h"

namespace gongkai::testing {
namespace {

using registry::v1::RegistryService;

// A private CA and a certificate for 127.0.0.1 signed by it, made by openssl
// in `dir`: ca.crt, <name>.crt, <name>.key.
void MakeCertificate(const std::string& dir, const std::string& name, bool make_ca) {
  const std::string d = "'" + dir + "'";
  std::string command = "set -e; cd " + d + "; ";
  if (make_ca) {
    command +=
        "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 30 "
        "-subj '/CN=gongkai test CA' -keyout ca.key -out ca.crt 2>/dev/null; ";
  }
  command += "openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj '/CN=" + name + "' -keyout " +
             name + ".key -out " + name + ".csr 2>/dev/null; printf 'subjectAltName=IP:127.0.0.1\\n' > " + name +
             ".ext; openssl x509 -req -in " + name +
             ".csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 30 -extfile " + name + ".ext -out " + name +
             ".crt 2>/dev/null";
  ASSERT_EQ(std::system(command.c_str()), 0) << command;
}

// VerifyCertificate of a number nobody holds, on a new channel: its status
// and the certificate the gateway presented (PEM; empty without TLS).
struct Answer {
  grpc::StatusCode code;
  std::string peer_certificate;
};
Answer Ask(const std::string& address, const std::shared_ptr<grpc::ChannelCredentials>& credentials) {
  grpc::ChannelArguments args;
  args.SetInt("grpc.use_local_subchannel_pool", 1);  // a connection of its own
  auto stub = RegistryService::NewStub(grpc::CreateCustomChannel(address, credentials, args));
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  registry::v1::VerifyCertificateRequest request;
  request.set_certificate_number("NOBODY-0000");
  registry::v1::VerifyCertificateResponse response;
  Answer answer{stub->VerifyCertificate(&ctx, request, &response).error_code(), ""};
  if (auto auth = ctx.auth_context()) {
    for (const auto& value : auth->FindPropertyValues("x509_pem_cert"))
      answer.peer_certificate.append(value.data(), value.size());
  }
  return answer;
}

std::string Contents(const std::string& path) { return ReadFile(path); }

TEST(TlsEndToEnd, ATrustingClientIsServedAPlaintextOneRefusedAndANewCertificateServedWithoutARestart) {
  char tmpl[] = "/tmp/gongkai-tls-XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  const std::string dir = tmpl;
  MakeCertificate(dir, "gateway", true);
  PlatformOptions options;
  options.env["gateway"] = {{"GONGKAI_TLS_CERT_FILE", dir + "/gateway.crt"},
                            {"GONGKAI_TLS_KEY_FILE", dir + "/gateway.key"},
                            {"GONGKAI_TLS_REFRESH_SECONDS", "1"}};
  auto platform_holder = std::make_unique<Platform>(options);
  Platform& platform = *platform_holder;
  const std::string address = "127.0.0.1:" + std::to_string(platform.gateway().ports.grpc);

  grpc::SslCredentialsOptions trust;
  trust.pem_root_certs = Contents(dir + "/ca.crt");
  const Answer served = Ask(address, grpc::SslCredentials(trust));
  EXPECT_NE(served.code, grpc::StatusCode::UNAVAILABLE) << "served over TLS";
  EXPECT_EQ(served.peer_certificate, Contents(dir + "/gateway.crt"));

  EXPECT_EQ(Ask(address, grpc::InsecureChannelCredentials()).code, grpc::StatusCode::UNAVAILABLE)
      << "a plaintext client is refused";
  // gongkai-call, given the CA, calls over TLS.
  const std::string call = std::string("'") + GONGKAI_CALL_BIN + "' --gateway=" + address + " --gateway-ca-file='" +
                           dir + "/ca.crt' --method=gongkai.registry.v1.RegistryService/VerifyCertificate" +
                           " --request='{\"certificate_number\":\"NOBODY-0000\"}' > '" + dir + "/call.out' 2>&1";
  EXPECT_EQ(std::system(call.c_str()), 0) << Contents(dir + "/call.out");
  EXPECT_NE(Contents(dir + "/call.out").find("UNKNOWN"), std::string::npos) << Contents(dir + "/call.out");
  grpc::SslCredentialsOptions other;  // the system's roots: not the platform's CA
  EXPECT_EQ(Ask(address, grpc::SslCredentials(other)).code, grpc::StatusCode::UNAVAILABLE)
      << "a client that does not trust the platform's CA does not connect";

  // A new certificate written over the old (a new pair renamed into place):
  // new connections get it, with no restart. The files are read again on a
  // gRPC timer, which does not fire under libfaketime.
  if (UnderFaketime()) {
    platform_holder.reset();
    std::filesystem::remove_all(dir);
    GTEST_SKIP() << "the certificate files are read again on a gRPC timer";
  }
  MakeCertificate(dir, "gateway-next", false);
  std::filesystem::rename(dir + "/gateway-next.key", dir + "/gateway.key");
  std::filesystem::rename(dir + "/gateway-next.crt", dir + "/gateway.crt");
  const std::string next = Contents(dir + "/gateway.crt");
  EXPECT_TRUE(Eventually([&] { return Ask(address, grpc::SslCredentials(trust)).peer_certificate == next; }, 10000));
  platform_holder.reset();  // before its files go
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace gongkai::testing
