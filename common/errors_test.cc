#include "common/errors.h"

#include <gtest/gtest.h>

#include <pqxx/pqxx>

#include "common/pg_pool.h"
#include "google/rpc/status.pb.h"

namespace gongkai::common {
namespace {

TEST(Errors, ValidationBecomesInvalidArgumentWithEveryViolation) {
  Violations v = {{"agencies[0].credit_code", "bad check"}, {"agencies[0].name", "required"}};
  grpc::Status status = Handle([&]() -> grpc::Status { throw ServiceError::InvalidArgument("bad", v); });
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ViolationsOf(status), v);
}

TEST(Errors, LostConnectionBecomesUnavailable) {
  grpc::Status status = Handle([]() -> grpc::Status { throw pqxx::broken_connection("gone"); });
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE);
  status = Handle([]() -> grpc::Status { throw DatabaseUnavailable("pool"); });
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE);
}

TEST(Errors, SqlTextNeverReachesTheClient) {
  grpc::Status status = Handle([]() -> grpc::Status {
    throw pqxx::sql_error("relation \"secret_table\" does not exist", "SELECT * FROM secret_table", "42P01");
  });
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INTERNAL);
  EXPECT_EQ(status.error_message().find("secret_table"), std::string::npos);
  EXPECT_NE(status.error_message().find("42P01"), std::string::npos);
}

TEST(Errors, StatementCancelledByItsTimeoutBecomesDeadlineExceeded) {
  grpc::Status status = Handle([]() -> grpc::Status {
    throw pqxx::sql_error("canceling statement due to statement timeout", "SELECT pg_sleep(5)", "57014");
  });
  EXPECT_EQ(status.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
  EXPECT_EQ(status.error_message().find("pg_sleep"), std::string::npos);
}

TEST(Errors, ResourceExhaustedCarriesItsRetryDelay) {
  grpc::Status status = ResourceExhaustedStatus("too many", std::chrono::milliseconds(2500));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(status.error_message(), "too many");
  google::rpc::Status details;
  ASSERT_TRUE(details.ParseFromString(status.error_details()));
  EXPECT_EQ(details.code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  ASSERT_EQ(details.details_size(), 1);
  google::rpc::RetryInfo retry;
  ASSERT_TRUE(details.details(0).UnpackTo(&retry));
  EXPECT_EQ(retry.retry_delay().seconds(), 2);
  EXPECT_EQ(retry.retry_delay().nanos(), 500000000);
}

TEST(Errors, UnexpectedExceptionBecomesInternal) {
  grpc::Status status = Handle([]() -> grpc::Status { throw std::out_of_range("index 7"); });
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INTERNAL);
  EXPECT_EQ(status.error_message().find("index 7"), std::string::npos);
}

}  // namespace
}  // namespace gongkai::common
