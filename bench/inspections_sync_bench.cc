// Spot-check results (双随机、一公开 抽查结果) loaded through the gateway with
// UpsertResults, against a plain PostgreSQL COPY of the same rows into a table
// of the same shape and indexes, in the same run and the same database: the
// ratio of the two says what the gateway and the service (validation, the
// check of each result against its stored task, masking, the merge) cost on
// top of writing the rows at all. The inspections process's
// memory is sampled during the load, to show whether it stays flat in the
// number of results (a call never holds more than its batch).
//
// One city (140100) loads N results into T tasks set up first (N / T objects
// each), in batches of 1000, C calls in flight, each call on its own
// connection. The COPY baseline copies the very rows the service stored
// (read back from inspections.records in COPY's text form, not timed) into
// bench_copy (LIKE inspections.records INCLUDING ALL), 1000 rows per
// transaction with libpq's COPY FROM STDIN; only those transactions are timed.
//
// Needs the throwaway cluster of bench/run (GONGKAI_TEST_DATABASE_URL).
// Usage: inspections_sync_bench [--bench-results=100000] [--bench-tasks=10] [--bench-inflight=2]
// A missed target is reported, not failed: the exit status is non-zero only for
// a broken setup (a call refused, a record not accepted, a process that died).

#include <grpcpp/grpcpp.h>
#include <libpq-fe.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <mutex>
#include <pqxx/pqxx>
#include <string>
#include <thread>
#include <vector>

#include "bench/bench_support.h"
#include "common/calendar/iso_date.h"
#include "common/config.h"
#include "common/identifiers.h"
#include "gongkai/inspections/v1/inspections.grpc.pb.h"
#include "tests/e2e/platform.h"

