// The requests' overdue records (RequestOverdue), the one count that both
// the gauge gongkai_disclosures_overdue and GetKpiTallies' overdue are made
// of.
#include "services/requests/requests_gauges.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "common/calendar/request_clock.h"
#include "common/testing/dates.h"

namespace gongkai::requests {
namespace {

using gongkai::testing::Day;

const common::Date kToday = Day("2026-07-15");

// A request of `city`, open or not, due (and replied) on the days given.
RequestFacts Request(const std::string& id, const std::string& city, bool open, std::optional<common::Date> due_on,
                     std::optional<common::Date> replied_on = std::nullopt) {
  RequestFacts f;
  f.id = id;
  f.agency_credit_code = "11140100MB0000101X";
  f.city_code = city;
  f.received_on = Day("2026-06-01");
  f.state = open ? "REGISTERED" : "REPLIED";
  f.open = open;
  f.due_on = due_on;
  f.replied_on = replied_on;
  return f;
}

ConsultationFacts Consultation(const std::string& id, const std::string& city, common::Date due_on,
                               std::optional<common::Date> answered_on = std::nullopt) {
  return {"11140100MB0000101X", city, Day("2026-06-20"), due_on, answered_on, id};
}

// Each count as "<kind> <city> <count>", in the order given.
std::vector<std::string> Lines(const std::vector<common::v1::OverdueCount>& counts) {
  std::vector<std::string> out;
  for (const auto& c : counts) out.push_back(c.kind() + " " + c.city_code() + " " + std::to_string(c.count()));
  return out;
}

TEST(RequestOverdue, CountsOpenRequestsAndUnansweredConsultationsPastTheirDueDateByKindThenCity) {
  RequestFacts withdrawn = Request("R-6", "140100", false, Day("2026-06-01"));
  withdrawn.state = common::RequestStateName(common::RequestState::kWithdrawn);
  GaugeFacts facts;
  facts.requests = {Request("R-1", "140100", true, Day("2026-07-01")),
                    Request("R-2", "140100", true, Day("2026-07-20")),  // not due yet
                    Request("R-3", "140200", true, Day("2026-06-30")),
                    Request("R-4", "140100", false, Day("2026-06-01"), Day("2026-06-15")),  // replied late
                    Request("R-5", "140100", true, std::nullopt),                           // its clock not running
                    withdrawn};
  facts.consultations = {Consultation("C-1", "140100", Day("2026-07-10")),
                         Consultation("C-2", "140100", Day("2026-07-10"), Day("2026-07-12")),  // answered late
                         Consultation("C-3", "140200", Day("2026-07-15"))};                    // due today
  EXPECT_EQ(Lines(RequestOverdue(kToday, facts)),
            (std::vector<std::string>{"consultation 140100 1", "request 140100 1", "request 140200 1"}));
  EXPECT_TRUE(RequestOverdue(kToday, GaugeFacts{}).empty());
}

}  // namespace
}  // namespace gongkai::requests
