// Loads the demo province through the gateway, as each city's system would:
// every city's agencies, officers, powers list and the food-safety discretion
// benchmark, then its enforcement flowcharts and its agencies' "三定"
// provisions, then its penalty decisions and coercive measures, a withdrawal
// and a release, then its inspection plans, spot-check tasks (one drawn by
// the platform) and results, and its live-inspection pilot units and
// broadcasts, then its supervision records (case-file review rounds and
// reviews, special supervision, assessments, rectification reports), each
// with that city's token; then, with the desk's token, the disclosure
// requests and public consultations of the desk's agency, one in every
// state. Safe to run again: upserts, a withdrawal or release already
// recorded stays as it was, and a request or consultation is registered once
// (its request_key), with only the steps, replies and answers its view does
// not show yet.
//
// The flowchart, penalty, inspection, supervision and desk data
// (data/demo/flowcharts.json, penalties.json, inspections.json,
// supervision.json, requests.json) is dated from the loader's today:
// common::ClockFromConfig's, that is the real date in Asia/Shanghai, or
// GONGKAI_PINNED_DATE when GONGKAI_ALLOW_PINNED_CLOCK=true (as a service
// started on a pinned date reads it), so the demo is current in any year.
#include <grpcpp/grpcpp.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <regex>
#include <set>
#include <stdexcept>
#include <string>

#include "common/calendar/iso_date.h"
#include "common/clock.h"
#include "common/config.h"
#include "gongkai/inspections/v1/inspections.grpc.pb.h"
#include "gongkai/penalties/v1/penalties.grpc.pb.h"
#include "gongkai/registry/v1/registry.grpc.pb.h"
#include "gongkai/requests/v1/requests.grpc.pb.h"
#include "gongkai/supervision/v1/supervision.grpc.pb.h"
#include "tools/client.h"

namespace {

nlohmann::json ReadJson(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  return nlohmann::json::parse(in);
}

// A file next to the demo province's file.
std::string Beside(const std::string& data, const std::string& name) {
  return data.substr(0, data.rfind('/') + 1) + name;
}

void Parse(const nlohmann::json& record, google::protobuf::Message* out, const std::string& source) {
  gongkai::tools::ParseJson(record.dump(), out, source);
}

template <typename Message>
void Fill(const nlohmann::json& records, google::protobuf::RepeatedPtrField<Message>* out, const std::string& source) {
  for (const auto& record : records) Parse(record, out->Add(), source);
}

template <typename Rpc>
void Send(const std::string& city, const std::string& token, Rpc&& rpc) {
  grpc::ClientContext ctx;
  gongkai::tools::Authorize(ctx, token);
  grpc::Status status = rpc(&ctx);
  if (!status.ok()) throw std::runtime_error("city " + city + ": " + status.error_message());
}

struct Tally {
  std::map<std::string, std::array<int, 3>> counts;  // accepted, unchanged, rejected
  int rejected = 0;

  void Add(const std::string& kind,
           const google::protobuf::RepeatedPtrField<gongkai::common::v1::RecordResult>& results) {
    auto& c = counts[kind];
    for (const auto& r : results) {
      if (r.outcome() == gongkai::common::v1::RecordResult::ACCEPTED) ++c[0];
      if (r.outcome() == gongkai::common::v1::RecordResult::UNCHANGED) ++c[1];
      if (r.outcome() == gongkai::common::v1::RecordResult::REJECTED) {
        ++c[2];
        ++rejected;
        for (const auto& v : r.violations())
          std::cerr << "rejected " << r.key() << ": " << v.field() << ": " << v.description() << "\n";
      }
    }
  }

