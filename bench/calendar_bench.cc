// Throughput of the calendar hot paths on one thread.
// Usage: calendar_bench [calendar_dir]  (default: $GONGKAI_CALENDAR_DIR or data/calendar)

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "common/calendar/calendar_loader.h"
#include "common/calendar/deadline_engine.h"
#include "common/calendar/request_clock.h"
#include "common/calendar/working_day_calendar.h"

namespace {

using gongkai::common::RequestEvent;
using std::chrono::days;
using std::chrono::sys_days;

// Runs `body(i)` for i in [0, calls) and prints calls per second.
template <typename Body>
void Measure(const char* name, long calls, Body body) {
  const auto start = std::chrono::steady_clock::now();
  long sink = 0;
  for (long i = 0; i < calls; ++i) sink += body(i);
  const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
  std::printf("%-36s %12.0f calls/s  (%ld calls, %.3f s, checksum %ld)\n", name,
              static_cast<double>(calls) / elapsed.count(), calls, elapsed.count(), sink);
}

}  // namespace

int main(int argc, char** argv) {
  const char* env_dir = std::getenv("GONGKAI_CALENDAR_DIR");
  const std::string dir = argc > 1 ? argv[1] : env_dir != nullptr ? env_dir : "data/calendar";
  auto loaded = gongkai::common::LoadCalendar(dir, "cn");
  if (!loaded.ok()) {
    std::fprintf(stderr, "%s\n", loaded.error.c_str());
    return 1;
  }
  const gongkai::common::WorkingDayCalendar& calendar = *loaded.value;

  // Inputs drawn up front so the loops time the calendar, not the generator.
  constexpr size_t kInputs = 1 << 16;
  std::mt19937 random(42);
  std::uniform_int_distribution<int> day(0, 729);
  std::uniform_int_distribution<int> count(0, 60);
  const sys_days first = sys_days{std::chrono::year{2025} / 1 / 1};
  std::vector<sys_days> dates(kInputs);
  std::vector<int> counts(kInputs);
  for (size_t i = 0; i < kInputs; ++i) {
    dates[i] = first + days{day(random)};
    counts[i] = count(random);
  }
  const auto input = [](long i) { return static_cast<size_t>(i) & (kInputs - 1); };

  Measure("AddWorkingDays", 50'000'000, [&](long i) {
    const auto due = calendar.AddWorkingDays(dates[input(i)], counts[input(i)]);
    return due.value.time_since_epoch().count() + due.provisional;
  });
  Measure("WorkingDaysBetween", 50'000'000, [&](long i) {
    return static_cast<long>(calendar.WorkingDaysBetween(dates[input(i)], dates[input(i + 1)]).value);
  });
  const gongkai::common::DeadlineEngine engine;
  Measure("DeadlineEngine::Assess (penalty)", 10'000'000, [&](long i) {
    const auto result = engine.Assess(calendar, gongkai::common::RecordKind::kPenaltyDecision, dates[input(i)],
                                      std::nullopt, dates[input(i + 1)]);
    return static_cast<long>(result.status) + result.lag_working_days;
  });

  // A request with a consultation, an extension and a reply, at varied dates.
  std::vector<std::vector<RequestEvent>> requests;
  for (size_t i = 0; i < 1024; ++i) {
    const sys_days received = dates[i];
    requests.push_back({
        RequestEvent::Received(received, gongkai::common::ReceiptChannel::kOnline),
        RequestEvent::ConsultationStarted(received + days{3}, "third-party"),
        RequestEvent::ConsultationAnswered(received + days{12}, "third-party"),
        RequestEvent::Extension(received + days{20}, 10, "approver"),
        RequestEvent::Replied(received + days{35}),
    });
  }
  const gongkai::common::RequestClock clock;
  Measure("RequestClock::Evaluate", 2'000'000, [&](long i) {
    const auto& events = requests[static_cast<size_t>(i) & 1023];
    const auto report = clock.Evaluate(calendar, events, events.front().date + days{40});
    return report.ok() ? static_cast<long>(report.value->working_days_used) : -1L;
  });
  return 0;
}
