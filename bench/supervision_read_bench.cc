// The province reading the year's case-file review coverage
// (GetReviewCoverage) and problem statistics (GetProblemStatistics) with
// 2,000 enforcement units and 200,000 problems: their latency through the
// gateway, with a few callers at once, against the same calls made straight
// to the supervision service in the same run (the gateway's share).
//
// Everything is loaded through the gateway: 2,000 agencies spread over the 11
// cities, each holding a PENALTY powers item (so each is an enforcement unit),
// registered as their cities; then, as the province, one review round per
// city naming all of its agencies, reviews of about 70% of them (some with
// problems by type), and 200 special supervisions of 1,000 problems each
// over all the agencies and eight domains. The direct calls carry the
// province's identity signed with the gateway's key, as the gateway signs it.
//
// Needs the throwaway cluster of bench/run (GONGKAI_TEST_DATABASE_URL).
// Usage: supervision_read_bench [--bench-agencies=2000] [--bench-supervisions=200]
//          [--bench-problems=1000] [--bench-callers=4] [--bench-calls=400] [--bench-inflight=2]
// Timings are reported, never failed: the exit status is non-zero only for a
// broken setup (a call refused, a record not accepted, an answer that does
// not hold what was loaded) or a platform process that died during the run.

#include <grpcpp/grpcpp.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <barrier>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "bench/bench_support.h"
#include "common/calendar/iso_date.h"
#include "common/config.h"
#include "common/identity.h"
#include "common/service_table.h"
#include "gongkai/registry/v1/registry.grpc.pb.h"
#include "gongkai/supervision/v1/supervision.grpc.pb.h"
#include "tests/e2e/platform.h"

