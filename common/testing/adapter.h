#pragma once

#include <grpcpp/grpcpp.h>

#include <map>
#include <memory>
#include <optional>
#include <string>

#include "common/clock.h"
#include "common/deadlines.h"
#include "common/executor.h"
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

// Identity keys for tests: the gateway's and each service's of the platform
// (registry, penalties, requests, inspections, supervision), every one
// trusted by every signer here, as a deployment's trust file lists them.
class TestSigners {
 public:
  TestSigners();
  TestSigners(const TestSigners&) = delete;
  TestSigners& operator=(const TestSigners&) = delete;

  // Signs as the gateway; verifies what any of these keys signed.
  const common::IdentitySigner& gateway() const { return *gateway_; }
  // Signs as "service-<name>"; throws std::out_of_range for another name.
  const common::IdentitySigner& service(const std::string& name) const;
  // The identity the gateway would send for `caller`, or for a ROLE_SERVICE
  // caller, its service's own; signed for every method, for 5 minutes.
  common::IdentitySigner::Signed Sign(const common::CallerIdentity& caller) const;

 private:
  std::unique_ptr<common::IdentitySigner> gateway_;
  std::map<std::string, std::unique_ptr<common::IdentitySigner>> services_;
};

// What an adapter is handed, for tests: a signer (the gateway's, TestSigners), the calendars in
// data/calendar (loaded), the default deadline rules and a clock pinned to
// `today`.
class TestContext {
 public:
  explicit TestContext(common::Date today);

  common::ServiceContext context() const { return {signers_.gateway(), *deadlines_, clock_, executor_}; }
  common::PinnedClock& clock() { return clock_; }
  const common::IdentitySigner& signer() const { return signers_.gateway(); }
  const TestSigners& signers() const { return signers_; }

  // Puts on `ctx` the signed identity the gateway would send for `caller`
  // (a service's own, for ROLE_SERVICE).
  void SignAs(grpc::ClientContext& ctx, const common::CallerIdentity& caller) const;
  // A client context of `caller` (signed), or of the public (nullopt), with
  // a 10 s deadline: what an adapter test calls with.
  std::unique_ptr<grpc::ClientContext> ClientAs(const std::optional<common::CallerIdentity>& caller) const;

 private:
  TestSigners signers_;
  std::unique_ptr<common::Deadlines> deadlines_;
  common::PinnedClock clock_;
  // The adapter's calls' work runs here (call.h, Serve); it outlives the
  // servers of a test that declares them after this context.
  mutable common::Executor executor_{64, 64};
};

// Callers, as the gateway establishes them.
common::CallerIdentity CityCaller(const std::string& city_code);
common::CallerIdentity ProvinceCaller();
common::CallerIdentity DeskCaller(const std::string& agency);

}  // namespace gongkai::testing
