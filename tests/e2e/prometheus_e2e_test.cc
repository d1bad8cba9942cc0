// Monitoring end to end: a real Prometheus (Debian's /usr/bin/prometheus)
// scrapes every process of a real platform each second and evaluates the
// rules of k8s/monitoring/rules.yaml. Each process's /metrics passes
// `promtool check metrics`; the recorded KPI and deadline ratios equal the
// ratio of the services' due/met gauges and the supervision service's
// GetKpis; the key-domain KPI alert is raised for the city with a late record
// only; every panel expression of the Grafana dashboards
// (k8s/monitoring/dashboards) evaluates. Skipped where Prometheus is not
// installed (scripts/lib.sh installs Debian's prometheus package).
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "common/service_table.h"
#include "gongkai/penalties/v1/penalties.grpc.pb.h"
#include "gongkai/supervision/v1/supervision.grpc.pb.h"
#include "tests/e2e/platform.h"
#include "tests/e2e/records.h"

extern char** environ;

namespace gongkai {
namespace {

using supervision::v1::GetKpisResponse;
using supervision::v1::KpiFigure;
using supervision::v1::SupervisionService;
using Json = nlohmann::json;
using Ratios = std::map<std::string, double>;

constexpr char kPrometheus[] = "/usr/bin/prometheus";
constexpr char kPromtool[] = "/usr/bin/promtool";
const std::string kLateCity = "140100";    // Taiyuan: a decision published late
const std::string kOnTimeCity = "140200";  // Datong: a decision published on time
const std::string kRules = std::string(GONGKAI_SOURCE_DIR) + "/k8s/monitoring/rules.yaml";
const std::string kDashboards = std::string(GONGKAI_SOURCE_DIR) + "/k8s/monitoring/dashboards";

// A port of the loopback free at the time of asking.
int FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof addr;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &length) != 0) {
    close(fd);
    throw std::runtime_error("no free port on the loopback");
  }
  close(fd);
  return ntohs(addr.sin_port);
}

// `text` as a URL query value.
std::string UrlEncode(const std::string& text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) != 0 || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

// A temporary folder, removed with what it holds when it goes.
class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/gongkai-prometheus-XXXXXX";
    if (mkdtemp(tmpl) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// `command` run by /bin/sh with `input` on its standard input: its exit
// status and what it wrote (standard output and error).
std::pair<int, std::string> RunWithInput(const std::string& command, const std::string& input) {
  TempDir dir;
  const std::string in = dir.path() + "/input";
  std::ofstream(in) << input;
  FILE* out = popen((command + " < " + in + " 2>&1").c_str(), "r");
  if (out == nullptr) throw std::runtime_error("cannot run " + command);
  std::string text;
  char buf[4096];
  for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, out)) > 0;) text.append(buf, n);
  const int status = pclose(out);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, text};
}