namespace gongkai {
namespace {

using bench::BrokenSetup;
using bench::CallTally;
using bench::Clock;
using bench::CpuShare;
using bench::Draw;
using bench::RunReport;
using bench::Sprintf;
using std::chrono::days;
using std::chrono::sys_days;
using supervision::v1::SupervisionService;

// The target: p99 under 50 ms through the gateway, for each call.
constexpr double kTargetP99Ms = 50;
// Supervisions per UpsertSupervisions call: 1,000 problems are about 240 KB.
constexpr int kSupervisionsPerCall = 4;
// Registry records and reviews per call.
constexpr int kRecordsPerCall = 500;
// Calls each caller makes before the measured ones, not counted.
constexpr int kWarmUpCalls = 10;
// The registry's answers (the enforcement units among them) are cached for
// 30 s by the service: how long the check waits for the loaded figures.
constexpr auto kFiguresWait = std::chrono::seconds(45);
constexpr auto kLoadDeadline = std::chrono::seconds(120);
constexpr auto kCallDeadline = std::chrono::seconds(30);
// The reviewing units of each city's round: its first agencies.
constexpr int kReviewingUnits = 5;

const std::vector<std::string> kDomains = {
    "market_regulation", "ecology_environment",  "transport", "urban_management", "agriculture",
    "culture_tourism",   "emergency_management", "health"};

struct Settings {
  int agencies = 2'000;
  int supervisions = 200;
  int problems = 1'000;  // per supervision
  int callers = 4;
  int calls = 400;   // measured calls per target, over all callers
  int inflight = 2;  // UpsertSupervisions calls in flight during the load
};

// ---- the records ----------------------------------------------------------------

// Agency n (0-based): of city n mod 11, its serial n / 11 + 1 there (the
// first 11 are bench::CityAgency of each city).
const std::string& CityOf(int n) {
  const auto& cities = bench::ShanxiCities();
  return cities[static_cast<std::size_t>(n) % cities.size()];
}
int SerialOf(int n) { return n / static_cast<int>(bench::ShanxiCities().size()) + 1; }
std::string AgencyCode(int n) { return testing::CreditCode(CityOf(n), SerialOf(n)); }
// The n of a city's agency of serial s.
int AgencyOfCity(int city_index, int serial) {
  return (serial - 1) * static_cast<int>(bench::ShanxiCities().size()) + city_index;
}

registry::v1::PowersItem PenaltyItem(int n, sys_days today) {
  registry::v1::PowersItem item;
  item.set_agency_credit_code(AgencyCode(n));
  item.set_source_id("QL-P01");
  item.set_source_version(1);
  item.set_name("对违反行政管理秩序行为的行政处罚");
  item.set_category(registry::v1::PENALTY);
  auto* basis = item.add_legal_basis();
  basis->set_law("中华人民共和国行政处罚法");
  basis->set_article(9);
  basis->set_paragraph(1);
  basis->set_item(0);
  item.set_responsibilities("立案责任、调查取证责任、审查责任、告知责任、决定责任、送达责任、执行责任");
  item.set_accountability("不履行或不正确履行上述职责的，依法依规追究相应责任");
  item.set_changed_on(common::FormatIsoDate(today - days{60}));
  return item;
}

int QuarterOf(sys_days day) {
  return static_cast<int>((static_cast<unsigned>(std::chrono::year_month_day{day}.month()) + 2) / 3);
}
int YearOf(sys_days day) { return static_cast<int>(std::chrono::year_month_day{day}.year()); }

// The round of a city: this quarter, from its first day to today, reviewing
// every agency of the city.
supervision::v1::Round RoundOf(int city_index, const std::vector<int>& agencies, sys_days today) {
  const std::string& city = bench::ShanxiCities()[static_cast<std::size_t>(city_index)];
  const std::chrono::year_month_day ymd{today};
  const int quarter = QuarterOf(today);
  supervision::v1::Round r;
  r.set_agency_credit_code(bench::CityAgency(city));
  r.set_source_id("PC-" + city);
  r.set_source_version(1);
  r.set_year(YearOf(today));
  r.set_quarter(quarter);
  r.set_title(Sprintf("基准测试%s第%d季度行政执法案卷交叉评查", city.c_str(), quarter));
  r.add_case_types(supervision::v1::PENALTY_CASES);
  r.add_case_types(supervision::v1::LICENSING_CASES);
  for (int s = 1; s <= kReviewingUnits; ++s) r.add_reviewing_units(AgencyCode(AgencyOfCity(city_index, s)));
  for (int n : agencies) r.add_reviewed_units(AgencyCode(n));
  r.set_started_on(
      common::FormatIsoDate(sys_days{ymd.year() / std::chrono::month{static_cast<unsigned>(3 * quarter - 2)} / 1}));
  r.set_ended_on(common::FormatIsoDate(today));
  return r;
}

// The review of agency n, if it was reviewed (about 70%): 0 to 3 problem
// types, each with the files it was found in.
std::optional<supervision::v1::Review> ReviewOf(int n, sys_days today) {
  Draw draw(static_cast<uint64_t>(n) * 2 + 1);
  if (!draw.Percent(70)) return std::nullopt;
  const std::string& city = CityOf(n);
  const int city_index = n % static_cast<int>(bench::ShanxiCities().size());
  supervision::v1::Review r;
  r.set_agency_credit_code(bench::CityAgency(city));
  r.set_source_id(Sprintf("RV-%05d", n));
  r.set_source_version(1);
  r.set_round_source_id("PC-" + city);
  r.set_reviewed_unit(AgencyCode(n));
  r.set_reviewed_by(AgencyCode(AgencyOfCity(city_index, SerialOf(n) == 1 ? 2 : 1)));
  const int files = draw.Int(5, 30);
  r.set_files_reviewed(files);
  const int problems = draw.Int(0, 3);
  const int first_type = draw.Int(1, 8);
  for (int k = 0; k < problems; ++k) {
    auto* p = r.add_problems();
    p->set_type(static_cast<supervision::v1::ProblemType>((first_type - 1 + k) % 8 + 1));
    p->set_description("部分案卷未按规定告知当事人陈述、申辩的权利，执法文书格式不统一。");
    p->set_files(draw.Int(1, files));
  }
  if (problems > 0) {
    r.set_rectification_requirement("逐案补正执法文书，组织执法人员专题学习，整改情况书面报告市司法局。");
    r.set_rectification_deadline(common::FormatIsoDate(today + days{30}));
  }
  return r;
}

// Supervision s: organised by agency 7s mod N, from 1 January to today,
// its problems over every agency and the domains, problem i of unit
// Draw(s * problems + i).
supervision::v1::Supervision SupervisionOf(int s, const Settings& settings, sys_days today) {
  supervision::v1::Supervision out;
  out.set_agency_credit_code(AgencyCode(static_cast<int>((static_cast<int64_t>(s) * 7) % settings.agencies)));
  out.set_source_id(Sprintf("ZX-%04d", s));
  out.set_source_version(1);
  out.set_topic("涉企执法\"一刀切\"专项整治");
  out.set_deployment(supervision::v1::HIGHER_LEVEL);
  out.set_deployed_by("山西省司法厅专项整治通知");
  out.set_scope("全省行政执法部门实施的涉企行政检查、行政处罚和行政强制行为。");
  out.add_methods("案卷抽查");
  out.add_methods("实地检查");
  const std::chrono::year_month_day ymd{today};
  out.set_started_on(common::FormatIsoDate(sys_days{ymd.year() / 1 / 1}));
  out.set_ended_on(common::FormatIsoDate(today));
  const std::string deadline = common::FormatIsoDate(today + days{30});
  for (int i = 0; i < settings.problems; ++i) {
    Draw draw(static_cast<uint64_t>(s) * static_cast<uint64_t>(settings.problems) + static_cast<uint64_t>(i));
    auto* p = out.add_problems();
    p->set_id(Sprintf("P%04d", i + 1));
    p->set_unit(AgencyCode(draw.Int(0, settings.agencies - 1)));
    p->set_domain(draw.Pick(kDomains));
    p->set_description(Sprintf("涉企检查未区分风险等级，一律责令停业整改，第%d号案卷未说明理由，涉及经营主体%d户。",
                               draw.Int(1, 999), draw.Int(1, 60)));
    p->set_rectification_requirement("立即纠正，举一反三全面自查，整改情况书面报告。");
    p->set_rectification_deadline(deadline);
  }
  if (settings.problems > 0) {
    auto* named = out.add_named_cases();
    named->set_unit(out.agency_credit_code());
    named->set_title(Sprintf("典型案例第%d号", s + 1));
    named->set_description("对辖区经营主体不区分情况一律责令停业整改。");
    named->add_handling(supervision::v1::CIRCULATED_CRITICISM);
    named->set_problem_id("P0001");
  }
  return out;
}

// What the load put in: the figures the answers must hold.
struct Expected {
  int reviewed = 0;             // agencies with a review
  int64_t review_problems = 0;  // problem types of the reviews
  int64_t problems = 0;         // all problems, reviews' and supervisions'
  int64_t units_with_problems = 0;
};

// ---- calls --------------------------------------------------------------------------

void AsPrincipal(grpc::ClientContext& context, const testing::Platform& platform, const std::string& principal,
                 std::chrono::seconds deadline) {
  context.AddMetadata("authorization", platform.Authorization(principal));
  context.set_deadline(std::chrono::system_clock::now() + deadline);
}

template <typename Request, typename Response>
void UpsertAsProvince(const testing::Platform& platform, SupervisionService::Stub& stub,
                      grpc::Status (SupervisionService::Stub::*method)(grpc::ClientContext*, const Request&, Response*),
                      const Request& request, int records, const std::string& what) {
  grpc::ClientContext context;
  AsPrincipal(context, platform, "province", kLoadDeadline);
  Response response;
  bench::CheckStatus((stub.*method)(&context, request, &response), what);
  bench::CheckAccepted(response.results(), records, what);
}

// "/gongkai.supervision.v1.SupervisionService/<method>".
std::string MethodPath(const std::string& method) {
  return std::string("/") + SupervisionService::service_full_name() + "/" + method;
}

// ---- setup through the gateway -------------------------------------------------------

// The agencies and their powers items, each city as itself.
void RegisterUnits(const testing::Platform& platform, const Settings& settings, sys_days today) {
  auto registry = registry::v1::RegistryService::NewStub(platform.Gateway());
  const auto& cities = bench::ShanxiCities();
  for (std::size_t c = 0; c < cities.size(); ++c) {
    std::vector<registry::v1::Agency> agencies;
    std::vector<registry::v1::PowersItem> items;
    for (int n = static_cast<int>(c); n < settings.agencies; n += static_cast<int>(cities.size())) {
      agencies.push_back(bench::BenchAgency(AgencyCode(n), cities[c],
                                            Sprintf("基准测试执法单位%s-%d", cities[c].c_str(), SerialOf(n)),
                                            {kDomains[static_cast<std::size_t>(n) % kDomains.size()]}));
      items.push_back(PenaltyItem(n, today));
    }
    bench::RegisterAgencies(platform, *registry, cities[c], agencies);
    for (std::size_t first = 0; first < items.size(); first += kRecordsPerCall) {
      const std::size_t last = std::min(items.size(), first + kRecordsPerCall);
      registry::v1::UpsertPowersRequest request;
      for (std::size_t i = first; i < last; ++i) *request.add_items() = items[i];
      grpc::ClientContext context;
      bench::AuthorizeAsCity(context, platform, cities[c]);
      registry::v1::UpsertPowersResponse response;
      const std::string what = "UpsertPowers for " + cities[c];
      bench::CheckStatus(registry->UpsertPowers(&context, request, &response), what);
      bench::CheckAccepted(response.results(), request.items_size(), what);
    }
  }
}

// A round per city and the reviews, as the province.
void LoadReviews(const testing::Platform& platform, const Settings& settings, sys_days today, Expected& expected,
                 std::set<int>& units_with_problems) {
  auto stub = SupervisionService::NewStub(platform.Gateway());
  const int cities = static_cast<int>(bench::ShanxiCities().size());
  supervision::v1::UpsertRoundsRequest rounds;
  for (int c = 0; c < cities; ++c) {
    std::vector<int> agencies;
    for (int n = c; n < settings.agencies; n += cities) agencies.push_back(n);
    *rounds.add_rounds() = RoundOf(c, agencies, today);
  }
  UpsertAsProvince(platform, *stub, &SupervisionService::Stub::UpsertRounds, rounds, cities, "UpsertRounds");

  supervision::v1::UpsertReviewsRequest reviews;
  auto flush = [&] {
    if (reviews.reviews_size() == 0) return;
    UpsertAsProvince(platform, *stub, &SupervisionService::Stub::UpsertReviews, reviews, reviews.reviews_size(),
                     "UpsertReviews");
    reviews.clear_reviews();
  };
  for (int n = 0; n < settings.agencies; ++n) {
    auto review = ReviewOf(n, today);
    if (!review) continue;
    ++expected.reviewed;
    expected.review_problems += review->problems_size();
    if (review->problems_size() > 0) units_with_problems.insert(n);
    *reviews.add_reviews() = std::move(*review);
    if (reviews.reviews_size() == kRecordsPerCall) flush();
  }
  flush();
}

// The supervisions, as the province: C workers, each on its own connection,
// take the next call of kSupervisionsPerCall until all are sent.
void LoadSupervisions(const testing::Platform& platform, const Settings& settings, sys_days today, int64_t& calls) {
  const int batches = (settings.supervisions + kSupervisionsPerCall - 1) / kSupervisionsPerCall;
  std::atomic<int> next{0};
  std::atomic<int64_t> made{0};
  std::atomic<bool> failed{false};
  std::mutex failure_mutex;
  std::string failure;
  std::vector<std::thread> workers;
  for (int w = 0; w < settings.inflight; ++w) {
    workers.emplace_back([&, w] {
      auto stub = SupervisionService::NewStub(bench::OwnChannel(platform, w));
      for (int b = next++; b < batches && !failed; b = next++) {
        supervision::v1::UpsertSupervisionsRequest request;
        const int last = std::min(settings.supervisions, (b + 1) * kSupervisionsPerCall);
        for (int s = b * kSupervisionsPerCall; s < last; ++s)
          *request.add_supervisions() = SupervisionOf(s, settings, today);
        const std::string why = bench::FailureOf([&] {
          UpsertAsProvince(platform, *stub, &SupervisionService::Stub::UpsertSupervisions, request,
                           request.supervisions_size(), Sprintf("UpsertSupervisions call %d", b));
        });
        ++made;
        if (!why.empty()) {
          std::lock_guard lock(failure_mutex);
          if (failure.empty()) failure = why;
          failed = true;
          return;
        }
      }
    });
  }
  for (auto& w : workers) w.join();
  calls = made;
  if (!failure.empty()) throw BrokenSetup(failure);
}

// ---- the answers --------------------------------------------------------------------

supervision::v1::GetReviewCoverageRequest CoverageRequest(int year) {
  supervision::v1::GetReviewCoverageRequest request;
  request.set_year(year);
  return request;
}

supervision::v1::GetProblemStatisticsRequest StatisticsRequest(int year) {
  supervision::v1::GetProblemStatisticsRequest request;
  request.set_year(year);
  return request;
}

// Throws BrokenSetup unless the province's answers through the gateway hold
// what was loaded: every agency an enforcement unit, the reviewed ones
// reviewed, a page of the others, and every problem counted. The coverage is
// asked again until the service's cached list of enforcement units holds
// them all. Sets the answers' sizes.
void CheckAnswers(const testing::Platform& platform, const Settings& settings, int year, const Expected& expected,
                  std::size_t& coverage_bytes, std::size_t& statistics_bytes) {
  auto stub = SupervisionService::NewStub(platform.Gateway());
  supervision::v1::ReviewCoverage coverage;
  const auto until = Clock::now() + kFiguresWait;
  for (;;) {
    grpc::ClientContext context;
    AsPrincipal(context, platform, "province", kCallDeadline);
    coverage.Clear();
    bench::CheckStatus(stub->GetReviewCoverage(&context, CoverageRequest(year), &coverage), "GetReviewCoverage");
    if (coverage.total().enforcement_units() == settings.agencies || Clock::now() > until) break;
    std::this_thread::sleep_for(std::chrono::seconds(1));
  }
  const int unreviewed = settings.agencies - expected.reviewed;
  const int listed = std::min(unreviewed, 500);
  if (coverage.total().enforcement_units() != settings.agencies ||
      coverage.total().reviewed_units() != expected.reviewed || coverage.unreviewed_size() != listed ||
      coverage.cities_size() != static_cast<int>(bench::ShanxiCities().size())) {
    throw BrokenSetup(Sprintf(
        "GetReviewCoverage: %d enforcement units, %d reviewed, %d unreviewed listed, %d cities; expected %d, %d, %d, "
        "%zu",
        coverage.total().enforcement_units(), coverage.total().reviewed_units(), coverage.unreviewed_size(),
        coverage.cities_size(), settings.agencies, expected.reviewed, listed, bench::ShanxiCities().size()));
  }
  coverage_bytes = coverage.ByteSizeLong();

  supervision::v1::ProblemStatistics statistics;
  grpc::ClientContext context;
  AsPrincipal(context, platform, "province", kCallDeadline);
  bench::CheckStatus(stub->GetProblemStatistics(&context, StatisticsRequest(year), &statistics),
                     "GetProblemStatistics");
  const int64_t listed_units = std::min<int64_t>(expected.units_with_problems, 100);
  if (statistics.total() != expected.problems || statistics.by_unit_size() != listed_units ||
      statistics.unlisted_units() != expected.units_with_problems - listed_units) {
    throw BrokenSetup(
        Sprintf("GetProblemStatistics: %lld problems, %d units listed, %d unlisted; expected %lld, "
                "%lld, %lld",
                static_cast<long long>(statistics.total()), statistics.by_unit_size(), statistics.unlisted_units(),
                static_cast<long long>(expected.problems), static_cast<long long>(listed_units),
                static_cast<long long>(expected.units_with_problems - listed_units)));
  }
  statistics_bytes = statistics.ByteSizeLong();
}

// ---- the measurement ------------------------------------------------------------------

// One call of a target on a caller's stub.
using Caller = std::function<grpc::Status(SupervisionService::Stub&)>;

// K callers, each on its own connection and thread: kWarmUpCalls each, then,
// once all have warmed up, `calls` / K each, back to back; the rate is the
// measured calls over the time from that moment until the last one ended.
RunReport Measure(const std::string& target, const Settings& settings,
                  const std::function<std::shared_ptr<grpc::Channel>(int)>& channel_of, const Caller& call,
                  const std::function<std::vector<CpuShare>()>& shares) {
  const int callers = settings.callers;
  const int per_caller = (settings.calls + callers - 1) / callers;
  std::vector<std::unique_ptr<SupervisionService::Stub>> stubs;
  for (int i = 0; i < callers; ++i) stubs.push_back(SupervisionService::NewStub(channel_of(i)));
  std::vector<CallTally> tallies(static_cast<std::size_t>(callers));
  std::barrier warmed(callers + 1);
  std::vector<std::thread> threads;
  for (int i = 0; i < callers; ++i) {
    threads.emplace_back([&, i] {
      auto& stub = *stubs[static_cast<std::size_t>(i)];
      for (int w = 0; w < kWarmUpCalls; ++w) call(stub);
      warmed.arrive_and_wait();
      for (int c = 0; c < per_caller; ++c) {
        const auto start = Clock::now();
        const grpc::Status status = call(stub);
        tallies[static_cast<std::size_t>(i)].Add(status, Clock::now() - start);
      }
    });
  }
  warmed.arrive_and_wait();
  const bench::CpuMeter cpu(shares());
  const auto start = Clock::now();
  for (auto& t : threads) t.join();
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  RunReport report = bench::Summarize(target, tallies, seconds);
  report.cpu = cpu.Report();
  return report;
}

// A channel on a connection of its own to `port`.
std::shared_ptr<grpc::Channel> ChannelTo(int port, int i) {
  grpc::ChannelArguments args;
  args.SetInt("gongkai.bench.channel", i);
  return grpc::CreateCustomChannel(std::string("127.0.0.1:") + std::to_string(port), grpc::InsecureChannelCredentials(),
                                   args);
}

int Run(const Settings& settings) {
  const int64_t supervision_problems = static_cast<int64_t>(settings.supervisions) * settings.problems;
  std::printf(
      "supervision_read_bench: %u cores, %d enforcement units over %zu cities, %d supervisions of %d problems "
      "(%lld) plus the reviews' problems; %d callers, %d measured calls per target after %d warm-up calls each\n",
      std::thread::hardware_concurrency(), settings.agencies, bench::ShanxiCities().size(), settings.supervisions,
      settings.problems, static_cast<long long>(supervision_problems), settings.callers, settings.calls, kWarmUpCalls);
  std::fflush(stdout);

  testing::Platform platform;
  const auto processes = bench::PlatformProcesses(platform);
  const pid_t supervision_pid = platform.service("supervision").process->pid();
  const pid_t gateway_pid = platform.gateway().process->pid();
  const pid_t registry_pid = platform.service("registry").process->pid();
  const std::string database = bench::DatabaseOf(platform.database_url());
  const sys_days today = platform.Today();
  const int year = YearOf(today);

  // ---- the load
  auto since = [](Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); };
  auto start = Clock::now();
  bench::Checked(processes, [&] { RegisterUnits(platform, settings, today); });
  std::printf(
      "setup:    %d agencies with a PENALTY powers item each (enforcement units) through the registry "
      "(gateway, each city as itself): %.1f s\n",
      settings.agencies, since(start));
  std::fflush(stdout);

