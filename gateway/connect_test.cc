#include "gateway/connect.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "common/encoding.h"
#include "common/errors.h"
#include "gateway/routes.h"
#include "gongkai/registry/v1/registry.pb.h"

namespace gongkai::gateway {
namespace {

const google::protobuf::Descriptor& VerifyRequestType() {
  RoutedServices();  // links every routed service's types in
  return *registry::v1::VerifyCertificateRequest::descriptor();
}

TEST(ConnectTest, CodesAndHttpStatusesFollowTheProtocolTable) {
  EXPECT_EQ(ConnectCode(grpc::StatusCode::INVALID_ARGUMENT), "invalid_argument");
  EXPECT_EQ(ConnectCode(grpc::StatusCode::CANCELLED), "canceled");
  EXPECT_EQ(ConnectCode(grpc::StatusCode::UNAUTHENTICATED), "unauthenticated");
  EXPECT_EQ(HttpStatusOf(grpc::StatusCode::INVALID_ARGUMENT), 400);
  EXPECT_EQ(HttpStatusOf(grpc::StatusCode::FAILED_PRECONDITION), 400);
  EXPECT_EQ(HttpStatusOf(grpc::StatusCode::UNAUTHENTICATED), 401);
  EXPECT_EQ(HttpStatusOf(grpc::StatusCode::PERMISSION_DENIED), 403);
  EXPECT_EQ(HttpStatusOf(grpc::StatusCode::NOT_FOUND), 404);
  EXPECT_EQ(HttpStatusOf(grpc::StatusCode::ALREADY_EXISTS), 409);
  EXPECT_EQ(HttpStatusOf(grpc::StatusCode::RESOURCE_EXHAUSTED), 429);
  EXPECT_EQ(HttpStatusOf(grpc::StatusCode::CANCELLED), 499);
  EXPECT_EQ(HttpStatusOf(grpc::StatusCode::UNIMPLEMENTED), 501);
  EXPECT_EQ(HttpStatusOf(grpc::StatusCode::UNAVAILABLE), 503);
  EXPECT_EQ(HttpStatusOf(grpc::StatusCode::DEADLINE_EXCEEDED), 504);
  EXPECT_EQ(HttpStatusOf(grpc::StatusCode::INTERNAL), 500);
}

TEST(ConnectTest, AnErrorCarriesItsFieldViolationsAsDetails) {
  auto status = common::InvalidArgumentStatus("bad request", {{"certificate_number", "must not be empty"}});
  auto body = nlohmann::json::parse(ConnectErrorBody(status));
  EXPECT_EQ(body["code"], "invalid_argument");
  EXPECT_EQ(body["message"], "bad request");
  ASSERT_EQ(body["details"].size(), 1u);
  const auto& detail = body["details"][0];
  EXPECT_EQ(detail["type"], "google.rpc.BadRequest");
  // The value is the message itself, base64 without padding.
  const std::string value = detail["value"];
  EXPECT_EQ(value.find('='), std::string::npos);
  google::rpc::BadRequest decoded;
  ASSERT_TRUE(decoded.ParseFromString(*common::Base64Decode(value)));
  ASSERT_EQ(decoded.field_violations_size(), 1);
  EXPECT_EQ(decoded.field_violations(0).field(), "certificate_number");
  EXPECT_EQ(detail["debug"]["fieldViolations"][0]["description"], "must not be empty");
}

TEST(ConnectTest, AnErrorWithoutDetailsHasNone) {
  auto body = nlohmann::json::parse(ConnectErrorBody({grpc::StatusCode::NOT_FOUND, "no such agency"}));
  EXPECT_EQ(body["code"], "not_found");
  EXPECT_FALSE(body.contains("details"));
}

TEST(ConnectTest, AMessageWithInvalidUtf8StillMakesValidJson) {
  auto body = nlohmann::json::parse(ConnectErrorBody({grpc::StatusCode::INVALID_ARGUMENT, "bad \xff byte"}));
  EXPECT_EQ(body["code"], "invalid_argument");
}

TEST(ConnectTest, ContentTypesNameTheEncoding) {
  EXPECT_EQ(EncodingOfContentType("application/json"), Encoding::kJson);
  EXPECT_EQ(EncodingOfContentType("application/json; charset=utf-8"), Encoding::kJson);
  EXPECT_EQ(EncodingOfContentType("Application/JSON"), Encoding::kJson);
  EXPECT_EQ(EncodingOfContentType("application/proto"), Encoding::kProto);
  EXPECT_EQ(EncodingOfContentType("application/grpc"), std::nullopt);
  EXPECT_EQ(EncodingOfContentType(""), std::nullopt);
}

TEST(ConnectTest, JsonRequestsBecomeTheBinaryForm) {
  std::string binary;
  ASSERT_TRUE(
      DecodeMessage(VerifyRequestType(), Encoding::kJson, R"({"certificateNumber":"14010012345"})", &binary).ok());
  registry::v1::VerifyCertificateRequest request;
  ASSERT_TRUE(request.ParseFromString(binary));
  EXPECT_EQ(request.certificate_number(), "14010012345");
  // The proto field name is accepted too, as protobuf's JSON mapping says.
  ASSERT_TRUE(DecodeMessage(VerifyRequestType(), Encoding::kJson, R"({"certificate_number":"x"})", &binary).ok());

  std::string json;
  ASSERT_TRUE(EncodeMessage(VerifyRequestType(), Encoding::kJson, binary, &json));
  EXPECT_EQ(json, R"({"certificateNumber":"x"})");
}

TEST(ConnectTest, BadJsonIsRefusedNamingTheProblem) {
  std::string binary;
  auto unknown = DecodeMessage(VerifyRequestType(), Encoding::kJson, R"({"no_such_field":1})", &binary);
  EXPECT_EQ(unknown.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(unknown.error_message().find("no_such_field"), std::string::npos) << unknown.error_message();
  EXPECT_EQ(DecodeMessage(VerifyRequestType(), Encoding::kJson, "{", &binary).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(
      DecodeMessage(VerifyRequestType(), Encoding::kJson, "{\"certificateNumber\":\"\xff\xfe\"}", &binary).error_code(),
      grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(DecodeMessage(VerifyRequestType(), Encoding::kJson, R"({"certificateNumber":12})", &binary).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(DecodeMessage(VerifyRequestType(), Encoding::kProto, std::string("\xff\xff\xff", 3), &binary).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

TEST(ConnectTest, AGetQueryCarriesTheMessage) {
  GetQuery get;
  ASSERT_TRUE(
      ParseGetQuery("connect=v1&encoding=json&message=%7B%22certificateNumber%22%3A%22%E5%8D%8E%22%7D", &get).ok());
  EXPECT_EQ(get.encoding, Encoding::kJson);
  EXPECT_EQ(get.message, "{\"certificateNumber\":\"华\"}");

  registry::v1::VerifyCertificateRequest request;
  request.set_certificate_number("c");
  ASSERT_TRUE(ParseGetQuery("encoding=proto&base64=1&message=" +
                                common::Base64Encode(request.SerializeAsString(), common::Base64::kUrl, false),
                            &get)
                  .ok());
  EXPECT_EQ(get.encoding, Encoding::kProto);
  EXPECT_EQ(get.message, request.SerializeAsString());

  // Parameters of the client's own (a cache buster) are let through.
  EXPECT_TRUE(ParseGetQuery("encoding=json&message=%7B%7D&_=123", &get).ok());
}

TEST(ConnectTest, ABadGetQueryNamesTheParameter) {
  GetQuery get;
  auto missing = ParseGetQuery("message=%7B%7D", &get);
  EXPECT_EQ(missing.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(missing.error_message().find("encoding"), std::string::npos);
  EXPECT_NE(ParseGetQuery("encoding=xml&message=x", &get).error_message().find("encoding"), std::string::npos);
  EXPECT_NE(ParseGetQuery("connect=v2&encoding=json", &get).error_message().find("connect"), std::string::npos);
  EXPECT_NE(ParseGetQuery("encoding=json&message=%zz", &get).error_message().find("message"), std::string::npos);
  EXPECT_NE(ParseGetQuery("encoding=json&encoding=json", &get).error_message().find("twice"), std::string::npos);
  EXPECT_NE(ParseGetQuery("encoding=proto&base64=1&message=***", &get).error_message().find("base64"),
            std::string::npos);
  EXPECT_EQ(ParseGetQuery("encoding=json&compression=gzip", &get).error_code(), grpc::StatusCode::UNIMPLEMENTED);
}

TEST(ConnectTest, TimeoutsAreWholeMilliseconds) {
  std::optional<std::chrono::milliseconds> timeout;
  ASSERT_TRUE(ParseTimeout("", &timeout).ok());
  EXPECT_FALSE(timeout);
  ASSERT_TRUE(ParseTimeout("2500", &timeout).ok());
  EXPECT_EQ(timeout, std::chrono::milliseconds(2500));
  EXPECT_EQ(ParseTimeout("-1", &timeout).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ParseTimeout("1.5", &timeout).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ParseTimeout("12345678901", &timeout).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

TEST(ConnectTest, PercentDecoding) {
  std::string out;
  ASSERT_TRUE(PercentDecode("a%20b+c%e5%8d%8e", &out));
  EXPECT_EQ(out, "a b c华");
  EXPECT_FALSE(PercentDecode("%", &out));
  EXPECT_FALSE(PercentDecode("%4", &out));
  EXPECT_FALSE(PercentDecode("%4g", &out));
}

}  // namespace
}  // namespace gongkai::gateway