  void Print() const {
    for (const auto& [kind, c] : counts) {
      std::cout << "demo " << kind << ": " << c[0] << " accepted, " << c[1] << " unchanged, " << c[2] << " rejected\n";
    }
  }
};

// ---- data/demo/*.json: dates from the loader's today

// The day and instant the demo's dates are counted from.
struct DemoNow {
  gongkai::common::Date today;
  std::chrono::system_clock::time_point now;
};

// An instant in RFC 3339, in +08:00 (Asia/Shanghai), to the second.
std::string ShanghaiInstant(std::chrono::system_clock::time_point instant) {
  const auto local = std::chrono::floor<std::chrono::seconds>(instant) + std::chrono::hours(8);
  const auto day = std::chrono::floor<std::chrono::days>(local);
  const std::chrono::hh_mm_ss time{local - day};
  char buffer[32];  // room for any int the compiler cannot bound
  std::snprintf(buffer, sizeof buffer, "T%02d:%02d:%02d+08:00", static_cast<int>(time.hours().count()),
                static_cast<int>(time.minutes().count()), static_cast<int>(time.seconds().count()));
  return gongkai::common::FormatIsoDate(day) + buffer;
}

int YearOf(gongkai::common::Date day) { return static_cast<int>(std::chrono::year_month_day{day}.year()); }

// The quarter (1-4) of a day.
int QuarterOf(gongkai::common::Date day) {
  return static_cast<int>((static_cast<unsigned>(std::chrono::year_month_day{day}.month()) + 2) / 3);
}

// The first day of quarter `quarter` (1-4) of `day`'s year.
gongkai::common::Date QuarterStart(gongkai::common::Date day, int quarter) {
  const std::chrono::year_month_day ymd{day};
  return gongkai::common::Date{ymd.year() / std::chrono::month{static_cast<unsigned>(3 * quarter - 2)} / 1};
}

// The day as the number YYYYMMDD: every penalty, inspection and supervision
// record's source_version, so that a run on a later day sends newer versions (whose
// dates moved with it) and a run on the same day sends the versions stored.
int64_t VersionOf(gongkai::common::Date day) {
  const std::chrono::year_month_day ymd{day};
  return static_cast<int64_t>(YearOf(day)) * 10'000 + static_cast<unsigned>(ymd.month()) * 100 +
         static_cast<unsigned>(ymd.day());
}

// The demo file with its placeholders replaced (the file's "placeholders"
// says the same): in any string, @year is the year of today, @version today
// as YYYYMMDD, @today, @today+N and @today-N a date N calendar days from
// today (YYYY-MM-DD; what follows is kept, so "@today-3T14:30:00+08:00" is an
// instant), @qN and @qN+D the first day of quarter N (1-4) of today's year
// and the day D calendar days after it, @now, @now+Nm and @now-Nm the instant
// N minutes from now (ShanghaiInstant). A string that is only @year or
// @version becomes that number. Keys starting with "_" are comments, and are
// dropped.
nlohmann::json Expand(const nlohmann::json& value, const DemoNow& at) {
  if (value.is_object()) {
    nlohmann::json out = nlohmann::json::object();
    for (const auto& [key, field] : value.items()) {
      if (key.empty() || key[0] != '_') out[key] = Expand(field, at);
    }
    return out;
  }
  if (value.is_array()) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& element : value) out.push_back(Expand(element, at));
    return out;
  }
  if (!value.is_string()) return value;
  const std::string& text = value.get_ref<const std::string&>();
  if (text == "@year") return YearOf(at.today);
  if (text == "@version") return VersionOf(at.today);
  static const std::regex kPlaceholder(
      "@today([+-][0-9]+)?|@now(?:([+-][0-9]+)m)?|@q([1-4])([+-][0-9]+)?|@year|@version");
  std::string out;
  auto last = text.cbegin();
  for (std::sregex_iterator it(text.begin(), text.end(), kPlaceholder), end; it != end; ++it) {
    const std::smatch& match = *it;
    out.append(last, match[0].first);
    const std::string token = match.str(0);
    if (token.rfind("@today", 0) == 0) {
      const int days = match[1].matched ? std::stoi(match.str(1)) : 0;
      out += gongkai::common::FormatIsoDate(at.today + std::chrono::days{days});
    } else if (token.rfind("@now", 0) == 0) {
      const int minutes = match[2].matched ? std::stoi(match.str(2)) : 0;
      out += ShanghaiInstant(at.now + std::chrono::minutes{minutes});
    } else if (match[3].matched) {
      const int days = match[4].matched ? std::stoi(match.str(4)) : 0;
      out += gongkai::common::FormatIsoDate(QuarterStart(at.today, std::stoi(match.str(3))) + std::chrono::days{days});
    } else if (token == "@year") {
      out += std::to_string(YearOf(at.today));
    } else {
      out += std::to_string(VersionOf(at.today));
    }
    last = match[0].second;
  }
  out.append(last, text.cend());
  return out;
}

// data/demo/flowcharts.json and provisions.json: each city's enforcement
// flowcharts (执法流程图, changed_on dated from today, see Expand) and its
// agencies' "三定" provisions, with that city's token, once the registry
// holds the agencies.
void LoadFlowchartsAndProvisions(gongkai::registry::v1::RegistryService::Stub& stub, const nlohmann::json& tokens,
                                 const std::string& data, const DemoNow& at, Tally& tally) {
  using namespace gongkai::registry::v1;
  const std::string flowcharts_path = Beside(data, "flowcharts.json");
  const std::string provisions_path = Beside(data, "provisions.json");
  std::map<std::string, nlohmann::json> provisions;  // by city
  const auto provisions_doc = ReadJson(provisions_path);
  for (const auto& city : provisions_doc.at("cities")) provisions[city.at("code")] = city.at("provisions");
  const auto flowcharts_doc = Expand(ReadJson(flowcharts_path), at);
  for (const auto& city : flowcharts_doc.at("cities")) {
    const std::string code = city.at("code");
    const std::string token = tokens.at("city-" + code).get<std::string>();
    UpsertFlowchartsRequest flowcharts;
    Fill(city.at("flowcharts"), flowcharts.mutable_flowcharts(), flowcharts_path);
    if (flowcharts.flowcharts_size() > 0) {
      UpsertFlowchartsResponse result;
      Send(code, token, [&](grpc::ClientContext* ctx) { return stub.UpsertFlowcharts(ctx, flowcharts, &result); });
      tally.Add("flowcharts", result.results());
    }
    UpsertStaffingProvisionsRequest staffing;
    Fill(provisions[code], staffing.mutable_provisions(), provisions_path);
    if (staffing.provisions_size() > 0) {
      UpsertStaffingProvisionsResponse result;
      Send(code, token,
           [&](grpc::ClientContext* ctx) { return stub.UpsertStaffingProvisions(ctx, staffing, &result); });
      tally.Add("\"三定\" provisions", result.results());
    }
  }
}

