// The gateway's HTTP door (gateway/http_front.h): Connect's unary JSON form
// against a real platform, with the same tokens, access, limits and metering
// as gRPC.
#include <gtest/gtest.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>

#include "common/encoding.h"
#include "gongkai/registry/v1/registry.pb.h"
#include "google/rpc/error_details.pb.h"
#include "tests/e2e/platform.h"

namespace gongkai::testing {
namespace {

using nlohmann::json;

constexpr char kRegistry[] = "/gongkai.registry.v1.RegistryService/";
constexpr char kOrigin[] = "https://portal.example.cn";

class HttpTest : public PlatformTest {
 protected:
  PlatformOptions Options() override {
    auto options = PlatformTest::Options();
    options.env["gateway"] = {{"GONGKAI_CORS_ORIGINS", kOrigin},
                              {"GONGKAI_PUBLIC_REQUEST_MAX_BYTES", "1024"},
                              {"GONGKAI_RATE_LIMIT", "1000"}};
    return options;
  }

  int port() const { return platform_->gateway().ports.http; }

  HttpAnswer Post(const std::string& method, const std::string& body, std::map<std::string, std::string> headers = {}) {
    headers.emplace("content-type", "application/json");
    return HttpRequest(port(), "POST", kRegistry + method, headers, body);
  }

