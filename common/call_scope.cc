#include "common/call_scope.h"

#include <algorithm>
#include <chrono>
#include <iterator>
#include <optional>
#include <string>

#include "common/call.h"
#include "common/log.h"

namespace gongkai::common {
namespace {

using grpc::experimental::InterceptionHookPoints;
using grpc::experimental::ServerRpcInfo;
using Metadata = std::multimap<grpc::string_ref, grpc::string_ref>;

std::string Text(grpc::string_ref s) { return std::string(s.data(), s.size()); }

class CallScope final : public grpc::experimental::Interceptor {
 public:
  CallScope(ServerRpcInfo* info, const IdentitySigner& signer, CallBounds& bounds)
      : info_(info), signer_(signer), bounds_(bounds) {}

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (!methods->QueryInterceptionHookPoint(InterceptionHookPoints::POST_RECV_INITIAL_METADATA)) {
      methods->Proceed();
      return;
    }
    const ScopedCurrentCall current(Establish(*methods->GetRecvInitialMetadata()));
    // This runs the method (which hands its work on with the current call),
    // and the call, this interceptor with it, may be gone when it returns:
    // nothing of `this` is used after it. The current call ends with this
    // frame.
    methods->Proceed();
  }

 private:
  CurrentCall Establish(Metadata& metadata) const {
    CurrentCall call;
    call.deadline = info_->server_context()->deadline();
    const auto type = info_->type();
    if (type == ServerRpcInfo::Type::CLIENT_STREAMING || type == ServerRpcInfo::Type::BIDI_STREAMING) {
      call.streams = &bounds_.streams();
    }
    const std::optional<CallerIdentity> identity = IdentityForThisMethod(metadata);
    call.lane = !identity || identity->role == v1::ROLE_PUBLIC ? Lane::kPublic : Lane::kCity;
    call.calls = &bounds_.calls(call.lane);
    return call;
  }

  // The identity of the call when it checks out for this call's method;
  // otherwise the identity headers are removed from the metadata.
  std::optional<CallerIdentity> IdentityForThisMethod(Metadata& metadata) const {
    const auto payloads = metadata.equal_range(kIdentityHeader);
    const auto signatures = metadata.equal_range(kIdentitySignatureHeader);
    const auto sent = std::distance(payloads.first, payloads.second);
    const auto signed_ = std::distance(signatures.first, signatures.second);
    if (sent == 0 && signed_ == 0) return std::nullopt;
    std::optional<CallerIdentity> identity;
    const char* reason = "identity headers sent more than once, or one without the other";
    if (sent == 1 && signed_ == 1) {
      const std::string payload = Text(payloads.first->second);
      const std::string signature = Text(signatures.first->second);
      const auto now = std::chrono::system_clock::now();
      identity = signer_.Verify(payload, signature, now, info_->method());
      if (identity) return identity;
      reason = signer_.Verify(payload, signature, now) ? "signed for another method, or for none"
                                                       : "bad or expired signature";
    }
    metadata.erase(grpc::string_ref(kIdentityHeader));
    metadata.erase(grpc::string_ref(kIdentitySignatureHeader));
    RequestScope scope(RequestIdOf(*info_->server_context()));
    Log(LogLevel::kWarning, "identity_refused", {{"method", info_->method()}, {"reason", reason}});
    return std::nullopt;
  }

  ServerRpcInfo* info_;
  const IdentitySigner& signer_;
  CallBounds& bounds_;
};

class CallScopeFactory final : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  CallScopeFactory(const IdentitySigner& signer, CallBounds& bounds) : signer_(signer), bounds_(bounds) {}

  grpc::experimental::Interceptor* CreateServerInterceptor(ServerRpcInfo* info) override {
    // Health and reflection are the platform's plumbing: no identity, no database.
    std::string_view method = info->method();
    if (method.starts_with("/grpc.")) return nullptr;
    return new CallScope(info, signer_, bounds_);
  }

 private:
  const IdentitySigner& signer_;
  CallBounds& bounds_;
};

}  // namespace

CallBounds::CallBounds(int calls_per_lane, int streams)
    : public_calls_(calls_per_lane), city_calls_(calls_per_lane), streams_(streams) {}

int CallsPerLane(int max_threads) { return std::max(max_threads / 2 - 4, 1); }

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface> MakeCallScopeFactory(
    const IdentitySigner& signer, CallBounds& bounds) {
  return std::make_unique<CallScopeFactory>(signer, bounds);
}

}  // namespace gongkai::common
