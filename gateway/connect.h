#pragma once

#include <google/protobuf/descriptor.h>
#include <grpcpp/support/status.h>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace gongkai::gateway {

// The pieces of the Connect protocol's unary HTTP form
// (https://connectrpc.com/docs/protocol) that do not depend on the
// transport: codes, errors, the GET query, the timeout header and the
// message encodings. http_front.h serves them.

// "invalid_argument" for INVALID_ARGUMENT: the code's name in Connect.
std::string ConnectCode(grpc::StatusCode code);
// The HTTP status Connect gives the code (400, 401, 403, 404, 429, 499, 504…).
int HttpStatusOf(grpc::StatusCode code);

// The body of a Connect error: {"code", "message", "details"}, each detail
// of the status (its google.rpc.Status details) as {"type", "value"
// (base64 of the message), "debug" (the message as JSON)}.
std::string ConnectErrorBody(const grpc::Status& status);

// The message encodings Connect names: "json" (protobuf's JSON mapping) and
// "proto" (the binary form).
enum class Encoding { kJson, kProto };
// From a request's Content-Type ("application/json; charset=utf-8"):
// nullopt for any other type.
std::optional<Encoding> EncodingOfContentType(std::string_view content_type);
std::string ContentTypeOf(Encoding encoding);

// A message in `encoding` as the binary form of `type`, or the
// INVALID_ARGUMENT status that says what is wrong with it (the field
// protobuf's parser names). Unknown JSON fields are refused.
grpc::Status DecodeMessage(const google::protobuf::Descriptor& type, Encoding encoding, std::string_view body,
                           std::string* binary);
// The binary form of `type` in `encoding`; false when it does not parse.
bool EncodeMessage(const google::protobuf::Descriptor& type, Encoding encoding, const std::string& binary,
                   std::string* out);

// A unary GET's query: ?connect=v1&encoding=json&message=…[&base64=1]
// [&compression=identity]. `message` is the message in `encoding`, decoded
// from its percent (and, with base64=1, base64url) encoding. An error names
// the parameter and the rule.
struct GetQuery {
  Encoding encoding = Encoding::kJson;
  std::string message;
};
grpc::Status ParseGetQuery(std::string_view query, GetQuery* out);

// The Connect-Timeout-Ms header: nullopt when absent; INVALID_ARGUMENT when
// it is not 1 to 10 digits.
grpc::Status ParseTimeout(std::string_view header, std::optional<std::chrono::milliseconds>* out);

// "%E5%8D%8E+x" -> "华 x" (a '+' is a space, as in a form's query).
// False for a '%' not followed by two hex digits.
bool PercentDecode(std::string_view in, std::string* out);
}  // namespace gongkai::gateway