  std::string AgencyJson(const std::string& city, int serial) {
    return json{{"agencies",
                 {{{"creditCode", CreditCode(city, serial)},
                   {"name", "执法机构" + std::to_string(serial)},
                   {"legalRepresentative", "孙某"},
                   {"areaCode", city},
                   {"contact", "0351-2222222"},
                   {"domains", {"market_regulation"}},
                   {"validFrom", "2026-01-01"},
                   {"validUntil", "2030-12-31"},
                   {"sourceVersion", "1"}}}}}
        .dump();
  }
};

TEST_F(HttpTest, ACityWritesAndThePublicReadsInJson) {
  auto written =
      Post("UpsertAgencies", AgencyJson("140100", 1), {{"authorization", platform_->Authorization("city-140100")}});
  ASSERT_EQ(written.status, 200) << written.body;
  EXPECT_EQ(written.headers["content-type"], "application/json");
  EXPECT_EQ(written.headers["cache-control"], "private, no-store");
  EXPECT_EQ(written.headers["x-request-id"].size(), 24u);
  EXPECT_EQ(json::parse(written.body)["results"][0]["outcome"], "ACCEPTED") << written.body;

  // The same agency, read with POST and with a GET whose answer may be cached.
  auto posted = Post("GetAgency", json{{"creditCode", CreditCode("140100", 1)}}.dump());
  ASSERT_EQ(posted.status, 200) << posted.body;
  EXPECT_EQ(json::parse(posted.body)["name"], "执法机构1");

  auto got =
      HttpRequest(port(), "GET",
                  std::string(kRegistry) + "GetAgency?connect=v1&encoding=json&message=%7B%22creditCode%22%3A%22" +
                      CreditCode("140100", 1) + "%22%7D");
  ASSERT_EQ(got.status, 200) << got.body;
  EXPECT_EQ(json::parse(got.body)["name"], "执法机构1");
  EXPECT_EQ(got.headers["cache-control"], "public, max-age=60");

  // The binary encoding works alike.
  registry::v1::GetAgencyRequest request;
  request.set_credit_code(CreditCode("140100", 1));
  auto binary = HttpRequest(port(), "GET",
                            std::string(kRegistry) + "GetAgency?encoding=proto&base64=1&message=" +
                                common::Base64Encode(request.SerializeAsString(), common::Base64::kUrl, false));
  ASSERT_EQ(binary.status, 200) << binary.body;
  EXPECT_EQ(binary.headers["content-type"], "application/proto");
  registry::v1::Agency agency;
  ASSERT_TRUE(agency.ParseFromString(binary.body));
  EXPECT_EQ(agency.name(), "执法机构1");
}

TEST_F(HttpTest, TheSameAccessRulesAsGrpc) {
  auto anonymous = Post("UpsertAgencies", AgencyJson("140100", 2));
  EXPECT_EQ(anonymous.status, 401);
  EXPECT_EQ(json::parse(anonymous.body)["code"], "unauthenticated");

  auto forged = Post("UpsertAgencies", AgencyJson("140100", 2), {{"authorization", "Bearer city-140100.forged"}});
  EXPECT_EQ(forged.status, 401);
  EXPECT_EQ(json::parse(forged.body)["message"], "invalid credential");

  auto desk = Post("UpsertAgencies", AgencyJson("140100", 2), {{"authorization", platform_->Authorization("desk")}});
  EXPECT_EQ(desk.status, 403);
  EXPECT_EQ(json::parse(desk.body)["code"], "permission_denied");

  // Another city's codes are refused by the service, as over gRPC.
  auto other_city =
      Post("UpsertAgencies", AgencyJson("140200", 3), {{"authorization", platform_->Authorization("city-140100")}});
  EXPECT_EQ(other_city.status, 403) << other_city.body;
  EXPECT_EQ(json::parse(other_city.body)["code"], "permission_denied");
}

TEST_F(HttpTest, ErrorsAreConnectErrorsWithTheFieldViolations) {
  auto empty = Post("VerifyCertificate", "{}");
  ASSERT_EQ(empty.status, 400) << empty.body;
  auto body = json::parse(empty.body);
  EXPECT_EQ(body["code"], "invalid_argument");
  ASSERT_EQ(body["details"].size(), 1u) << empty.body;
  EXPECT_EQ(body["details"][0]["type"], "google.rpc.BadRequest");
  EXPECT_EQ(body["details"][0]["debug"]["fieldViolations"][0]["field"], "subject");
  google::rpc::BadRequest violations;
  ASSERT_TRUE(violations.ParseFromString(*common::Base64Decode(body["details"][0]["value"].get<std::string>())));
  EXPECT_EQ(violations.field_violations(0).field(), "subject");
}

TEST_F(HttpTest, HostileBodiesAreRefusedNamingTheRule) {
  auto unknown_field = Post("VerifyCertificate", R"({"certificateNumber":"1","isAdmin":true})");
  EXPECT_EQ(unknown_field.status, 400);
  EXPECT_NE(json::parse(unknown_field.body)["message"].get<std::string>().find("isAdmin"), std::string::npos)
      << unknown_field.body;

  auto bad_utf8 = Post("VerifyCertificate", "{\"certificateNumber\":\"\xc3\x28\"}");
  EXPECT_EQ(bad_utf8.status, 400) << bad_utf8.body;
  EXPECT_EQ(json::parse(bad_utf8.body)["code"], "invalid_argument");

  auto not_json = Post("VerifyCertificate", std::string("\0\0\0", 3));
  EXPECT_EQ(not_json.status, 400);

  // A body over the public methods' limit (1 KiB here, four times that in
  // JSON) is refused before it is read to its end.
  auto huge = Post("VerifyCertificate", "{\"certificateNumber\":\"" + std::string(64 * 1024, 'x') + "\"}");
  EXPECT_EQ(huge.status, 429);
  EXPECT_EQ(json::parse(huge.body)["code"], "resource_exhausted");
  // Within the HTTP limit but over the message limit once decoded.
  auto oversized = Post("VerifyCertificate", "{\"certificateNumber\":\"" + std::string(2000, 'x') + "\"}");
  EXPECT_EQ(oversized.status, 429) << oversized.body;

  auto text =
      HttpRequest(port(), "POST", std::string(kRegistry) + "VerifyCertificate", {{"content-type", "text/plain"}}, "x");
  EXPECT_EQ(text.status, 415);

  auto timeout = Post("VerifyCertificate", R"({"certificateNumber":"1"})", {{"connect-timeout-ms", "soon"}});
  EXPECT_EQ(timeout.status, 400);
  EXPECT_NE(timeout.body.find("connect-timeout-ms"), std::string::npos);

  auto unknown_method = Post("NoSuchMethod", "{}");
  EXPECT_EQ(unknown_method.status, 501);
  EXPECT_EQ(json::parse(unknown_method.body)["code"], "unimplemented");

  // A write is not taken as a GET; a stream is for gRPC.
  auto get_write = HttpRequest(port(), "GET", std::string(kRegistry) + "UpsertAgencies?encoding=json&message=%7B%7D",
                               {{"authorization", platform_->Authorization("city-140100")}});
  EXPECT_EQ(get_write.status, 405);
  EXPECT_EQ(get_write.headers["allow"], "POST");
  EXPECT_NE(get_write.body.find("POST"), std::string::npos);
  auto stream = HttpRequest(
      port(), "POST", "/gongkai.penalties.v1.PenaltiesService/SyncDecisions",
      {{"content-type", "application/json"}, {"authorization", platform_->Authorization("city-140100")}}, "{}");
  EXPECT_EQ(stream.status, 501);
  EXPECT_NE(stream.body.find("gRPC"), std::string::npos);

  // Nothing of that reached the upstream as a success, and the platform still answers.
  auto fine = Post("VerifyCertificate", R"({"certificateNumber":"NEVER-ISSUED"})");
  ASSERT_EQ(fine.status, 200) << fine.body;
  EXPECT_EQ(json::parse(fine.body)["verdict"], "UNKNOWN");
}

// Sends a POST's head announcing `content_length` bytes and none of them;
// the answer, which must come before any byte of the body.
HttpAnswer PostHeadOnly(int port, const std::string& target, const std::map<std::string, std::string>& headers,
                        std::size_t content_length) {
  namespace beast = boost::beast;
  namespace http = beast::http;
  boost::asio::io_context io;
  beast::tcp_stream stream(io);
  stream.expires_after(std::chrono::seconds(10));
  stream.connect(
      boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)));
  std::string head = "POST " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n";
  for (const auto& [name, value] : headers) head += name + ": " + value + "\r\n";
  head += "Content-Length: " + std::to_string(content_length) + "\r\n\r\n";
  boost::asio::write(stream, boost::asio::buffer(head));
  beast::flat_buffer buffer;
  http::response<http::string_body> response;
  http::read(stream, buffer, response);
  return {static_cast<int>(response.result_int()), {}, response.body()};
}