  Expected expected;
  std::set<int> units_with_problems;
  start = Clock::now();
  bench::Checked(processes, [&] { LoadReviews(platform, settings, today, expected, units_with_problems); });
  std::printf(
      "load:     %zu review rounds (one per city, Q%d %d) and %d reviews with %lld problems through the "
      "gateway as the province: %.1f s\n",
      bench::ShanxiCities().size(), QuarterOf(today), year, expected.reviewed,
      static_cast<long long>(expected.review_problems), since(start));
  std::fflush(stdout);

  const bench::CpuMeter load_cpu(bench::LoadShares(platform, "supervision"));
  start = Clock::now();
  int64_t calls = 0;
  bench::Checked(processes, [&] { LoadSupervisions(platform, settings, today, calls); });
  const double load_seconds = since(start);
  std::printf(
      "load:     %d supervisions with %lld problems through the gateway as the province (UpsertSupervisions, "
      "%lld calls of %d, %d in flight): %.1f s, %.0f problems/s\n",
      settings.supervisions, static_cast<long long>(supervision_problems), static_cast<long long>(calls),
      kSupervisionsPerCall, settings.inflight, load_seconds, static_cast<double>(supervision_problems) / load_seconds);
  std::printf("          cpu: %s\n", load_cpu.Report().c_str());
  std::fflush(stdout);

