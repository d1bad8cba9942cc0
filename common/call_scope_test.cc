// The call scope in a real gRPC server, with a service of four methods whose
// work says what it sees: the identity as it reads it, and its thread's
// current call (which it sees only when the interceptor established it on
// the thread that received the call and Serve handed it on to the thread
// that runs the work).
#include "common/call_scope.h"

#include <google/protobuf/wrappers.pb.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/impl/client_unary_call.h>
#include <grpcpp/impl/codegen/proto_utils.h>
#include <grpcpp/impl/codegen/server_callback_handlers.h>
#include <grpcpp/impl/rpc_service_method.h>
#include <grpcpp/impl/service_type.h>
#include <grpcpp/support/sync_stream.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "common/call.h"
#include "common/current_call.h"
#include "common/testing/adapter.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

namespace gongkai::common {
namespace {

using google::protobuf::StringValue;
using grpc::internal::RpcMethod;
using std::chrono::system_clock;

constexpr char kRead[] = "/gongkai.test.v1.Probe/Read";
constexpr char kWrite[] = "/gongkai.test.v1.Probe/Write";
constexpr char kStream[] = "/gongkai.test.v1.Probe/Stream";
constexpr char kHold[] = "/gongkai.test.v1.Probe/Hold";

// Read: any caller; answers "caller=<role> lane=<lane> left_ms=<time left
// before the deadline, or none>", or "no current call". Write: cities only;
// answers the city. Stream: a client stream of cities; counts the streams
// its handlers are in, and answers how many messages it read. Hold: any
// caller; counts the calls it holds until Release(). Served with gRPC's
// callback API as a service's methods are (call.h): their work on `executor`.
class ProbeService final : public grpc::Service {
 public:
  ProbeService(const IdentitySigner& signer, Executor& executor) : signer_(signer), executor_(executor) {
    using Unary = grpc::internal::CallbackUnaryHandler<StringValue, StringValue>;
    const auto unary = [this](const char* name,
                              std::function<grpc::ServerUnaryReactor*(grpc::CallbackServerContext*, StringValue*)> f) {
      AddMethod(new grpc::internal::RpcServiceMethod(name, RpcMethod::NORMAL_RPC, nullptr));
      MarkMethodCallback(methods_added_++, new Unary([f](grpc::CallbackServerContext* ctx, const StringValue*,
                                                         StringValue* out) { return f(ctx, out); }));
    };
    unary(kRead, [this](grpc::CallbackServerContext* ctx, StringValue* out) { return Read(ctx, out); });
    unary(kWrite, [this](grpc::CallbackServerContext* ctx, StringValue* out) { return Write(ctx, out); });
    unary(kHold, [this](grpc::CallbackServerContext* ctx, StringValue*) { return Hold(ctx); });
    AddMethod(new grpc::internal::RpcServiceMethod(kStream, RpcMethod::CLIENT_STREAMING, nullptr));
    MarkMethodCallback(methods_added_++,
                       new grpc::internal::CallbackClientStreamingHandler<StringValue, StringValue>(
                           [this](grpc::CallbackServerContext* ctx, StringValue* out) { return Stream(ctx, out); }));
  }

  std::atomic<int> streams_in_handler = 0;
  std::atomic<int> holding = 0;

  void Release() {
    std::lock_guard lock(mutex_);
    released_ = true;
    release_.notify_all();
  }

 private:
  grpc::ServerUnaryReactor* Hold(grpc::CallbackServerContext* ctx) {
    return Serve(ctx, executor_, signer_, {v1::ROLE_PUBLIC}, [this](const CallerIdentity&) {
      ++holding;
      std::unique_lock lock(mutex_);
      release_.wait(lock, [&] { return released_; });
      --holding;
      return grpc::Status::OK;
    });
  }

  grpc::ServerUnaryReactor* Read(grpc::CallbackServerContext* ctx, StringValue* out) {
    return Serve(ctx, executor_, signer_, {v1::ROLE_PUBLIC}, [out](const CallerIdentity& caller) {
      const CurrentCall* call = CurrentCallOfThisThread();
      if (call == nullptr) {
        out->set_value("no current call");
        return grpc::Status::OK;
      }
      std::string left = "none";
      if (call->has_deadline()) {
        left = std::to_string(
            std::chrono::duration_cast<std::chrono::milliseconds>(call->deadline - system_clock::now()).count());
      }
      out->set_value("caller=" + RoleName(caller.role) + " lane=" + (call->lane == Lane::kPublic ? "public" : "city") +
                     " left_ms=" + left);
      return grpc::Status::OK;
    });
  }

