#include "gateway/parse_check.h"

#include <google/protobuf/descriptor.pb.h>
#include <gtest/gtest.h>

#include <vector>

#include "gongkai/penalties/v1/penalties.pb.h"
#include "google/rpc/status.pb.h"

namespace gongkai::gateway {
namespace {

using google::protobuf::DescriptorPool;

// `bytes` as a received message, cut into `pieces` slices.
grpc::ByteBuffer Buffer(const std::string& bytes, std::size_t pieces = 1) {
  std::vector<grpc::Slice> slices;
  const std::size_t step = bytes.size() / pieces + 1;
  for (std::size_t at = 0; at < bytes.size(); at += step) slices.emplace_back(bytes.substr(at, step));
  return grpc::ByteBuffer(slices.data(), slices.size());
}

// A batch whose second decision's party name is `name`, encoded.
std::string Batch(const std::string& name) {
  penalties::v1::UpsertDecisionsRequest request;
  request.add_decisions()->set_source_id("D-1");
  auto* d = request.add_decisions();
  d->set_source_id("D-2");
  d->mutable_party()->set_name(name);
  d->set_facts("当事人销售超过保质期的食品。");
  return request.SerializeAsString();
}

// The encoding of Batch("NAME") with the name's first two bytes made 0xff
// 0xfe: never valid UTF-8, and what a generated encoder would not produce.
std::string BatchWithInvalidUtf8() {
  std::string bytes = Batch("NAME");
  const auto at = bytes.find("NAME");
  bytes[at] = '\xff';
  bytes[at + 1] = '\xfe';
  return bytes;
}

const google::protobuf::Descriptor& BatchType() { return *penalties::v1::UpsertDecisionsRequest::descriptor(); }

class ParseCheck : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { RouteProtobufLogs(); }
};

TEST_F(ParseCheck, AValidRequestParsesAndIsLeftAsItCame) {
  const std::string bytes = Batch("太原市某某食品有限公司");
  for (std::size_t pieces : {1, 3}) {
    grpc::ByteBuffer buffer = Buffer(bytes, pieces);
    std::string why = "unset";
    EXPECT_TRUE(ParsesAs(BatchType(), buffer, &why));
    EXPECT_EQ(why, "unset");
    EXPECT_EQ(BytesOf(buffer), bytes);
  }
}

TEST_F(ParseCheck, AStringThatIsNotUtf8DoesNotParseAndIsNamed) {
  for (std::size_t pieces : {1, 3}) {
    grpc::ByteBuffer buffer = Buffer(BatchWithInvalidUtf8(), pieces);
    std::string why;
    EXPECT_FALSE(ParsesAs(BatchType(), buffer, &why));
    EXPECT_EQ(why, "string field gongkai.penalties.v1.Party.name is not valid UTF-8");
  }
}

TEST_F(ParseCheck, AMalformedEncodingDoesNotParse) {
  const std::string bytes = Batch("某某公司");
  grpc::ByteBuffer truncated = Buffer(bytes.substr(0, bytes.size() - 3));
  EXPECT_FALSE(ParsesAs(BatchType(), truncated));
  grpc::ByteBuffer garbage = Buffer(std::string("\x0a\xff\xff\xff\xff\x0f", 6));
  EXPECT_FALSE(ParsesAs(BatchType(), garbage));
  grpc::ByteBuffer empty = Buffer("");
  EXPECT_TRUE(ParsesAs(BatchType(), empty));  // every field at its default
}

TEST_F(ParseCheck, ATypeWithoutGeneratedCodeIsCheckedAsADynamicMessage) {
  google::protobuf::FileDescriptorProto file;
  file.set_name("dynamic_only.proto");
  file.set_package("dynamic_only");
  file.set_syntax("proto3");
  auto* message = file.add_message_type();
  message->set_name("Note");
  auto* field = message->add_field();
  field->set_name("text");
  field->set_number(1);
  field->set_type(google::protobuf::FieldDescriptorProto::TYPE_STRING);
  field->set_label(google::protobuf::FieldDescriptorProto::LABEL_OPTIONAL);
  DescriptorPool pool;
  ASSERT_NE(pool.BuildFile(file), nullptr);
  const auto* note = pool.FindMessageTypeByName("dynamic_only.Note");
  ASSERT_NE(note, nullptr);

  grpc::ByteBuffer good = Buffer(std::string("\x0a\x02ok", 4));
  EXPECT_TRUE(ParsesAs(*note, good));
  grpc::ByteBuffer bad = Buffer(std::string("\x0a\x02\xff\xfe", 4));
  std::string why;
  EXPECT_FALSE(ParsesAs(*note, bad, &why));
  EXPECT_EQ(why, "string field dynamic_only.Note.text is not valid UTF-8");
}

TEST_F(ParseCheck, AnUnparsableRequestIsInvalidArgument) {
  grpc::Status status = UnparsableRequestStatus(BatchType(), "string field x is not valid UTF-8");
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message(),
            "request does not parse as gongkai.penalties.v1.UpsertDecisionsRequest (string field x is not valid "
            "UTF-8)");
}

TEST_F(ParseCheck, AStreamCutShortNamesTheMessageAndCarriesTheAnswerToThoseBefore) {
  penalties::v1::SyncSummary summary;
  summary.set_received(100);
  summary.set_accepted(99);
  summary.set_rejected(1);
  summary.add_results()->set_index(7);
  grpc::ByteBuffer answer = Buffer(summary.SerializeAsString());
  grpc::Status status = UnparsableStreamMessageStatus(1, BatchType(), "string field x is not valid UTF-8",
                                                      *penalties::v1::SyncSummary::descriptor(), &answer);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message(),
            "message 1 (from 0) of the stream does not parse as gongkai.penalties.v1.UpsertDecisionsRequest (string "
            "field x is not valid UTF-8); the messages before it were processed: see the summary in the details");
  google::rpc::Status details;
  ASSERT_TRUE(details.ParseFromString(status.error_details()));
  EXPECT_EQ(details.code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(details.message(), status.error_message());
  ASSERT_EQ(details.details_size(), 1);
  penalties::v1::SyncSummary carried;
  ASSERT_TRUE(details.details(0).UnpackTo(&carried));
  EXPECT_EQ(carried.SerializeAsString(), summary.SerializeAsString());

  // No answer (the upstream sent none): the message alone.
  status = UnparsableStreamMessageStatus(3, BatchType(), "", *penalties::v1::SyncSummary::descriptor(), nullptr);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message(),
            "message 3 (from 0) of the stream does not parse as gongkai.penalties.v1.UpsertDecisionsRequest; the "
            "messages before it were processed");
  EXPECT_TRUE(status.error_details().empty());
}

TEST_F(ParseCheck, AnAnswerTooLargeForTheTrailersIsLeftOutAndSaidSo) {
  penalties::v1::SyncSummary summary;
  summary.set_rejected(1);
  summary.add_results()->set_key(std::string(kMaxStatusDetailsBytes, 'k'));
  grpc::ByteBuffer answer = Buffer(summary.SerializeAsString());
  grpc::Status status =
      UnparsableStreamMessageStatus(1, BatchType(), "", *penalties::v1::SyncSummary::descriptor(), &answer);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(status.error_details().empty());
  EXPECT_NE(status.error_message().find("their summary is too large to carry here"), std::string::npos);
}

}  // namespace
}  // namespace gongkai::gateway