TEST_F(HttpTest, ABodyIsReadOnlyOnceItsCallIsAdmittedAndWithinItsLimit) {
  // An anonymous write of 60 MB: refused on its head.
  auto anonymous = PostHeadOnly(port(), std::string(kRegistry) + "UpsertAgencies", {}, 60 * 1000 * 1000);
  EXPECT_EQ(anonymous.status, 401);
  EXPECT_EQ(json::parse(anonymous.body)["code"], "unauthenticated");
  // A public lookup announcing more than its limit: refused on its head too.
  auto lookup = PostHeadOnly(port(), std::string(kRegistry) + "VerifyCertificate", {}, 1000 * 1000);
  EXPECT_EQ(lookup.status, 429);
  EXPECT_NE(json::parse(lookup.body)["message"].get<std::string>().find("limit"), std::string::npos);
  // A web page takes no body.
  auto page = HttpRequest(port(), "GET", "/verify.html", {}, "x");
  EXPECT_EQ(page.status, 400);
}

TEST_F(HttpTest, ARequestIdThatIsNoTokenIsReplaced) {
  for (const std::string& id :
       {std::string("\xc3\xa9"), std::string("a\tb"), std::string("quote\"d"), std::string(65, 'a')}) {
    auto answer = Post("VerifyCertificate", R"({"certificateNumber":"NEVER-ISSUED"})", {{"x-request-id", id}});
    ASSERT_EQ(answer.status, 200) << answer.body;
    EXPECT_EQ(answer.headers["x-request-id"].size(), 24u);
  }
  auto kept = Post("VerifyCertificate", R"({"certificateNumber":"NEVER-ISSUED"})", {{"x-request-id", "desk-42:a_b.c"}});
  EXPECT_EQ(kept.headers["x-request-id"], "desk-42:a_b.c");
}

TEST_F(HttpTest, CallsAreMeteredLikeGrpcCalls) {
  ASSERT_EQ(Post("VerifyCertificate", R"({"certificateNumber":"NEVER-ISSUED"})").status, 200);
  ASSERT_EQ(Post("VerifyCertificate", "{}").status, 400);
  const std::string metrics = platform_->GatewayMetrics();
  EXPECT_NE(metrics.find("grpc_server_handled_total{caller=\"public\",grpc_code=\"OK\",grpc_method="
                         "\"VerifyCertificate\""),
            std::string::npos);
  EXPECT_NE(metrics.find("grpc_server_handled_total{caller=\"public\",grpc_code=\"InvalidArgument\",grpc_method="
                         "\"VerifyCertificate\""),
            std::string::npos);
}