// Prometheus as a child process of the test: its configuration and storage
// in a temporary folder, listening on a free port of the loopback, scraping
// each target (job name → metrics port) every second and evaluating `rules`
// every second. Stopped when it goes.
class PrometheusServer {
 public:
  PrometheusServer(const std::map<std::string, int>& targets, const std::string& rules) : port_(FreePort()) {
    std::ofstream config(dir_.path() + "/prometheus.yml");
    config << "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n  evaluation_interval: 1s\n"
           << "rule_files:\n  - " << rules << "\nscrape_configs:\n";
    for (const auto& [job, port] : targets) {
      config << "  - job_name: " << job << "\n    static_configs:\n      - targets: ['127.0.0.1:" << port << "']\n";
    }
    config.close();

    std::vector<std::string> args = {kPrometheus, "--config.file=" + dir_.path() + "/prometheus.yml",
                                     "--storage.tsdb.path=" + dir_.path() + "/data",
                                     "--web.listen-address=127.0.0.1:" + std::to_string(port_)};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log_path().c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
    const int spawned = posix_spawn(&pid_, kPrometheus, &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (spawned != 0) throw std::runtime_error(std::string("cannot start ") + kPrometheus);

    const bool ready = testing::Eventually(
        [&] {
          int status = 0;
          if (waitpid(pid_, &status, WNOHANG) == pid_) {
            pid_ = -1;
            throw std::runtime_error("prometheus exited at start-up:\n" + Log());
          }
          return testing::HttpGet(port_, "/-/ready").find("Ready") != std::string::npos;
        },
        30000);
    if (!ready) {
      const std::string log = Log();
      Stop();
      throw std::runtime_error("prometheus did not become ready:\n" + log);
    }
  }

  ~PrometheusServer() { Stop(); }

  PrometheusServer(const PrometheusServer&) = delete;
  PrometheusServer& operator=(const PrometheusServer&) = delete;

  // The answer of /api/v1/query for `expr` at the current time: "status" is
  // "success" (with "data") or "error" (with "error").
  Json Query(const std::string& expr) const {
    const std::string body = testing::HttpGet(port_, "/api/v1/query?query=" + UrlEncode(expr));
    Json answer = Json::parse(body, nullptr, /*allow_exceptions=*/false);
    if (answer.is_discarded() || !answer.is_object()) {
      return {{"status", "error"}, {"error", "no JSON answer: " + body}};
    }
    return answer;
  }

  // The instant vector `expr` evaluates to: each series' labels and value.
  std::vector<std::pair<std::map<std::string, std::string>, double>> Vector(const std::string& expr) const {
    std::vector<std::pair<std::map<std::string, std::string>, double>> out;
    const Json answer = Query(expr);
    if (answer.value("status", "") != "success") return out;
    for (const Json& series : answer.at("data").at("result")) {
      out.emplace_back(series.at("metric").get<std::map<std::string, std::string>>(),
                       std::stod(series.at("value").at(1).get<std::string>()));
    }
    return out;
  }

  std::string Log() const { return testing::ReadFile(log_path()); }

 private:
  std::string log_path() const { return dir_.path() + "/prometheus.log"; }

  // SIGTERM, and SIGKILL when it has not ended 10 s later.
  void Stop() {
    if (pid_ <= 0) return;
    kill(pid_, SIGTERM);
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    int status = 0;
    while (waitpid(pid_, &status, WNOHANG) == 0) {
      if (std::chrono::steady_clock::now() > until) {
        kill(pid_, SIGKILL);
        waitpid(pid_, &status, 0);
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    pid_ = -1;
  }

  TempDir dir_;
  int port_;
  pid_t pid_ = -1;
};

// One sample of the text exposition format.
struct Sample {
  std::string name;
  std::map<std::string, std::string> labels;
  double value = 0;
};

// The samples of a /metrics page (comments and malformed lines skipped).
std::vector<Sample> ParseMetrics(const std::string& text) {
  std::vector<Sample> out;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    if (line.empty() || line[0] == '#') continue;
    Sample sample;
    std::size_t i = line.find_first_of("{ ");
    if (i == std::string::npos) continue;
    sample.name = line.substr(0, i);
    if (line[i] == '{') {
      ++i;
      while (i < line.size() && line[i] != '}') {
        const std::size_t eq = line.find('=', i);
        if (eq == std::string::npos || eq + 1 >= line.size() || line[eq + 1] != '"') break;
        const std::string key = line.substr(i, eq - i);
        std::string value;
        for (i = eq + 2; i < line.size() && line[i] != '"'; ++i) {
          if (line[i] == '\\' && i + 1 < line.size()) {
            ++i;
            value += line[i] == 'n' ? '\n' : line[i];
          } else {
            value += line[i];
          }
        }
        sample.labels[key] = value;
        ++i;  // the closing quote
        if (i < line.size() && line[i] == ',') ++i;
      }
      ++i;  // the closing brace
    }
    const std::size_t start = line.find_first_not_of(' ', i);
    if (start == std::string::npos) continue;
    try {
      sample.value = std::stod(line.substr(start, line.find(' ', start) - start));
    } catch (const std::exception&) {
      continue;
    }
    out.push_back(std::move(sample));
  }
  return out;
}

// The ratio the gauges <prefix>_due and <prefix>_met of every process give,
// summed across processes by the value of label `key`, for `city` ("" for
// every city, the province): met / due, 1 when nothing is due.
Ratios GaugeRatios(const std::vector<Sample>& samples, const std::string& prefix, const std::string& key,
                   const std::string& city) {
  std::map<std::string, std::pair<double, double>> sums;  // due, met
  for (const Sample& s : samples) {
    const bool due = s.name == prefix + "_due";
    if (!due && s.name != prefix + "_met") continue;
    if (!city.empty() && (s.labels.count("city") == 0 || s.labels.at("city") != city)) continue;
    auto& [due_sum, met_sum] = sums[s.labels.count(key) != 0 ? s.labels.at(key) : ""];
    (due ? due_sum : met_sum) += s.value;
  }
  Ratios out;
  for (const auto& [name, counts] : sums) out[name] = counts.first == 0 ? 1.0 : counts.second / counts.first;
  return out;
}

// The recorded series `record` of `scope`, by the value of label `key`.
Ratios Recorded(const PrometheusServer& prometheus, const std::string& record, const std::string& key,
                const std::string& scope) {
  Ratios out;
  for (const auto& [labels, value] : prometheus.Vector(record + "{scope=\"" + scope + "\"}")) {
    out[labels.count(key) != 0 ? labels.at(key) : ""] = value;
  }
  return out;
}

std::string Show(const Ratios& ratios) {
  std::string out;
  for (const auto& [name, value] : ratios) out += name + "=" + std::to_string(value) + " ";
  return out;
}

const KpiFigure* Find(const google::protobuf::RepeatedPtrField<KpiFigure>& figures, const std::string& kpi,
                      const std::string& rule) {
  for (const auto& f : figures) {
    if (f.kpi() == kpi && f.rule() == rule) return &f;
  }
  return nullptr;
}

class PrometheusEndToEnd : public testing::PlatformTest {
 protected:
  void SetUp() override {
    if (!std::filesystem::exists(kPrometheus)) {
      GTEST_SKIP() << kPrometheus << " is not installed (Debian's prometheus package; scripts/lib.sh installs it)";
    }
    PlatformTest::SetUp();
    const std::string late_agency = AddAgency(kLateCity, 81);
    const std::string on_time_agency = AddAgency(kOnTimeCity, 82);
    // Decided Mon 2026-11-02: due 7 WD later, on 11-11; first published
    // today (12-01), late. Decided yesterday: published today, on time.
    UpsertDecisions(kLateCity, testing::CompanyDecision(late_agency, "LATE-1", "2026-11-02"));
    UpsertDecisions(kOnTimeCity, testing::CompanyDecision(on_time_agency, "ONTIME-1", IsoDaysAgo(1)));

    std::map<std::string, int> targets{{"gateway", platform_->gateway().ports.metrics}};
    for (const auto& entry : common::ServiceTable()) targets[entry.name] = platform_->service(entry.name).ports.metrics;
    prometheus_ = std::make_unique<PrometheusServer>(targets, kRules);
  }

  void TearDown() override {
    if (prometheus_ && HasFailure()) std::cerr << "Prometheus' log:\n" << prometheus_->Log();
    prometheus_.reset();
  }

  void UpsertDecisions(const std::string& city, const penalties::v1::PenaltyDecision& decision) {
    penalties::v1::UpsertDecisionsRequest request;
    *request.add_decisions() = decision;
    penalties::v1::UpsertResponse response;
    grpc::Status status =
        Call("city-" + city, &penalties::v1::PenaltiesService::Stub::UpsertDecisions, request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    ASSERT_EQ(response.results(0).outcome(), common::v1::RecordResult::ACCEPTED) << response.DebugString();
  }

  // The /metrics page of every process, by name (the gateway's as "gateway").
  std::map<std::string, std::string> MetricsPages() const {
    std::map<std::string, std::string> pages{{"gateway", platform_->GatewayMetrics()}};
    for (const auto& entry : common::ServiceTable()) {
      pages[entry.name] = testing::HttpGet(platform_->service(entry.name).ports.metrics, "/metrics");
    }
    return pages;
  }

  std::vector<Sample> AllSamples() const {
    std::vector<Sample> all;
    for (const auto& [name, page] : MetricsPages()) {
      for (Sample& s : ParseMetrics(page)) all.push_back(std::move(s));
    }
    return all;
  }

  // GetKpis of the year for a city ("" for the province), as the province.
  GetKpisResponse Kpis(const std::string& city) {
    supervision::v1::GetKpisRequest request;
    request.set_year(std::stoi(std::string(testing::kTestDate).substr(0, 4)));
    request.set_city_code(city);
    GetKpisResponse response;
    grpc::Status status = Call("province", &SupervisionService::Stub::GetKpis, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }

  std::unique_ptr<PrometheusServer> prometheus_;
};

TEST_F(PrometheusEndToEnd, EveryProcessesMetricsPassPromtoolCheckMetrics) {
  const auto pages = MetricsPages();
  ASSERT_EQ(pages.size(), common::ServiceTable().size() + 1);
  for (const auto& [name, page] : pages) {
    ASSERT_FALSE(page.empty()) << name << " serves no /metrics";
    const auto [status, problems] = RunWithInput(std::string(kPromtool) + " check metrics", page);
    EXPECT_EQ(status, 0) << name << ": " << problems;
    EXPECT_EQ(problems, "") << name;
  }
  // The lag of the late decision, in working days, under a name promtool
  // accepts (a unit of its own, not "days").
  const std::string& penalties = pages.at("penalties");
  EXPECT_NE(penalties.find("gongkai_disclosure_lag_workdays_bucket{"), std::string::npos) << penalties;
  EXPECT_EQ(penalties.find("gongkai_disclosure_lag_working_days"), std::string::npos);
}

TEST_F(PrometheusEndToEnd, RecordedRatiosAreTheGaugesRatiosAndGetKpisFigures) {
  const std::vector<Sample> samples = AllSamples();
  for (const std::string& city : {kLateCity, kOnTimeCity, std::string()}) {
    const std::string scope = city.empty() ? "province" : city;
    const Ratios kpis = GaugeRatios(samples, "gongkai_kpi_records", "kpi", city);
    const Ratios rules = GaugeRatios(samples, "gongkai_deadline_records", "kind", city);
    ASSERT_TRUE(kpis.contains("key_domain_timeliness")) << scope;
    ASSERT_TRUE(rules.contains("penalty_decision")) << scope;

    // Scraped every second and recorded every second: the same figures once
    // the first evaluations after the scrapes have run.
    Ratios recorded_kpis;
    Ratios recorded_rules;
    EXPECT_TRUE(testing::Eventually(
        [&] {
          recorded_kpis = Recorded(*prometheus_, "gongkai:kpi_ratio", "kpi", scope);
          recorded_rules = Recorded(*prometheus_, "gongkai:deadline_on_time_ratio", "kind", scope);
          return recorded_kpis == kpis && recorded_rules == rules;
        },
        30000))
        << scope << "\nrecorded KPIs: " << Show(recorded_kpis) << "\ngauges' KPIs: " << Show(kpis)
        << "\nrecorded rules: " << Show(recorded_rules) << "\ngauges' rules: " << Show(rules);

    // GetKpis adds up the same tallies: the same ratio for every figure
    // recorded, and every figure with something due is recorded.
    const GetKpisResponse answer = Kpis(city);
    ASSERT_TRUE(answer.has_total()) << scope;
    EXPECT_EQ(answer.total().scope(), scope);
    for (const auto& [kpi, ratio] : recorded_kpis) {
      const KpiFigure* figure = Find(answer.total().kpis(), kpi, "");
      ASSERT_NE(figure, nullptr) << scope << " " << kpi;
      EXPECT_DOUBLE_EQ(figure->ratio(), ratio) << scope << " " << kpi;
    }
    for (const auto& [kind, ratio] : recorded_rules) {
      const KpiFigure* figure = Find(answer.total().rules(), "", kind);
      ASSERT_NE(figure, nullptr) << scope << " " << kind;
      EXPECT_DOUBLE_EQ(figure->ratio(), ratio) << scope << " " << kind;
    }
    for (const KpiFigure& figure : answer.total().kpis()) {
      if (figure.rule().empty() && figure.due() > 0) {
        EXPECT_TRUE(recorded_kpis.contains(figure.kpi())) << scope << " " << figure.kpi();
      }
    }
    for (const KpiFigure& figure : answer.total().rules()) {
      if (figure.due() > 0) {
        EXPECT_TRUE(recorded_rules.contains(figure.rule())) << scope << " " << figure.rule();
      }
    }
  }

  // The records behind them: the late decision's city 0 of 1 on time, the
  // other 1 of 1, the province 1 of 2.
  EXPECT_DOUBLE_EQ(Recorded(*prometheus_, "gongkai:deadline_on_time_ratio", "kind", kLateCity)["penalty_decision"], 0);
  EXPECT_DOUBLE_EQ(Recorded(*prometheus_, "gongkai:deadline_on_time_ratio", "kind", kOnTimeCity)["penalty_decision"],
                   1);
  EXPECT_DOUBLE_EQ(Recorded(*prometheus_, "gongkai:deadline_on_time_ratio", "kind", "province")["penalty_decision"],
                   0.5);
  EXPECT_LT(Recorded(*prometheus_, "gongkai:kpi_ratio", "kpi", kLateCity)["key_domain_timeliness"], 1);
  EXPECT_DOUBLE_EQ(Recorded(*prometheus_, "gongkai:kpi_ratio", "kpi", kOnTimeCity)["key_domain_timeliness"], 1);
}

TEST_F(PrometheusEndToEnd, KeyDomainTimelinessAlertIsRaisedForTheCityWithALateRecordOnly) {
  const std::string alerts = "ALERTS{alertname=\"KeyDomainTimelinessBelowTarget\"}";
  std::set<std::string> scopes;
  const bool raised = testing::Eventually(
      [&] {
        scopes.clear();
        for (const auto& [labels, value] : prometheus_->Vector(alerts)) {
          const std::string& state = labels.at("alertstate");
          if (value == 1 && (state == "pending" || state == "firing")) scopes.insert(labels.at("scope"));
        }
        return scopes.contains(kLateCity);
      },
      30000);
  EXPECT_TRUE(raised) << "no alert for " << kLateCity;
  // Evaluated together with the late city's: the on-time city's KPI is met.
  EXPECT_FALSE(scopes.contains(kOnTimeCity));
  EXPECT_DOUBLE_EQ(Recorded(*prometheus_, "gongkai:kpi_ratio", "kpi", kOnTimeCity)["key_domain_timeliness"], 1);
  EXPECT_TRUE(scopes.contains("province")) << "the province's ratio is below 1 too";
}

// `expr` with the dashboard's variables replaced: each templating variable by
// its current value ("All" by its allValue, or .*), Grafana's intervals by 1m
// and the range by 1h. Unknown variables are reported in `unknown`.
std::string Substitute(const std::string& expr, const std::map<std::string, std::string>& values,
                       std::set<std::string>& unknown) {
  static const std::regex kVariable(R"(\$\{(\w+)(?::\w+)?\}|\$(\w+))");
  std::string out;
  auto last = expr.cbegin();
  for (std::sregex_iterator it(expr.begin(), expr.end(), kVariable), end; it != end; ++it) {
    const std::smatch& m = *it;
    out.append(last, m[0].first);
    const std::string name = m[1].matched ? m[1].str() : m[2].str();
    if (auto value = values.find(name); value != values.end()) {
      out += value->second;
    } else {
      unknown.insert(name);
    }
    last = m[0].second;
  }
  out.append(last, expr.cend());
  return out;
}

// Every panel of `panels`, those of rows included.
void CollectPanels(const Json& panels, std::vector<Json>& out) {
  for (const Json& panel : panels) {
    out.push_back(panel);
    if (panel.contains("panels")) CollectPanels(panel.at("panels"), out);
  }
}

TEST_F(PrometheusEndToEnd, EveryDashboardPanelsExpressionEvaluatesOverSeriesThePlatformExportsOrRecords) {
  std::set<std::string> families;  // the series the panels read
  // The series each panel names, by where: each must be one the platform
  // exports or records (a misspelt metric or rule evaluates to nothing,
  // without an error).
  std::map<std::string, std::string> named;
  static const std::regex kSeriesName(R"(\b(?:gongkai[_:][a-z_:]+|grpc_[a-z_]+)\b)");
  static const std::set<std::string> kGrpcLabels{"grpc_service", "grpc_method", "grpc_code", "grpc_type"};
  int dashboards = 0;
  for (const auto& file : std::filesystem::directory_iterator(kDashboards)) {
    if (file.path().extension() != ".json") continue;
    ++dashboards;
    const std::string name = file.path().filename().string();
    const Json dashboard = Json::parse(testing::ReadFile(file.path().string()));
    EXPECT_GE(dashboard.value("schemaVersion", 0), 36) << name;

    std::map<std::string, std::string> values{{"__rate_interval", "1m"}, {"__interval", "1m"}, {"__range", "1h"}};
    bool datasource_variable = false;
    for (const Json& variable : dashboard.at("templating").at("list")) {
      const std::string var = variable.value("name", "");
      if (var == "datasource") {
        datasource_variable = variable.value("type", "") == "datasource" && variable.value("query", "") == "prometheus";
        continue;
      }
      Json current = variable.value("current", Json::object()).value("value", Json());
      if (current.is_array()) current = current.empty() ? Json() : current[0];
      std::string value = current.is_string() ? current.get<std::string>() : "";
      if (value == "$__all") value = variable.value("allValue", ".*");
      if (!value.empty()) values[var] = value;
    }
    EXPECT_TRUE(datasource_variable) << name << ": a variable `datasource` of type datasource, query prometheus";

    std::vector<Json> panels;
    CollectPanels(dashboard.at("panels"), panels);
    int expressions = 0;
    for (const Json& panel : panels) {
      const std::string title = panel.value("title", "");
      if (panel.value("type", "") == "row") continue;
      EXPECT_EQ(panel.value("datasource", Json::object()).value("uid", ""), "${datasource}") << name << ": " << title;
      for (const Json& target : panel.value("targets", Json::array())) {
        if (!target.contains("expr")) continue;
        ++expressions;
        std::set<std::string> unknown;
        const std::string expr = Substitute(target.at("expr").get<std::string>(), values, unknown);
        EXPECT_TRUE(unknown.empty()) << name << ": " << title << ": unknown variable " << *unknown.begin();
        const Json answer = prometheus_->Query(expr);
        EXPECT_EQ(answer.value("status", ""), "success")
            << name << ": " << title << ": " << expr << ": " << answer.value("error", "");
        for (std::sregex_iterator it(expr.begin(), expr.end(), kSeriesName), end; it != end; ++it) {
          if (!kGrpcLabels.contains(it->str())) named.emplace(it->str(), name + ": " + title);
        }
        for (const char* family :
             {"gongkai:kpi_ratio", "gongkai:deadline_on_time_ratio", "gongkai_disclosures_overdue", "gongkai_leads",
              "grpc_server_handled_total", "grpc_server_handling_seconds_bucket"}) {
          if (expr.find(family) != std::string::npos) families.insert(family);
        }
      }
    }
    EXPECT_GT(expressions, 0) << name;
  }
  EXPECT_GT(dashboards, 0) << "no dashboard in " << kDashboards;
  // Every series the platform exports (each family a process declares,
  // samples or not; a histogram's _bucket, _sum and _count) or records.
  std::set<std::string> known;
  static const std::regex kType(R"(^# TYPE (\S+) (\S+)$)");
  for (const auto& [process, page] : MetricsPages()) {
    std::istringstream lines(page);
    for (std::string line; std::getline(lines, line);) {
      std::smatch m;
      if (!std::regex_match(line, m, kType)) continue;
      known.insert(m[1]);
      if (m[2] == "histogram") {
        for (const char* suffix : {"_bucket", "_sum", "_count"}) known.insert(m[1].str() + suffix);
      }
    }
  }
  static const std::regex kRecord(R"(record: (\S+))");
  const std::string rules = testing::ReadFile(kRules);
  for (std::sregex_iterator it(rules.begin(), rules.end(), kRecord), end; it != end; ++it) known.insert((*it)[1]);
  for (const auto& [series, where] : named) EXPECT_TRUE(known.contains(series)) << where << ": no series " << series;
  EXPECT_EQ(families, (std::set<std::string>{"gongkai:kpi_ratio", "gongkai:deadline_on_time_ratio",
                                             "gongkai_disclosures_overdue", "gongkai_leads",
                                             "grpc_server_handled_total", "grpc_server_handling_seconds_bucket"}));
}

}  // namespace
}  // namespace gongkai