// One city's inspection records, in the order the service needs them (a
// task before its results, a pilot unit before its broadcasts).
void LoadInspections(gongkai::inspections::v1::InspectionsService::Stub& stub, const nlohmann::json& city,
                     const std::string& token, const std::string& source, Tally& tally) {
  using namespace gongkai::inspections::v1;
  const std::string code = city.at("code");
  auto list = [&](const char* name) { return city.value(name, nlohmann::json::array()); };
  auto upsert = [&](const char* kind, const nlohmann::json& records, auto* request, auto call) {
    if (records.empty()) return;
    Fill(records, request, source);
    UpsertResponse response;
    Send(code, token, [&](grpc::ClientContext* ctx) { return call(ctx, &response); });
    tally.Add(kind, response.results());
  };
  UpsertPlansRequest plans;
  upsert("inspection plans", list("plans"), plans.mutable_plans(),
         [&](grpc::ClientContext* ctx, UpsertResponse* out) { return stub.UpsertPlans(ctx, plans, out); });
  UpsertTasksRequest tasks;
  upsert("spot-check tasks", list("tasks"), tasks.mutable_tasks(),
         [&](grpc::ClientContext* ctx, UpsertResponse* out) { return stub.UpsertTasks(ctx, tasks, out); });
  UpsertResultsRequest results;
  upsert("spot-check results", list("results"), results.mutable_results(),
         [&](grpc::ClientContext* ctx, UpsertResponse* out) { return stub.UpsertResults(ctx, results, out); });
  UpsertPilotUnitsRequest units;
  upsert("live-inspection pilot units", list("pilot_units"), units.mutable_units(),
         [&](grpc::ClientContext* ctx, UpsertResponse* out) { return stub.UpsertPilotUnits(ctx, units, out); });
  UpsertBroadcastsRequest broadcasts;
  upsert("live-inspection broadcasts", list("broadcasts"), broadcasts.mutable_broadcasts(),
         [&](grpc::ClientContext* ctx, UpsertResponse* out) { return stub.UpsertBroadcasts(ctx, broadcasts, out); });

  // The platform's draws, as the public sees them: committed now, drawn on their draw date.
  for (const auto& task : tasks.tasks()) {
    if (!task.has_draw()) continue;
    GetRecordRequest request;
    request.set_agency_credit_code(task.agency_credit_code());
    request.set_source_id(task.source_id());
    Task published;
    grpc::ClientContext ctx;
    gongkai::tools::Authorize(ctx, "");
    const grpc::Status status = stub.GetTask(&ctx, request, &published);
    if (!status.ok()) {  // a task rejected is NOT_FOUND here, and Tally said why
      std::cerr << "demo draw: " << task.source_id() << ": " << status.error_message() << "\n";
      continue;
    }
    std::cout << "demo draw: " << task.source_id() << ": pool of " << published.draw().pool_size() << ", commitment "
              << published.draw().seed_commitment() << ", "
              << (published.draw().revealed() ? "drawn on " : "to be drawn on ") << published.draw().draw_date()
              << "\n";
  }
}

// What the supervision demo left out for now: the rounds of quarters after
// today's, and the reviews (with the reports on them) of rounds that have
// not ended by today, which the service would refuse.
struct HeldBack {
  int rounds = 0;
  int reviews = 0;
  int reports = 0;
};

