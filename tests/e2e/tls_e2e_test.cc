// The gateway's gRPC port over TLS (GONGKAI_TLS_CERT_FILE, GONGKAI_TLS_KEY_FILE),
// served by the frame front or by the gRPC server (GONGKAI_GRPC_FRONT):
// a client that trusts the platform's CA is served, a plaintext client is
// refused, and a certificate replaced on disk is served to new connections
// without a restart. Inside: mutual TLS between the gateway and the services
// and between services, and a city system's client certificate as its
// credential.
#include <grpcpp/grpcpp.h>
#include <grpcpp/security/credentials.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <thread>

#include "common/calendar/iso_date.h"
#include "common/service_table.h"
#include "common/testing/faketime.h"
#include "gongkai/penalties/v1/penalties.grpc.pb.h"
#include "gongkai/registry/v1/registry.grpc.pb.h"
#include "gongkai/supervision/v1/supervision.grpc.pb.h"
#include "tests/e2e/certificates.h"
#include "tests/e2e/platform.h"

namespace gongkai::testing {
namespace {

using registry::v1::RegistryService;

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

// A platform whose gateway's gRPC port speaks TLS with a certificate of a
// private CA made for it (in `dir`), served by `front`, its files read again
// every `refresh_seconds`.
struct GatewayOverTls {
  GatewayOverTls(const std::string& front, const std::string& refresh_seconds) {
    char tmpl[] = "/tmp/gongkai-tls-XXXXXX";
    if (mkdtemp(tmpl) == nullptr) throw std::runtime_error("mkdtemp failed");
    dir = tmpl;
    MakeCertificate(dir, "gateway", true);
    PlatformOptions options;
    options.env["gateway"] = {{"GONGKAI_TLS_CERT_FILE", dir + "/gateway.crt"},
                              {"GONGKAI_TLS_KEY_FILE", dir + "/gateway.key"},
                              {"GONGKAI_TLS_REFRESH_SECONDS", refresh_seconds},
                              {"GONGKAI_GRPC_FRONT", front}};
    platform = std::make_unique<Platform>(options);
    address = "127.0.0.1:" + std::to_string(platform->gateway().ports.grpc);
    trust.pem_root_certs = Contents(dir + "/ca.crt");
  }
  ~GatewayOverTls() {
    platform.reset();  // before its files go
    std::error_code ignored;
    std::filesystem::remove_all(dir, ignored);
  }
  // A new certificate written over the old (a new pair renamed into place),
  // as PEM.
  std::string Renew() const {
    MakeCertificate(dir, "gateway-next", false);
    std::filesystem::rename(dir + "/gateway-next.key", dir + "/gateway.key");
    std::filesystem::rename(dir + "/gateway-next.crt", dir + "/gateway.crt");
    return Contents(dir + "/gateway.crt");
  }
  // The certificate a client trusting the CA is served.
  std::string Served() const { return Ask(address, grpc::SslCredentials(trust)).peer_certificate; }

