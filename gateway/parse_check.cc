#include "gateway/parse_check.h"

#include <google/protobuf/arena.h>
#include <google/protobuf/dynamic_message.h>
#include <google/protobuf/message.h>
#include <google/protobuf/stubs/logging.h>
#include <grpcpp/support/proto_buffer_reader.h>

#include <climits>
#include <vector>

#include "common/log.h"
#include "google/rpc/status.pb.h"

namespace gongkai::gateway {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::Message;

// Where protobuf's diagnostics go while this thread runs ParsesAs().
thread_local std::string* parse_diagnostics = nullptr;

// protobuf's words for a proto3 string that is not UTF-8, shortened to
// "string field <name> is not valid UTF-8"; other diagnostics as they are.
std::string Shortened(const std::string& message) {
  static constexpr std::string_view kPrefix = "String field '";
  static constexpr std::string_view kInvalid = "' contains invalid UTF-8";
  const auto end = message.find(kInvalid);
  if (message.starts_with(kPrefix) && end != std::string::npos) {
    return "string field " + message.substr(kPrefix.size(), end - kPrefix.size()) + " is not valid UTF-8";
  }
  return message;
}

void ProtobufLog(google::protobuf::LogLevel level, const char* /*filename*/, int /*line*/, const std::string& message) {
  if (parse_diagnostics != nullptr) {
    if (parse_diagnostics->empty()) *parse_diagnostics = Shortened(message);
    return;
  }
  common::Log(level >= google::protobuf::LOGLEVEL_ERROR ? common::LogLevel::kError : common::LogLevel::kWarning,
              "protobuf", {{"message", message}});
}

std::string Because(const std::string& why) { return why.empty() ? "" : " (" + why + ")"; }

}  // namespace

// The generated class of a type when there is one (what the service parses
// with), else a dynamic message; both factories keep their prototypes.
const Message& PrototypeOf(const Descriptor& type) {
  if (const Message* generated = google::protobuf::MessageFactory::generated_factory()->GetPrototype(&type)) {
    return *generated;
  }
  static google::protobuf::DynamicMessageFactory dynamic;
  return *dynamic.GetPrototype(&type);
}

std::string BytesOf(const grpc::ByteBuffer& buffer) {
  std::vector<grpc::Slice> slices;
  std::string out;
  if (!buffer.Dump(&slices).ok()) return out;
  out.reserve(buffer.Length());
  for (const auto& slice : slices) out.append(reinterpret_cast<const char*>(slice.begin()), slice.size());
  return out;
}

grpc::ByteBuffer BufferOf(std::string_view bytes) {
  grpc::Slice slice(bytes.data(), bytes.size());
  return grpc::ByteBuffer(&slice, 1);
}

bool ParsesAs(const Descriptor& type, grpc::ByteBuffer& bytes, std::string* why) {
  std::string diagnostics;
  parse_diagnostics = &diagnostics;
  google::protobuf::Arena arena;
  Message* message = PrototypeOf(type).New(&arena);
  grpc::ProtoBufferReader reader(&bytes);
  const bool parses = reader.status().ok() && message->ParseFromZeroCopyStream(&reader);
  parse_diagnostics = nullptr;
  if (!parses && why != nullptr) *why = std::move(diagnostics);
  return parses;
}

bool ParsesAs(const Descriptor& type, std::string_view bytes, std::string* why) {
  std::string diagnostics;
  parse_diagnostics = &diagnostics;
  google::protobuf::Arena arena;
  Message* message = PrototypeOf(type).New(&arena);
  const bool parses = bytes.size() <= static_cast<std::size_t>(INT_MAX) &&
                      message->ParseFromArray(bytes.data(), static_cast<int>(bytes.size()));
  parse_diagnostics = nullptr;
  if (!parses && why != nullptr) *why = std::move(diagnostics);
  return parses;
}

void RouteProtobufLogs() { google::protobuf::SetLogHandler(&ProtobufLog); }

grpc::Status UnparsableRequestStatus(const Descriptor& type, const std::string& why) {
  return {grpc::StatusCode::INVALID_ARGUMENT, "request does not parse as " + type.full_name() + Because(why)};
}

grpc::Status UnparsableStreamMessageStatus(int64_t index, const Descriptor& input, const std::string& why,
                                           const Descriptor& output, const grpc::ByteBuffer* answer) {
  const std::string refused = "message " + std::to_string(index) + " (from 0) of the stream does not parse as " +
                              input.full_name() + Because(why) + "; the messages before it were processed";
  if (answer == nullptr || !answer->Valid()) return {grpc::StatusCode::INVALID_ARGUMENT, refused};
  const std::string message = refused + ": see the summary in the details";
  google::rpc::Status status;
  status.set_code(grpc::StatusCode::INVALID_ARGUMENT);
  status.set_message(message);
  auto* any = status.add_details();
  any->set_type_url("type.googleapis.com/" + output.full_name());
  any->set_value(BytesOf(*answer));
  if (status.ByteSizeLong() > kMaxStatusDetailsBytes) {
    return {grpc::StatusCode::INVALID_ARGUMENT, refused + ", and their summary is too large to carry here"};
  }
  return {grpc::StatusCode::INVALID_ARGUMENT, message, status.SerializeAsString()};
}

}  // namespace gongkai::gateway