// One city's supervision records, in the order the service needs them: the
// rounds before their reviews, a plan before its results, and every record
// before the reports on its rectifications.
void LoadSupervision(gongkai::supervision::v1::SupervisionService::Stub& stub, const nlohmann::json& city,
                     const std::string& token, const std::string& source, const DemoNow& at, Tally& tally,
                     HeldBack& held) {
  using namespace gongkai::supervision::v1;
  const std::string code = city.at("code");
  const std::string today = gongkai::common::FormatIsoDate(at.today);
  auto list = [&](const char* name) { return city.value(name, nlohmann::json::array()); };
  auto key = [](const nlohmann::json& record, const char* source_id) {
    return record.at("agency_credit_code").get<std::string>() + "/" + record.at(source_id).get<std::string>();
  };
  nlohmann::json rounds = nlohmann::json::array();
  std::set<std::string> ended;  // rounds ended by today
  for (const auto& round : list("rounds")) {
    if (round.at("quarter").get<int>() > QuarterOf(at.today)) {
      ++held.rounds;
      continue;
    }
    if (round.at("ended_on").get<std::string>() <= today) ended.insert(key(round, "source_id"));
    rounds.push_back(round);
  }
  nlohmann::json reviews = nlohmann::json::array();
  std::set<std::string> sent;  // reviews sent
  for (const auto& review : list("reviews")) {
    if (!ended.contains(key(review, "round_source_id"))) {
      ++held.reviews;
      continue;
    }
    sent.insert(key(review, "source_id"));
    reviews.push_back(review);
  }
  nlohmann::json reports = nlohmann::json::array();
  for (const auto& report : list("rectification_reports")) {
    if (report.at("subject") == "REVIEW" && !sent.contains(key(report, "source_id"))) {
      ++held.reports;
      continue;
    }
    reports.push_back(report);
  }

  auto upsert = [&](const char* kind, const nlohmann::json& records, auto* request, auto call) {
    if (records.empty()) return;
    Fill(records, request, source);
    UpsertResponse response;
    Send(code, token, [&](grpc::ClientContext* ctx) { return call(ctx, &response); });
    tally.Add(kind, response.results());
  };
  UpsertRoundsRequest round_request;
  upsert("review rounds", rounds, round_request.mutable_rounds(),
         [&](grpc::ClientContext* ctx, UpsertResponse* out) { return stub.UpsertRounds(ctx, round_request, out); });
  UpsertReviewsRequest review_request;
  upsert("case-file reviews", reviews, review_request.mutable_reviews(),
         [&](grpc::ClientContext* ctx, UpsertResponse* out) { return stub.UpsertReviews(ctx, review_request, out); });
  UpsertSupervisionsRequest supervisions;
  upsert(
      "special supervisions", list("supervisions"), supervisions.mutable_supervisions(),
      [&](grpc::ClientContext* ctx, UpsertResponse* out) { return stub.UpsertSupervisions(ctx, supervisions, out); });
  UpsertAssessmentPlansRequest plans;
  upsert("assessment plans", list("assessment_plans"), plans.mutable_plans(),
         [&](grpc::ClientContext* ctx, UpsertResponse* out) { return stub.UpsertAssessmentPlans(ctx, plans, out); });
  UpsertAssessmentResultsRequest results;
  upsert(
      "assessment results", list("assessment_results"), results.mutable_results(),
      [&](grpc::ClientContext* ctx, UpsertResponse* out) { return stub.UpsertAssessmentResults(ctx, results, out); });
  ReportRectificationsRequest report_request;
  upsert("rectification reports", reports, report_request.mutable_reports(),
         [&](grpc::ClientContext* ctx, UpsertResponse* out) {
           return stub.ReportRectifications(ctx, report_request, out);
         });
}

// "3/5 (60%)".
std::string Share(const gongkai::supervision::v1::CoverageFigure& figure) {
  return std::to_string(figure.reviewed_units()) + "/" + std::to_string(figure.enforcement_units()) + " (" +
         std::to_string(static_cast<int>(figure.ratio() * 100 + 0.5)) + "%)";
}

// What the supervision demo shows, as the province reads it: the year's
// review coverage (and the cities below the target), the quarters that ended
// without a completed round, and the rectifications by state. A call that
// fails is said, and the load still counts as done.
void PrintSupervision(gongkai::supervision::v1::SupervisionService::Stub& stub, const std::string& province_token,
                      int year) {
  using namespace gongkai::supervision::v1;
  auto call = [&](const char* what, auto&& rpc) {
    grpc::ClientContext ctx;
    gongkai::tools::Authorize(ctx, province_token);
    const grpc::Status status = rpc(&ctx);
    if (!status.ok()) std::cerr << "demo " << what << ": " << status.error_message() << "\n";
    return status.ok();
  };
  GetReviewCoverageRequest request;
  request.set_year(year);
  ReviewCoverage province;
  if (!call("review coverage",
            [&](grpc::ClientContext* ctx) { return stub.GetReviewCoverage(ctx, request, &province); })) {
    return;
  }
  std::cout << "demo review coverage " << year << ": province " << Share(province.total()) << ", target "
            << static_cast<int>(province.target() * 100 + 0.5) << "%";
  std::string without_round;
  for (const auto& city : province.cities()) {
    if (!city.meets_target()) std::cout << "; below it: " << city.scope() << " " << Share(city);
    request.set_city_code(city.scope());
    ReviewCoverage own;
    if (!call("review coverage",
              [&](grpc::ClientContext* ctx) { return stub.GetReviewCoverage(ctx, request, &own); })) {
      continue;
    }
    for (const auto& quarter : own.quarters()) {
      if (quarter.ended() && quarter.completed_rounds() == 0) {
        without_round += " " + city.scope() + " Q" + std::to_string(quarter.quarter());
      }
    }
  }
  std::cout << "\n";
  if (!without_round.empty()) std::cout << "demo quarters ended without a completed round:" << without_round << "\n";

  std::map<std::string, int> states;
  ListRectificationsRequest page;
  do {
    ListRectificationsResponse response;
    if (!call("rectifications",
              [&](grpc::ClientContext* ctx) { return stub.ListRectifications(ctx, page, &response); })) {
      return;
    }
    for (const auto& r : response.rectifications()) ++states[Rectification::State_Name(r.state())];
    page.set_page_token(response.next_page_token());
  } while (!page.page_token().empty());
  std::cout << "demo rectifications:";
  for (const auto& [state, n] : states) std::cout << " " << n << " " << state;
  std::cout << "\n";
}