  std::string dir, address;
  grpc::SslCredentialsOptions trust;  // the platform's CA
  std::unique_ptr<Platform> platform;
};

class TlsEndToEnd : public ::testing::TestWithParam<std::string> {};

TEST_P(TlsEndToEnd, ATrustingClientIsServedAPlaintextOneRefusedAndANewCertificateServedWithoutARestart) {
  const GatewayOverTls gateway(GetParam(), "1");
  const std::string& dir = gateway.dir;
  const std::string& address = gateway.address;
  const Answer served = Ask(address, grpc::SslCredentials(gateway.trust));
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

  // A new certificate: new connections get it, with no restart. The gRPC
  // server reads the files again on a gRPC timer, which does not fire under
  // libfaketime; the frame front on the monotonic clock.
  if (GetParam() == "grpc" && UnderFaketime()) GTEST_SKIP() << "the certificate files are read again on a gRPC timer";
  const std::string next = gateway.Renew();
  EXPECT_TRUE(Eventually([&] { return gateway.Served() == next; }, 10000));
}

INSTANTIATE_TEST_SUITE_P(Fronts, TlsEndToEnd, ::testing::Values("frames", "grpc"),
                         [](const auto& info) { return info.param; });

// SIGHUP has the frame front read its certificate again at once, long
// before its refresh would.
TEST(TlsOnTheFrameFront, ANewCertificateIsServedAfterSighup) {
  const GatewayOverTls gateway("frames", "86400");
  const std::string first = Contents(gateway.dir + "/gateway.crt");
  EXPECT_EQ(gateway.Served(), first);
  const std::string next = gateway.Renew();
  EXPECT_EQ(gateway.Served(), first) << "not before SIGHUP";
  ASSERT_EQ(kill(gateway.platform->gateway().process->pid(), SIGHUP), 0);
  EXPECT_TRUE(Eventually([&] { return gateway.Served() == next; }, 10000));
}

// ---------------------------------------------------------------- inside

// Every link over TLS with the platform's private CA: each service's port
// requires a client certificate signed by it, the gateway's upstream channels
// and the services' calls to each other present theirs, and the gateway's
// port asks callers for one, which may name a principal.
class InsideTls : public ::testing::Test {
 protected:
  // What serves the gateway's gRPC port (GONGKAI_GRPC_FRONT).
  virtual std::string Front() const { return "frames"; }
  void SetUp() override {
    char tmpl[] = "/tmp/gongkai-mtls-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    std::filesystem::create_directory(dir_ + "/other");
    MakeCertificate(dir_, "gateway", true);
    MakeCertificate(dir_, "service", false);
    MakeCertificate(dir_, "city", false);
    MakeCertificate(dir_ + "/other", "stranger", true);  // another CA's
    PlatformOptions options;
    auto tls = [this](const std::string& name) {
      return std::map<std::string, std::string>{{"GONGKAI_TLS_CERT_FILE", dir_ + "/" + name + ".crt"},
                                                {"GONGKAI_TLS_KEY_FILE", dir_ + "/" + name + ".key"},
                                                {"GONGKAI_TLS_CLIENT_CA_FILE", dir_ + "/ca.crt"},
                                                {"GONGKAI_UPSTREAM_CA_FILE", dir_ + "/ca.crt"},
                                                {"GONGKAI_UPSTREAM_CERT_FILE", dir_ + "/" + name + ".crt"},
                                                {"GONGKAI_UPSTREAM_KEY_FILE", dir_ + "/" + name + ".key"}};
    };
    options.env["gateway"] = tls("gateway");
    options.env["gateway"]["GONGKAI_GRPC_FRONT"] = Front();
    for (const auto& entry : common::ServiceTable()) options.env[entry.name] = tls("service");
    options.env["registry"]["GONGKAI_HEALTH_LISTEN"] = "127.0.0.1:0";
    platform_ = std::make_unique<Platform>(options);
  }
  void TearDown() override {
    platform_.reset();  // before its files go
    std::filesystem::remove_all(dir_);
  }

  // TLS trusting the platform's CA, presenting `client` (a name of dir_, or
  // of dir_/other; none when empty).
  std::shared_ptr<grpc::ChannelCredentials> Tls(const std::string& client = {}) const {
    grpc::SslCredentialsOptions options;
    options.pem_root_certs = Contents(dir_ + "/ca.crt");
    if (!client.empty()) {
      options.pem_cert_chain = Contents(dir_ + "/" + client + ".crt");
      options.pem_private_key = Contents(dir_ + "/" + client + ".key");
    }
    return grpc::SslCredentials(options);
  }
  std::shared_ptr<grpc::Channel> Channel(int port, const std::shared_ptr<grpc::ChannelCredentials>& credentials) {
    grpc::ChannelArguments args;
    args.SetInt("grpc.use_local_subchannel_pool", 1);  // a connection of its own
    return grpc::CreateCustomChannel("127.0.0.1:" + std::to_string(port), credentials, args);
  }
  std::shared_ptr<grpc::Channel> Gateway(const std::shared_ptr<grpc::ChannelCredentials>& credentials) {
    return Channel(platform_->gateway().ports.grpc, credentials);
  }

  // Registers agency `serial` of `city` through `channel` with `authorization`
  // ("" for none): the status, and the record's outcome when OK.
  grpc::Status AddAgency(const std::shared_ptr<grpc::Channel>& channel, const std::string& authorization,
                         const std::string& city, int serial) {
    registry::v1::UpsertAgenciesRequest request;
    *request.add_agencies() = AgencyOf(city, serial);
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    if (!authorization.empty()) ctx.AddMetadata("authorization", authorization);
    registry::v1::UpsertAgenciesResponse response;
    grpc::Status status = RegistryService::NewStub(channel)->UpsertAgencies(&ctx, request, &response);
    if (status.ok()) EXPECT_EQ(response.results(0).outcome(), common::v1::RecordResult::ACCEPTED);
    return status;
  }

