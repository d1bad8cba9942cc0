#include "common/errors.h"

#include <pqxx/pqxx>

#include "common/log.h"
#include "common/pg_pool.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

namespace gongkai::common {

ServiceError::ServiceError(grpc::StatusCode code, std::string message, Violations violations)
    : code_(code), message_(std::move(message)), violations_(std::move(violations)) {}

ServiceError ServiceError::InvalidArgument(std::string message, Violations violations) {
  return {grpc::StatusCode::INVALID_ARGUMENT, std::move(message), std::move(violations)};
}
ServiceError ServiceError::NotFound(std::string message) { return {grpc::StatusCode::NOT_FOUND, std::move(message)}; }
ServiceError ServiceError::PermissionDenied(std::string message) {
  return {grpc::StatusCode::PERMISSION_DENIED, std::move(message)};
}
ServiceError ServiceError::Unauthenticated(std::string message) {
  return {grpc::StatusCode::UNAUTHENTICATED, std::move(message)};
}
ServiceError ServiceError::FailedPrecondition(std::string message) {
  return {grpc::StatusCode::FAILED_PRECONDITION, std::move(message)};
}
ServiceError ServiceError::Unavailable(std::string message) {
  return {grpc::StatusCode::UNAVAILABLE, std::move(message)};
}

std::string At(std::string_view field, int index) { return std::string(field) + "[" + std::to_string(index) + "]"; }

bool CheckCount(Violations& out, const std::string& field, int size, std::size_t min, std::size_t max) {
  const auto count = static_cast<std::size_t>(size);
  if (count < min) {
    out.push_back(
        {field, std::string("at least ") + std::to_string(min) + " required (got " + std::to_string(count) + ")"});
    return false;
  }
  if (count > max) {
    out.push_back({field, std::string("at most ") + std::to_string(max) + " (got " + std::to_string(count) + ")"});
    return false;
  }
  return true;
}

void WriteViolations(const Violations& violations,
                     google::protobuf::RepeatedPtrField<google::rpc::BadRequest::FieldViolation>* out) {
  for (const auto& v : violations) {
    auto* fv = out->Add();
    fv->set_field(v.field);
    fv->set_description(v.description);
  }
}

void ThrowIfAny(const Violations& violations, const std::string& what) {
  if (!violations.empty()) throw ServiceError::InvalidArgument(what, violations);
}

grpc::Status InvalidArgumentStatus(const std::string& message, const Violations& violations) {
  google::rpc::BadRequest bad_request;
  WriteViolations(violations, bad_request.mutable_field_violations());
  google::rpc::Status status;
  status.set_code(grpc::StatusCode::INVALID_ARGUMENT);
  status.set_message(message);
  status.add_details()->PackFrom(bad_request);
  return {grpc::StatusCode::INVALID_ARGUMENT, message, status.SerializeAsString()};
}

grpc::Status ResourceExhaustedStatus(const std::string& message, std::chrono::milliseconds retry_after) {
  google::rpc::RetryInfo retry;
  retry.mutable_retry_delay()->set_seconds(retry_after.count() / 1000);
  retry.mutable_retry_delay()->set_nanos(static_cast<int32_t>((retry_after.count() % 1000) * 1000000));
  google::rpc::Status status;
  status.set_code(grpc::StatusCode::RESOURCE_EXHAUSTED);
  status.set_message(message);
  status.add_details()->PackFrom(retry);
  return {grpc::StatusCode::RESOURCE_EXHAUSTED, message, status.SerializeAsString()};
}

grpc::Status StatusFromCurrentException() {
  try {
    throw;
  } catch (const ServiceError& e) {
    if (!e.violations().empty()) return InvalidArgumentStatus(e.what(), e.violations());
    return {e.code(), e.what()};
  } catch (const DatabaseUnavailable& e) {
    Log(LogLevel::kWarning, "database_unavailable", {{"reason", e.what()}});
    return {grpc::StatusCode::UNAVAILABLE, "database unavailable, retry later"};
  } catch (const pqxx::broken_connection& e) {
    Log(LogLevel::kWarning, "database_connection_lost");
    return {grpc::StatusCode::UNAVAILABLE, "database unavailable, retry later"};
  } catch (const pqxx::sql_error& e) {
    std::string state = e.sqlstate();
    if (state == "57014") {
      // query_canceled: the statement_timeout PgPool set from the call's
      // deadline (or the one for work outside calls) ran out.
      Log(LogLevel::kWarning, "database_statement_cancelled", {{"sqlstate", state}});
      return {grpc::StatusCode::DEADLINE_EXCEEDED, "the deadline passed before the database answered"};
    }
    Log(LogLevel::kError, "database_error", {{"sqlstate", state}});
    if (state.starts_with("08") || state == "57P01" || state == "57P02" || state == "57P03") {
      return {grpc::StatusCode::UNAVAILABLE, "database unavailable, retry later"};
    }
    if (state == "40001" || state == "40P01") {
      return {grpc::StatusCode::ABORTED, "concurrent update, retry"};
    }
    return {grpc::StatusCode::INTERNAL, "internal database error (sqlstate " + state + ")"};
  } catch (const pqxx::in_doubt_error&) {
    Log(LogLevel::kError, "database_commit_in_doubt");
    return {grpc::StatusCode::UNAVAILABLE, "database connection lost during commit; resend, writes are idempotent"};
  } catch (const pqxx::failure& e) {
    Log(LogLevel::kError, "database_failure", {{"type", typeid(e).name()}});
    return {grpc::StatusCode::UNAVAILABLE, "database unavailable, retry later"};
  } catch (const std::exception& e) {
    Log(LogLevel::kError, "unexpected_exception", {{"what", e.what()}});
    return {grpc::StatusCode::INTERNAL, "internal error"};
  } catch (...) {
    Log(LogLevel::kError, "unexpected_exception");
    return {grpc::StatusCode::INTERNAL, "internal error"};
  }
}

Violations ViolationsOf(const grpc::Status& status) {
  Violations out;
  google::rpc::Status rpc_status;
  if (status.error_details().empty() || !rpc_status.ParseFromString(status.error_details())) return out;
  for (const auto& any : rpc_status.details()) {
    google::rpc::BadRequest bad_request;
    if (!any.UnpackTo(&bad_request)) continue;
    for (const auto& fv : bad_request.field_violations()) out.push_back({fv.field(), fv.description()});
  }
  return out;
}

}  // namespace gongkai::common