  grpc::ServerUnaryReactor* Write(grpc::CallbackServerContext* ctx, StringValue* out) {
    return Serve(ctx, executor_, signer_, {v1::ROLE_CITY}, [out](const CallerIdentity& caller) {
      out->set_value(caller.city_code);
      return grpc::Status::OK;
    });
  }

  grpc::ServerReadReactor<StringValue>* Stream(grpc::CallbackServerContext* ctx, StringValue* out) {
    return ServeStream<StringValue>(ctx, executor_, signer_, {v1::ROLE_CITY},
                                    [this, out](const CallerIdentity&, StreamReader<StringValue>& reader) {
                                      ++streams_in_handler;
                                      StringValue message;
                                      int read = 0;
                                      while (reader.Read(&message)) ++read;
                                      --streams_in_handler;
                                      out->set_value(std::to_string(read));
                                      return grpc::Status::OK;
                                    });
  }

  int methods_added_ = 0;
  const IdentitySigner& signer_;
  Executor& executor_;
  std::mutex mutex_;
  std::condition_variable release_;
  bool released_ = false;  // guarded by mutex_
};

// The probe service on a free loopback port, behind the call scope as a
// service's server has it.
class ScopedServer {
 public:
  ScopedServer(ProbeService* service, const IdentitySigner& signer, CallBounds& bounds) {
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port_);
    builder.RegisterService(service);
    std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> factories;
    factories.push_back(MakeCallScopeFactory(signer, bounds));
    builder.experimental().SetInterceptorCreators(std::move(factories));
    server_ = builder.BuildAndStart();
    if (!server_ || port_ == 0) throw std::runtime_error("the probe server did not start");
  }
  ~ScopedServer() { server_->Shutdown(system_clock::now() + std::chrono::seconds(1)); }

  std::shared_ptr<grpc::Channel> channel() const {
    return grpc::CreateChannel("127.0.0.1:" + std::to_string(port_), grpc::InsecureChannelCredentials());
  }

