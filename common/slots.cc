#include "common/slots.h"

#include <algorithm>
#include <utility>

#include "common/errors.h"

namespace gongkai::common {

Slots::Slots(int limit) : limit_(std::max(limit, 1)) {}

Slots::Slot::Slot(Slots* owner, std::string key) : owner_(owner), key_(std::move(key)) {}

Slots::Slot::~Slot() { GiveBack(); }

Slots::Slot::Slot(Slot&& other) noexcept : owner_(std::exchange(other.owner_, nullptr)), key_(std::move(other.key_)) {}

Slots::Slot& Slots::Slot::operator=(Slot&& other) noexcept {
  if (this != &other) {
    GiveBack();
    owner_ = std::exchange(other.owner_, nullptr);
    key_ = std::move(other.key_);
  }
  return *this;
}

void Slots::Slot::GiveBack() {
  if (owner_ == nullptr) return;
  std::exchange(owner_, nullptr)->Release(key_);
}

Slots::Slot Slots::TryTake(const std::string& key) {
  std::lock_guard lock(mutex_);
  int& held = held_[key];
  if (held >= limit_) return {};
  ++held;
  return Slot(this, key);
}

int Slots::Held(const std::string& key) const {
  std::lock_guard lock(mutex_);
  auto it = held_.find(key);
  return it == held_.end() ? 0 : it->second;
}

void Slots::Release(const std::string& key) {
  std::lock_guard lock(mutex_);
  auto it = held_.find(key);
  if (it == held_.end()) return;
  if (--it->second <= 0) held_.erase(it);
}

grpc::Status SlotsExhaustedStatus(const std::string& what, int limit, const std::string& where) {
  return ResourceExhaustedStatus("too many " + what + ": at most " + std::to_string(limit) + " at once " + where +
                                     ", and " + std::to_string(limit) + " are open; retry once one has ended",
                                 kSlotRetryDelay);
}

}  // namespace gongkai::common