// ---- data/demo/requests.json: the desk's requests and consultations

// What the desk demo did, for its summary lines.
struct DeskTally {
  int requests = 0;
  int requests_before = 0;  // first registered on an earlier day
  int steps = 0;
  int replies = 0;
  int consultations = 0;
  int consultations_before = 0;
  int answers = 0;
  std::map<std::string, int> request_states;       // "OPEN/ON_TRACK" -> count
  std::map<std::string, int> consultation_states;  // "PENDING/ON_TRACK" -> count
  int unexpected = 0;                              // states other than the entry's "expect"
  int failed = 0;                                  // entries the platform refused
};

// "1 OPEN/ON_TRACK, 2 REPLIED/CLOSED".
std::string Counts(const std::map<std::string, int>& counts) {
  std::string out;
  for (const auto& [name, n] : counts) out += (out.empty() ? "" : ", ") + std::to_string(n) + " " + name;
  return out;
}

// The demo as of the day an entry was first registered: the platform holds
// `stored` where the entry, dated from `at`, says `sent` (both YYYY-MM-DD).
// Nullopt when that day would lie after `at`'s (the file's offsets changed
// since), as nothing may be dated after today.
std::optional<DemoNow> AsFirstRegistered(const DemoNow& at, const std::string& stored, const std::string& sent) {
  const auto stored_day = gongkai::common::ParseIsoDate(stored);
  const auto sent_day = gongkai::common::ParseIsoDate(sent);
  if (!stored_day || !sent_day || *stored_day > *sent_day) return std::nullopt;
  const auto shift = *stored_day - *sent_day;
  return DemoNow{at.today + shift, at.now + shift};
}

// Calls the desk's `rpc`; throws naming `what` when the platform refuses it.
template <typename Rpc>
void DeskCall(const std::string& token, const std::string& what, Rpc&& rpc) {
  grpc::ClientContext ctx;
  gongkai::tools::Authorize(ctx, token);
  const grpc::Status status = rpc(&ctx);
  if (!status.ok()) throw std::runtime_error(what + ": " + status.error_message());
}

// Says on stderr when `got` is not the `field` that `expect` names.
void CheckExpected(const nlohmann::json& expect, const char* field, const std::string& got, const std::string& key,
                   DeskTally& tally) {
  if (!expect.contains(field)) return;
  const std::string wanted =
      expect.at(field).is_string() ? expect.at(field).get<std::string>() : expect.at(field).dump();
  if (wanted == got) return;
  ++tally.unexpected;
  std::cerr << "demo " << key << ": " << field << " is " << got << ", the demo expects " << wanted
            << " (data/demo/requests.json says when the calendar makes it differ)\n";
}