TEST_F(HttpTest, ConfiguredOriginsMayCallFromABrowser) {
  auto preflight = HttpRequest(port(), "OPTIONS", std::string(kRegistry) + "VerifyCertificate",
                               {{"origin", kOrigin}, {"access-control-request-method", "POST"}});
  EXPECT_EQ(preflight.status, 204);
  EXPECT_EQ(preflight.headers["access-control-allow-origin"], kOrigin);
  EXPECT_NE(preflight.headers["access-control-allow-headers"].find("connect-protocol-version"), std::string::npos);

  auto call = Post("VerifyCertificate", R"({"certificateNumber":"1"})", {{"origin", kOrigin}});
  EXPECT_EQ(call.headers["access-control-allow-origin"], kOrigin);

  auto stranger = Post("VerifyCertificate", R"({"certificateNumber":"1"})", {{"origin", "https://evil.example"}});
  EXPECT_EQ(stranger.status, 200);
  EXPECT_EQ(stranger.headers.count("access-control-allow-origin"), 0u);
}

TEST_F(HttpTest, ThePagesAndTheApiReferenceAreServed) {
  auto index = HttpRequest(port(), "GET", "/api/");
  ASSERT_EQ(index.status, 200);
  EXPECT_EQ(index.headers["content-type"], "text/html; charset=utf-8");
  for (const char* service : {"gongkai.registry.v1.RegistryService", "gongkai.penalties.v1.PenaltiesService",
                              "gongkai.requests.v1.RequestsService"}) {
    EXPECT_NE(index.body.find(service), std::string::npos) << service;
  }
  auto registry = HttpRequest(port(), "GET", "/api/gongkai.registry.v1.html");
  ASSERT_EQ(registry.status, 200);
  EXPECT_NE(registry.body.find("执法证真伪查询"), std::string::npos);  // the proto's comment
  EXPECT_NE(registry.body.find("public (rate-limited)"), std::string::npos);

  auto page = HttpRequest(port(), "GET", "/verify.html");
  ASSERT_EQ(page.status, 200);
  EXPECT_NE(page.headers["content-security-policy"].find("default-src 'self'"), std::string::npos);
  EXPECT_EQ(page.headers["x-content-type-options"], "nosniff");
  auto again = HttpRequest(port(), "GET", "/verify.html", {{"if-none-match", page.headers["etag"]}});
  EXPECT_EQ(again.status, 304);
  EXPECT_TRUE(again.body.empty());

  EXPECT_EQ(HttpRequest(port(), "GET", "/../CMakeLists.txt").status, 404);
  EXPECT_EQ(HttpRequest(port(), "GET", "/.copied").status, 404);
  EXPECT_EQ(HttpRequest(port(), "GET", "/qr/not%20a%20code.svg").status, 404);
  auto qr = HttpRequest(port(), "GET", "/qr/ABC123.svg");
  ASSERT_EQ(qr.status, 200);
  EXPECT_EQ(qr.headers["content-type"], "image/svg+xml");
}

class HttpRateLimitTest : public HttpTest {
 protected:
  PlatformOptions Options() override {
    auto options = PlatformTest::Options();
    options.env["gateway"] = {{"GONGKAI_RATE_LIMIT", "2"}, {"GONGKAI_RATE_WINDOW_MS", "60000"}};
    return options;
  }
};

TEST_F(HttpRateLimitTest, TheRateLimitHoldsAndSaysWhenToRetry) {
  for (int i = 0; i < 2; ++i) ASSERT_EQ(Post("VerifyCertificate", R"({"certificateNumber":"1"})").status, 200);
  auto limited = Post("VerifyCertificate", R"({"certificateNumber":"1"})");
  ASSERT_EQ(limited.status, 429) << limited.body;
  auto body = json::parse(limited.body);
  EXPECT_EQ(body["code"], "resource_exhausted");
  EXPECT_EQ(body["details"][0]["type"], "google.rpc.RetryInfo");
}

}  // namespace
}  // namespace gongkai::testing
