#include "gateway/connect.h"

#include <google/protobuf/util/json_util.h>

#include <memory>
#include <nlohmann/json.hpp>

#include "common/encoding.h"
#include "gateway/parse_check.h"
#include "google/rpc/status.pb.h"

namespace gongkai::gateway {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::Message;

// An empty message of `type`, from the generated pool (every routed
// service's types are linked in: routes.h).
int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

grpc::Status Invalid(std::string message) { return {grpc::StatusCode::INVALID_ARGUMENT, std::move(message)}; }

}  // namespace

std::string ConnectCode(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK: return "ok";
    case grpc::StatusCode::CANCELLED: return "canceled";
    case grpc::StatusCode::UNKNOWN: return "unknown";
    case grpc::StatusCode::INVALID_ARGUMENT: return "invalid_argument";
    case grpc::StatusCode::DEADLINE_EXCEEDED: return "deadline_exceeded";
    case grpc::StatusCode::NOT_FOUND: return "not_found";
    case grpc::StatusCode::ALREADY_EXISTS: return "already_exists";
    case grpc::StatusCode::PERMISSION_DENIED: return "permission_denied";
    case grpc::StatusCode::RESOURCE_EXHAUSTED: return "resource_exhausted";
    case grpc::StatusCode::FAILED_PRECONDITION: return "failed_precondition";
    case grpc::StatusCode::ABORTED: return "aborted";
    case grpc::StatusCode::OUT_OF_RANGE: return "out_of_range";
    case grpc::StatusCode::UNIMPLEMENTED: return "unimplemented";
    case grpc::StatusCode::INTERNAL: return "internal";
    case grpc::StatusCode::UNAVAILABLE: return "unavailable";
    case grpc::StatusCode::DATA_LOSS: return "data_loss";
    case grpc::StatusCode::UNAUTHENTICATED: return "unauthenticated";
    default: return "unknown";
  }
}

int HttpStatusOf(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK: return 200;
    case grpc::StatusCode::CANCELLED: return 499;
    case grpc::StatusCode::INVALID_ARGUMENT:
    case grpc::StatusCode::FAILED_PRECONDITION:
    case grpc::StatusCode::OUT_OF_RANGE: return 400;
    case grpc::StatusCode::DEADLINE_EXCEEDED: return 504;
    case grpc::StatusCode::NOT_FOUND: return 404;
    case grpc::StatusCode::ALREADY_EXISTS:
    case grpc::StatusCode::ABORTED: return 409;
    case grpc::StatusCode::PERMISSION_DENIED: return 403;
    case grpc::StatusCode::RESOURCE_EXHAUSTED: return 429;
    case grpc::StatusCode::UNIMPLEMENTED: return 501;
    case grpc::StatusCode::UNAVAILABLE: return 503;
    case grpc::StatusCode::UNAUTHENTICATED: return 401;
    default: return 500;
  }
}

std::string ConnectErrorBody(const grpc::Status& status) {
  nlohmann::ordered_json body = {{"code", ConnectCode(status.error_code())}};
  if (!status.error_message().empty()) body["message"] = status.error_message();
  google::rpc::Status details;
  if (!status.error_details().empty() && details.ParseFromString(status.error_details())) {
    nlohmann::ordered_json out = nlohmann::ordered_json::array();
    for (const auto& any : details.details()) {
      std::string_view url = any.type_url();
      std::string type(url.substr(url.rfind('/') + 1));
      nlohmann::ordered_json detail = {
          {"type", type}, {"value", common::Base64Encode(any.value(), common::Base64::kStandard, /*padded=*/false)}};
      const Descriptor* descriptor = google::protobuf::DescriptorPool::generated_pool()->FindMessageTypeByName(type);
      std::string json;
      if (descriptor != nullptr && EncodeMessage(*descriptor, Encoding::kJson, any.value(), &json)) {
        detail["debug"] = nlohmann::ordered_json::parse(json, nullptr, false);
      }
      out.push_back(std::move(detail));
    }
    if (!out.empty()) body["details"] = std::move(out);
  }
  return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::optional<Encoding> EncodingOfContentType(std::string_view content_type) {
  std::string_view type = content_type.substr(0, content_type.find(';'));
  while (!type.empty() && type.back() == ' ') type.remove_suffix(1);
  std::string lower(type);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lower == "application/json") return Encoding::kJson;
  if (lower == "application/proto") return Encoding::kProto;
  return std::nullopt;
}

std::string ContentTypeOf(Encoding encoding) {
  return encoding == Encoding::kJson ? "application/json" : "application/proto";
}