// One request: registered (or found by its key), then each step or reply of
// the entry that its history does not hold yet. history[0] is the receipt,
// so the entry's step i is history[i + 1].
void LoadRequest(gongkai::requests::v1::RequestsService::Stub& stub, const std::string& token,
                 const nlohmann::json& entry, const DemoNow& at, const std::string& source, DeskTally& tally) {
  using namespace gongkai::requests::v1;
  nlohmann::json expanded = Expand(entry, at);
  RegisterRequestRequest registration;
  Parse(expanded.at("register"), &registration, source);
  const std::string key = registration.request_key();
  RequestView view;
  DeskCall(token, key + ": RegisterRequest",
           [&](grpc::ClientContext* ctx) { return stub.RegisterRequest(ctx, registration, &view); });
  ++tally.requests;
  const bool today_s = view.received_on() == registration.received_on();
  if (!today_s) {
    ++tally.requests_before;
    const auto first = AsFirstRegistered(at, view.received_on(), registration.received_on());
    if (!first) {
      throw std::runtime_error(key + ": registered with received_on " + view.received_on() +
                               ", after the file's date " + registration.received_on() + "; its steps are not sent");
    }
    expanded = Expand(entry, *first);
  }
  const nlohmann::json steps = expanded.value("steps", nlohmann::json::array());
  for (std::size_t i = 0; i < steps.size(); ++i) {
    const nlohmann::json& entry_step = steps[i];
    const bool reply = entry_step.contains("reply");
    const std::string where = key + " step " + std::to_string(i + 1);
    if (static_cast<int>(i) + 1 < view.history_size()) {
      const Step::Type recorded = view.history(static_cast<int>(i) + 1).type();
      Step wanted;
      if (!reply) Parse(entry_step.at("step"), &wanted, source);
      const Step::Type expected = reply ? Step::REPLIED : wanted.type();
      if (recorded != expected) {
        throw std::runtime_error(where + ": history holds " + Step::Type_Name(recorded) + " where the file says " +
                                 Step::Type_Name(expected) + "; its later steps are not sent");
      }
      continue;
    }
    if (reply) {
      ReplyRequest request;
      request.set_request_id(view.request_id());
      Parse(entry_step.at("reply"), request.mutable_reply(), source);
      DeskCall(token, where + ": Reply", [&](grpc::ClientContext* ctx) { return stub.Reply(ctx, request, &view); });
      ++tally.replies;
    } else {
      RecordStepRequest request;
      request.set_request_id(view.request_id());
      Parse(entry_step.at("step"), request.mutable_step(), source);
      DeskCall(token, where + ": RecordStep",
               [&](grpc::ClientContext* ctx) { return stub.RecordStep(ctx, request, &view); });
      ++tally.steps;
    }
  }
  ++tally.request_states[view.state() + "/" + DeskState_Name(view.desk_state())];
  if (!today_s) return;  // its age, not the file's, decides its state
  const nlohmann::json expect = expanded.value("expect", nlohmann::json::object());
  CheckExpected(expect, "state", view.state(), key, tally);
  CheckExpected(expect, "desk_state", DeskState_Name(view.desk_state()), key, tally);
  if (view.state() == "REPLIED") {
    CheckExpected(expect, "standardised_reply", view.standardised_reply() ? "true" : "false", key, tally);
  }
}

// One consultation: registered (or found by its key), then answered when the
// entry has an answer and the view none.
void LoadConsultation(gongkai::requests::v1::RequestsService::Stub& stub, const std::string& token,
                      const nlohmann::json& entry, const DemoNow& at, const std::string& source, DeskTally& tally) {
  using namespace gongkai::requests::v1;
  nlohmann::json expanded = Expand(entry, at);
  RegisterConsultationRequest registration;
  Parse(expanded.at("register"), &registration, source);
  const std::string key = registration.request_key();
  ConsultationView view;
  DeskCall(token, key + ": RegisterConsultation",
           [&](grpc::ClientContext* ctx) { return stub.RegisterConsultation(ctx, registration, &view); });
  ++tally.consultations;
  const bool today_s = view.asked_on() == registration.asked_on();
  if (!today_s) {
    ++tally.consultations_before;
    const auto first = AsFirstRegistered(at, view.asked_on(), registration.asked_on());
    if (!first) {
      throw std::runtime_error(key + ": registered with asked_on " + view.asked_on() + ", after the file's date " +
                               registration.asked_on() + "; its answer is not sent");
    }
    expanded = Expand(entry, *first);
  }
  if (expanded.contains("answer") && view.answered_on().empty()) {
    AnswerConsultationRequest answer;
    Parse(expanded.at("answer"), &answer, source);
    answer.set_consultation_id(view.consultation_id());
    DeskCall(token, key + ": AnswerConsultation",
             [&](grpc::ClientContext* ctx) { return stub.AnswerConsultation(ctx, answer, &view); });
    ++tally.answers;
  }
  ++tally.consultation_states[view.status() + "/" + DeskState_Name(view.desk_state())];
  if (!today_s) return;
  const nlohmann::json expect = expanded.value("expect", nlohmann::json::object());
  CheckExpected(expect, "status", view.status(), key, tally);
  CheckExpected(expect, "desk_state", DeskState_Name(view.desk_state()), key, tally);
}

