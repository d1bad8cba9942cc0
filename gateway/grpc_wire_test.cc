#include "gateway/grpc_wire.h"

#include <gtest/gtest.h>

namespace gongkai::gateway {
namespace {

using namespace std::chrono;

TEST(MessageReader, CutsMessagesOutOfBytesAsTheyCome) {
  const std::string stream = FramedMessage("first") + FramedMessage("") + FramedMessage(std::string(70000, 'x'));
  MessageReader reader;
  std::vector<std::string> messages;
  for (std::size_t at = 0; at < stream.size(); at += 3) {  // three bytes at a time
    reader.Add(std::string_view(stream).substr(at, 3));
    while (auto message = reader.Next()) messages.push_back(*message);
  }
  ASSERT_EQ(messages.size(), 3u);
  EXPECT_EQ(messages[0], "first");
  EXPECT_EQ(messages[1], "");
  EXPECT_EQ(messages[2], std::string(70000, 'x'));
  EXPECT_EQ(reader.buffered(), 0u);
}

TEST(MessageReader, TellsTheDeclaredLengthBeforeTheMessageHasCome) {
  MessageReader reader;
  reader.Add(std::string("\0\0\0", 3));
  EXPECT_EQ(reader.NextLength(), std::nullopt);
  reader.Add(std::string("\x01\x00", 2));  // 256 bytes declared
  EXPECT_EQ(reader.NextLength(), 256u);
  EXPECT_FALSE(reader.NextCompressed());
  EXPECT_EQ(reader.Next(), std::nullopt);
  reader.Add(std::string(256, 'y'));
  EXPECT_EQ(reader.Next(), std::string(256, 'y'));
}

TEST(MessageReader, SeesACompressedMessage) {
  MessageReader reader;
  std::string framed = FramedMessage("abc");
  framed[0] = 1;
  reader.Add(framed);
  EXPECT_TRUE(reader.NextCompressed());
}

TEST(GrpcTimeout, ParsesEveryUnitAndRefusesTheRest) {
  EXPECT_EQ(ParseGrpcTimeout("2H"), duration_cast<nanoseconds>(hours(2)));
  EXPECT_EQ(ParseGrpcTimeout("3M"), duration_cast<nanoseconds>(minutes(3)));
  EXPECT_EQ(ParseGrpcTimeout("30S"), duration_cast<nanoseconds>(seconds(30)));
  EXPECT_EQ(ParseGrpcTimeout("1500m"), duration_cast<nanoseconds>(milliseconds(1500)));
  EXPECT_EQ(ParseGrpcTimeout("7u"), duration_cast<nanoseconds>(microseconds(7)));
  EXPECT_EQ(ParseGrpcTimeout("99999999n"), nanoseconds(99999999));
  EXPECT_EQ(ParseGrpcTimeout("2562047H"), duration_cast<nanoseconds>(hours(2562047)));
  EXPECT_EQ(ParseGrpcTimeout("99999999H"), nanoseconds::max()) << "as long as it gets, not wrapped";
  for (const char* bad : {"", "m", "5", "5s", "-5m", "123456789m", "1.5S", " 5m"}) {
    EXPECT_EQ(ParseGrpcTimeout(bad), std::nullopt) << bad;
  }
}

TEST(GrpcTimeout, FormatsWhatIsLeftRoundedUpInEightDigits) {
  EXPECT_EQ(FormatGrpcTimeout(milliseconds(30000)), "30000m");
  EXPECT_EQ(FormatGrpcTimeout(microseconds(1500)), "2m");
  EXPECT_EQ(FormatGrpcTimeout(nanoseconds(0)), "1m");
  EXPECT_EQ(FormatGrpcTimeout(-seconds(3)), "1m");
  EXPECT_EQ(FormatGrpcTimeout(hours(24 * 365)), "31536000S");
  for (const auto left : {milliseconds(1), milliseconds(99999999), milliseconds(100000000)}) {
    const auto parsed = ParseGrpcTimeout(FormatGrpcTimeout(left));
    ASSERT_TRUE(parsed) << left.count();
    EXPECT_GE(*parsed, left);
  }
}

TEST(GrpcMessage, PercentEncodesWhatIsNotPrintableAscii) {
  EXPECT_EQ(PercentEncode("rate limit 100%"), "rate limit 100%25");
  EXPECT_EQ(PercentEncode("缺少"), "%E7%BC%BA%E5%B0%91");
  EXPECT_EQ(PercentEncode(std::string("a\0b\n", 4)), "a%00b%0A");
  EXPECT_EQ(PercentDecode(PercentEncode("缺少字段 100% \n")), "缺少字段 100% \n");
  EXPECT_EQ(PercentDecode("bad %zz and %4"), "bad %zz and %4");
}

TEST(StatusHeaders, SendAStatusAsTrailersOrAsAWholeAnswer) {
  // Two bytes of details: base64 would pad them to "CAg=".
  const grpc::Status status(grpc::StatusCode::RESOURCE_EXHAUSTED, "limit 8 reached", std::string("\x08\x08", 2));
  const auto trailers = StatusHeaders(status, /*trailers_only=*/false);
  ASSERT_EQ(trailers.size(), 3u);
  EXPECT_EQ(trailers[0], std::make_pair(std::string("grpc-status"), std::string("8")));
  EXPECT_EQ(trailers[1].second, "limit 8 reached");
  EXPECT_EQ(trailers[2].first, "grpc-status-details-bin");
  EXPECT_EQ(trailers[2].second, "CAg") << "unpadded";

  const auto whole = StatusHeaders(grpc::Status::OK, /*trailers_only=*/true);
  ASSERT_EQ(whole.size(), 3u);
  EXPECT_EQ(whole[0].first, ":status");
  EXPECT_EQ(whole[1], std::make_pair(std::string("content-type"), std::string("application/grpc")));
  EXPECT_EQ(whole[2].second, "0");

  const grpc::Status back = StatusOf(trailers);
  EXPECT_EQ(back.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(back.error_message(), "limit 8 reached");
  EXPECT_EQ(back.error_details(), std::string("\x08\x08", 2));
}

TEST(StatusOf, IsUnknownWithoutAStatusOfGrpc) {
  EXPECT_EQ(StatusOf({}).error_code(), grpc::StatusCode::UNKNOWN);
  EXPECT_EQ(StatusOf({{"grpc-status", "17"}}).error_code(), grpc::StatusCode::UNKNOWN);
  EXPECT_EQ(StatusOf({{"grpc-status", "x"}}).error_code(), grpc::StatusCode::UNKNOWN);
  EXPECT_EQ(StatusOf({{"grpc-status", "14"}}).error_code(), grpc::StatusCode::UNAVAILABLE);
}

TEST(StatusOfHttp, MapsAnHttpStatusAsGrpcClientsDo) {
  EXPECT_EQ(StatusOfHttp("400").error_code(), grpc::StatusCode::INTERNAL);
  EXPECT_EQ(StatusOfHttp("401").error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(StatusOfHttp("403").error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(StatusOfHttp("404").error_code(), grpc::StatusCode::UNIMPLEMENTED);
  for (const char* busy : {"429", "502", "503", "504"}) {
    EXPECT_EQ(StatusOfHttp(busy).error_code(), grpc::StatusCode::UNAVAILABLE) << busy;
  }
  EXPECT_EQ(StatusOfHttp("500").error_code(), grpc::StatusCode::UNKNOWN);
  EXPECT_EQ(StatusOfHttp("").error_code(), grpc::StatusCode::UNKNOWN);
  EXPECT_EQ(StatusOfHttp("418").error_message(), "the upstream answered HTTP 418");
}

TEST(StatusOfHeaders, TakesTheGrpcStatusWhenGivenElseTheHttpStatus) {
  EXPECT_EQ(StatusOfHeaders({{":status", "503"}}).error_code(), grpc::StatusCode::UNAVAILABLE)
      << "a trailers-only 503 with no grpc-status, as a proxy answers";
  EXPECT_EQ(StatusOfHeaders({{":status", "404"}, {"content-length", "0"}}).error_code(),
            grpc::StatusCode::UNIMPLEMENTED);
  EXPECT_EQ(StatusOfHeaders({{":status", "503"}, {"grpc-status", "8"}}).error_code(),
            grpc::StatusCode::RESOURCE_EXHAUSTED)
      << "a grpc-status is what counts";
  EXPECT_EQ(StatusOfHeaders({{":status", "200"}, {"grpc-status", "5"}}).error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(StatusOfHeaders({{":status", "200"}}).error_code(), grpc::StatusCode::UNKNOWN);
}

}  // namespace
}  // namespace gongkai::gateway