 private:
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
};

bool Eventually(const std::function<bool()>& pred) {
  for (int i = 0; i < 500 && !pred(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  return pred();
}

class CallScopeTest : public ::testing::Test {
 protected:
  CallScopeTest() : bounds_(kCallsPerLane, kStreams), service_(signers_.gateway(), executor_) {
    server_ = std::make_unique<ScopedServer>(&service_, signers_.gateway(), bounds_);
    channel_ = server_->channel();
  }

  // Puts on `ctx` an identity of `caller` signed for `method` (none: for no
  // method), by the gateway, or for a service by that service.
  void SignFor(grpc::ClientContext& ctx, const CallerIdentity& caller, const std::string& method) const {
    const bool service = caller.role == v1::ROLE_SERVICE;
    const IdentitySigner& signer = service ? signers_.service(caller.principal.substr(8)) : signers_.gateway();
    auto s = signer.Sign(caller, system_clock::now() + std::chrono::minutes(1), method);
    ctx.AddMetadata(kIdentityHeader, s.payload);
    ctx.AddMetadata(kIdentitySignatureHeader, s.signature);
  }

  grpc::Status Unary(const char* method, grpc::ClientContext& ctx, std::string* answer = nullptr) const {
    StringValue request;
    StringValue response;
    grpc::Status status = grpc::internal::BlockingUnaryCall<StringValue, StringValue, google::protobuf::MessageLite,
                                                            google::protobuf::MessageLite>(
        channel_.get(), RpcMethod(method, RpcMethod::NORMAL_RPC), &ctx, request, &response);
    if (answer != nullptr) *answer = response.value();
    return status;
  }

  // A client stream of city 140100 (signed for kStream), started.
  struct OpenStream {
    grpc::ClientContext ctx;
    StringValue answer;
    std::unique_ptr<grpc::ClientWriter<StringValue>> writer;

    grpc::Status Close() {
      writer->WritesDone();
      return writer->Finish();
    }
  };
  std::unique_ptr<OpenStream> Open() const {
    auto stream = std::make_unique<OpenStream>();
    SignFor(stream->ctx, kCity, kStream);
    stream->ctx.set_deadline(system_clock::now() + std::chrono::seconds(10));
    stream->writer.reset(grpc::internal::ClientWriterFactory<StringValue>::Create(
        channel_.get(), RpcMethod(kStream, RpcMethod::CLIENT_STREAMING), &stream->ctx, &stream->answer));
    return stream;
  }

  static constexpr int kCallsPerLane = 3;
  static constexpr int kStreams = 2;
  const CallerIdentity kCity{v1::ROLE_CITY, "140100", "", "city-140100"};
  gongkai::testing::TestSigners signers_;
  CallBounds bounds_;
  // A thread for every call the lanes let in, as a service has
  // (ServiceRuntime).
  Executor executor_{2 * kCallsPerLane, 2 * kCallsPerLane};
  ProbeService service_;
  std::unique_ptr<ScopedServer> server_;
  std::shared_ptr<grpc::Channel> channel_;
};

TEST_F(CallScopeTest, TheCallsWorkRunsWithinTheCallsScope) {
  std::string answer;
  grpc::ClientContext city;
  SignFor(city, kCity, kRead);
  city.set_deadline(system_clock::now() + std::chrono::seconds(5));
  ASSERT_TRUE(Unary(kRead, city, &answer).ok());
  ASSERT_TRUE(answer.starts_with("caller=city lane=city left_ms=")) << answer;
  const int left = std::stoi(answer.substr(answer.rfind('=') + 1));
  EXPECT_GT(left, 3000) << "the caller's deadline, 5 s away when it called";
  EXPECT_LE(left, 5100) << "the deadline travels as grpc-timeout, rounded up to its unit";

  grpc::ClientContext anonymous;
  ASSERT_TRUE(Unary(kRead, anonymous, &answer).ok());
  EXPECT_EQ(answer, "caller=public lane=public left_ms=none");

  grpc::ClientContext signed_public;
  SignFor(signed_public, {v1::ROLE_PUBLIC, "", "", ""}, kRead);
  ASSERT_TRUE(Unary(kRead, signed_public, &answer).ok());
  EXPECT_EQ(answer, "caller=public lane=public left_ms=none");

  EXPECT_EQ(CurrentCallOfThisThread(), nullptr) << "a thread outside calls has none";
}

TEST_F(CallScopeTest, AnIdentitySignedForAnotherMethodIsTreatedAsAbsent) {
  grpc::ClientContext own;
  SignFor(own, kCity, kWrite);
  std::string answer;
  ASSERT_TRUE(Unary(kWrite, own, &answer).ok());
  EXPECT_EQ(answer, "140100");

  // Captured from a read and replayed on a write: the write sees no caller.
  grpc::ClientContext replayed;
  SignFor(replayed, kCity, kRead);
  grpc::Status status = Unary(kWrite, replayed);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED) << status.error_message();

  // Treated as absent, not as its role: the province would be PERMISSION_DENIED.
  grpc::ClientContext province;
  SignFor(province, {v1::ROLE_PROVINCE, "", "", "province"}, kRead);
  EXPECT_EQ(Unary(kWrite, province).error_code(), grpc::StatusCode::UNAUTHENTICATED);

  // An identity bound to no method counts for none.
  grpc::ClientContext unbound;
  SignFor(unbound, kCity, "");
  EXPECT_EQ(Unary(kWrite, unbound).error_code(), grpc::StatusCode::UNAUTHENTICATED);

  // The identity headers twice, one valid for the method: refused whole.
  grpc::ClientContext twice;
  SignFor(twice, kCity, kWrite);
  SignFor(twice, {v1::ROLE_CITY, "140200", "", "city-140200"}, kWrite);
  EXPECT_EQ(Unary(kWrite, twice).error_code(), grpc::StatusCode::UNAUTHENTICATED);

  // A read with a write's identity is the public's, in the public lane.
  grpc::ClientContext read;
  SignFor(read, kCity, kWrite);
  ASSERT_TRUE(Unary(kRead, read, &answer).ok());
  EXPECT_EQ(answer, "caller=public lane=public left_ms=none");
}

TEST_F(CallScopeTest, AnotherServicesCallRunsOutsideThePublicLane) {
  const CallerIdentity service{v1::ROLE_SERVICE, "", "", "service-penalties"};
  std::string answer;
  grpc::ClientContext first;
  SignFor(first, service, kRead);
  ASSERT_TRUE(Unary(kRead, first, &answer).ok());
  EXPECT_EQ(answer, "caller=service lane=city left_ms=none");

  // Every call of the public lane held: the public is refused, the service
  // goes on.
  std::vector<Slots::Slot> held;
  for (int i = 0; i < kCallsPerLane; ++i) held.push_back(bounds_.calls(Lane::kPublic).TryTake());
  ASSERT_FALSE(bounds_.calls(Lane::kPublic).TryTake());
  grpc::ClientContext anonymous;
  EXPECT_EQ(Unary(kRead, anonymous).error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  grpc::ClientContext during;
  SignFor(during, service, kRead);
  grpc::Status status = Unary(kRead, during, &answer);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(answer, "caller=service lane=city left_ms=none");

  // Signed for another method it counts for nothing: the public's call,
  // refused with the public's lane full.
  grpc::ClientContext replayed;
  SignFor(replayed, service, kWrite);
  EXPECT_EQ(Unary(kRead, replayed).error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);

  // A service is let in where a handler lists its role or the public's, and
  // not to a city's write.
  held.clear();
  grpc::ClientContext write;
  SignFor(write, service, kWrite);
  EXPECT_EQ(Unary(kWrite, write).error_code(), grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(CallScopeTest, ClientStreamsPastTheBoundAreRefusedWithRetryInfo) {
  auto first = Open();
  auto second = Open();
  ASSERT_TRUE(Eventually([&] { return service_.streams_in_handler == 2; }));

  auto third = Open();
  grpc::Status refused = third->Close();
  ASSERT_EQ(refused.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << refused.error_message();
  EXPECT_NE(refused.error_message().find("too many streams: at most 2"), std::string::npos) << refused.error_message();
  google::rpc::Status details;
  ASSERT_TRUE(details.ParseFromString(refused.error_details()));
  ASSERT_EQ(details.details_size(), 1);
  google::rpc::RetryInfo retry;
  ASSERT_TRUE(details.details(0).UnpackTo(&retry));
  EXPECT_GT(retry.retry_delay().seconds() * 1000 + retry.retry_delay().nanos() / 1000000, 0);

  // Unary calls are not streams: they go on.
  grpc::ClientContext read;
  EXPECT_TRUE(Unary(kRead, read).ok());

  // A stream that ends gives its slot back.
  ASSERT_TRUE(first->Close().ok());
  EXPECT_TRUE(Eventually([&] { return bounds_.streams().Held() == 1; }));
  auto fourth = Open();
  ASSERT_TRUE(Eventually([&] { return service_.streams_in_handler == 2; }));
  EXPECT_TRUE(second->Close().ok());
  EXPECT_TRUE(fourth->Close().ok());
  EXPECT_TRUE(Eventually([&] { return bounds_.streams().Held() == 0; }));
}

TEST_F(CallScopeTest, ALanesCallsPastItsBoundAreRefusedWhileTheOtherLanesGoOn) {
  std::vector<std::thread> held;
  std::vector<grpc::Status> held_status(kCallsPerLane);
  for (int i = 0; i < kCallsPerLane; ++i) {
    held.emplace_back([&, i] {
      grpc::ClientContext ctx;
      ctx.set_deadline(system_clock::now() + std::chrono::seconds(10));
      held_status[i] = Unary(kHold, ctx);
    });
  }
  ASSERT_TRUE(Eventually([&] { return service_.holding == kCallsPerLane; }));

  grpc::ClientContext read;
  grpc::Status refused = Unary(kRead, read);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << refused.error_message();
  EXPECT_NE(refused.error_message().find("too many calls of the public: at most 3"), std::string::npos)
      << refused.error_message();
  google::rpc::Status details;
  ASSERT_TRUE(details.ParseFromString(refused.error_details()));
  ASSERT_EQ(details.details_size(), 1);
  EXPECT_TRUE(details.details(0).Is<google::rpc::RetryInfo>());

  // A city's call is in the other lane: it has threads of its own.
  grpc::ClientContext write;
  SignFor(write, kCity, kWrite);
  EXPECT_TRUE(Unary(kWrite, write).ok());

  service_.Release();
  for (auto& t : held) t.join();
  for (const auto& status : held_status) EXPECT_TRUE(status.ok()) << status.error_message();
  grpc::ClientContext again;
  EXPECT_TRUE(Unary(kRead, again).ok()) << "the lane's calls are let in again once the others ended";
}

// The same probe with fewer threads than the lanes let calls in: a call
// that finds every thread busy waits in the executor's queue for one, and
// one that finds the queue full too is refused, naming the bound, with a
// RetryInfo.
class ExecutorQueueTest : public CallScopeTest {
 protected:
  ExecutorQueueTest() : small_service_(signers_.gateway(), small_executor_) {
    server_ = std::make_unique<ScopedServer>(&small_service_, signers_.gateway(), bounds_);
    channel_ = server_->channel();
  }
  ~ExecutorQueueTest() override {
    small_service_.Release();
    server_.reset();
  }

  // Holds a call of the public on a thread of its own; its status once done.
  std::thread HoldCall(grpc::Status& status) const {
    return std::thread([this, &status] {
      grpc::ClientContext ctx;
      ctx.set_deadline(system_clock::now() + std::chrono::seconds(10));
      status = Unary(kHold, ctx);
    });
  }

  Executor small_executor_{1, 1};
  ProbeService small_service_;
};

TEST_F(ExecutorQueueTest, ACallWaitsForAThreadAndPastTheQueueIsRefusedWithRetryInfo) {
  grpc::Status first;
  grpc::Status queued;
  std::thread holder = HoldCall(first);
  ASSERT_TRUE(Eventually([&] { return small_service_.holding == 1; }));
  std::thread waiter = HoldCall(queued);
  // Admitted (a slot of the public lane) and waiting for the one thread.
  ASSERT_TRUE(Eventually([&] { return bounds_.calls(Lane::kPublic).Held() == 2; }));
  EXPECT_EQ(small_service_.holding, 1);

  grpc::ClientContext read;
  grpc::Status refused = Unary(kRead, read);
  ASSERT_EQ(refused.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << refused.error_message();
  EXPECT_NE(refused.error_message().find("too many calls waiting for a thread: at most 1"), std::string::npos)
      << refused.error_message();
  google::rpc::Status details;
  ASSERT_TRUE(details.ParseFromString(refused.error_details()));
  ASSERT_EQ(details.details_size(), 1);
  EXPECT_TRUE(details.details(0).Is<google::rpc::RetryInfo>());
  EXPECT_EQ(bounds_.calls(Lane::kPublic).Held(), 2) << "the refused call gave its slot back";

  small_service_.Release();
  holder.join();
  waiter.join();
  EXPECT_TRUE(first.ok()) << first.error_message();
  EXPECT_TRUE(queued.ok()) << "the queued call ran once the thread was free: " << queued.error_message();
  EXPECT_EQ(small_executor_.Threads(), 1);
  grpc::ClientContext again;
  EXPECT_TRUE(Unary(kRead, again).ok());
}

TEST(CurrentCall, ScopesNestAndRestoreTheCallBefore) {
  EXPECT_EQ(CurrentCallOfThisThread(), nullptr);
  {
    ScopedCurrentCall outer(CurrentCall{Lane::kPublic});
    ASSERT_NE(CurrentCallOfThisThread(), nullptr);
    EXPECT_EQ(CurrentCallOfThisThread()->lane, Lane::kPublic);
    EXPECT_FALSE(CurrentCallOfThisThread()->has_deadline());
    {
      ScopedCurrentCall inner(CurrentCall{Lane::kCity, system_clock::now() + std::chrono::seconds(1)});
      EXPECT_EQ(CurrentCallOfThisThread()->lane, Lane::kCity);
      EXPECT_TRUE(CurrentCallOfThisThread()->has_deadline());
    }
    EXPECT_EQ(CurrentCallOfThisThread()->lane, Lane::kPublic);
  }
  EXPECT_EQ(CurrentCallOfThisThread(), nullptr);
  std::thread([] { EXPECT_EQ(CurrentCallOfThisThread(), nullptr) << "another thread has its own"; }).join();
}

}  // namespace
}  // namespace gongkai::common