  for (int s = 0; s < settings.supervisions; ++s) {
    for (int i = 0; i < settings.problems; ++i) {
      Draw draw(static_cast<uint64_t>(s) * static_cast<uint64_t>(settings.problems) + static_cast<uint64_t>(i));
      units_with_problems.insert(draw.Int(0, settings.agencies - 1));
    }
  }
  expected.problems = expected.review_problems + supervision_problems;
  expected.units_with_problems = static_cast<int64_t>(units_with_problems.size());

  std::size_t coverage_bytes = 0;
  std::size_t statistics_bytes = 0;
  start = Clock::now();
  bench::Checked(processes,
                 [&] { CheckAnswers(platform, settings, year, expected, coverage_bytes, statistics_bytes); });
  std::printf(
      "check:    the province's answers hold what was loaded (%.1f s): coverage %d/%d units reviewed, %d "
      "unreviewed listed (%zu bytes); statistics %lld problems over %lld units, 100 listed (%zu bytes)\n",
      since(start), expected.reviewed, settings.agencies, std::min(settings.agencies - expected.reviewed, 500),
      coverage_bytes, static_cast<long long>(expected.problems), static_cast<long long>(expected.units_with_problems),
      statistics_bytes);
  std::fflush(stdout);

  // ---- the calls: through the gateway as the province, and straight to the
  // service with the province's identity signed for each method
  const auto signer = platform.SignerOf("gateway");
  const common::CallerIdentity province{common::v1::ROLE_PROVINCE, "", "", "province"};
  const auto expires = std::chrono::system_clock::now() + std::chrono::hours(1);
  const auto coverage_identity = signer->Sign(province, expires, MethodPath("GetReviewCoverage"));
  const auto statistics_identity = signer->Sign(province, expires, MethodPath("GetProblemStatistics"));
  const auto coverage_request = CoverageRequest(year);
  const auto statistics_request = StatisticsRequest(year);