namespace gongkai {
namespace {

using bench::BrokenSetup;
using bench::Clock;
using bench::Draw;
using bench::Sprintf;
using inspections::v1::CheckObject;
using inspections::v1::InspectionsService;
using inspections::v1::Result;

constexpr int kBatchSize = 1000;  // the service's default GONGKAI_MAX_BATCH
constexpr char kCity[] = "140100";
constexpr char kDistrict[] = "140105";  // the district of the objects' identifiers
constexpr double kTargetRatio = 0.6;
// The memory watched is the inspections process's; the readings count the
// results stored (their calls answered).
const bench::LoadSubject kSubject = {.process = "inspections",
                                     .table = "inspections.records",
                                     .kind = 3,
                                     .load = "load",
                                     .unit = "results",
                                     .records = "results",
                                     .counted = "stored"};
// The random-check items (随机抽查事项) and officers the tasks name.
const std::vector<std::string> kItems = {"QL-B01", "QL-B02"};
const std::vector<std::string> kOfficers = {"INSP0000001", "INSP0000002", "INSP0000003"};
// The check period: from 40 days before today to yesterday, so every result's
// checked_on lies in it and not after today, and its 20 WD have not run out.
constexpr int kCheckFromDaysAgo = 40;

struct Settings {
  int64_t results = 100'000;
  int tasks = 10;
  int inflight = 2;
};

// ---- the records ----------------------------------------------------------------

const std::vector<std::string> kSurnames = {"王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴",
                                            "徐", "孙", "胡", "朱", "高", "林", "何", "郭", "马", "罗"};
const std::vector<std::string> kGivenNames = {"伟", "芳", "娜", "秀英", "敏", "静",   "丽",   "强",   "磊",   "军",
                                              "洋", "勇", "艳", "杰",   "涛", "建国", "晓东", "海燕", "志强", "文博"};
const std::vector<std::string> kFirmWords = {"鑫源", "恒泰", "华晋", "汾河", "晋阳", "龙城", "泰昌", "永盛",
                                             "德润", "宏达", "金石", "瑞丰", "天一", "佳和", "广源", "博远"};
const std::vector<std::string> kFirmTrades = {"餐饮管理", "食品", "超市", "酒店", "商贸", "机械设备", "烘焙", "饮品"};
const std::vector<std::string> kFirmForms = {"有限公司", "有限责任公司", "商行", "经营部"};

std::string TaskId(int task) { return Sprintf("T-%03d", task); }

// Object k of the load (of task k / objects per task; every field follows
// from k, so the tasks and the results agree on it): 90% organisations,
// each with its own credit code (serial k), 10% natural persons (个体), each
// with its own citizen ID number (born 1955-01-01 plus k / 1000 days, serial
// k mod 1000).
CheckObject ObjectOf(int64_t k) {
  Draw draw(static_cast<uint64_t>(k) * 2 + 1);
  CheckObject o;
  if (draw.Percent(10)) {
    o.set_kind(CheckObject::NATURAL_PERSON);
    o.set_name(draw.Pick(kSurnames) + draw.Pick(kGivenNames));
    const std::string born =
        common::FormatIsoDate(std::chrono::sys_days{std::chrono::year{1955} / 1 / 1} + std::chrono::days{k / 1000});
    const std::string first17 = std::string(kDistrict) + born.substr(0, 4) + born.substr(5, 2) + born.substr(8, 2) +
                                Sprintf("%03lld", static_cast<long long>(k % 1000));
    o.set_id_number(first17 + common::CitizenIdCheckCharacter(first17));
  } else {
    o.set_kind(CheckObject::ORGANIZATION);
    o.set_name("太原市" + draw.Pick(kFirmWords) + draw.Pick(kFirmTrades) + draw.Pick(kFirmForms));
    const std::string first17 = std::string("91") + kDistrict + "MA" + Sprintf("%07lld", static_cast<long long>(k));
    o.set_credit_code(first17 + common::CreditCodeCheckCharacter(first17));
  }
  return o;
}

inspections::v1::Task MakeTask(int task, int64_t objects_per_task, std::chrono::sys_days today) {
  inspections::v1::Task t;
  t.set_agency_credit_code(bench::CityAgency(kCity));
  t.set_source_id(TaskId(task));
  t.set_source_version(1);
  t.set_name(Sprintf("食品经营者食品安全双随机抽查（第%d批）", task + 1));
  for (const auto& item : kItems) t.add_items(item);
  t.set_domain("market_regulation");
  t.set_pool_size(static_cast<int32_t>(objects_per_task * 5));
  for (int64_t i = 0; i < objects_per_task; ++i) *t.add_objects() = ObjectOf(task * objects_per_task + i);
  for (const auto& officer : kOfficers) t.add_officers(officer);
  t.set_check_from(common::FormatIsoDate(today - std::chrono::days{kCheckFromDaysAgo}));
  t.set_check_to(common::FormatIsoDate(today - std::chrono::days{1}));
  return t;
}

// Result k: of task k / objects per task, on that task's object k. 70% found
// nothing; the others spread over the national categories, a sixth of them
// with a problem, its rectification requirement and deadline (the problem
// text names a natural person, so masking has work to do).
Result MakeResult(int64_t k, int64_t objects_per_task, std::chrono::sys_days today) {
  Draw draw(static_cast<uint64_t>(k) * 2 + 2);
  Result r;
  r.set_agency_credit_code(bench::CityAgency(kCity));
  r.set_source_id(Sprintf("R-%07lld", static_cast<long long>(k)));
  r.set_source_version(1);
  r.set_task_source_id(TaskId(static_cast<int>(k / objects_per_task)));
  *r.mutable_object() = ObjectOf(k);
  r.add_items(kItems[0]);
  if (draw.Percent(30)) r.add_items(kItems[1]);
  const auto checked = today - std::chrono::days{draw.Int(1, kCheckFromDaysAgo)};
  r.set_checked_on(common::FormatIsoDate(checked));
  const int roll = draw.Int(0, 99);
  using inspections::v1::Outcome;
  const Outcome outcome = roll < 70   ? inspections::v1::NO_PROBLEM
                          : roll < 82 ? inspections::v1::CORRECTION_ORDERED
                          : roll < 85 ? inspections::v1::FOLLOW_UP_PENDING
                          : roll < 87 ? inspections::v1::CASE_OPENED
                          : roll < 92 ? inspections::v1::NO_RELEVANT_ACTIVITY
                          : roll < 96 ? inspections::v1::UNREACHABLE_AT_ADDRESS
                          : roll < 99 ? inspections::v1::CLOSED_OR_DEREGISTERED
                                      : inspections::v1::SERIOUS_NONCOOPERATION;
  r.set_outcome(outcome);
  if (outcome == inspections::v1::CORRECTION_ORDERED || outcome == inspections::v1::FOLLOW_UP_PENDING ||
      outcome == inspections::v1::CASE_OPENED) {
    const std::string who = r.object().name();
    r.set_problems(who + Sprintf("的经营场所后厨未落实食品安全自查制度，%d批次食品原料无进货查验记录，"
                                 "冷藏设施温度记录缺失%d天。",
                                 draw.Int(2, 30), draw.Int(3, 20)));
    r.set_rectification_requirement("责令" + who +
                                    "建立食品安全自查记录，补齐进货查验记录，完善冷藏设施温度监控，"
                                    "整改完成后书面报告检查机关。");
    r.set_rectification_deadline(common::FormatIsoDate(checked + std::chrono::days{draw.Int(7, 30)}));
  }
  return r;
}

// ---- setup through the gateway ------------------------------------------------------

// The city's agency, its officers (valid 2025–2030) and its random-check
// items, then the tasks, one per call (a task of 10,000 objects is ~1 MB).
void SetUp(const testing::Platform& platform, int tasks, int64_t objects_per_task, std::chrono::sys_days today) {
  auto registry = registry::v1::RegistryService::NewStub(platform.Gateway());
  bench::RegisterAgencies(
      platform, *registry, kCity,
      {bench::BenchAgency(bench::CityAgency(kCity), kCity, "基准测试市场监督管理局", {"market_regulation"})});
  std::vector<registry::v1::Officer> officers;
  for (const auto& number : kOfficers) {
    officers.push_back(
        bench::BenchOfficer(number, bench::CityAgency(kCity), "检查人员" + number.substr(number.size() - 1)));
  }
  bench::RegisterOfficers(platform, *registry, kCity, officers, "UpsertOfficers");
  {
    registry::v1::UpsertPowersRequest request;
    for (const auto& id : kItems) {
      auto* item = request.add_items();
      item->set_agency_credit_code(bench::CityAgency(kCity));
      item->set_source_id(id);
      item->set_source_version(1);
      item->set_name(id == kItems[0] ? "对食品经营者执行食品安全法律法规情况的监督检查"
                                     : "对特种设备使用单位的监督检查");
      item->set_category(registry::v1::INSPECTION);
      item->set_random_check(true);
      auto* basis = item->add_legal_basis();
      basis->set_law(id == kItems[0] ? "中华人民共和国食品安全法" : "中华人民共和国特种设备安全法");
      basis->set_article(id == kItems[0] ? 110 : 61);
      basis->set_paragraph(1);
      basis->set_item(1);
      item->set_responsibilities("检查计划制定责任、随机抽取责任、检查实施责任、结果公示责任");
      item->set_accountability("不履行或不正确履行上述职责的，依法依规追究相应责任");
      item->set_changed_on(common::FormatIsoDate(today - std::chrono::days{60}));
    }
    grpc::ClientContext context;
    bench::AuthorizeAsCity(context, platform, kCity);
    registry::v1::UpsertPowersResponse response;
    bench::CheckStatus(registry->UpsertPowers(&context, request, &response), "UpsertPowers");
    bench::CheckAccepted(response.results(), request.items_size(), "UpsertPowers");
  }
  auto stub = InspectionsService::NewStub(platform.Gateway());
  for (int task = 0; task < tasks; ++task) {
    inspections::v1::UpsertTasksRequest request;
    *request.add_tasks() = MakeTask(task, objects_per_task, today);
    grpc::ClientContext context;
    bench::AuthorizeAsCity(context, platform, kCity);
    inspections::v1::UpsertResponse response;
    bench::CheckStatus(stub->UpsertTasks(&context, request, &response), "UpsertTasks " + TaskId(task));
    bench::CheckAccepted(response.results(), 1, "UpsertTasks " + TaskId(task));
  }
}

// ---- the load -------------------------------------------------------------------------

struct LoadOutcome {
  int64_t calls = 0;
  std::string failure;  // the first call that failed or was not all ACCEPTED
};

// C workers, each on its own connection, take the next batch of 1000 until
// all are sent; a failure stops them all.
LoadOutcome Load(const testing::Platform& platform, const Settings& settings, int64_t objects_per_task,
                 std::chrono::sys_days today, bench::RssWatch& memory) {
  const int64_t batches = (settings.results + kBatchSize - 1) / kBatchSize;
  std::atomic<int64_t> next{0};
  std::atomic<int64_t> calls{0};
  std::mutex failure_mutex;
  std::string failure;
  std::atomic<bool> failed{false};
  std::vector<std::thread> workers;
  for (int w = 0; w < settings.inflight; ++w) {
    workers.emplace_back([&, w] {
      auto stub = InspectionsService::NewStub(bench::OwnChannel(platform, w));
      for (int64_t b = next++; b < batches && !failed; b = next++) {
        inspections::v1::UpsertResultsRequest request;
        const int64_t last = std::min(settings.results, (b + 1) * kBatchSize);
        for (int64_t k = b * kBatchSize; k < last; ++k) {
          *request.add_results() = MakeResult(k, objects_per_task, today);
        }
        grpc::ClientContext context;
        bench::AuthorizeAsCity(context, platform, kCity);
        inspections::v1::UpsertResponse response;
        const grpc::Status status = stub->UpsertResults(&context, request, &response);
        ++calls;
        const std::string what = Sprintf("UpsertResults batch %lld", static_cast<long long>(b));
        std::string why = bench::FailureOf([&] {
          bench::CheckStatus(status, what);
          bench::CheckAccepted(response.results(), request.results_size(), what);
        });
        if (!why.empty()) {
          std::lock_guard lock(failure_mutex);
          if (failure.empty()) failure = why;
          failed = true;
          return;
        }
        memory.Add(request.results_size());
      }
    });
  }
  for (auto& w : workers) w.join();
  return {calls, failure};
}

// ---- the COPY baseline ----------------------------------------------------------------

struct PgConnCloser {
  void operator()(PGconn* c) const { PQfinish(c); }
};
struct PgResultClearer {
  void operator()(PGresult* r) const { PQclear(r); }
};
using PgConn = std::unique_ptr<PGconn, PgConnCloser>;
using PgResult = std::unique_ptr<PGresult, PgResultClearer>;

PgConn Connect(const std::string& url) {
  PgConn conn(PQconnectdb(url.c_str()));
  if (PQstatus(conn.get()) != CONNECTION_OK) throw BrokenSetup(std::string("libpq: ") + PQerrorMessage(conn.get()));
  return conn;
}

void Exec(PGconn* conn, const char* sql, ExecStatusType expected) {
  PgResult r(PQexec(conn, sql));
  if (PQresultStatus(r.get()) != expected) {
    throw BrokenSetup(std::string(sql) + ": " + PQresultErrorMessage(r.get()));
  }
}

// The result rows the service stored, each a line of COPY's text form, in
// the order they were stored.
std::vector<std::string> StoredRows(PGconn* conn) {
  Exec(conn, "COPY (SELECT * FROM inspections.records WHERE kind = 3 ORDER BY change_seq) TO STDOUT", PGRES_COPY_OUT);
  std::vector<std::string> rows;
  char* line = nullptr;
  int n = 0;
  while ((n = PQgetCopyData(conn, &line, 0)) > 0) {
    rows.emplace_back(line, static_cast<std::size_t>(n));
    PQfreemem(line);
  }
  if (n == -2) throw BrokenSetup(std::string("COPY TO STDOUT: ") + PQerrorMessage(conn));
  PgResult end(PQgetResult(conn));
  if (PQresultStatus(end.get()) != PGRES_COMMAND_OK) {
    throw BrokenSetup(std::string("COPY TO STDOUT: ") + PQresultErrorMessage(end.get()));
  }
  return rows;
}

// The stored rows into bench_copy, 1000 per transaction of one COPY FROM
// STDIN; only the transactions are timed.
bench::CopyResult CopyBaseline(const std::string& url, const std::string& database) {
  bench::CreateCopyTable(url, kSubject);
  PgConn conn = Connect(url);
  const std::vector<std::string> rows = StoredRows(conn.get());
  const std::string copy_in = std::string("COPY ") + bench::kCopyTable + " FROM STDIN";
  bench::CopyClock clock(database);
  for (std::size_t first = 0; first < rows.size(); first += kBatchSize) {
    const std::size_t last = std::min(rows.size(), first + kBatchSize);
    clock.Transaction(static_cast<int64_t>(last - first), [&] {
      Exec(conn.get(), "BEGIN", PGRES_COMMAND_OK);
      Exec(conn.get(), copy_in.c_str(), PGRES_COPY_IN);
      for (std::size_t i = first; i < last; ++i) {
        if (PQputCopyData(conn.get(), rows[i].data(), static_cast<int>(rows[i].size())) != 1) {
          throw BrokenSetup(std::string("COPY FROM STDIN: ") + PQerrorMessage(conn.get()));
        }
      }
      if (PQputCopyEnd(conn.get(), nullptr) != 1) {
        throw BrokenSetup(std::string("COPY FROM STDIN: ") + PQerrorMessage(conn.get()));
      }
      PgResult end(PQgetResult(conn.get()));
      if (PQresultStatus(end.get()) != PGRES_COMMAND_OK) {
        throw BrokenSetup(std::string("COPY FROM STDIN: ") + PQresultErrorMessage(end.get()));
      }
      Exec(conn.get(), "COMMIT", PGRES_COMMAND_OK);
    });
  }
  return clock.Result(/*building=*/false);
}

// A table's line: its results, their average stored sizes, and its size on
// disk with indexes, then `which` says what else the table is.
std::string TableLine(pqxx::connection& conn, const std::string& table, const std::string& which) {
  const bench::TableFigures f = bench::FiguresOf(conn, table, kSubject.kind);
  return Sprintf("%-20s %7lld results, record %lld B, public_record %lld B avg; %s with indexes%s", table.c_str(),
                 static_cast<long long>(f.rows), static_cast<long long>(f.record_bytes),
                 static_cast<long long>(f.public_record_bytes), f.size.c_str(), which.c_str());
}

// ---- the run ----------------------------------------------------------------------------

int Run(const Settings& settings) {
  const int64_t objects_per_task = (settings.results + settings.tasks - 1) / settings.tasks;
  std::printf(
      "inspections_sync_bench: %u cores, %lld results into %d tasks of %lld objects (city %s), batches of %d, "
      "%d calls in flight\n",
      std::thread::hardware_concurrency(), static_cast<long long>(settings.results), settings.tasks,
      static_cast<long long>(objects_per_task), kCity, kBatchSize, settings.inflight);
  std::fflush(stdout);

  testing::Platform platform;
  const auto processes = bench::PlatformProcesses(platform);
  const pid_t inspections_pid = platform.service("inspections").process->pid();
  const pid_t gateway_pid = platform.gateway().process->pid();
  const std::string database = bench::DatabaseOf(platform.database_url());
  const auto today = platform.Today();

  const auto setup_start = Clock::now();
  bench::Checked(processes, [&] { SetUp(platform, settings.tasks, objects_per_task, today); });
  std::printf(
      "setup:    1 agency, %zu officers, %zu random-check items, %d tasks of %lld objects through the gateway: %.1f s; "
      "inspections RSS %s before the load\n",
      kOfficers.size(), kItems.size(), settings.tasks, static_cast<long long>(objects_per_task),
      std::chrono::duration<double>(Clock::now() - setup_start).count(),
      bench::Mib(bench::StatusKb(inspections_pid, "VmRSS")).c_str());
  std::fflush(stdout);

  // ---- the load through the gateway
  bench::RssWatch memory(inspections_pid, gateway_pid, settings.results);
  const bench::CpuMeter load_cpu(bench::LoadShares(platform, kSubject.process));
  const auto load_start = Clock::now();
  const LoadOutcome load = Load(platform, settings, objects_per_task, today, memory);
  const double load_seconds = std::chrono::duration<double>(Clock::now() - load_start).count();
  const std::string load_cpu_used = load_cpu.Report();
  const bench::RssWatch::Reading after_load = memory.Finish();
  if (!load.failure.empty()) throw BrokenSetup(load.failure + "\n" + bench::DeadProcesses(processes));

  const double load_rate = static_cast<double>(settings.results) / load_seconds;
  std::printf(
      "\nload:     %lld results through the gateway (UpsertResults, %lld calls of %d, %d in flight): %.1f s, "
      "%.0f results/s\n",
      static_cast<long long>(settings.results), static_cast<long long>(load.calls), kBatchSize, settings.inflight,
      load_seconds, load_rate);
  std::printf("          cpu: %s\n", load_cpu_used.c_str());
  std::fflush(stdout);
  bench::CheckStored(platform.database_url(), kSubject, settings.results);

  bench::PrintMemory(kSubject, memory, after_load);
  std::fflush(stdout);

  // ---- the COPY baseline: the same rows, same database
  const bench::CopyResult copy = CopyBaseline(platform.database_url(), database);
  bench::PrintCopy(kSubject, copy, "libpq COPY FROM STDIN", kBatchSize);
  {
    pqxx::connection conn(platform.database_url());
    std::printf("\ntables:   %s\n",
                TableLine(conn, kSubject.table, Sprintf(" (the table, with the %d tasks)", settings.tasks)).c_str());
    std::printf("          %s\n", TableLine(conn, bench::kCopyTable, "").c_str());
  }

  bench::PrintVerdict(kSubject, settings.results, load_rate, copy.rate(), kTargetRatio, memory);
  return bench::RunStatus(processes);
}

}  // namespace
}  // namespace gongkai

int main(int argc, char** argv) {
  gongkai::common::Config config(argc, argv);
  gongkai::Settings settings;
  settings.results =
      config.Int("GONGKAI_BENCH_RESULTS", 100'000, 1'000, 10'000'000, "spot-check results loaded and copied");
  settings.tasks = static_cast<int>(config.Int("GONGKAI_BENCH_TASKS", 10, 1, 1'000,
                                               "tasks the results are spread over (at most 10,000 objects each)"));
  settings.inflight =
      static_cast<int>(config.Int("GONGKAI_BENCH_INFLIGHT", 2, 1, 32, "UpsertResults calls in flight at once"));
  config.Finish();
  if ((settings.results + settings.tasks - 1) / settings.tasks > 10'000) {
    std::fprintf(stderr, "inspections_sync_bench: a task holds at most 10,000 objects: raise --bench-tasks\n");
    return 2;
  }
  return gongkai::bench::RunBench("inspections_sync_bench", [&] { return gongkai::Run(settings); });
}
