#pragma once

#include <grpcpp/support/status.h>

#include <chrono>
#include <exception>
#include <string>

#include "common/violations.h"
#include "google/rpc/error_details.pb.h"

namespace gongkai::common {

// An error a handler raises on purpose; mapped to a grpc::Status by Handle().
class ServiceError : public std::exception {
 public:
  ServiceError(grpc::StatusCode code, std::string message, Violations violations = {});

  static ServiceError InvalidArgument(std::string message, Violations violations);
  static ServiceError NotFound(std::string message);
  static ServiceError PermissionDenied(std::string message);
  static ServiceError Unauthenticated(std::string message);
  static ServiceError FailedPrecondition(std::string message);
  static ServiceError Unavailable(std::string message);

  const char* what() const noexcept override { return message_.c_str(); }
  grpc::StatusCode code() const { return code_; }
  const Violations& violations() const { return violations_; }

 private:
  grpc::StatusCode code_;
  std::string message_;
  Violations violations_;
};

// The one way violations become their wire form, google.rpc.BadRequest's
// FieldViolation (in a BadRequest, a RecordResult or a Rejection).
void WriteViolations(const Violations& violations,
                     google::protobuf::RepeatedPtrField<google::rpc::BadRequest::FieldViolation>* out);

// Throws INVALID_ARGUMENT (`what`, with the violations) when there is any.
void ThrowIfAny(const Violations& violations, const std::string& what);

// INVALID_ARGUMENT with a google.rpc.BadRequest in the status details.
grpc::Status InvalidArgumentStatus(const std::string& message, const Violations& violations);

// RESOURCE_EXHAUSTED with a google.rpc.RetryInfo of `retry_after` in the
// status details: a limit the caller may try again after (rate, streams).
grpc::Status ResourceExhaustedStatus(const std::string& message, std::chrono::milliseconds retry_after);

// The one place exceptions become statuses. Database failures map to
// UNAVAILABLE (connection lost, pool exhausted), ABORTED (serialisation),
// DEADLINE_EXCEEDED (a statement cancelled by its statement_timeout, which
// PgPool sets from the call's deadline: SQLSTATE 57014) or INTERNAL, and are
// logged with the SQLSTATE; SQL text never reaches a client.
grpc::Status StatusFromCurrentException();

// Runs a handler body so that no exception escapes it.
template <typename Body>
grpc::Status Handle(Body&& body) noexcept {
  try {
    return body();
  } catch (...) {
    return StatusFromCurrentException();
  }
}

// Reads the BadRequest violations back out of a status (clients and tests).
Violations ViolationsOf(const grpc::Status& status);

}  // namespace gongkai::common
