#pragma once

#include <grpcpp/support/server_interceptor.h>

#include <memory>

#include "common/current_call.h"
#include "common/identity.h"
#include "common/slots.h"

namespace gongkai::common {

// What a service's server lets in at once; a call holds a slot while its
// work runs (call.h: Serve, Admit), and a call past a bound is
// RESOURCE_EXHAUSTED with a RetryInfo. Each lane has calls of its own, so the
// callers of one (waiting for the database, or a stream idling) leave the
// other lane threads; client streams, calls of their lane too, have a
// tighter bound of their own.
class CallBounds {
 public:
  CallBounds(int calls_per_lane, int streams);

  Slots& calls(Lane lane) { return lane == Lane::kPublic ? public_calls_ : city_calls_; }
  Slots& streams() { return streams_; }

 private:
  Slots public_calls_;
  Slots city_calls_;
  Slots streams_;
};

// The calls of each lane a service of `max_threads` threads (its executor,
// GONGKAI_MAX_THREADS) lets in at once: half of the threads, less 4, so that
// the calls both lanes admit never outnumber the threads and each gets one
// at once. At least 1.
int CallsPerLane(int max_threads);

// The call scope of a service's calls: a server interceptor (gRPC's
// interceptor API is experimental; only this file and metrics_interceptor
// touch it). Once a call's metadata has arrived, before its handler runs, it
//  - keeps the signed identity only when it was signed for this call's
//    method (ServerRpcInfo::method(), the path the gateway signed it for):
//    one signed for another method or for none, one whose signature or
//    expiry does not check out, and identity headers sent more than once are
//    removed from the call's metadata and logged (the method and the reason,
//    nothing of the identity), so the handler (IdentityOf) sees an anonymous
//    caller and answers as it answers any unsigned call;
//  - makes the call this thread's CurrentCall (current_call.h) while the
//    method runs: its lane (Lane::kPublic for the public, Lane::kCity for
//    every other caller, another service's ROLE_SERVICE call included, so
//    that a flood of public reads cannot starve the lookups a city's write
//    makes), its deadline, and the bounds of `bounds` that
//    apply to it, whose slots the method's frame (Serve, Admit) takes.
// gRPC runs the method from inside the interceptors' handling of that
// metadata, on the same thread (the last interceptor's Proceed() calls the
// handler, which for the callback API calls the method for its reactor),
// which is what makes the thread's current call the method's; Serve hands it
// on to the thread that runs the call's work, and call_scope_test checks that
// the work sees it. Health and reflection (/grpc.*) are left alone.
std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface> MakeCallScopeFactory(
    const IdentitySigner& signer, CallBounds& bounds);

}  // namespace gongkai::common
