#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "services/inspections/inspection_store.h"
#include "services/registry/registry_client.h"

namespace gongkai::inspections {

// Tells the registry which agencies published their annual inspection plan
// of a year (its coverage item "inspection_plan"). The store keeps a notice
// per agency and year in the transaction that stores the plan; this pushes
// the pending ones (RecordInspectionPlans, which is idempotent) and marks
// them pushed, from a thread of its own: after each Wake, and every
// `interval` besides, so notices a registry outage held back, or a process
// that stopped before pushing, go out later. Nothing a city sends waits on
// it.
class PlanNotices {
 public:
  PlanNotices(InspectionStore& store, registry::RegistryClient& registry, std::chrono::milliseconds interval);
  ~PlanNotices();  // stops the thread
  PlanNotices(const PlanNotices&) = delete;
  PlanNotices& operator=(const PlanNotices&) = delete;

  // Starts the thread.
  void Start();
  // Asks for a push now (plans were stored).
  void Wake();
  // Pushes every pending notice, in batches; returns how many went out.
  // Throws what the store or the registry throws.
  int PushPending();

 private:
  void Run();

  InspectionStore& store_;
  registry::RegistryClient& registry_;
  const std::chrono::milliseconds interval_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool woken_ = false;     // guarded by mutex_
  bool stopping_ = false;  // guarded by mutex_
  std::thread thread_;
};

}  // namespace gongkai::inspections
