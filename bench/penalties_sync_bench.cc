// A year of penalty decisions (行政处罚决定) synced through the gateway with
// SyncDecisions, against a plain PostgreSQL COPY of the same rows into a table
// of the same shape and indexes, in the same run and the same database: the
// ratio of the two says what the gateway, the service (validation, masking,
// the merge, the change feed) cost on top of writing the rows at all. The
// penalties process's memory is sampled during the sync, to show whether it
// stays flat in the number of records (a stream never holds more than its batch).
//
// Needs the throwaway cluster of bench/run (GONGKAI_TEST_DATABASE_URL).
// Then, with the decisions stored, the public lists (ListPublished by agency
// and by party name, driven by h2load through the gateway) alone and while a
// city syncs, and that city's sync with and without the reads.
//
// Usage: penalties_sync_bench [--bench-decisions=1000000] [--bench-streams=2]
// A missed target is reported, not failed: the exit status is non-zero only for
// a broken setup (a stream refused, a record not accepted, a process that died).

#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <memory>
#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <thread>
#include <tuple>
#include <utility>
#include <vector>

#include "bench/bench_support.h"
#include "bench/h2load.h"
#include "common/calendar/iso_date.h"
#include "common/config.h"
#include "common/identifiers.h"
#include "common/metrics.h"
#include "gongkai/penalties/v1/penalties.grpc.pb.h"
#include "services/penalties/penalties_mapping.h"
#include "services/penalties/penalty.h"
#include "services/penalties/penalty_public.h"
#include "services/penalties/penalty_rows.h"
#include "tests/e2e/platform.h"

