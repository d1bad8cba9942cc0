#include "common/testing/adapter.h"

#include <stdexcept>

#include "common/calendar/calendar_in_use.h"

namespace gongkai::testing {

InProcessServer::InProcessServer(grpc::Service* service) {
  grpc::ServerBuilder builder;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port_);
  builder.RegisterService(service);
  server_ = builder.BuildAndStart();
  if (!server_ || port_ == 0) throw std::runtime_error("the in-process server did not start");
}

InProcessServer::~InProcessServer() { server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(1)); }

std::shared_ptr<grpc::Channel> InProcessServer::channel() const {
  return grpc::CreateChannel("127.0.0.1:" + std::to_string(port_), grpc::InsecureChannelCredentials());
}

TestSigners::TestSigners() {
  const common::SigningKey gateway_key = common::SigningKey::Generate();
  common::TrustedKeys trusted;
  trusted.Add(common::kGatewaySigner, gateway_key.public_key());
  std::map<std::string, common::SigningKey> keys;
  for (const char* name : {"registry", "penalties", "requests", "inspections", "supervision"}) {
    const auto& key = keys.emplace(name, common::SigningKey::Generate()).first->second;
    trusted.Add(std::string("service-") + name, key.public_key());
  }
  gateway_ = std::make_unique<common::IdentitySigner>(gateway_key, common::kGatewaySigner, trusted);
  for (const auto& [name, key] : keys) {
    services_[name] = std::make_unique<common::IdentitySigner>(key, "service-" + name, trusted);
  }
}

const common::IdentitySigner& TestSigners::service(const std::string& name) const { return *services_.at(name); }

common::IdentitySigner::Signed TestSigners::Sign(const common::CallerIdentity& caller) const {
  const bool service = caller.role == common::v1::ROLE_SERVICE && caller.principal.starts_with("service-");
  const auto& signer = service ? this->service(caller.principal.substr(8)) : gateway();
  return signer.Sign(caller, std::chrono::system_clock::now() + std::chrono::minutes(5));
}

TestContext::TestContext(common::Date today)
    : deadlines_(std::make_unique<common::Deadlines>(
          std::make_unique<common::CalendarInUse>(GONGKAI_CALENDAR_DATA_DIR, "cn"), common::DeadlineEngine())),
      clock_(today) {
  if (auto error = deadlines_->Reload()) throw std::runtime_error("calendar: " + *error);
}

void TestContext::SignAs(grpc::ClientContext& ctx, const common::CallerIdentity& caller) const {
  auto s = signers_.Sign(caller);
  ctx.AddMetadata(common::kIdentityHeader, s.payload);
  ctx.AddMetadata(common::kIdentitySignatureHeader, s.signature);
}

std::unique_ptr<grpc::ClientContext> TestContext::ClientAs(const std::optional<common::CallerIdentity>& caller) const {
  auto ctx = std::make_unique<grpc::ClientContext>();
  if (caller) SignAs(*ctx, *caller);
  ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  return ctx;
}

common::CallerIdentity CityCaller(const std::string& city_code) {
  return {common::v1::ROLE_CITY, city_code, "", "city-" + city_code};
}

common::CallerIdentity ProvinceCaller() { return {common::v1::ROLE_PROVINCE, "", "", "province"}; }

common::CallerIdentity DeskCaller(const std::string& agency) { return {common::v1::ROLE_DESK, "", agency, "desk"}; }

}  // namespace gongkai::testing