// The desk's demo, each entry on its own: one the platform refuses is said
// and counted, and the others are still loaded. False when any was refused.
bool LoadDesk(const gongkai::tools::Gateway& gateway, const std::string& token, const std::string& path,
              const DemoNow& at) {
  const nlohmann::json doc = ReadJson(path);
  auto stub = gongkai::requests::v1::RequestsService::NewStub(gongkai::tools::GatewayChannel(gateway));
  DeskTally tally;
  auto each = [&](const char* list, auto load) {
    for (const auto& entry : doc.value(list, nlohmann::json::array())) {
      try {
        load(*stub, token, entry, at, path, tally);
      } catch (const std::exception& e) {
        ++tally.failed;
        std::cerr << "demo desk: " << e.what() << "\n";
      }
    }
  };
  each("requests", LoadRequest);
  each("consultations", LoadConsultation);
  std::cout << "demo requests dated from " << gongkai::common::FormatIsoDate(at.today) << ": " << tally.requests
            << " at the desk (" << tally.requests_before << " registered on an earlier day), " << tally.steps
            << " steps and " << tally.replies << " replies recorded now; " << Counts(tally.request_states) << "\n";
  std::cout << "demo consultations: " << tally.consultations << " at the desk (" << tally.consultations_before
            << " registered on an earlier day), " << tally.answers << " answers recorded now; "
            << Counts(tally.consultation_states) << "\n";
  if (tally.unexpected > 0) {
    std::cout << "demo desk: " << tally.unexpected << " states differ from the demo's (see above)\n";
  }
  return tally.failed == 0;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace gongkai;
  common::Config config(argc, argv);
  const tools::Gateway gateway = tools::ReadGateway(config);
  std::string data = config.RequiredString("GONGKAI_DEMO_DATA", "demo province JSON (data/demo/shanxi.json)");
  std::string tokens_file = config.RequiredString("GONGKAI_DEMO_TOKENS", "JSON object principal -> bearer token");
  const std::shared_ptr<const common::Clock> clock = common::ClockFromConfig(config);
  config.Finish();
  try {
    // Registry records and penalties dated from today (see Expand): most
    // sent within their deadlines, a few late.
    const DemoNow now{clock->Today(), clock->Now()};
    const auto doc = Expand(ReadJson(data), now);
    auto tokens = ReadJson(tokens_file);
    auto stub = registry::v1::RegistryService::NewStub(tools::GatewayChannel(gateway));
    // The table as every city republishes it, changed five days before today.
    std::string benchmark_path = Beside(data, "food_safety_benchmark.json");
    auto benchmark = ReadJson(benchmark_path);
    benchmark["changed_on"] = "@today-5";
    benchmark["source_version"] = "@version";
    benchmark = Expand(benchmark, now);
    Tally tally;
    for (const auto& city : doc.at("cities")) {
      std::string code = city.at("code");
      std::string token = tokens.at("city-" + code).get<std::string>();
      registry::v1::UpsertAgenciesRequest agencies;
      Fill(city.at("agencies"), agencies.mutable_agencies(), data);
      registry::v1::UpsertAgenciesResponse agencies_result;
      Send(code, token,
           [&](grpc::ClientContext* ctx) { return stub->UpsertAgencies(ctx, agencies, &agencies_result); });
      tally.Add("agencies", agencies_result.results());

      registry::v1::UpsertOfficersRequest officers;
      Fill(city.at("officers"), officers.mutable_officers(), data);
      registry::v1::UpsertOfficersResponse officers_result;
      Send(code, token,
           [&](grpc::ClientContext* ctx) { return stub->UpsertOfficers(ctx, officers, &officers_result); });
      tally.Add("officers", officers_result.results());

      registry::v1::UpsertPowersRequest powers;
      Fill(city.at("powers"), powers.mutable_items(), data);
      registry::v1::UpsertPowersResponse powers_result;
      Send(code, token, [&](grpc::ClientContext* ctx) { return stub->UpsertPowers(ctx, powers, &powers_result); });
      tally.Add("powers items", powers_result.results());

      registry::v1::UpsertBenchmarksRequest benchmarks;
      Fill(nlohmann::json::array({benchmark}), benchmarks.mutable_benchmarks(), benchmark_path);
      registry::v1::UpsertBenchmarksResponse benchmarks_result;
      Send(code, token,
           [&](grpc::ClientContext* ctx) { return stub->UpsertBenchmarks(ctx, benchmarks, &benchmarks_result); });
      tally.Add("benchmarks", benchmarks_result.results());
    }

    // Flowcharts and penalties, once every city's agencies are registered.
    LoadFlowchartsAndProvisions(*stub, tokens, data, now, tally);
    const std::string penalties_path = Beside(data, "penalties.json");
    const auto penalties_doc = Expand(ReadJson(penalties_path), now);
    std::cout << "demo penalties dated from " << common::FormatIsoDate(now.today) << "\n";
    auto penalties_stub = penalties::v1::PenaltiesService::NewStub(tools::GatewayChannel(gateway));
    for (const auto& city : penalties_doc.at("cities")) {
      std::string code = city.at("code");
      std::string token = tokens.at("city-" + code).get<std::string>();
      penalties::v1::UpsertDecisionsRequest decisions;
      Fill(city.at("decisions"), decisions.mutable_decisions(), penalties_path);
      penalties::v1::UpsertResponse decisions_result;
      Send(code, token, [&](grpc::ClientContext* ctx) {
        return penalties_stub->UpsertDecisions(ctx, decisions, &decisions_result);
      });
      tally.Add("penalty decisions", decisions_result.results());

      penalties::v1::UpsertMeasuresRequest measures;
      Fill(city.at("measures"), measures.mutable_measures(), penalties_path);
      penalties::v1::UpsertResponse measures_result;
      Send(code, token,
           [&](grpc::ClientContext* ctx) { return penalties_stub->UpsertMeasures(ctx, measures, &measures_result); });
      tally.Add("coercive measures", measures_result.results());
    }
    // Withdrawals and releases: each as its city, the record's fields without "city".
    auto each_event = [&](const char* list, auto&& send) {
      for (const auto& event : penalties_doc.at(list)) {
        const std::string code = event.at("city");
        nlohmann::json fields = event;
        fields.erase("city");
        Send(code, tokens.at("city-" + code).get<std::string>(),
             [&](grpc::ClientContext* ctx) { return send(fields, ctx); });
      }
    };
    each_event("withdrawals", [&](const nlohmann::json& fields, grpc::ClientContext* ctx) {
      penalties::v1::WithdrawDecisionRequest request;
      Parse(fields, &request, penalties_path);
      penalties::v1::PublishedRecord record;
      grpc::Status status = penalties_stub->WithdrawDecision(ctx, request, &record);
      if (status.ok()) {
        std::cout << "demo withdrawal: " << request.source_id() << " withdrawn on " << record.withdrawn_on() << "\n";
      }
      return status;
    });
    each_event("releases", [&](const nlohmann::json& fields, grpc::ClientContext* ctx) {
      penalties::v1::ReleaseMeasureRequest request;
      Parse(fields, &request, penalties_path);
      penalties::v1::PublishedRecord record;
      grpc::Status status = penalties_stub->ReleaseMeasure(ctx, request, &record);
      if (status.ok()) {
        std::cout << "demo release: " << request.source_id() << " released on " << record.released_on() << "\n";
      }
      return status;
    });

    // Inspections, once the registry holds the officers and the random-check
    // powers items they name. Dates from today: see Expand. The self-drawn
    // tasks of some cities ended 60 days back, so their results, due 20 WD
    // after, show LATE (a late publication cannot be faked: published_on is
    // the day the service stores it), and their object left without a
    // result counts as overdue.
    const std::string inspections_path = Beside(data, "inspections.json");
    const auto inspection_cities = Expand(ReadJson(inspections_path).at("cities"), now);
    std::cout << "demo inspections dated from " << common::FormatIsoDate(now.today) << "\n";
    auto inspections_stub = inspections::v1::InspectionsService::NewStub(tools::GatewayChannel(gateway));
    for (const auto& city : inspection_cities) {
      const std::string code = city.at("code");
      LoadInspections(*inspections_stub, city, tokens.at("city-" + code).get<std::string>(), inspections_path, tally);
    }

    // Supervision, each city as its 司法局 would send it, dated from today as
    // the inspections are (@qN+D: a day of a quarter of this year). Rounds of
    // the quarters to come are left out; the reviews of a round that has not
    // ended yet wait for a run after its end.
    const std::string supervision_path = Beside(data, "supervision.json");
    const auto supervision_cities = Expand(ReadJson(supervision_path).at("cities"), now);
    auto supervision_stub = supervision::v1::SupervisionService::NewStub(tools::GatewayChannel(gateway));
    HeldBack held;
    for (const auto& city : supervision_cities) {
      const std::string code = city.at("code");
      LoadSupervision(*supervision_stub, city, tokens.at("city-" + code).get<std::string>(), supervision_path, now,
                      tally, held);
    }
    std::cout << "demo supervision dated from " << common::FormatIsoDate(now.today) << " (quarter "
              << QuarterOf(now.today) << "): " << held.rounds << " rounds of later quarters left out, " << held.reviews
              << " reviews and " << held.reports << " of their rectification reports wait for their round's end\n";
    PrintSupervision(*supervision_stub, tokens.at("province").get<std::string>(), YearOf(now.today));

    // The desk of the first agency (scripts/up makes its principal), once the
    // registry holds that agency.
    bool desk_loaded = true;
    if (tokens.contains("desk")) {
      desk_loaded = LoadDesk(gateway, tokens.at("desk").get<std::string>(), Beside(data, "requests.json"), now);
    } else {
      std::cout << "demo requests: left out, " << tokens_file << " has no desk token\n";
    }
    tally.Print();
    return tally.rejected == 0 && desk_loaded ? 0 : 1;
  } catch (const std::exception& e) {
    std::cerr << "demo load failed: " << e.what() << "\n";
    return 1;
  }
}