  auto through_gateway = [&](grpc::ClientContext& context) {
    AsPrincipal(context, platform, "province", kCallDeadline);
  };
  auto direct = [&](grpc::ClientContext& context, const common::IdentitySigner::Signed& identity) {
    context.AddMetadata(common::kIdentityHeader, identity.payload);
    context.AddMetadata(common::kIdentitySignatureHeader, identity.signature);
    context.set_deadline(std::chrono::system_clock::now() + kCallDeadline);
  };
  const Caller coverage_gateway = [&](SupervisionService::Stub& stub) {
    grpc::ClientContext context;
    through_gateway(context);
    supervision::v1::ReviewCoverage response;
    return stub.GetReviewCoverage(&context, coverage_request, &response);
  };
  const Caller coverage_direct = [&](SupervisionService::Stub& stub) {
    grpc::ClientContext context;
    direct(context, coverage_identity);
    supervision::v1::ReviewCoverage response;
    return stub.GetReviewCoverage(&context, coverage_request, &response);
  };
  const Caller statistics_gateway = [&](SupervisionService::Stub& stub) {
    grpc::ClientContext context;
    through_gateway(context);
    supervision::v1::ProblemStatistics response;
    return stub.GetProblemStatistics(&context, statistics_request, &response);
  };
  const Caller statistics_direct = [&](SupervisionService::Stub& stub) {
    grpc::ClientContext context;
    direct(context, statistics_identity);
    supervision::v1::ProblemStatistics response;
    return stub.GetProblemStatistics(&context, statistics_request, &response);
  };
  const int gateway_port = platform.gateway().ports.grpc;
  const int service_port = platform.service("supervision").ports.grpc;
  const auto to_gateway = [&](int i) { return ChannelTo(gateway_port, i); };
  const auto to_service = [&](int i) { return ChannelTo(service_port, i); };
  const auto shares = [&] {
    return std::vector<CpuShare>{bench::ClientShare(),
                                 {"gateway", {gateway_pid}},
                                 {"supervision", {supervision_pid}},
                                 {"registry", {registry_pid}},
                                 bench::PostgresShare(database)};
  };

