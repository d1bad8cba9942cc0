#pragma once

#include <grpcpp/grpcpp.h>

#include <memory>
#include <optional>
#include <string>

#include "common/clock.h"
#include "common/deadlines.h"
#include "common/identity.h"
#include "common/service_context.h"

namespace gongkai::testing {

// A service adapter served in this process on a free loopback port (port 0),
// reached through a real gRPC channel: the seam adapter tests use, with fake
// stores behind the adapter. Stopped when it goes.
class InProcessServer {
 public:
  explicit InProcessServer(grpc::Service* service);
  ~InProcessServer();
  InProcessServer(const InProcessServer&) = delete;
  InProcessServer& operator=(const InProcessServer&) = delete;

  std::shared_ptr<grpc::Channel> channel() const;
  int port() const { return port_; }

 private:
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
};

// What an adapter is handed, for tests: a signer, the calendars in
// data/calendar (loaded), the default deadline rules and a clock pinned to
// `today`.
class TestContext {
 public:
  explicit TestContext(common::Date today);

  common::ServiceContext context() const { return {signer_, *deadlines_, clock_}; }
  common::PinnedClock& clock() { return clock_; }
  const common::IdentitySigner& signer() const { return signer_; }

  // Puts on `ctx` the signed identity the gateway would send for `caller`.
  void SignAs(grpc::ClientContext& ctx, const common::CallerIdentity& caller) const;
  // A client context of `caller` (signed), or of the public (nullopt), with
  // a 10 s deadline: what an adapter test calls with.
  std::unique_ptr<grpc::ClientContext> ClientAs(const std::optional<common::CallerIdentity>& caller) const;

 private:
  common::IdentitySigner signer_;
  std::unique_ptr<common::Deadlines> deadlines_;
  common::PinnedClock clock_;
};

// Callers, as the gateway establishes them.
common::CallerIdentity CityCaller(const std::string& city_code);
common::CallerIdentity ProvinceCaller();
common::CallerIdentity DeskCaller(const std::string& agency);

}  // namespace gongkai::testing
