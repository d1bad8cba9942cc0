// gRPC's wire format over HTTP/2, as far as the gateway's frame front
// (frame_front.h) reads and writes it itself: the length-prefixed messages of
// a call's DATA frames, the grpc-timeout header, and a status as trailers
// (https://github.com/grpc/grpc/blob/master/doc/PROTOCOL-HTTP2.md).
#pragma once

#include <grpcpp/support/status.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace gongkai::gateway {

// The messages of one direction of a call, cut out of its DATA frames as they
// come: each is a byte (1 when compressed), a 4-byte big-endian length, then
// that many bytes.
class MessageReader {
 public:
  // Takes the next bytes of the stream.
  void Add(std::string_view bytes) { buffer_.append(bytes.data(), bytes.size()); }
  // The length the next message declares, once its 5-byte prefix has come.
  std::optional<uint32_t> NextLength() const;
  // Whether the next message declares itself compressed (with NextLength).
  bool NextCompressed() const { return buffer_.size() - at_ >= 5 && buffer_[at_] != 0; }
  // The next message's bytes, without the prefix, once all of it has come.
  std::optional<std::string> Next();
  // Bytes taken and not yet given back as a message.
  std::size_t buffered() const { return buffer_.size() - at_; }

 private:
  std::string buffer_;
  std::size_t at_ = 0;
};

// A message as DATA bytes: the 5-byte prefix (not compressed), then `message`.
std::string FramedMessage(std::string_view message);

// The grpc-timeout header ("1*8DIGIT unit", the unit one of H M S m u n);
// nullopt for a value that is not one; nanoseconds::max() for one longer
// than that holds.
std::optional<std::chrono::nanoseconds> ParseGrpcTimeout(std::string_view value);
// What is left until a deadline, as a grpc-timeout value: in milliseconds,
// rounded up, or in seconds, minutes or hours (rounded up) when the
// milliseconds take more than 8 digits. Never less than "1m": a deadline
// already passed is the upstream's to report, as it would for any caller.
std::string FormatGrpcTimeout(std::chrono::nanoseconds left);

// A grpc-message value: every byte outside 0x20..0x7E, and '%', as %XX.
std::string PercentEncode(std::string_view message);
// The reverse; a malformed escape is kept as it is.
std::string PercentDecode(std::string_view value);

// The headers of a status sent as trailers (or, with `trailers_only`, as the
// whole answer: then with :status and content-type first): grpc-status,
// grpc-message when there is one, grpc-status-details-bin (unpadded base64)
// when the status has details.
std::vector<std::pair<std::string, std::string>> StatusHeaders(const grpc::Status& status, bool trailers_only);
// The status trailers (or a trailers-only answer) carry; UNKNOWN when they
// carry no grpc-status, or one that is not a number of 0..16.
grpc::Status StatusOf(const std::vector<std::pair<std::string, std::string>>& trailers);
// The status of an answer whose HTTP status is not 200, as gRPC's clients
// map it (gRPC's doc/http-grpc-status-mapping.md), its message naming the
// HTTP status.
grpc::Status StatusOfHttp(std::string_view http_status);
// The status an answer's headers give when they end it (trailers-only) or
// are not HTTP 200: their grpc-status when they carry one, else their HTTP
// status's (StatusOfHttp); UNKNOWN for a 200 that ends with no grpc-status.
grpc::Status StatusOfHeaders(const std::vector<std::pair<std::string, std::string>>& headers);

}  // namespace gongkai::gateway