grpc::Status DecodeMessage(const Descriptor& type, Encoding encoding, std::string_view body, std::string* binary) {
  std::unique_ptr<Message> message(PrototypeOf(type).New());
  if (encoding == Encoding::kProto) {
    if (!message->ParseFromArray(body.data(), static_cast<int>(body.size()))) {
      return Invalid("the request body is not a " + type.full_name() + " in the binary encoding");
    }
    binary->assign(body);
    return grpc::Status::OK;
  }
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  auto parsed = google::protobuf::util::JsonStringToMessage(std::string(body), message.get(), options);
  if (!parsed.ok()) {
    return Invalid("the request body is not a " + type.full_name() + " in JSON: " + std::string(parsed.message()));
  }
  if (!message->SerializeToString(binary)) return Invalid("the request message cannot be encoded");
  return grpc::Status::OK;
}

bool EncodeMessage(const Descriptor& type, Encoding encoding, const std::string& binary, std::string* out) {
  if (encoding == Encoding::kProto) {
    *out = binary;
    return true;
  }
  std::unique_ptr<Message> message(PrototypeOf(type).New());
  if (!message->ParseFromString(binary)) return false;
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = false;
  return google::protobuf::util::MessageToJsonString(*message, out, options).ok();
}

grpc::Status ParseGetQuery(std::string_view query, GetQuery* out) {
  std::optional<std::string> connect, encoding, message, base64, compression;
  while (!query.empty()) {
    std::string_view pair = query.substr(0, query.find('&'));
    query.remove_prefix(std::min(query.size(), pair.size() + 1));
    if (pair.empty()) continue;
    std::string_view key = pair.substr(0, pair.find('='));
    std::string_view raw = pair.size() > key.size() ? pair.substr(key.size() + 1) : std::string_view();
    std::string value;
    if (!PercentDecode(raw, &value)) return Invalid("query parameter " + std::string(key) + ": bad percent-encoding");
    std::optional<std::string>* slot = key == "connect"       ? &connect
                                       : key == "encoding"    ? &encoding
                                       : key == "message"     ? &message
                                       : key == "base64"      ? &base64
                                       : key == "compression" ? &compression
                                                              : nullptr;
    if (slot == nullptr) continue;  // the protocol lets clients add their own (cache busters)
    if (slot->has_value()) return Invalid("query parameter " + std::string(key) + " is given twice");
    *slot = std::move(value);
  }
  if (connect && *connect != "v1") return Invalid("query parameter connect must be v1");
  if (!encoding) return Invalid("query parameter encoding is required (json or proto)");
  if (*encoding == "json") {
    out->encoding = Encoding::kJson;
  } else if (*encoding == "proto") {
    out->encoding = Encoding::kProto;
  } else {
    return Invalid("query parameter encoding must be json or proto");
  }
  if (compression && !compression->empty() && *compression != "identity") {
    return {grpc::StatusCode::UNIMPLEMENTED, "query parameter compression: only identity is supported"};
  }
  if (!message) message = std::string();
  if (base64 && *base64 == "1") {
    auto decoded = common::Base64Decode(*message);
    if (!decoded) return Invalid("query parameter message is not base64");
    out->message = std::move(*decoded);
  } else if (base64 && !base64->empty() && *base64 != "0") {
    return Invalid("query parameter base64 must be 1 or absent");
  } else {
    out->message = std::move(*message);
  }
  return grpc::Status::OK;
}

grpc::Status ParseTimeout(std::string_view header, std::optional<std::chrono::milliseconds>* out) {
  out->reset();
  if (header.empty()) return grpc::Status::OK;
  if (header.size() > 10) return Invalid("connect-timeout-ms must be at most 10 digits");
  long long ms = 0;
  for (char c : header) {
    if (c < '0' || c > '9') return Invalid("connect-timeout-ms must be a whole number of milliseconds");
    ms = ms * 10 + (c - '0');
  }
  *out = std::chrono::milliseconds(ms);
  return grpc::Status::OK;
}

bool PercentDecode(std::string_view in, std::string* out) {
  out->clear();
  out->reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '+') {
      out->push_back(' ');
    } else if (in[i] == '%') {
      int hi = i + 1 < in.size() ? HexValue(in[i + 1]) : -1;
      int lo = i + 2 < in.size() ? HexValue(in[i + 2]) : -1;
      if (hi < 0 || lo < 0) return false;
      out->push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else {
      out->push_back(in[i]);
    }
  }
  return true;
}

}  // namespace gongkai::gateway
