#include "services/inspections/plan_notices.h"

#include <exception>

#include "common/log.h"

namespace gongkai::inspections {
namespace {

// Notices per registry call: within RecordInspectionPlans' bound.
constexpr int kNoticesPerCall = 500;

}  // namespace

PlanNotices::PlanNotices(InspectionStore& store, registry::RegistryClient& registry, std::chrono::milliseconds interval)
    : store_(store), registry_(registry), interval_(interval) {}

PlanNotices::~PlanNotices() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void PlanNotices::Start() {
  thread_ = std::thread([this] { Run(); });
}

void PlanNotices::Wake() {
  {
    std::lock_guard lock(mutex_);
    woken_ = true;
  }
  wake_.notify_all();
}

int PlanNotices::PushPending() {
  int pushed = 0;
  for (;;) {
    const std::vector<PlanNotice> pending = store_.PendingPlanNotices(kNoticesPerCall);
    if (pending.empty()) return pushed;
    std::vector<registry::RegistryClient::InspectionPlanNotice> notices;
    notices.reserve(pending.size());
    for (const auto& n : pending) notices.push_back({n.agency_credit_code, n.year, n.published_on});
    registry_.RecordInspectionPlans(notices);
    store_.MarkPlanNoticesPushed(pending);
    pushed += static_cast<int>(pending.size());
    if (pending.size() < static_cast<std::size_t>(kNoticesPerCall)) return pushed;
  }
}

void PlanNotices::Run() {
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      wake_.wait_for(lock, interval_, [this] { return woken_ || stopping_; });
      if (stopping_) return;
      woken_ = false;
    }
    try {
      const int pushed = PushPending();
      if (pushed > 0) common::Log(common::LogLevel::kInfo, "plan_notices_pushed", {{"count", std::to_string(pushed)}});
    } catch (const std::exception& e) {
      // The registry or the database is away: the notices stay pending and
      // the next round tries again.
      common::Log(common::LogLevel::kWarning, "plan_notices_deferred", {{"reason", e.what()}});
    }
  }
}

}  // namespace gongkai::inspections
