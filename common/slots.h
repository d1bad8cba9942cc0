#pragma once

#include <grpcpp/support/status.h>

#include <chrono>
#include <mutex>
#include <string>
#include <unordered_map>

namespace gongkai::common {

// A bound on what may be held at once, per key: a service's calls of each
// lane and its client streams (one key, ""; call_scope.h), or each caller's
// streams at the gateway (keyed by the caller). A call holds a Slot while it
// runs; past the bound it is refused at once (SlotsExhaustedStatus) instead
// of holding a server thread while it waits or idles.
class Slots {
 public:
  // `limit` slots per key (at least 1).
  explicit Slots(int limit);
  Slots(const Slots&) = delete;
  Slots& operator=(const Slots&) = delete;

  // A slot held, given back when it goes; an empty one (false) was refused.
  // It must not outlive the Slots it came from.
  class Slot {
   public:
    Slot() = default;
    ~Slot();
    Slot(Slot&& other) noexcept;
    Slot& operator=(Slot&& other) noexcept;
    explicit operator bool() const { return owner_ != nullptr; }

   private:
    friend class Slots;
    Slot(Slots* owner, std::string key);
    void GiveBack();

    Slots* owner_ = nullptr;
    std::string key_;
  };

  // One of `key`'s slots, or an empty Slot when `limit` of them are held.
  Slot TryTake(const std::string& key = {});
  // How many of `key`'s slots are held now.
  int Held(const std::string& key = {}) const;
  int limit() const { return limit_; }

 private:
  void Release(const std::string& key);

  const int limit_;
  mutable std::mutex mutex_;
  // Only keys holding a slot, so the table is no larger than what is held.
  std::unordered_map<std::string, int> held_;  // guarded by mutex_
};

// The wait a refused call is told to take before it tries again
// (google.rpc.RetryInfo): a slot frees when another call of the same kind
// ends, which nothing here can foresee.
inline constexpr std::chrono::milliseconds kSlotRetryDelay{1000};

// RESOURCE_EXHAUSTED for a call refused because `limit` `what` ("streams",
// "calls of the public") are open `where` ("in this service", "for this
// caller"): the message names the limit; a google.rpc.RetryInfo of
// kSlotRetryDelay is in the details.
grpc::Status SlotsExhaustedStatus(const std::string& what, int limit, const std::string& where);

}  // namespace gongkai::common
