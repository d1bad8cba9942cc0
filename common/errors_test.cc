#include "common/errors.h"

#include <gtest/gtest.h>

#include <pqxx/pqxx>

#include "common/pg_pool.h"

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

TEST(Errors, UnexpectedExceptionBecomesInternal) {
  grpc::Status status = Handle([]() -> grpc::Status { throw std::out_of_range("index 7"); });
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INTERNAL);
  EXPECT_EQ(status.error_message().find("index 7"), std::string::npos);
}

}  // namespace
}  // namespace gongkai::common
