#include "gateway/grpc_wire.h"

#include <cstdio>
#include <limits>

#include "common/encoding.h"

namespace gongkai::gateway {

std::optional<uint32_t> MessageReader::NextLength() const {
  if (buffer_.size() - at_ < 5) return std::nullopt;
  uint32_t length = 0;
  for (int i = 1; i <= 4; ++i) length = (length << 8) | static_cast<unsigned char>(buffer_[at_ + i]);
  return length;
}

std::optional<std::string> MessageReader::Next() {
  const auto length = NextLength();
  if (!length || buffer_.size() - at_ - 5 < *length) return std::nullopt;
  std::string message = buffer_.substr(at_ + 5, *length);
  at_ += 5 + *length;
  if (at_ == buffer_.size()) {
    buffer_.clear();
    at_ = 0;
  } else if (at_ > 65536 && at_ * 2 > buffer_.size()) {
    buffer_.erase(0, at_);  // the bytes given back go once they are most of the buffer
    at_ = 0;
  }
  return message;
}

std::string FramedMessage(std::string_view message) {
  std::string framed(5, '\0');
  const auto length = static_cast<uint32_t>(message.size());
  for (int i = 0; i < 4; ++i) framed[4 - i] = static_cast<char>((length >> (8 * i)) & 0xff);
  framed.append(message.data(), message.size());
  return framed;
}

std::optional<std::chrono::nanoseconds> ParseGrpcTimeout(std::string_view value) {
  if (value.size() < 2 || value.size() > 9) return std::nullopt;
  int64_t n = 0;
  for (char c : value.substr(0, value.size() - 1)) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + (c - '0');
  }
  int64_t unit = 0;  // nanoseconds
  switch (value.back()) {
    case 'H': unit = int64_t{3600} * 1000000000; break;
    case 'M': unit = int64_t{60} * 1000000000; break;
    case 'S': unit = 1000000000; break;
    case 'm': unit = 1000000; break;
    case 'u': unit = 1000; break;
    case 'n': unit = 1; break;
    default: return std::nullopt;
  }
  // 99999999H is more than int64 nanoseconds hold: as long as it gets.
  if (n > std::numeric_limits<int64_t>::max() / unit) return std::chrono::nanoseconds::max();
  return std::chrono::nanoseconds(n * unit);
}

std::string FormatGrpcTimeout(std::chrono::nanoseconds left) {
  constexpr int64_t kMax = 99999999;  // 8 digits
  const int64_t ns = std::max<int64_t>(left.count(), 1);
  const int64_t ms = (ns + 999999) / 1000000;
  if (ms <= kMax) return std::to_string(ms) + "m";
  const int64_t s = (ms + 999) / 1000;
  if (s <= kMax) return std::to_string(s) + "S";
  const int64_t m = (s + 59) / 60;
  if (m <= kMax) return std::to_string(m) + "M";
  return std::to_string(std::min<int64_t>((m + 59) / 60, kMax)) + "H";
}

std::string PercentEncode(std::string_view message) {
  std::string out;
  out.reserve(message.size());
  for (char c : message) {
    const auto b = static_cast<unsigned char>(c);
    if (b >= 0x20 && b <= 0x7e && b != '%') {
      out += c;
    } else {
      char escaped[4];
      std::snprintf(escaped, sizeof escaped, "%%%02X", b);
      out += escaped;
    }
  }
  return out;
}

namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string PercentDecode(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (std::size_t i = 0; i < value.size(); ++i) {
    if (value[i] == '%' && i + 2 < value.size()) {
      const int hi = HexValue(value[i + 1]), lo = HexValue(value[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
        continue;
      }
    }
    out += value[i];
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> StatusHeaders(const grpc::Status& status, bool trailers_only) {
  std::vector<std::pair<std::string, std::string>> headers;
  if (trailers_only) {
    headers.emplace_back(":status", "200");
    headers.emplace_back("content-type", "application/grpc");
  }
  headers.emplace_back("grpc-status", std::to_string(static_cast<int>(status.error_code())));
  if (!status.error_message().empty()) headers.emplace_back("grpc-message", PercentEncode(status.error_message()));
  if (!status.error_details().empty()) {
    headers.emplace_back("grpc-status-details-bin",
                         common::Base64Encode(status.error_details(), common::Base64::kStandard, /*padded=*/false));
  }
  return headers;
}

grpc::Status StatusOfHttp(std::string_view http_status) {
  grpc::StatusCode code = grpc::StatusCode::UNKNOWN;
  if (http_status == "400") code = grpc::StatusCode::INTERNAL;
  if (http_status == "401") code = grpc::StatusCode::UNAUTHENTICATED;
  if (http_status == "403") code = grpc::StatusCode::PERMISSION_DENIED;
  if (http_status == "404") code = grpc::StatusCode::UNIMPLEMENTED;
  if (http_status == "429" || http_status == "502" || http_status == "503" || http_status == "504") {
    code = grpc::StatusCode::UNAVAILABLE;
  }
  return {code, "the upstream answered HTTP " + std::string(http_status)};
}

grpc::Status StatusOfHeaders(const std::vector<std::pair<std::string, std::string>>& headers) {
  std::string_view http_status;
  bool grpc_status = false;
  for (const auto& [name, value] : headers) {
    if (name == ":status") http_status = value;
    if (name == "grpc-status") grpc_status = true;
  }
  if (grpc_status || http_status == "200") return StatusOf(headers);
  return StatusOfHttp(http_status);
}

grpc::Status StatusOf(const std::vector<std::pair<std::string, std::string>>& trailers) {
  std::optional<int> code;
  std::string message, details;
  for (const auto& [name, value] : trailers) {
    if (name == "grpc-status") {
      if (value.empty() || value.size() > 2) continue;
      int n = 0;
      bool digits = true;
      for (char c : value) {
        if (c < '0' || c > '9') digits = false;
        n = n * 10 + (c - '0');
      }
      if (digits && n <= 16) code = n;
    } else if (name == "grpc-message") {
      message = PercentDecode(value);
    } else if (name == "grpc-status-details-bin") {
      if (auto decoded = common::Base64Decode(value)) details = std::move(*decoded);
    }
  }
  if (!code) return {grpc::StatusCode::UNKNOWN, "the upstream's answer carried no gRPC status"};
  return {static_cast<grpc::StatusCode>(*code), message, details};
}

}  // namespace gongkai::gateway
