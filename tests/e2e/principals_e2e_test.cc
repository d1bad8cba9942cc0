// The gateway's principals changed while it serves (gongkai-admin, then
// SIGHUP): a revoked or rotated token stops working at once, a new one works,
// and a call let in before the change finishes.
#include <gtest/gtest.h>
#include <signal.h>

#include <array>
#include <cstdio>
#include <thread>

#include "gongkai/penalties/v1/penalties.grpc.pb.h"
#include "tests/e2e/platform.h"

namespace gongkai::testing {
namespace {

using penalties::v1::PenaltiesService;

struct AdminRun {
  int status = -1;
  std::string out;
};

// gongkai-admin with `args` on the platform's principals file; its standard output.
AdminRun Admin(const Platform& platform, const std::string& args) {
  const std::string command =
      std::string("'") + GONGKAI_ADMIN_BIN + "' " + args + " --principals='" + platform.principals_file() + "'";
  AdminRun run;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return run;
  std::array<char, 4096> buffer{};
  while (std::size_t n = fread(buffer.data(), 1, buffer.size(), pipe)) run.out.append(buffer.data(), n);
  run.status = pclose(pipe);
  if (!run.out.empty() && run.out.back() == '\n') run.out.pop_back();
  return run;
}

// A city's call with `token` ("<principal>.<secret>"): its status code.
grpc::StatusCode ListRejectionsWith(const Platform& platform, const std::string& token) {
  grpc::ClientContext ctx;
  ctx.AddMetadata("authorization", "Bearer " + token);
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  penalties::v1::ListRejectionsRequest request;
  penalties::v1::ListRejectionsResponse response;
  return PenaltiesService::NewStub(platform.Gateway())->ListRejections(&ctx, request, &response).error_code();
}

void Reload(const Platform& platform) { ASSERT_EQ(kill(platform.gateway().process->pid(), SIGHUP), 0); }

TEST(PrincipalsEndToEnd, ARevokedTokenStopsAtOnceANewOneWorksAndACallInFlightFinishes) {
  Platform platform;
  const std::string old_token = platform.Authorization("city-140100").substr(std::string("Bearer ").size());
  ASSERT_EQ(ListRejectionsWith(platform, old_token), grpc::StatusCode::OK);

  // A sync let in with the token, one batch sent.
  grpc::ClientContext sync_ctx;
  sync_ctx.AddMetadata("authorization", "Bearer " + old_token);
  sync_ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  penalties::v1::SyncSummary summary;
  auto sync = PenaltiesService::NewStub(platform.Gateway())->SyncDecisions(&sync_ctx, &summary);
  penalties::v1::UpsertDecisionsRequest batch;
  batch.add_decisions()->set_source_id("in-flight-1");
  ASSERT_TRUE(sync->Write(batch));

  // Revoked and served: the token is refused from the next call.
  const AdminRun revoked = Admin(platform, "revoke --name=city-140100");
  ASSERT_EQ(revoked.status, 0) << revoked.out;
  Reload(platform);
  EXPECT_TRUE(
      Eventually([&] { return ListRejectionsWith(platform, old_token) == grpc::StatusCode::UNAUTHENTICATED; }, 5000));
  // The other principals are untouched.
  EXPECT_EQ(ListRejectionsWith(platform, platform.Authorization("city-140200").substr(7)), grpc::StatusCode::OK);

  // The sync let in before finishes with everything it sent.
  batch.mutable_decisions(0)->set_source_id("in-flight-2");
  ASSERT_TRUE(sync->Write(batch));
  ASSERT_TRUE(sync->WritesDone());
  const grpc::Status finished = sync->Finish();
  EXPECT_TRUE(finished.ok()) << finished.error_message();
  EXPECT_EQ(summary.received(), 2);

  // Added again with a new token, printed once: it works, the old one not.
  const AdminRun added = Admin(platform, "add --name=city-140100 --role=city --city=140100");
  ASSERT_EQ(added.status, 0) << added.out;
  ASSERT_TRUE(added.out.starts_with("city-140100.")) << added.out;
  Reload(platform);
  EXPECT_TRUE(Eventually([&] { return ListRejectionsWith(platform, added.out) == grpc::StatusCode::OK; }, 5000));
  EXPECT_EQ(ListRejectionsWith(platform, old_token), grpc::StatusCode::UNAUTHENTICATED);

  // Rotated: the token of a moment ago stops, the new one works.
  const AdminRun rotated = Admin(platform, "rotate --name=city-140100");
  ASSERT_EQ(rotated.status, 0) << rotated.out;
  Reload(platform);
  EXPECT_TRUE(Eventually([&] { return ListRejectionsWith(platform, rotated.out) == grpc::StatusCode::OK; }, 5000));
  EXPECT_EQ(ListRejectionsWith(platform, added.out), grpc::StatusCode::UNAUTHENTICATED);
}

TEST(PrincipalsEndToEnd, AFileThatDoesNotReadKeepsThePrincipalsServed) {
  Platform platform;
  const std::string token = platform.Authorization("city-140100").substr(std::string("Bearer ").size());
  std::FILE* file = std::fopen(platform.principals_file().c_str(), "w");
  ASSERT_NE(file, nullptr);
  std::fputs("[{\"name\": \"half a file", file);
  std::fclose(file);
  Reload(platform);
  // Still served after the reload was tried (a later call, after a pause).
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  EXPECT_EQ(ListRejectionsWith(platform, token), grpc::StatusCode::OK);
}

TEST(PrincipalsEndToEnd, AnExpiredTokenIsRefusedAsExpired) {
  Platform platform;
  const AdminRun added =
      Admin(platform, "add --name=city-temp --role=city --city=140300 --expires=2000-01-01T00:00:00Z");
  ASSERT_EQ(added.status, 0) << added.out;
  Reload(platform);
  grpc::StatusCode code = grpc::StatusCode::OK;
  EXPECT_TRUE(Eventually(
      [&] {
        code = ListRejectionsWith(platform, added.out);
        return code != grpc::StatusCode::OK;
      },
      5000));
  EXPECT_EQ(code, grpc::StatusCode::UNAUTHENTICATED);
  grpc::ClientContext ctx;
  ctx.AddMetadata("authorization", "Bearer " + added.out);
  penalties::v1::ListRejectionsResponse response;
  const grpc::Status status = PenaltiesService::NewStub(platform.Gateway())->ListRejections(&ctx, {}, &response);
  EXPECT_EQ(status.error_message(), "the credential of city-temp expired");
}

}  // namespace
}  // namespace gongkai::testing