namespace gongkai {
namespace {

using bench::BrokenSetup;
using bench::Clock;
using bench::Draw;
using bench::Sprintf;
using penalties::v1::PenaltiesService;
using penalties::v1::PenaltyDecision;

constexpr int kBatchSize = 1000;  // the penalties service's default GONGKAI_MAX_BATCH
// The gateway caps a caller's deadline at 5 minutes: each city's stream must end within it.
constexpr auto kStreamDeadline = std::chrono::seconds(295);
constexpr double kTargetRatio = 0.8;
// The memory watched is the penalties process's; the readings count the
// decisions sent (a Write the stream took), beside those stored by then.
const bench::LoadSubject kSubject = {.process = "penalties",
                                     .table = "penalties.records",
                                     .kind = 1,
                                     .load = "sync",
                                     .unit = "decisions",
                                     .records = "records",
                                     .counted = "sent"};

struct Settings {
  int64_t decisions = 1'000'000;
  int streams = 2;
};

// ---- the decisions ------------------------------------------------------------

// What a decision of a city says about where it was taken.
struct CityFacts {
  std::string code;
  std::string name;           // 太原市
  std::string short_name;     // 并: the prefix of its document numbers
  std::string district;       // the district of its basic-level court
  std::string district_code;  // that district's area code, for the parties' ID numbers
};

const std::vector<CityFacts>& Cities() {
  static const std::vector<CityFacts> kFacts = {
      {"140100", "太原市", "并", "小店区", "140105"},   {"140200", "大同市", "同", "平城区", "140213"},
      {"140300", "阳泉市", "阳", "城区", "140302"},     {"140400", "长治市", "长", "潞州区", "140403"},
      {"140500", "晋城市", "晋城", "城区", "140502"},   {"140600", "朔州市", "朔", "朔城区", "140602"},
      {"140700", "晋中市", "晋中", "榆次区", "140702"}, {"140800", "运城市", "运", "盐湖区", "140802"},
      {"140900", "忻州市", "忻", "忻府区", "140902"},   {"141000", "临汾市", "临", "尧都区", "141002"},
      {"141100", "吕梁市", "吕", "离石区", "141102"}};
  return kFacts;
}

// A provision cited, as in common::LegalProvision.
struct Provision {
  int article, paragraph, item;
};

// A domain's document-number mark, its law (violated, applied), how often it
// comes (in 100) and the facts its decisions describe: %s is the party as the
// facts name it, then year, month and three amounts.
struct DomainFacts {
  std::string code;
  std::string mark;
  std::string law;
  Provision violated, applied;
  int weight;
  std::vector<std::string> facts;
};

// clang-format off
const std::vector<DomainFacts>& Domains() {
  static const std::vector<DomainFacts> kFacts = {
      {"market_regulation", "市监罚", "中华人民共和国食品安全法", {34, 1, 10}, {124, 1, 5}, 55,
       {"当事人%s于%d年%d月在其经营场所销售超过保质期的预包装食品%d件，货值金额%d元，违法所得%d元。上述事实有现场检查笔录、询问笔录、进货凭证等证据证实。",
        "当事人%s于%d年%d月经营超过保质期的食品原料，涉及产品%d批次，货值金额%d元，违法所得%d元，当事人对违法事实无异议。"}},
      {"ecology_environment", "环罚", "中华人民共和国大气污染防治法", {45, 1, 0}, {108, 1, 1}, 15,
       {"当事人%s于%d年%d月在生产过程中未在密闭空间或者设备中进行含挥发性有机物废气的生产活动，现场检查发现%d处无组织排放点，涉及产值%d元，整改费用约%d元。"}},
      {"transport", "交罚", "中华人民共和国道路运输条例", {10, 1, 0}, {63, 1, 0}, 12,
       {"当事人%s于%d年%d月未取得道路运输经营许可擅自从事道路旅客运输经营，共运营%d趟次，收取运费%d元，违法所得%d元，有行车记录及乘客证言为证。"}},
      {"urban_management", "城管罚", "城市市容和环境卫生管理条例", {14, 1, 0}, {34, 1, 1}, 10,
       {"当事人%s于%d年%d月在城市道路两侧擅自设置户外广告设施%d处，占用公共空间，影响市容，设施造价%d元，获取收益%d元。"}},
      {"agriculture", "农罚", "农药管理条例", {27, 1, 0}, {55, 1, 1}, 8,
       {"当事人%s于%d年%d月经营未取得登记证的农药产品%d箱，货值金额%d元，违法所得%d元，经抽样检验有效成分含量不合格。"}}};
  return kFacts;
}
// clang-format on

const std::vector<std::string> kSurnames = {"王", "李", "张", "刘", "陈", "杨", "赵",   "黄",   "周",   "吴",
                                            "徐", "孙", "胡", "朱", "高", "林", "何",   "郭",   "马",   "罗",
                                            "梁", "宋", "郑", "谢", "韩", "唐", "冯",   "于",   "董",   "萧",
                                            "程", "曹", "袁", "邓", "许", "傅", "欧阳", "司马", "上官", "诸葛"};
const std::vector<std::string> kGivenNames = {
    "伟", "芳", "娜", "秀英", "敏", "静", "丽", "强",   "磊",   "军",   "洋",   "勇",   "艳",   "杰",   "娟",
    "涛", "明", "超", "秀兰", "霞", "平", "刚", "桂英", "建国", "晓东", "海燕", "志强", "文博", "子涵", "一鸣"};
const std::vector<std::string> kFirmWords = {"鑫源", "恒泰", "华晋", "汾河", "晋阳", "龙城", "泰昌", "永盛",
                                             "德润", "宏达", "金石", "瑞丰", "天一", "佳和", "广源", "博远"};
const std::vector<std::string> kFirmTrades = {"商贸", "食品", "建材", "物流", "农资", "餐饮", "环保科技", "运输"};
const std::vector<std::string> kFirmForms = {"有限公司", "有限责任公司", "股份有限公司", "商行"};
const std::vector<std::string> kRoads = {"平阳路", "长风街", "迎泽大街", "府西街",   "南内环街",
                                         "建设路", "和平路", "解放路",   "滨河东路", "学府街"};

std::string CitizenId(Draw& draw, const std::string& district, int birth_year) {
  const std::string first17 =
      district + Sprintf("%04d%02d%02d%03d", birth_year, draw.Int(1, 12), draw.Int(1, 28), draw.Int(1, 999));
  return first17 + common::CitizenIdCheckCharacter(first17);
}

// "91" enterprises, "92" sole traders (个体工商户).
std::string PartyCreditCode(Draw& draw, const std::string& kind, const std::string& district) {
  const std::string first17 = kind + district + "MA" + Sprintf("%07d", draw.Int(0, 9'999'999));
  return first17 + common::CreditCodeCheckCharacter(first17);
}

// The decision dates: every day from 2026-01-01 to the end of November, or to
// `today` if earlier (a decision may not be dated after today).
struct DateRange {
  std::chrono::sys_days first;
  int days;
};

DateRange DecisionDates(std::chrono::sys_days today) {
  using namespace std::chrono;
  const sys_days first = sys_days{year{2026} / January / 1};
  const sys_days last = std::min(sys_days{year{2026} / November / 30}, today);
  if (last < first) throw BrokenSetup("today is before 2026: the bench's decision dates would be in the future");
  return {first, static_cast<int>((last - first).count()) + 1};
}

// Decision `k` of the run (every field follows from k, so the sync and the
// COPY build the same records in any order): city k mod 11, its serial k div 11 there. A mix of
// natural persons (some minors, some sole traders) and organisations, five
// domains, fines with the odd confiscation, suspension or major penalty.
PenaltyDecision MakeDecision(int64_t k, const DateRange& dates) {
  const auto& cities = Cities();
  const CityFacts& city = cities[static_cast<std::size_t>(k % static_cast<int64_t>(cities.size()))];
  const int64_t serial = k / static_cast<int64_t>(cities.size());
  Draw draw(static_cast<uint64_t>(k));

  const DomainFacts* domain = &Domains().front();
  for (int roll = draw.Int(0, 99), sum = 0; const auto& d : Domains()) {
    sum += d.weight;
    domain = &d;
    if (roll < sum) break;
  }
  const std::chrono::sys_days decided = dates.first + std::chrono::days{draw.Int(0, dates.days - 1)};
  const std::chrono::year_month_day ymd{decided};
  const int year = static_cast<int>(ymd.year());

  PenaltyDecision d;
  d.set_agency_credit_code(bench::CityAgency(city.code));
  d.set_source_id(Sprintf("CF-%s-%07lld", city.code.c_str(), static_cast<long long>(serial)));
  d.set_source_version(1);
  d.set_decision_number(city.short_name + domain->mark +
                        Sprintf("〔%d〕%lld号", year, static_cast<long long>(serial + 1)));
  d.set_domain(domain->code);

  auto* party = d.mutable_party();
  std::string named_in_facts;
  if (draw.Percent(55)) {
    party->set_kind(penalties::v1::Party::NATURAL_PERSON);
    party->set_name(draw.Pick(kSurnames) + draw.Pick(kGivenNames));
    const bool minor = draw.Percent(0.3);
    party->set_id_number(CitizenId(draw, city.district_code, minor ? year - draw.Int(15, 17) : draw.Int(1955, 2004)));
    party->set_minor(minor);
    if (draw.Percent(10)) party->set_credit_code(PartyCreditCode(draw, "92", city.district_code));
    party->set_phone(Sprintf("13%09d", draw.Int(0, 999'999'999)));
    // A person's name stays out of the facts, so the masked copy the COPY
    // writes is the one the service publishes (it also masks names in the text).
  } else {
    party->set_kind(penalties::v1::Party::ORGANIZATION);
    party->set_name(city.name + draw.Pick(kFirmWords) + draw.Pick(kFirmTrades) + draw.Pick(kFirmForms));
    party->set_credit_code(PartyCreditCode(draw, "91", city.district_code));
    party->set_phone(Sprintf("0351-%07d", draw.Int(0, 9'999'999)));
    named_in_facts = party->name();
  }
  party->set_address(city.name + city.district + draw.Pick(kRoads) + Sprintf("%d号", draw.Int(1, 399)));

  const int64_t goods_yuan = draw.Int(200, 80'000);
  const int64_t gains_yuan = goods_yuan / draw.Int(3, 10);
  const int month = std::max(1, static_cast<int>(static_cast<unsigned>(ymd.month())) - draw.Int(0, 2));
  d.set_facts(Sprintf(draw.Pick(domain->facts).c_str(), named_in_facts.c_str(), year, month, draw.Int(2, 120),
                      static_cast<int>(goods_yuan), static_cast<int>(gains_yuan)));
  auto* violated = d.add_violated();
  violated->set_law(domain->law);
  violated->set_article(domain->violated.article);
  violated->set_paragraph(domain->violated.paragraph);
  violated->set_item(domain->violated.item);
  auto* applied = d.add_applied();
  applied->set_law(domain->law);
  applied->set_article(domain->applied.article);
  applied->set_paragraph(domain->applied.paragraph);
  applied->set_item(domain->applied.item);

  auto* result = d.mutable_result();
  result->set_warning(draw.Percent(30));
  // Fines in yuan: mostly 500 to 20 000, some up to 500 000 (100 yuan = 10 000 fen).
  result->set_fine_fen(static_cast<int64_t>(draw.Percent(75) ? draw.Int(5, 200) : draw.Int(200, 5'000)) * 10'000);
  if (draw.Percent(40)) result->set_confiscation_fen(gains_yuan * 100);
  if (draw.Percent(1)) result->set_suspension_days(draw.Int(15, 60));
  if (draw.Percent(0.5)) {
    // 重大行政处罚: over 500 000 yuan, with its legal-application explanation.
    result->set_fine_fen(static_cast<int64_t>(draw.Int(51, 200)) * 1'000'000);
    d.set_legal_application_explanation(
        "违法行为持续时间长、涉案货值大，社会危害严重，依据本机关行政处罚裁量基准“从重”阶次作出处罚，"
        "并经法制审核和集体讨论决定。");
    d.set_benchmark_tier(4);
  }
  auto* remedy = d.mutable_remedy();
  remedy->set_review_body(city.name + "人民政府");
  remedy->set_review_days(60);
  remedy->set_litigation_court(city.name + city.district + "人民法院");
  remedy->set_litigation_months(6);
  d.set_decision_date(common::FormatIsoDate(decided));
  const int tier = draw.Int(0, 99);
  d.set_severity(tier < 80 ? penalties::v1::GENERAL : tier < 92 ? penalties::v1::SERIOUS : penalties::v1::MINOR);
  return d;
}

// The decisions of city `c` (0-based): k = c, c + 11, … below n.
int64_t DecisionsOfCity(int64_t n, std::size_t c) {
  const auto cities = static_cast<int64_t>(Cities().size());
  return n > static_cast<int64_t>(c) ? (n - static_cast<int64_t>(c) + cities - 1) / cities : 0;
}

// ---- the sync ------------------------------------------------------------------

// What one city's stream ended with.
struct CityStream {
  std::string city;
  int64_t count = 0;
  grpc::Status status;
  bool broken = false;  // a Write the stream did not take
  penalties::v1::SyncSummary summary;
  double started = 0;  // seconds into the sync
  double seconds = 0;
};

// One city's decisions as its stream sends them, in batches of kBatchSize.
struct CityDecisions {
  std::size_t city = 0;  // index in Cities()
  std::vector<penalties::v1::UpsertDecisionsRequest> batches;

  int64_t count() const {
    int64_t n = 0;
    for (const auto& batch : batches) n += batch.decisions_size();
    return n;
  }
};

// City `c`'s decisions of serials [first, first + count) (decision k = serial ×
// 11 + c). They are built before any stream is timed, as the COPY's rows are
// built before its transactions are timed: the streams' time is that of
// sending them (serialising each message, as the COPY formats its rows).
CityDecisions DecisionsFor(std::size_t c, int64_t first_serial, int64_t count, const DateRange& dates) {
  CityDecisions out{c, {}};
  const auto cities = static_cast<int64_t>(Cities().size());
  for (int64_t first = 0; first < count; first += kBatchSize) {
    auto& batch = out.batches.emplace_back();
    for (int64_t serial = first; serial < std::min(count, first + kBatchSize); ++serial) {
      *batch.add_decisions() = MakeDecision((first_serial + serial) * cities + static_cast<int64_t>(c), dates);
    }
  }
  return out;
}

// City `decisions.city`'s decisions in one stream; `memory`, when given, is
// told of each batch sent.
CityStream SyncCity(const testing::Platform& platform, const std::shared_ptr<grpc::Channel>& channel,
                    const CityDecisions& decisions, bench::RssWatch* memory) {
  CityStream out;
  out.city = Cities()[decisions.city].code;
  out.count = decisions.count();
  const auto start = Clock::now();
  auto stub = PenaltiesService::NewStub(channel);
  grpc::ClientContext context;
  context.AddMetadata("authorization", platform.Authorization("city-" + out.city));
  context.set_deadline(std::chrono::system_clock::now() + kStreamDeadline);
  auto writer = stub->SyncDecisions(&context, &out.summary);
  for (const auto& batch : decisions.batches) {
    if (!writer->Write(batch)) {
      out.broken = true;
      break;
    }
    if (memory != nullptr) memory->Add(batch.decisions_size());
  }
  if (!out.broken) writer->WritesDone();
  out.status = writer->Finish();
  out.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return out;
}

std::string Describe(const CityStream& s) {
  std::string out = "city " + s.city + " stream: ";
  if (!s.status.ok()) {
    out += common::CodeName(s.status.error_code()) + " \"" + s.status.error_message() + "\"";
  } else {
    out += "OK";
  }
  out += Sprintf(" after %.1f s; summary received %lld, accepted %lld, unchanged %lld, rejected %lld of %lld sent",
                 s.seconds, static_cast<long long>(s.summary.received()), static_cast<long long>(s.summary.accepted()),
                 static_cast<long long>(s.summary.unchanged()), static_cast<long long>(s.summary.rejected()),
                 static_cast<long long>(s.count));
  if (s.broken) out += " (the stream stopped taking batches)";
  if (s.summary.results_size() > 0) {
    const auto& r = s.summary.results(0);
    out += "; first rejected: " + r.key();
    for (const auto& v : r.violations()) out += "; " + v.field() + ": " + v.description();
  }
  return out;
}

bool AllAccepted(const CityStream& s) {
  return s.status.ok() && !s.broken && s.summary.received() == s.count && s.summary.accepted() == s.count;
}

// ---- the COPY baseline ---------------------------------------------------------

// The columns the service's merge writes (kMerge in penalty_store.cc), in the
// text form COPY takes, so the COPY fills the same indexes.
using CopyRow = std::tuple<int, std::string, std::string, std::string, std::string, int64_t, std::string,
                           std::optional<std::string>, std::string, std::optional<std::string>, std::string,
                           std::optional<std::string>, std::optional<std::string>, int>;

const std::vector<std::string> kCopyColumns = {"kind",
                                               "agency_credit_code",
                                               "source_id",
                                               "city_code",
                                               "domain",
                                               "source_version",
                                               "record",
                                               "public_record",
                                               "public_party_name",
                                               "public_party_credit_code",
                                               "clock_start",
                                               "published_on",
                                               "public_until",
                                               "masking_version"};

// The row the service stores for a decision (penalties::RowOf: the record as
// sent, and its public form unless it may not be published), in COPY's text form.
CopyRow CopyRowOf(const PenaltyDecision& proto, const std::string& city, const std::string& today) {
  const penalties::RecordToStore r = penalties::RowOf(penalties::DecisionFromProto(proto));
  std::optional<std::string> public_record, published_on;  // the first public day only for a public record
  if (!r.public_record.empty()) {
    public_record = bench::CopyBytea(r.public_record);
    published_on = today;
  }
  std::optional<std::string> public_until;
  if (r.public_until) public_until = common::FormatIsoDate(*r.public_until);
  std::optional<std::string> party_credit_code;  // '' is stored as NULL, as the merge does
  if (!r.public_party_credit_code.empty()) party_credit_code = r.public_party_credit_code;
  return {static_cast<int>(r.kind),
          r.agency_credit_code,
          r.source_id,
          city,
          r.domain,
          r.source_version,
          bench::CopyBytea(r.record),
          public_record,
          r.public_party_name,
          party_credit_code,
          common::FormatIsoDate(r.clock_start),
          published_on,
          public_until,
          penalties::kMaskingVersion};
}

// The same rows, city by city in batches of 1000 as the streams sent them,
// each batch one transaction of one COPY, published as of `today`; only the
// transactions are timed.
bench::CopyResult CopyBaseline(const std::string& url, int64_t n, const DateRange& dates, const std::string& database,
                               std::chrono::sys_days today) {
  bench::CreateCopyTable(url, kSubject);
  pqxx::connection conn(url);
  bench::CopyClock clock(database);
  const std::string published_on = common::FormatIsoDate(today);
  const auto cities = static_cast<int64_t>(Cities().size());
  std::vector<CopyRow> rows;
  rows.reserve(kBatchSize);
  for (std::size_t c = 0; c < Cities().size(); ++c) {
    const int64_t count = DecisionsOfCity(n, c);
    for (int64_t first = 0; first < count; first += kBatchSize) {
      rows.clear();
      for (int64_t serial = first; serial < std::min(count, first + kBatchSize); ++serial) {
        rows.push_back(
            CopyRowOf(MakeDecision(serial * cities + static_cast<int64_t>(c), dates), Cities()[c].code, published_on));
      }
      clock.Transaction(static_cast<int64_t>(rows.size()), [&] {
        pqxx::work tx(conn);
        pqxx::stream_to copy(tx, bench::kCopyTable, kCopyColumns);
        for (const auto& row : rows) copy << row;
        copy.complete();
        tx.commit();
      });
    }
  }
  return clock.Result(/*building=*/true);
}

// A table's line: its decisions, their average stored sizes, how many are
// published, and its size on disk with indexes.
std::string TableLine(pqxx::connection& conn, const std::string& table) {
  const bench::TableFigures f = bench::FiguresOf(conn, table, kSubject.kind);
  return Sprintf("%-17s %8lld rows, record %lld B, public_record %lld B avg (%lld published), %s with indexes",
                 table.c_str(), static_cast<long long>(f.rows), static_cast<long long>(f.record_bytes),
                 static_cast<long long>(f.public_record_bytes), static_cast<long long>(f.published), f.size.c_str());
}

// ---- public reads while a city syncs ------------------------------------------------

constexpr char kListPublished[] = "/gongkai.penalties.v1.PenaltiesService/ListPublished";
constexpr int64_t kExtraDecisions = 100'000;  // each sync of this phase, one city, one stream
constexpr double kTargetReadP99Ms = 50;
constexpr double kTargetSyncDrop = 0.20;
// The portal's load on each list: 2 connections, each starting at most 15
// calls a second (30 calls/s per list, 60 in all), at most 2 in flight on each.
constexpr int kReadsPerSecondPerConnection = 15;

// A public list the portal asks for, as h2load sends it.
struct PublicRead {
  std::string name;
  std::string message;
};

std::vector<PublicRead> PublicReads() {
  penalties::v1::ListPublishedRequest by_agency;
  by_agency.set_kind(penalties::v1::GetRecordRequest::DECISION);
  by_agency.set_agency_credit_code(bench::CityAgency(Cities()[2].code));
  // Part of organisations' names in every city: some 3,500 of the records.
  penalties::v1::ListPublishedRequest by_name;
  by_name.set_kind(penalties::v1::GetRecordRequest::DECISION);
  by_name.set_party_name("华晋食品");
  return {{"by agency", by_agency.SerializeAsString()}, {"by party name", by_name.SerializeAsString()}};
}

// Every read of `reads` at once, each from its own h2load (2 connections x 2
// calls in flight, kReadsPerSecondPerConnection), for `seconds`.
std::vector<bench::H2LoadResult> ReadAtOnce(const testing::Platform& platform, const std::vector<PublicRead>& reads,
                                            int seconds) {
  std::vector<bench::H2LoadResult> results(reads.size());
  std::vector<std::thread> loads;
  for (std::size_t i = 0; i < reads.size(); ++i) {
    loads.emplace_back([&, i] {
      bench::H2Load load;
      load.address = "127.0.0.1:" + std::to_string(platform.gateway().ports.grpc);
      load.path = kListPublished;
      load.message = reads[i].message;
      load.connections = 2;
      load.streams = 2;
      load.seconds = seconds;
      load.warm_up_calls = 200;
      load.for_duration = true;
      load.rate_per_connection = kReadsPerSecondPerConnection;
      results[i] = bench::RunH2Load(load, {}, nullptr);
    });
  }
  for (auto& l : loads) l.join();
  return results;
}

void PrintReads(const char* when, const std::vector<PublicRead>& reads,
                const std::vector<bench::H2LoadResult>& results) {
  for (std::size_t i = 0; i < reads.size(); ++i) {
    const auto& r = results[i];
    std::printf("  %-26s %-14s %7.0f calls/s, mean %6.2f ms, p50 %6.2f ms, p99 %6.2f ms, max %7.2f ms\n", when,
                reads[i].name.c_str(), static_cast<double>(r.calls) / std::max(r.seconds, 1e-9), r.mean_ms, r.p50_ms,
                r.p99_ms, r.max_ms);
  }
}

// With the decisions stored, the portal reads the public lists through the
// gateway alone, then city 140100 syncs kExtraDecisions more alone, then as
// many again while the reads go on: the reads' latency and the sync's rate
// with and without the other.
void ReadsUnderSync(const testing::Platform& platform, const std::shared_ptr<grpc::Channel>& channel, int64_t decisions,
                    const DateRange& dates) {
  const auto reads = PublicReads();
  const auto codes = [&] { return bench::GrpcCodes(platform.GatewayMetrics(), "ListPublished"); };
  const auto before = codes();
  const int64_t stored = DecisionsOfCity(decisions, 0);
  std::printf(
      "\npublic reads: ListPublished through the gateway, each from its own h2load (2 connections x 2 in "
      "flight, at most %d calls/s per connection), with %lld decisions stored:\n",
      kReadsPerSecondPerConnection, static_cast<long long>(decisions));
  PrintReads("alone, 10 s:", reads, ReadAtOnce(platform, reads, 10));
  std::fflush(stdout);

  const CityDecisions first = DecisionsFor(0, stored, kExtraDecisions, dates);
  const CityDecisions second = DecisionsFor(0, stored + kExtraDecisions, kExtraDecisions, dates);
  const CityStream alone = SyncCity(platform, channel, first, nullptr);
  if (!AllAccepted(alone)) throw BrokenSetup("the sync alone: " + Describe(alone));
  CityStream beside;
  std::vector<bench::H2LoadResult> under;
  {
    std::thread sync([&] { beside = SyncCity(platform, channel, second, nullptr); });
    under = ReadAtOnce(platform, reads, std::max(1, static_cast<int>(alone.seconds * 0.9)));
    sync.join();
  }
  if (!AllAccepted(beside)) throw BrokenSetup("the sync beside the reads: " + Describe(beside));
  PrintReads("while city 140100 syncs:", reads, under);
  const double rate_alone = static_cast<double>(alone.count) / alone.seconds;
  const double rate_beside = static_cast<double>(beside.count) / beside.seconds;
  const double drop = 1 - rate_beside / rate_alone;
  std::printf(
      "  sync of %lld more decisions of city 140100, one stream: alone %.0f decisions/s, beside the reads "
      "%.0f decisions/s (%+.1f%%)\n",
      static_cast<long long>(kExtraDecisions), rate_alone, rate_beside, -100 * drop);
  std::string others;
  for (const auto& [code, n] : bench::Delta(codes(), before)) {
    if (code != "OK" && code != "Canceled") others += " " + code + " " + std::to_string(n);
  }
  std::printf("  answers other than OK (calls h2load cut off at its end aside):%s\n",
              others.empty() ? " none" : others.c_str());
  std::printf(
      "\ntarget: while a city syncs, ListPublished p99 < %.0f ms by party name and by agency, and the sync "
      "rate drops by less than %.0f%%\n",
      kTargetReadP99Ms, 100 * kTargetSyncDrop);
  for (std::size_t i = 0; i < reads.size(); ++i) {
    std::printf("  %s p99 %.2f ms: %s\n", reads[i].name.c_str(), under[i].p99_ms,
                bench::Met(under[i].p99_ms < kTargetReadP99Ms));
  }
  std::printf("  sync drop %.1f%%: %s\n", 100 * drop, bench::Met(drop < kTargetSyncDrop));
}

// ---- the run ----------------------------------------------------------------------

int Run(const Settings& settings) {
  std::printf("penalties_sync_bench: %u cores, %lld decisions, %zu city streams (%d at a time), batches of %d\n",
              std::thread::hardware_concurrency(), static_cast<long long>(settings.decisions), Cities().size(),
              settings.streams, kBatchSize);
  std::fflush(stdout);

  testing::Platform platform;
  const auto processes = bench::PlatformProcesses(platform);
  const pid_t penalties_pid = platform.service("penalties").process->pid();
  const pid_t gateway_pid = platform.gateway().process->pid();
  const std::string database = bench::DatabaseOf(platform.database_url());
  const DateRange dates = DecisionDates(platform.Today());

  {
    auto registry = registry::v1::RegistryService::NewStub(platform.Gateway());
    bench::RegisterCityAgencies(
        platform, *registry,
        {"market_regulation", "ecology_environment", "transport", "urban_management", "agriculture"});
  }
  std::printf("setup:    %zu agencies (one per city) through the gateway; penalties RSS %s before the sync\n",
              Cities().size(), bench::Mib(bench::StatusKb(penalties_pid, "VmRSS")).c_str());
  std::fflush(stdout);

  // ---- sync through the gateway
  std::vector<CityDecisions> decisions;
  for (std::size_t c = 0; c < Cities().size(); ++c) {
    decisions.push_back(DecisionsFor(c, 0, DecisionsOfCity(settings.decisions, c), dates));
  }
  // Each stream on a connection of its own.
  std::vector<std::shared_ptr<grpc::Channel>> channels;
  for (int i = 0; i < settings.streams; ++i) channels.push_back(bench::OwnChannel(platform, i));
  std::vector<CityStream> streams(Cities().size());
  std::atomic<std::size_t> next_city{0};
  // Rows inserted into penalties.records, from the statistics: cheap at any
  // size, and up to a second behind.
  pqxx::connection stats(platform.database_url());
  bench::RssWatch memory(penalties_pid, gateway_pid, settings.decisions, [&stats] {
    pqxx::nontransaction tx(stats);
    return tx
        .exec(
            "SELECT coalesce(sum(n_tup_ins), 0) FROM pg_stat_user_tables "
            "WHERE schemaname = 'penalties' AND relname = 'records'")[0][0]
        .as<int64_t>();
  });
  const bench::CpuMeter sync_cpu(bench::LoadShares(platform, kSubject.process));
  const auto sync_start = Clock::now();
  {
    std::vector<std::thread> workers;
    for (int i = 0; i < settings.streams; ++i) {
      workers.emplace_back([&, i] {
        for (std::size_t c = next_city++; c < Cities().size(); c = next_city++) {
          const double started = std::chrono::duration<double>(Clock::now() - sync_start).count();
          streams[c] = SyncCity(platform, channels[static_cast<std::size_t>(i)], decisions[c], &memory);
          streams[c].started = started;
        }
      });
    }
    for (auto& w : workers) w.join();
  }
  const double sync_seconds = std::chrono::duration<double>(Clock::now() - sync_start).count();
  const std::string sync_cpu_used = sync_cpu.Report();
  const bench::RssWatch::Reading after_sync = memory.Finish();
  decisions = {};

  penalties::v1::SyncSummary total;
  bool all_accepted = true;
  for (const auto& s : streams) {
    total.set_received(total.received() + s.summary.received());
    total.set_accepted(total.accepted() + s.summary.accepted());
    total.set_unchanged(total.unchanged() + s.summary.unchanged());
    total.set_rejected(total.rejected() + s.summary.rejected());
    all_accepted = all_accepted && AllAccepted(s);
  }
  const double sync_rate = static_cast<double>(settings.decisions) / sync_seconds;
  std::printf(
      "\nsync:     %lld decisions through the gateway (SyncDecisions, %zu streams, %d at a time): %.1f s, "
      "%.0f decisions/s\n",
      static_cast<long long>(settings.decisions), Cities().size(), settings.streams, sync_seconds, sync_rate);
  std::printf("          summaries: %lld received, %lld accepted, %lld unchanged, %lld rejected\n",
              static_cast<long long>(total.received()), static_cast<long long>(total.accepted()),
              static_cast<long long>(total.unchanged()), static_cast<long long>(total.rejected()));
  std::printf("          cpu: %s\n", sync_cpu_used.c_str());
  std::fflush(stdout);
  if (!all_accepted) {
    std::string why = "the sync did not store every decision:";
    for (const auto& s : streams) {
      if (!AllAccepted(s)) why += "\n  " + Describe(s);
    }
    throw BrokenSetup(why + "\n" + bench::DeadProcesses(processes));
  }
  bench::CheckStored(platform.database_url(), kSubject, settings.decisions);

  bench::PrintMemory(kSubject, memory, after_sync);
  std::printf("streams (city: decisions, start .. end in s of the sync, decisions/s):\n");
  for (const auto& s : streams) {
    std::printf("  %s: %6lld, %6.1f .. %6.1f, %5.0f/s\n", s.city.c_str(), static_cast<long long>(s.count), s.started,
                s.started + s.seconds, static_cast<double>(s.count) / s.seconds);
  }
  std::fflush(stdout);

  // ---- the COPY baseline, same rows, same database
  const bench::CopyResult copy =
      CopyBaseline(platform.database_url(), settings.decisions, dates, database, platform.Today());
  bench::PrintCopy(kSubject, copy, "pqxx::stream_to", kBatchSize);
  {
    pqxx::connection conn(platform.database_url());
    std::printf("\ntables:   %s\n", TableLine(conn, kSubject.table).c_str());
    std::printf("          %s\n", TableLine(conn, bench::kCopyTable).c_str());
    pqxx::read_transaction tx(conn);
    auto feed = tx.exec(
        "SELECT count(*), pg_size_pretty(pg_total_relation_size('penalties.changes')) "
        "FROM penalties.changes")[0];
    std::printf("          the service also wrote %lld change-feed rows (penalties.changes, %s)\n",
                feed[0].as<long long>(), feed[1].c_str());
  }

  bench::PrintVerdict(kSubject, settings.decisions, sync_rate, copy.rate(), kTargetRatio, memory);
  std::fflush(stdout);
  {
    // The baseline's table goes, so that the reads see the platform's tables only.
    pqxx::connection conn(platform.database_url());
    pqxx::work tx(conn);
    tx.exec0(std::string("DROP TABLE ") + bench::kCopyTable);
    tx.commit();
  }
  bench::Checked(processes, [&] { ReadsUnderSync(platform, channels.front(), settings.decisions, dates); });

  return bench::RunStatus(processes);
}

}  // namespace
}  // namespace gongkai

int main(int argc, char** argv) {
  gongkai::common::Config config(argc, argv);
  gongkai::Settings settings;
  settings.decisions =
      config.Int("GONGKAI_BENCH_DECISIONS", 1'000'000, 1, 100'000'000, "penalty decisions synced and copied");
  settings.streams = static_cast<int>(
      config.Int("GONGKAI_BENCH_STREAMS", 2, 1, 11, "city streams open at a time (one stream per city, 11 cities)"));
  config.Finish();
  return gongkai::bench::RunBench("penalties_sync_bench", [&] { return gongkai::Run(settings); });
}
