// The public-request desk's open-requests view (依申请公开 desk) with 100,000
// requests across 500 agencies: the latency of ListOpenRequests through the
// gateway, first page and the pages after it, and of GetRequest, with K
// callers at once.
//
// The harness has two desk principals ("desk" of DeskAgency(1), "desk-2" of
// DeskAgency(2)), so 500 desks cannot register their own requests through the
// gateway: the 500 agencies are registered through the registry, the 100,000
// requests are written straight into the requests schema (COPY), each with
// the due date the service's own request clock gives it, and "desk" also
// registers 200 requests through the gateway, so the measured desk has real
// ones too.
//
// Needs the throwaway cluster of bench/run (GONGKAI_TEST_DATABASE_URL).
// Usage: desk_view_bench [--bench-requests=100000] [--bench-agencies=500]
//                        [--bench-callers=4] [--bench-seconds=10]
// Timings are reported, never failed: the exit status is non-zero only for a
// broken setup or a platform process that died during the run.

#include <grpcpp/grpcpp.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <pqxx/pqxx>
#include <random>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "bench/bench_support.h"
#include "common/calendar/calendar_loader.h"
#include "common/calendar/deadline_engine.h"
#include "common/calendar/iso_date.h"
#include "common/calendar/request_clock.h"
#include "common/config.h"
#include "common/identifiers.h"
#include "common/metrics.h"
#include "gongkai/requests/v1/requests.grpc.pb.h"
#include "services/requests/request.h"
#include "services/requests/requests_mapping.h"
#include "tests/e2e/platform.h"

