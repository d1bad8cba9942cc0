#pragma once

#include <google/protobuf/descriptor.h>
#include <grpcpp/support/byte_buffer.h>
#include <grpcpp/support/status.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace gongkai::gateway {

// Whether `bytes` parse as a message of `type`, by the same parse gRPC runs
// in a service before its handler (ParseFromZeroCopyStream over the received
// buffer), so the gateway forwards only messages the service can read: a
// malformed encoding, or a proto3 string that is not valid UTF-8, does not
// parse. `bytes` is read, not consumed. A type of the generated pool parses
// with its generated code, any other as a dynamic message; either way into an
// arena freed on return (a message is already bounded by the server's maximum
// receive size). When it does not parse and `why` is given, `why` is set to
// what protobuf said of it ("string field <name> is not valid UTF-8"), or
// left empty when it said nothing (a malformed encoding); that needs
// RouteProtobufLogs().
bool ParsesAs(const google::protobuf::Descriptor& type, grpc::ByteBuffer& bytes, std::string* why = nullptr);
// The same of a message's bytes in hand (the frame front's).
bool ParsesAs(const google::protobuf::Descriptor& type, std::string_view bytes, std::string* why = nullptr);

// The default instance of `type`: the generated class's when it has one,
// else a dynamic message's.
const google::protobuf::Message& PrototypeOf(const google::protobuf::Descriptor& type);

// A message's bytes out of a buffer, and into one (a copy either way).
std::string BytesOf(const grpc::ByteBuffer& buffer);
grpc::ByteBuffer BufferOf(std::string_view bytes);

// Sends protobuf's own diagnostics to the JSON log, except those of a
// ParsesAs() in progress on the thread, which become its `why`. Call once at
// start, before any thread parses.
void RouteProtobufLogs();

// The most bytes of status details (a serialised google.rpc.Status) the
// gateway writes: with the message, which travels twice, they fit the 8 KiB
// of trailers a gRPC client accepts by default.
inline constexpr std::size_t kMaxStatusDetailsBytes = 4096;

// INVALID_ARGUMENT for a request message (of a unary or server-streaming
// method) that does not parse as `type` (`why`, when known); nothing went
// upstream.
grpc::Status UnparsableRequestStatus(const google::protobuf::Descriptor& type, const std::string& why);

// INVALID_ARGUMENT that ends a client stream whose message `index` (from 0)
// does not parse as `input` (`why`, when known). The messages before it went
// upstream and were processed; `answer`, the upstream's answer to them (a
// message of `output`, such as a sync summary), is packed as an Any in the
// status details when there is one and it fits, so the sender knows what was
// stored and resumes from message `index`.
grpc::Status UnparsableStreamMessageStatus(int64_t index, const google::protobuf::Descriptor& input,
                                           const std::string& why, const google::protobuf::Descriptor& output,
                                           const grpc::ByteBuffer* answer);

}  // namespace gongkai::gateway