  std::vector<RunReport> reports;
  bench::Checked(processes, [&] {
    reports.push_back(Measure("GetReviewCoverage, gateway", settings, to_gateway, coverage_gateway, shares));
    reports.push_back(Measure("GetReviewCoverage, direct", settings, to_service, coverage_direct, shares));
    reports.push_back(Measure("GetProblemStatistics, gateway", settings, to_gateway, statistics_gateway, shares));
    reports.push_back(Measure("GetProblemStatistics, direct", settings, to_service, statistics_direct, shares));
  });
  const std::string after_check =
      bench::FailureOf([&] { CheckAnswers(platform, settings, year, expected, coverage_bytes, statistics_bytes); });

  constexpr int kWidth = 30;
  std::printf("\nthe province (year %d), %d callers, through the gateway and straight to the service:\n", year,
              settings.callers);
  bench::PrintHeader(kWidth);
  for (const auto& r : reports) bench::PrintRow(r, kWidth);
  for (const auto& r : reports) bench::PrintErrors(r);
  for (const auto& r : reports) std::printf("cpu (%s): %s\n", r.target.c_str(), r.cpu.c_str());
  bench::PrintRssAfterRun("supervision", supervision_pid, gateway_pid);

  const RunReport& coverage = reports[0];
  const RunReport& statistics = reports[2];
  std::printf("\ngateway's share of the p50: GetReviewCoverage %+.2f ms, GetProblemStatistics %+.2f ms\n",
              coverage.p50_ms - reports[1].p50_ms, statistics.p50_ms - reports[3].p50_ms);
  std::printf("target: p99 through the gateway under %.0f ms for each call (%d enforcement units, %lld problems)\n",
              kTargetP99Ms, settings.agencies, static_cast<long long>(expected.problems));
  for (const RunReport* r : {&coverage, &statistics}) {
    const bool met = r->errors == 0 && r->p99_ms < kTargetP99Ms;
    const std::string errors = r->errors > 0 ? Sprintf(", %lld errors", static_cast<long long>(r->errors)) : "";
    std::printf("  %-30s p99 %.2f ms%s: %s\n", r->target.c_str(), r->p99_ms, errors.c_str(), bench::Met(met));
  }
  return bench::RunStatus(processes, after_check);
}

}  // namespace
}  // namespace gongkai

int main(int argc, char** argv) {
  gongkai::common::Config config(argc, argv);
  gongkai::Settings settings;
  settings.agencies = static_cast<int>(
      config.Int("GONGKAI_BENCH_AGENCIES", 2'000, 55, 20'000, "enforcement units registered (at least 5 per city)"));
  settings.supervisions =
      static_cast<int>(config.Int("GONGKAI_BENCH_SUPERVISIONS", 200, 1, 100'000, "special supervisions loaded"));
  settings.problems =
      static_cast<int>(config.Int("GONGKAI_BENCH_PROBLEMS", 1'000, 1, 1'000, "problems of each supervision"));
  settings.callers = static_cast<int>(config.Int("GONGKAI_BENCH_CALLERS", 4, 1, 64, "concurrent callers"));
  settings.calls =
      static_cast<int>(config.Int("GONGKAI_BENCH_CALLS", 400, 1, 1'000'000, "measured calls per target, all callers"));
  settings.inflight = static_cast<int>(
      config.Int("GONGKAI_BENCH_INFLIGHT", 2, 1, 32, "UpsertSupervisions calls in flight during the load"));
  config.Finish();
  return gongkai::bench::RunBench("supervision_read_bench", [&] { return gongkai::Run(settings); });
}