namespace gongkai {
namespace {

using bench::BrokenSetup;
using bench::CallTally;
using bench::Clock;
using bench::CpuShare;
using bench::RunReport;
using bench::Sprintf;
using requests::v1::RequestsService;
using std::chrono::days;
using std::chrono::sys_days;

constexpr char kCity[] = "140100";
constexpr int kRegisteredThroughGateway = 200;
constexpr int kPageSize = 50;
constexpr auto kWarmUp = std::chrono::seconds(2);
// A deadline on every call, so a stuck server shows up as DEADLINE_EXCEEDED, not a hang.
constexpr auto kCallDeadline = std::chrono::seconds(10);
constexpr int kCopyRowsPerTransaction = 10'000;

struct Settings {
  int requests = 100'000;
  int agencies = 500;
  int callers = 4;
  int seconds = 10;
};

// Agency n of the run (140100, serial 900 + n): "desk" works for agency 1, "desk-2" for agency 2.
std::string DeskAgency(int n) { return testing::Platform::DeskAgency(n); }

// The requests service's applicant-key secret (GONGKAI_APPLICANT_KEY_SECRET_FILE),
// known here so that the loaded requests carry the keys the service gives.
constexpr char kApplicantKeySecret[] = "desk-view-bench-applicant-key-secret-0123456789abcdef";

// ---- the requests -----------------------------------------------------------------

const std::vector<std::string> kSurnames = {"王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴",
                                            "徐", "孙", "胡", "朱", "高", "林", "何", "郭", "马", "罗"};
const std::vector<std::string> kGivenNames = {"伟", "芳", "娜", "秀英", "敏", "静", "丽",   "强",
                                              "磊", "军", "洋", "勇",   "艳", "杰", "建国", "海燕"};
const std::vector<std::string> kAskedFor = {"2025年度本机关行政处罚案件数量及罚没金额",
                                            "本机关2026年部门预算及“三公”经费支出明细",
                                            "小店区平阳路拓宽工程的立项批复、环评批复及征收补偿方案",
                                            "本人所在小区加装电梯项目的审批文件及公示材料",
                                            "2025年以来本机关办理的食品安全投诉举报处理结果统计",
                                            "某某商贸有限公司2024年度行政许可申请材料及许可决定书",
                                            "本市2026年度重大行政决策事项目录及听证会记录",
                                            "城中村改造项目安置房分配方案及分配结果名单"};
const std::vector<std::string> kFirms = {"太原市鑫源商贸有限公司", "山西恒泰建材有限公司", "太原市晋阳物流有限公司",
                                         "山西汾河律师事务所", "太原市龙城餐饮管理有限公司"};

// A request id in the service's form (gen_random_uuid()), drawn from the bench's generator.
std::string Uuid(std::mt19937_64& random) {
  const uint64_t high = (random() & 0xFFFFFFFFFFFF0FFFULL) | 0x0000000000004000ULL;
  const uint64_t low = (random() & 0x3FFFFFFFFFFFFFFFULL) | 0x8000000000000000ULL;
  return Sprintf("%08llx-%04llx-%04llx-%04llx-%012llx", static_cast<unsigned long long>(high >> 32),
                 static_cast<unsigned long long>((high >> 16) & 0xFFFF), static_cast<unsigned long long>(high & 0xFFFF),
                 static_cast<unsigned long long>(low >> 48), static_cast<unsigned long long>(low & 0xFFFFFFFFFFFFULL));
}

requests::v1::Channel DrawChannel(std::mt19937_64& random) {
  const int roll = static_cast<int>(random() % 100);
  if (roll < 60) return requests::v1::ONLINE;
  if (roll < 75) return requests::v1::IN_PERSON;
  if (roll < 90) return requests::v1::REGISTERED_MAIL;
  if (roll < 95) return requests::v1::ORDINARY_LETTER;
  return requests::v1::FAX;
}

// A request as a desk registers it: four in five from natural persons.
requests::v1::RegisterRequestRequest DrawRequest(std::mt19937_64& random, sys_days received) {
  auto pick = [&](const std::vector<std::string>& from) -> const std::string& { return from[random() % from.size()]; };
  requests::v1::RegisterRequestRequest r;
  r.set_channel(DrawChannel(random));
  r.set_received_on(common::FormatIsoDate(received));
  auto* a = r.mutable_applicant();
  if (random() % 5 != 0) {
    a->set_kind(requests::v1::Applicant::NATURAL_PERSON);
    a->set_name(pick(kSurnames) + pick(kGivenNames));
    if (random() % 2 == 0) {
      const std::string first17 =
          Sprintf("140105%04d%02d%02d%03d", 1950 + static_cast<int>(random() % 50), 1 + static_cast<int>(random() % 12),
                  1 + static_cast<int>(random() % 28), static_cast<int>(random() % 1000));
      a->set_id_number(first17 + common::CitizenIdCheckCharacter(first17));
    }
    a->set_phone(Sprintf("13%09d", static_cast<int>(random() % 1'000'000'000)));
  } else {
    a->set_kind(requests::v1::Applicant::LEGAL_PERSON);
    a->set_category(requests::v1::Applicant::COMMERCIAL_ENTERPRISE);
    a->set_name(pick(kFirms));
    const std::string first17 = Sprintf("91140105MA%07d", static_cast<int>(random() % 10'000'000));
    a->set_credit_code(first17 + common::CreditCodeCheckCharacter(first17));
    a->set_email(Sprintf("office%d@example.cn", static_cast<int>(random() % 10'000)));
  }
  a->set_address(Sprintf("太原市小店区平阳路%d号", 1 + static_cast<int>(random() % 400)));
  r.set_information_requested(pick(kAskedFor));
  r.set_delivery(random() % 2 == 0 ? requests::v1::DELIVERY_EMAIL : requests::v1::DELIVERY_MAIL);
  return r;
}

// The reply clock, as the service runs it (the same engine, calendar and step mapping).
class Clockwork {
 public:
  Clockwork() {
    auto loaded = common::LoadCalendar(std::string(GONGKAI_SOURCE_DIR) + "/data/calendar", "cn");
    if (!loaded.ok()) throw BrokenSetup("calendar: " + loaded.error);
    calendar_.emplace(std::move(*loaded.value));
  }

  common::RequestClockReport Evaluate(requests::v1::Channel channel, const std::vector<requests::v1::Step>& steps,
                                      sys_days today) const {
    std::vector<common::RequestEvent> events;
    for (const auto& s : steps) {
      if (auto e = requests::EventOf(s, requests::ChannelFromProto(channel))) events.push_back(*e);
    }
    auto report = clock_.Evaluate(*calendar_, events, today);
    if (!report.ok()) throw BrokenSetup("request clock: " + report.error);
    return *report.value;
  }

 private:
  std::optional<common::WorkingDayCalendar> calendar_;
  common::DeadlineEngine engine_;
  common::RequestClock clock_{common::RequestClockRules::FromDeadlines(engine_)};
};

requests::v1::Step MakeStep(requests::v1::Step::Type type, sys_days date) {
  requests::v1::Step s;
  s.set_type(type);
  s.set_date(common::FormatIsoDate(date));
  s.set_recorded_by("bench-load");
  s.set_recorded_at(common::FormatIsoDate(date) + "T02:30:00Z");
  return s;
}

using RequestRow =
    std::tuple<std::string, std::string, std::string, int, std::string, std::string, std::string, std::string,
               std::string, int, std::string, bool, std::optional<std::string>, bool, std::optional<std::string>,
               std::optional<std::string>, std::optional<int>, std::optional<bool>, std::optional<int64_t>>;
const std::vector<std::string> kRequestColumns = {"id",
                                                  "agency_credit_code",
                                                  "city_code",
                                                  "channel",
                                                  "received_on",
                                                  "applicant",
                                                  "applicant_name",
                                                  "applicant_key",
                                                  "information_requested",
                                                  "delivery",
                                                  "state",
                                                  "open",
                                                  "due_on",
                                                  "due_provisional",
                                                  "reply",
                                                  "replied_on",
                                                  "outcome",
                                                  "standardised",
                                                  "fee_fen"};
using StepRow = std::tuple<std::string, int, std::string, int>;
const std::vector<std::string> kStepColumns = {"request_id", "position", "step", "type"};

struct LoadResult {
  int64_t open = 0;
  int64_t steps = 0;
  int64_t open_of_desk = 0;  // of DeskAgency(1)
  double seconds = 0;
  std::map<std::string, int64_t> desk_states;  // of the open ones
};

// `count` requests spread evenly over the agencies, received 2026-09-01 up to
// `today`; the older a request, the likelier it was answered (REPLIED, on time
// or not, with its REPLIED step and reply); the rest open, overdue or not, as
// the clock says.
LoadResult LoadRequests(const std::string& url, const Settings& settings, const Clockwork& clockwork, sys_days today) {
  const sys_days first_day = sys_days{std::chrono::year{2026} / std::chrono::September / 1};
  const sys_days last_day = std::min(today, sys_days{std::chrono::year{2026} / std::chrono::November / 30});
  if (last_day < first_day) throw BrokenSetup("today is before 2026-09-01: the bench's receipt dates would be ahead");
  const int span = static_cast<int>((last_day - first_day).count()) + 1;
  std::mt19937_64 random(42);
  LoadResult out;
  const auto start = Clock::now();
  pqxx::connection conn(url);
  std::vector<RequestRow> rows;
  std::vector<StepRow> steps;
  auto flush = [&] {
    pqxx::work tx(conn);
    {
      pqxx::stream_to copy(tx, "requests.requests", kRequestColumns);
      for (const auto& r : rows) copy << r;
      copy.complete();
    }
    {
      pqxx::stream_to copy(tx, "requests.request_steps", kStepColumns);
      for (const auto& s : steps) copy << s;
      copy.complete();
    }
    tx.commit();
    rows.clear();
    steps.clear();
  };
  for (int i = 0; i < settings.requests; ++i) {
    const int agency = 1 + i % settings.agencies;
    const sys_days received = first_day + days{static_cast<int>(random() % static_cast<uint64_t>(span))};
    const auto request = DrawRequest(random, received);
    const int age = static_cast<int>((today - received).count());
    // Answered: 90% of those over 40 days old, 50% of 20 to 40, 10% of newer.
    const int answered_percent = age > 40 ? 90 : age > 20 ? 50 : 10;
    const bool replied = static_cast<int>(random() % 100) < answered_percent && received < today;
    std::vector<requests::v1::Step> history = {MakeStep(requests::v1::Step::RECEIVED, received)};
    requests::v1::ReplyContent reply;
    if (replied) {
      const sys_days on = std::min(today, received + days{3 + static_cast<int>(random() % 35)});
      history.push_back(MakeStep(requests::v1::Step::REPLIED, on));
      reply.set_outcome(requests::v1::DISCLOSED);
      reply.set_replied_on(common::FormatIsoDate(on));
      reply.set_how_to_obtain("见附件");
      reply.set_remedy("如不服本答复，可自收到之日起60日内申请行政复议，或6个月内提起行政诉讼。");
      reply.set_delivered_by(request.delivery());
      reply.set_delivered_on(common::FormatIsoDate(on));
    }
    const auto report = clockwork.Evaluate(request.channel(), history, today);
    const std::string id = Uuid(random);
    std::optional<std::string> due;
    if (report.due) due = common::FormatIsoDate(report.due->value);
    bool on_time = false;
    for (const auto& s : report.steps) {
      if (s.step == common::RequestStep::kReply) on_time = s.timeliness.status == common::TimelinessStatus::kOnTime;
    }
    // The service's own key, so per-request fees count loaded requests like registered ones.
    const std::string applicant_key =
        requests::ApplicantKey(requests::RequestFromProto(request).applicant, kApplicantKeySecret);
    rows.emplace_back(
        id, DeskAgency(agency), kCity, static_cast<int>(request.channel()), request.received_on(),
        bench::CopyBytea(request.applicant().SerializeAsString()), request.applicant().name(), applicant_key,
        request.information_requested(), static_cast<int>(request.delivery()),
        std::string(common::RequestStateName(report.state)), !replied, due, report.due && report.due->provisional,
        replied ? std::optional<std::string>(bench::CopyBytea(reply.SerializeAsString())) : std::nullopt,
        replied ? std::optional<std::string>(reply.replied_on()) : std::nullopt,
        replied ? std::optional<int>(reply.outcome()) : std::nullopt,
        replied ? std::optional<bool>(on_time) : std::nullopt, replied ? std::optional<int64_t>(0) : std::nullopt);
    for (std::size_t p = 0; p < history.size(); ++p) {
      steps.emplace_back(id, static_cast<int>(p + 1), bench::CopyBytea(history[p].SerializeAsString()),
                         static_cast<int>(history[p].type()));
    }
    out.steps += static_cast<int64_t>(history.size());
    if (!replied) {
      ++out.open;
      if (agency == 1) ++out.open_of_desk;
      const auto state = requests::DeskStateOf(report.due.has_value(), report.working_days_left,
                                               report.limit_working_days, report.working_days_used);
      out.desk_states[requests::v1::DeskState_Name(static_cast<requests::v1::DeskState>(state))]++;
    }
    if (static_cast<int>(rows.size()) == kCopyRowsPerTransaction) flush();
  }
  if (!rows.empty()) flush();
  {
    pqxx::work tx(conn);
    tx.exec("ANALYZE requests.requests");
    tx.exec("ANALYZE requests.request_steps");
    tx.commit();
  }
  out.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return out;
}

// ---- calls through the gateway ----------------------------------------------------

template <typename Request, typename Response>
grpc::Status CallAsDesk(const testing::Platform& platform, RequestsService::Stub& stub,
                        grpc::Status (RequestsService::Stub::*method)(grpc::ClientContext*, const Request&, Response*),
                        const Request& request, Response* response) {
  grpc::ClientContext context;
  context.AddMetadata("authorization", platform.Authorization("desk"));
  context.set_deadline(std::chrono::system_clock::now() + kCallDeadline);
  return (stub.*method)(&context, request, response);
}

// 200 requests of DeskAgency(1) through RegisterRequest; returns their ids.
std::vector<std::string> RegisterThroughGateway(const testing::Platform& platform, double& seconds) {
  auto stub = RequestsService::NewStub(platform.Gateway());
  const sys_days today = platform.Today();
  std::mt19937_64 random(7);
  std::vector<std::string> ids;
  const auto start = Clock::now();
  for (int i = 0; i < kRegisteredThroughGateway; ++i) {
    const auto request = DrawRequest(random, today - days{static_cast<int>(random() % 60)});
    requests::v1::RequestView view;
    grpc::Status status = CallAsDesk(platform, *stub, &RequestsService::Stub::RegisterRequest, request, &view);
    if (!status.ok()) {
      throw BrokenSetup("RegisterRequest " + std::to_string(i) + ": " + common::CodeName(status.error_code()) + " " +
                        status.error_message());
    }
    ids.push_back(view.request_id());
  }
  seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return ids;
}

// One walk through the desk's open list, so the run measures real answers:
// every open request once, soonest due first.
void CheckOpenList(const testing::Platform& platform, int64_t expected, int& pages) {
  auto stub = RequestsService::NewStub(platform.Gateway());
  requests::v1::ListOpenRequestsRequest request;
  request.set_page_size(kPageSize);
  int64_t seen = 0;
  std::string last_due;
  pages = 0;
  do {
    requests::v1::ListOpenRequestsResponse page;
    grpc::Status status = CallAsDesk(platform, *stub, &RequestsService::Stub::ListOpenRequests, request, &page);
    if (!status.ok()) {
      throw BrokenSetup("ListOpenRequests page " + std::to_string(pages + 1) + ": " +
                        common::CodeName(status.error_code()) + " " + status.error_message());
    }
    ++pages;
    for (const auto& r : page.requests()) {
      const std::string due = r.due().empty() ? "9999-12-31" : r.due();
      if (due < last_due) throw BrokenSetup("ListOpenRequests: due " + due + " after " + last_due);
      last_due = due;
      ++seen;
    }
    request.set_page_token(page.next_page_token());
  } while (!request.page_token().empty());
  if (seen != expected) {
    throw BrokenSetup(Sprintf("ListOpenRequests: the desk sees %lld open requests, expected %lld",
                              static_cast<long long>(seen), static_cast<long long>(expected)));
  }
}

// A caller's view of the open list: the first page, then the next pages by
// their tokens, and round again.
struct ListTallies {
  CallTally all, first, next;
};

std::shared_ptr<grpc::Channel> CallerChannel(testing::Platform& platform, int i) {
  grpc::ChannelArguments args;
  // A distinct argument per channel, so each caller has its own connection.
  args.SetInt("gongkai.bench.channel", i);
  auto channel = grpc::CreateCustomChannel("127.0.0.1:" + std::to_string(platform.gateway().ports.grpc),
                                           grpc::InsecureChannelCredentials(), args);
  if (!channel->WaitForConnected(std::chrono::system_clock::now() + std::chrono::seconds(10))) {
    throw BrokenSetup("caller channel " + std::to_string(i) + " to the gateway did not connect");
  }
  return channel;
}

// The measured window, after the warm-up: a call counts when it ends inside.
struct Window {
  Clock::time_point from, until;
  bool Counts(Clock::time_point t) const { return t >= from && t < until; }
};

// K callers, each on its own channel and thread, running
// `per_caller(stub, caller, window)` (calls back to back until the window
// ends); returns the CPU each process used in the window.
template <typename PerCaller>
std::string Drive(testing::Platform& platform, const Settings& settings,
                  const std::function<std::vector<CpuShare>()>& processes, PerCaller per_caller) {
  std::vector<std::shared_ptr<grpc::Channel>> channels;
  for (int i = 0; i < settings.callers; ++i) channels.push_back(CallerChannel(platform, i));
  const auto begin = Clock::now();
  const Window window{begin + kWarmUp, begin + kWarmUp + std::chrono::seconds(settings.seconds)};
  std::vector<std::thread> callers;
  for (int i = 0; i < settings.callers; ++i) {
    callers.emplace_back([&, i] {
      auto stub = RequestsService::NewStub(channels[static_cast<std::size_t>(i)]);
      per_caller(*stub, i, window);
    });
  }
  std::this_thread::sleep_until(window.from);
  const bench::CpuMeter cpu(processes());
  std::this_thread::sleep_until(window.until);
  std::string used = cpu.Report();
  for (auto& c : callers) c.join();
  return used;
}

int Run(const Settings& settings) {
  std::printf(
      "desk_view_bench: %u cores, %d requests across %d agencies, %d callers, %lld s warm-up, %d s "
      "measured, page size %d\n",
      std::thread::hardware_concurrency(), settings.requests, settings.agencies, settings.callers,
      static_cast<long long>(kWarmUp.count()), settings.seconds, kPageSize);
  std::fflush(stdout);

  const std::string key_file =
      (std::filesystem::temp_directory_path() / ("desk_view_bench-applicant-key-" + std::to_string(getpid()))).string();
  std::ofstream(key_file) << kApplicantKeySecret << "\n";
  testing::PlatformOptions options;
  options.env["requests"]["GONGKAI_APPLICANT_KEY_SECRET_FILE"] = key_file;
  testing::Platform platform(options);
  std::filesystem::remove(key_file);  // read by the service when it started
  const auto processes = bench::PlatformProcesses(platform);
  const pid_t requests_pid = platform.service("requests").process->pid();
  const pid_t gateway_pid = platform.gateway().process->pid();
  const pid_t registry_pid = platform.service("registry").process->pid();
  const std::string database = bench::DatabaseOf(platform.database_url());

  // ---- the agencies, the requests
  const auto agencies_start = Clock::now();
  bench::Checked(processes, [&] {
    std::vector<registry::v1::Agency> agencies;
    for (int n = 1; n <= settings.agencies; ++n) {
      agencies.push_back(bench::BenchAgency(DeskAgency(n), kCity, "政府信息公开办公室" + std::to_string(n), {"other"}));
    }
    auto registry = registry::v1::RegistryService::NewStub(platform.Gateway());
    bench::RegisterAgencies(platform, *registry, kCity, agencies);
  });
  const double agencies_seconds = std::chrono::duration<double>(Clock::now() - agencies_start).count();
  std::printf("setup:    %d agencies of %s through the registry (gateway, city-%s): %.1f s\n", settings.agencies, kCity,
              kCity, agencies_seconds);
  std::fflush(stdout);

  const Clockwork clockwork;
  const LoadResult loaded = LoadRequests(platform.database_url(), settings, clockwork, platform.Today());
  std::printf(
      "load:     %d requests (%lld open, %lld steps) written straight into requests.requests and "
      "requests.request_steps with COPY: %.1f s\n",
      settings.requests, static_cast<long long>(loaded.open), static_cast<long long>(loaded.steps), loaded.seconds);
  std::printf(
      "          why directly: the harness has two desk principals (desk, desk-2), so 500 desks cannot "
      "register their own requests through the gateway; each row carries the due date of the service's "
      "request clock and a serialised requests.v1.Step (RECEIVED, and REPLIED for the answered ones)\n");
  std::printf("          open ones by desk state:");
  for (const auto& [state, n] : loaded.desk_states) std::printf(" %s %lld;", state.c_str(), static_cast<long long>(n));
  std::printf("\n");
  std::fflush(stdout);

  double register_seconds = 0;
  std::vector<std::string> registered;
  bench::Checked(processes, [&] { registered = RegisterThroughGateway(platform, register_seconds); });
  std::printf("register: %d requests of %s (desk) through the gateway with RegisterRequest: %.1f s, %.0f calls/s\n",
              kRegisteredThroughGateway, DeskAgency(1).c_str(), register_seconds,
              kRegisteredThroughGateway / register_seconds);
  const int64_t desk_open = loaded.open_of_desk + kRegisteredThroughGateway;
  int pages = 0;
  bench::Checked(processes, [&] { CheckOpenList(platform, desk_open, pages); });
  std::printf(
      "check:    the desk's open list holds %lld requests (%lld loaded, %d registered) in %d pages of %d, "
      "soonest due first\n",
      static_cast<long long>(desk_open), static_cast<long long>(loaded.open_of_desk), kRegisteredThroughGateway, pages,
      kPageSize);
  std::fflush(stdout);

  auto shares = [&] {
    return std::vector<CpuShare>{
        {"bench (client)", {getpid()}},
        {"gateway", {gateway_pid}},
        {"requests", {requests_pid}},
        {"registry", {registry_pid}},
        {"postgres", bench::BackendsOf(database), [&] { return bench::BackendsOf(database); }}};
  };

  // ---- ListOpenRequests, page after page
  std::vector<ListTallies> list_tallies(static_cast<std::size_t>(settings.callers));
  const std::string list_cpu = Drive(platform, settings, shares, [&](RequestsService::Stub& stub, int i, Window w) {
    ListTallies& t = list_tallies[static_cast<std::size_t>(i)];
    requests::v1::ListOpenRequestsRequest request;
    request.set_page_size(kPageSize);
    for (auto now = Clock::now(); now < w.until; now = Clock::now()) {
      requests::v1::ListOpenRequestsResponse page;
      const bool first = request.page_token().empty();
      grpc::Status status = CallAsDesk(platform, stub, &RequestsService::Stub::ListOpenRequests, request, &page);
      const auto done = Clock::now();
      if (w.Counts(done)) {
        t.all.Add(status, done - now);
        (first ? t.first : t.next).Add(status, done - now);
      }
      request.set_page_token(status.ok() ? page.next_page_token() : "");
    }
  });
  auto tallies_of = [&](CallTally ListTallies::*which) {
    std::vector<CallTally> out;
    for (const auto& t : list_tallies) out.push_back(t.*which);
    return out;
  };
  const RunReport list_all = bench::Summarize("ListOpenRequests", tallies_of(&ListTallies::all), settings.seconds);
  const RunReport list_first = bench::Summarize("  first page", tallies_of(&ListTallies::first), settings.seconds);
  const RunReport list_next = bench::Summarize("  next pages", tallies_of(&ListTallies::next), settings.seconds);

  // ---- GetRequest of one request
  requests::v1::GetRequestRequest get;
  get.set_request_id(registered.front());
  std::vector<CallTally> get_tallies(static_cast<std::size_t>(settings.callers));
  const std::string get_cpu = Drive(platform, settings, shares, [&](RequestsService::Stub& stub, int i, Window w) {
    for (auto now = Clock::now(); now < w.until; now = Clock::now()) {
      requests::v1::RequestView view;
      grpc::Status status = CallAsDesk(platform, stub, &RequestsService::Stub::GetRequest, get, &view);
      const auto done = Clock::now();
      if (w.Counts(done)) get_tallies[static_cast<std::size_t>(i)].Add(status, done - now);
    }
  });
  const RunReport get_report = bench::Summarize("GetRequest", get_tallies, settings.seconds);

  const std::string after_check = bench::FailureOf([&] { CheckOpenList(platform, desk_open, pages); });

  constexpr int kWidth = 16;
  std::printf("\ndesk \"desk\" (%s), %d callers, %d s measured each, through the gateway:\n", DeskAgency(1).c_str(),
              settings.callers, settings.seconds);
  bench::PrintHeader(kWidth);
  for (const auto* r : {&list_all, &list_first, &list_next, &get_report}) bench::PrintRow(*r, kWidth);
  for (const auto* r : {&list_all, &get_report}) bench::PrintErrors(*r);
  std::printf("cpu (ListOpenRequests): %s\n", list_cpu.c_str());
  std::printf("cpu (GetRequest):       %s\n", get_cpu.c_str());
  bench::PrintRssAfterRun("requests", requests_pid, gateway_pid);
  std::printf("\nListOpenRequests p99 through the gateway: %.2f ms (first page %.2f ms, next pages %.2f ms)\n",
              list_all.p99_ms, list_first.p99_ms, list_next.p99_ms);

  return bench::RunStatus(processes, after_check);
}

}  // namespace
}  // namespace gongkai

int main(int argc, char** argv) {
  gongkai::common::Config config(argc, argv);
  gongkai::Settings settings;
  settings.requests =
      static_cast<int>(config.Int("GONGKAI_BENCH_REQUESTS", 100'000, 1, 10'000'000, "requests loaded before the run"));
  settings.agencies = static_cast<int>(
      config.Int("GONGKAI_BENCH_AGENCIES", 500, 2, 9'000, "agencies the requests are spread over (desk is the first)"));
  settings.callers = static_cast<int>(config.Int("GONGKAI_BENCH_CALLERS", 4, 1, 256, "concurrent callers"));
  settings.seconds = static_cast<int>(config.Int("GONGKAI_BENCH_SECONDS", 10, 1, 600, "measured seconds per call"));
  config.Finish();
  return gongkai::bench::RunBench("desk_view_bench", [&] { return gongkai::Run(settings); });
}