  std::string dir_;
  std::unique_ptr<Platform> platform_;
};

// The tests whose calls depend on what serves the gateway's port, on each.
class InsideTlsOnEachFront : public InsideTls, public ::testing::WithParamInterface<std::string> {
 protected:
  std::string Front() const override { return GetParam(); }
};
INSTANTIATE_TEST_SUITE_P(Fronts, InsideTlsOnEachFront, ::testing::Values("frames", "grpc"),
                         [](const auto& info) { return info.param; });

TEST_P(InsideTlsOnEachFront, CallsGoThroughTheGatewayAndBetweenServicesOverMutualTls) {
  // Gateway to registry.
  const grpc::Status added = AddAgency(Gateway(Tls()), platform_->Authorization("city-140100"), "140100", 1);
  EXPECT_TRUE(added.ok()) << added.error_message();
  // The province view: the supervision service asks every other service
  // for its part, each call over mutual TLS; one refused would be UNAVAILABLE.
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
  ctx.AddMetadata("authorization", platform_->Authorization("province"));
  supervision::v1::GetKpisRequest request;
  request.set_year(std::stoi(common::FormatIsoDate(platform_->Today()).substr(0, 4)));
  supervision::v1::GetKpisResponse response;
  const grpc::Status kpis =
      supervision::v1::SupervisionService::NewStub(Gateway(Tls()))->GetKpis(&ctx, request, &response);
  EXPECT_TRUE(kpis.ok()) << kpis.error_message();
}

TEST_F(InsideTls, EachProcessExportsWhenItsCertificatesEnd) {
  // When a file's certificate ends, as openssl reads it, in seconds since
  // the Unix epoch.
  auto end_of = [this](const std::string& name) {
    const std::string out = dir_ + "/" + name + ".end";
    const std::string command = "date -d \"$(openssl x509 -noout -enddate -in '" + dir_ + "/" + name +
                                ".crt' | cut -d= -f2)\" +%s > '" + out + "'";
    EXPECT_EQ(std::system(command.c_str()), 0) << command;
    return std::strtod(Contents(out).c_str(), nullptr);
  };
  const double gateway_end = end_of("gateway");
  const double service_end = end_of("service");
  const double ca_end = end_of("ca");
  ASSERT_GT(gateway_end, 0);
  const std::string gauge = "gongkai_tls_certificate_expiry_timestamp_seconds";
  const std::string gateway = HttpGet(platform_->gateway().ports.metrics, "/metrics");
  EXPECT_EQ(MetricValue(gateway, gauge + "{certificate=\"served\"}"), gateway_end);
  EXPECT_EQ(MetricValue(gateway, gauge + "{certificate=\"client_ca\"}"), ca_end);
  EXPECT_EQ(MetricValue(gateway, gauge + "{certificate=\"upstream_ca\"}"), ca_end);
  EXPECT_EQ(MetricValue(gateway, gauge + "{certificate=\"upstream_client\"}"), gateway_end);
  for (const auto& entry : common::ServiceTable()) {
    const std::string metrics = HttpGet(platform_->service(entry.name).ports.metrics, "/metrics");
    EXPECT_EQ(MetricValue(metrics, gauge + "{certificate=\"served\"}"), service_end) << entry.name;
    EXPECT_EQ(MetricValue(metrics, gauge + "{certificate=\"client_ca\"}"), ca_end) << entry.name;
    EXPECT_EQ(MetricValue(metrics, gauge + "{certificate=\"upstream_ca\"}"), ca_end) << entry.name;
    EXPECT_EQ(MetricValue(metrics, gauge + "{certificate=\"upstream_client\"}"), service_end) << entry.name;
  }
}

TEST_F(InsideTls, AServiceServesOnlyClientsWithACertificateOfThePlatformsCa) {
  const int registry = platform_->service("registry").ports.grpc;
  const std::string address = "127.0.0.1:" + std::to_string(registry);
  EXPECT_EQ(Ask(address, grpc::InsecureChannelCredentials()).code, grpc::StatusCode::UNAVAILABLE) << "plaintext";
  EXPECT_EQ(Ask(address, Tls()).code, grpc::StatusCode::UNAVAILABLE) << "no client certificate";
  grpc::SslCredentialsOptions stranger;
  stranger.pem_root_certs = Contents(dir_ + "/ca.crt");
  stranger.pem_cert_chain = Contents(dir_ + "/other/stranger.crt");
  stranger.pem_private_key = Contents(dir_ + "/other/stranger.key");
  EXPECT_EQ(Ask(address, grpc::SslCredentials(stranger)).code, grpc::StatusCode::UNAVAILABLE)
      << "a certificate of another CA";
  const Answer served = Ask(address, Tls("service"));
  EXPECT_EQ(served.code, grpc::StatusCode::OK) << "a certificate of the platform's CA";
  EXPECT_EQ(served.peer_certificate, Contents(dir_ + "/service.crt"));

  // Its plaintext health port, for probes that speak no TLS: the health,
  // and nothing else.
  const int health = platform_->service("registry").ports.health;
  ASSERT_NE(health, 0);
  const auto plain = Channel(health, grpc::InsecureChannelCredentials());
  EXPECT_EQ(HealthOf(plain), "SERVING");
  EXPECT_EQ(Ask("127.0.0.1:" + std::to_string(health), grpc::InsecureChannelCredentials()).code,
            grpc::StatusCode::UNIMPLEMENTED)
      << "no method of the service on the health port";
}

TEST_P(InsideTlsOnEachFront, AClientCertificateNamesItsPrincipalAloneAndNoOtherTokenRidesOnIt) {
  // A city system of Jincheng (140500) that authenticates with its
  // certificate alone, added to the principals and read on SIGHUP.
  const std::string fingerprint_file = dir_ + "/city.sha256";
  ASSERT_EQ(std::system(("openssl x509 -in '" + dir_ + "/city.crt' -outform der | sha256sum | cut -d' ' -f1 > '" +
                         fingerprint_file + "'")
                            .c_str()),
            0);
  std::string fingerprint = Contents(fingerprint_file);
  fingerprint.erase(fingerprint.find_last_not_of("\n") + 1);
  ASSERT_EQ(fingerprint.size(), 64u);
  auto principals = nlohmann::json::parse(Contents(platform_->principals_file()));
  principals.push_back(
      {{"name", "jincheng-system"}, {"role", "city"}, {"city", "140500"}, {"client_cert_sha256", fingerprint}});
  std::ofstream(platform_->principals_file() + ".new") << principals.dump();
  std::filesystem::rename(platform_->principals_file() + ".new", platform_->principals_file());
  ASSERT_EQ(kill(platform_->gateway().process->pid(), SIGHUP), 0);

  const auto with_certificate = Gateway(Tls("city"));
  EXPECT_TRUE(Eventually([&] { return AddAgency(with_certificate, "", "140500", 1).ok(); }, 10000))
      << "the certificate alone is Jincheng's credential";
  // Its scope is Jincheng's: another city's agency is refused.
  EXPECT_EQ(AddAgency(with_certificate, "", "140100", 2).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  // Without it, no credential; with it, another principal's token is refused.
  EXPECT_EQ(AddAgency(Gateway(Tls()), "", "140500", 3).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(AddAgency(with_certificate, platform_->Authorization("city-140100"), "140100", 4).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  // A stream, which the frame front forwards to the gateway's gRPC server:
  // the certificate names the caller there too.
  const auto sync_nothing = [](const std::shared_ptr<grpc::Channel>& channel) {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    penalties::v1::SyncSummary summary;
    auto writer = penalties::v1::PenaltiesService::NewStub(channel)->SyncDecisions(&ctx, &summary);
    writer->WritesDone();
    return writer->Finish();
  };
  const grpc::Status synced = sync_nothing(with_certificate);
  EXPECT_TRUE(synced.ok()) << synced.error_message();
  EXPECT_EQ(sync_nothing(Gateway(Tls())).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  // A certificate of another CA does not connect to the gateway.
  grpc::SslCredentialsOptions stranger;
  stranger.pem_root_certs = Contents(dir_ + "/ca.crt");
  stranger.pem_cert_chain = Contents(dir_ + "/other/stranger.crt");
  stranger.pem_private_key = Contents(dir_ + "/other/stranger.key");
  EXPECT_EQ(AddAgency(Gateway(grpc::SslCredentials(stranger)), platform_->Authorization("city-140100"), "140100", 5)
                .error_code(),
            grpc::StatusCode::UNAVAILABLE);
}

}  // namespace
}  // namespace gongkai::testing
