#include "gateway/routes.h"

#include <grpcpp/generic/async_generic_service.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

namespace gongkai::gateway {
namespace {

TEST(AccessPolicy, ReadFromTheMethodOption) {
  auto upsert = LookUpMethod("/gongkai.registry.v1.RegistryService/UpsertAgencies");
  ASSERT_TRUE(upsert);
  EXPECT_EQ(upsert->package, "gongkai.registry.v1");
  EXPECT_EQ(upsert->grpc_type, "unary");
  EXPECT_TRUE(Admits(*upsert, common::v1::ROLE_CITY));
  EXPECT_FALSE(Admits(*upsert, common::v1::ROLE_PUBLIC));
  EXPECT_FALSE(Admits(*upsert, common::v1::ROLE_DESK));

  auto list = LookUpMethod("/gongkai.registry.v1.RegistryService/ListAgencies");
  ASSERT_TRUE(list);
  EXPECT_TRUE(Admits(*list, common::v1::ROLE_PUBLIC));
  EXPECT_TRUE(Admits(*list, common::v1::ROLE_CITY));
}

TEST(AccessPolicy, TheServicesOwnRoleIsAdmittedByNoRoutedMethod) {
  // Not even by a method open to the public.
  auto get = LookUpMethod("/gongkai.registry.v1.RegistryService/GetAgency");
  ASSERT_TRUE(get);
  EXPECT_TRUE(Admits(*get, common::v1::ROLE_PUBLIC));
  EXPECT_FALSE(Admits(*get, common::v1::ROLE_SERVICE));
  // And no access policy names it.
  int methods = 0;
  for (const auto* service : RoutedServices()) {
    for (int i = 0; i < service->method_count(); ++i) {
      const auto* method = service->method(i);
      auto info = LookUpMethod("/" + service->full_name() + "/" + method->name());
      ASSERT_TRUE(info) << method->full_name();
      EXPECT_FALSE(Admits(*info, common::v1::ROLE_SERVICE)) << method->full_name();
      for (common::Role role : info->allowed) EXPECT_NE(role, common::v1::ROLE_SERVICE) << method->full_name();
      ++methods;
    }
  }
  EXPECT_GT(methods, 20);
}

TEST(AccessPolicy, TheMessageTypesComeWithTheMethod) {
  auto sync = LookUpMethod("/gongkai.penalties.v1.PenaltiesService/SyncDecisions");
  ASSERT_TRUE(sync);
  EXPECT_EQ(sync->grpc_type, "client_stream");
  ASSERT_NE(sync->input, nullptr);
  ASSERT_NE(sync->output, nullptr);
  EXPECT_EQ(sync->input->full_name(), "gongkai.penalties.v1.UpsertDecisionsRequest");
  EXPECT_EQ(sync->output->full_name(), "gongkai.penalties.v1.SyncSummary");
}

// The public only reads, and its reads are what the HTTP door takes as a
// cacheable GET.
TEST(AccessPolicy, EveryMethodOpenToThePublicIsMarkedAsARead) {
  EXPECT_FALSE(LookUpMethod("/gongkai.registry.v1.RegistryService/UpsertAgencies")->no_side_effects);
  int reads = 0;
  for (const auto* service : RoutedServices()) {
    for (int i = 0; i < service->method_count(); ++i) {
      auto info = LookUpMethod("/" + service->full_name() + "/" + service->method(i)->name());
      ASSERT_TRUE(info);
      if (!Admits(*info, common::v1::ROLE_PUBLIC)) continue;
      EXPECT_TRUE(info->no_side_effects) << service->method(i)->full_name();
      EXPECT_EQ(info->grpc_type, "unary") << service->method(i)->full_name();
      ++reads;
    }
  }
  EXPECT_GT(reads, 30);
}

TEST(AccessPolicy, UnknownMethodIsNotFound) {
  EXPECT_FALSE(LookUpMethod("/gongkai.registry.v1.RegistryService/DropEverything"));
  EXPECT_FALSE(LookUpMethod("/nothing"));
  EXPECT_FALSE(LookUpMethod(""));
}

TEST(Routes, ParsesAndRefusesBadEntries) {
  auto routes = Routes::Parse("gongkai.registry.v1=127.0.0.1:7101");
  EXPECT_NE(routes.UpstreamFor("gongkai.registry.v1"), nullptr);
  EXPECT_EQ(routes.UpstreamFor("gongkai.penalties.v1"), nullptr);
  EXPECT_THROW(Routes::Parse("gongkai.registry.v1"), std::invalid_argument);
  EXPECT_THROW(Routes::Parse("=127.0.0.1:1"), std::invalid_argument);
}

// A loopback port nothing listens on (one a server just gave back).
int UnusedPort() {
  grpc::CallbackGenericService nothing;  // a server needs a service
  int port = 0;
  grpc::ServerBuilder builder;
  builder.RegisterCallbackGenericService(&nothing);
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
  builder.BuildAndStart()->Shutdown();
  return port;
}

// Waits up to `timeout` for `channel` to reach `state`.
bool Reaches(grpc::Channel& channel, grpc_connectivity_state state, std::chrono::milliseconds timeout) {
  const auto until = std::chrono::system_clock::now() + timeout;
  for (auto now = channel.GetState(false); now != state; now = channel.GetState(false)) {
    if (!channel.WaitForStateChange(now, until)) return false;
  }
  return true;
}

TEST(Upstream, ReconnectSoonEndsTheBackoffOfAChannelWhoseServiceCameBack) {
  const std::string address = "127.0.0.1:" + std::to_string(UnusedPort());
  grpc::ChannelArguments args;  // after a failed attempt, the next in a minute
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 60000);
  args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 60000);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 60000);
  auto channel = grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), args);
  Upstream upstream(address, channel);
  channel->GetState(true);
  ASSERT_TRUE(Reaches(*channel, GRPC_CHANNEL_TRANSIENT_FAILURE, std::chrono::seconds(5)));

  grpc::CallbackGenericService nothing;  // the service comes back
  grpc::ServerBuilder builder;
  builder.RegisterCallbackGenericService(&nothing);
  builder.AddListeningPort(address, grpc::InsecureServerCredentials());
  auto server = builder.BuildAndStart();
  ASSERT_NE(server, nullptr);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(channel->GetState(false), GRPC_CHANNEL_TRANSIENT_FAILURE) << "the backoff holds";

  upstream.ReconnectSoon();
  EXPECT_TRUE(Reaches(*channel, GRPC_CHANNEL_READY, std::chrono::seconds(5)));
  server->Shutdown();
}

}  // namespace
}  // namespace gongkai::gateway
