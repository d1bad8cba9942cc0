#include "gateway/routes.h"

#include <gtest/gtest.h>

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

TEST(AccessPolicy, UnknownMethodIsNotFound) {
  EXPECT_FALSE(LookUpMethod("/gongkai.registry.v1.RegistryService/DropEverything"));
  EXPECT_FALSE(LookUpMethod("/nothing"));
  EXPECT_FALSE(LookUpMethod(""));
}

TEST(Routes, ParsesAndRefusesBadEntries) {
  auto routes = Routes::Parse("gongkai.registry.v1=127.0.0.1:7101");
  EXPECT_NE(routes.StubFor("gongkai.registry.v1"), nullptr);
  EXPECT_EQ(routes.StubFor("gongkai.penalties.v1"), nullptr);
  EXPECT_THROW(Routes::Parse("gongkai.registry.v1"), std::invalid_argument);
  EXPECT_THROW(Routes::Parse("=127.0.0.1:1"), std::invalid_argument);
}

}  // namespace
}  // namespace gongkai::gateway
