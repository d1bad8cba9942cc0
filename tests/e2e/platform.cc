#include "tests/e2e/platform.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <pqxx/pqxx>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "common/calendar/iso_date.h"
#include "common/identifiers.h"
#include "common/service_table.h"
#include "gateway/principals.h"
#include "gongkai/registry/v1/registry.grpc.pb.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "tests/e2e/records.h"

extern char** environ;

namespace gongkai::testing {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

Process::Process(const std::string& path, const std::map<std::string, std::string>& env, const std::string& log_file) {
  std::vector<std::string> entries;
  for (char** e = environ; *e != nullptr; ++e) {
    std::string entry(*e);
    if (!entry.starts_with("GONGKAI_")) entries.push_back(entry);
  }
  for (const auto& [k, v] : env) entries.push_back(k + "=" + v);
  std::vector<char*> envp;
  for (auto& e : entries) envp.push_back(e.data());
  envp.push_back(nullptr);
  std::string arg0 = path;
  char* argv[] = {arg0.data(), nullptr};
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  if (!log_file.empty()) {
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log_file.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  }
  const int spawned = posix_spawn(&pid_, path.c_str(), &actions, nullptr, argv, envp.data());
  posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0) throw std::runtime_error("cannot start " + path);
}

Process::~Process() { Stop(); }

int Process::Stop() { return End(SIGTERM); }

bool Process::alive() const {
  if (pid_ <= 0) return false;
  siginfo_t info{};
  if (waitid(P_PID, static_cast<id_t>(pid_), &info, WEXITED | WNOHANG | WNOWAIT) != 0) return false;
  return info.si_pid == 0;
}

int Process::Kill() { return End(SIGKILL); }

int Process::End(int sig) {
  if (pid_ <= 0) return 0;
  kill(pid_, sig);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
}

Server StartServer(const std::string& binary, std::map<std::string, std::string> env, const std::string& work_dir,
                   const std::string& name, const std::string& log_dir) {
  std::string ready = work_dir + "/" + name + ".ready";
  std::filesystem::remove(ready);
  env["GONGKAI_READY_FILE"] = ready;
  env.emplace("GONGKAI_LISTEN", "127.0.0.1:0");
  env.emplace("GONGKAI_METRICS_LISTEN", "127.0.0.1:0");
  Server server;
  server.process = std::make_unique<Process>(binary, env, log_dir.empty() ? "" : log_dir + "/" + name + ".log");
  pid_t pid = server.process->pid();
  bool up = Eventually(
      [&] {
        int status = 0;
        if (waitpid(pid, &status, WNOHANG) == pid) {
          throw std::runtime_error(name + " exited at start-up" + (log_dir.empty() ? "" : ": see " + log_dir));
        }
        return std::filesystem::exists(ready);
      },
      30000);
  if (!up) throw std::runtime_error(name + " did not become ready" + (log_dir.empty() ? "" : ": see " + log_dir));
  auto doc = nlohmann::json::parse(ReadFile(ready));
  server.ports = {doc.at("grpc_port").get<int>(), doc.at("metrics_port").get<int>(), doc.value("http_port", 0),
                  doc.value("health_port", 0)};
  return server;
}

namespace {

// What signs with a process's identity key: "gateway", or "service-<name>".
std::string SignerName(const std::string& process) {
  return process == "gateway" ? common::kGatewaySigner : "service-" + process;
}

std::map<std::string, std::string> Merge(std::map<std::string, std::string> base,
                                         const std::map<std::string, std::string>& over) {
  for (const auto& [k, v] : over) base[k] = v;
  return base;
}

// The settings the options add for `process`, none when they name it not.
const std::map<std::string, std::string>& OptionsFor(const PlatformOptions& options, const std::string& process) {
  static const std::map<std::string, std::string> kNone;
  auto it = options.env.find(process);
  return it == options.env.end() ? kNone : it->second;
}

std::string Loopback(int port) { return "127.0.0.1:" + std::to_string(port); }

// `text` as one word of /bin/sh.
std::string ShellWord(const std::string& text) {
  std::string word = "'";
  for (char c : text) word += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return word + "'";
}

// Gives every service of the table its own role in the database `admin_url`
// names (scripts/db-roles, as scripts/up does), the passwords kept in `run`;
// the connection string of each service, by name.
std::map<std::string, std::string> MakeServiceRoles(const std::string& admin_url, const std::string& run) {
  const std::string command =
      std::string(GONGKAI_SOURCE_DIR) + "/scripts/db-roles " + ShellWord(admin_url) + " " + ShellWord(run);
  FILE* out = popen(command.c_str(), "r");
  if (out == nullptr) throw std::runtime_error("cannot run scripts/db-roles");
  std::string text;
  char buf[4096];
  for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, out)) > 0;) text.append(buf, n);
  if (int status = pclose(out); status != 0) {
    throw std::runtime_error("scripts/db-roles failed (wait status " + std::to_string(status) + ")");
  }
  std::map<std::string, std::string> urls;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    auto space = line.find(' ');
    if (space != std::string::npos) urls[line.substr(0, space)] = line.substr(space + 1);
  }
  return urls;
}

// The login roles that own a schema of the database: the services' roles.
constexpr char kSchemaOwners[] =
    "SELECT DISTINCT r.rolname FROM pg_namespace n JOIN pg_roles r ON r.oid = n.nspowner "
    "WHERE r.rolcanlogin AND NOT r.rolsuper ORDER BY 1";

// Drops the services' roles of the database `admin_url` names, with what they
// own there: roles belong to the whole cluster and would outlive the database.
void DropServiceRoles(const std::string& admin_url) {
  try {
    pqxx::connection conn(admin_url);
    pqxx::work tx(conn);
    tx.exec("SET LOCAL lock_timeout = '5s'");  // a connection the test left open must not hold it up
    std::string roles;
    for (const auto& row : tx.exec(kSchemaOwners)) {
      roles += (roles.empty() ? "" : ", ") + conn.quote_name(row[0].as<std::string>());
    }
    if (roles.empty()) return;
    tx.exec("DROP OWNED BY " + roles);
    tx.exec("DROP ROLE " + roles);
    tx.commit();
  } catch (const std::exception&) {
    // The cluster is thrown away after the run; leftover roles are harmless.
  }
}

template <typename Services>
auto& Find(Services& services, const std::string& name) {
  for (auto& [started, server] : services) {
    if (started == name) return server;
  }
  throw std::out_of_range("the platform runs no service '" + name + "' (services/services.table)");
}

}  // namespace

Platform::Platform(const PlatformOptions& options) {
  const auto& table = common::ServiceTable();
  for (const auto& [process, env] : options.env) {
    auto named = [&](const common::ServiceEntry& entry) { return entry.name == process; };
    if (process != "gateway" && std::none_of(table.begin(), table.end(), named)) {
      throw std::invalid_argument("PlatformOptions.env: " + process +
                                  " is neither a service of the table nor the gateway");
    }
  }
  if (!options.pinned_date.empty()) {
    pinned_date_ = common::ParseIsoDate(options.pinned_date);
    if (!pinned_date_) {
      throw std::invalid_argument("PlatformOptions.pinned_date: " + options.pinned_date + " is not a date YYYY-MM-DD");
    }
  }

  char tmpl[] = "/tmp/gongkai-e2e-XXXXXX";
  if (mkdtemp(tmpl) == nullptr) throw std::runtime_error("mkdtemp failed");
  dir_ = tmpl;
  log_dir_ = options.log_dir;
  if (!log_dir_.empty()) std::filesystem::create_directories(log_dir_);
  // Each process's identity key, and the public keys the services trust.
  {
    std::ofstream trust(dir_ + "/trusted-keys");
    auto make_key = [&](const std::string& process) {
      const common::SigningKey key = common::SigningKey::Generate();
      std::ofstream(identity_key_file(process)) << key.PrivatePem();
      trust << SignerName(process) << " " << key.public_key() << "\n";
    };
    make_key("gateway");
    for (const auto& entry : table) make_key(entry.name);
  }

  nlohmann::json principals = nlohmann::json::array();
  auto add = [&](const std::string& name, nlohmann::json entry) {
    std::string secret = "secret-of-" + name;
    std::string salt = "salt-" + name;
    entry["name"] = name;
    entry["salt"] = salt;
    entry["sha256"] = gateway::TokenHash(salt, secret);
    principals.push_back(entry);
    tokens_[name] = name + "." + secret;
  };
  for (int city = 1; city <= 11; ++city) {
    char code[7];
    std::snprintf(code, sizeof code, "14%02d00", city);
    add(std::string("city-") + code, {{"role", "city"}, {"city", code}});
  }
  add("province", {{"role", "province"}});
  add("desk", {{"role", "desk"}, {"agency", DeskAgency(1)}});
  add("desk-2", {{"role", "desk"}, {"agency", DeskAgency(2)}});
  std::ofstream(dir_ + "/principals.json") << principals.dump(2);
  database_urls_ = MakeServiceRoles(db_.url(), dir_);

  // Each service with the settings of its line of the table; a file in the
  // platform's folder that a setting names ({run}/<file>) is a secret of the
  // service, made here.
  std::string upstreams;
  for (const auto& entry : table) {
    auto address = [&](const std::string& name) {
      for (const auto& [started, server] : services_) {
        if (started == name) return Loopback(server.ports.grpc);
      }
      throw std::logic_error("services.table: " + entry.name + " names {" + name + "}, not a service before it");
    };
    auto database_url = database_urls_.find(entry.name);
    if (database_url == database_urls_.end()) throw std::logic_error("scripts/db-roles made no role for " + entry.name);
    std::map<std::string, std::string> env = {{"GONGKAI_DATABASE_URL", database_url->second},
                                              {"GONGKAI_IDENTITY_KEY_FILE", identity_key_file(entry.name)},
                                              {"GONGKAI_IDENTITY_TRUST_FILE", trust_file()},
                                              {"GONGKAI_SHUTDOWN_GRACE_SECONDS", "2"}};
    if (pinned_date_) {
      env["GONGKAI_PINNED_DATE"] = options.pinned_date;
      env["GONGKAI_ALLOW_PINNED_CLOCK"] = "true";
    }
    for (const auto& [name, value] : entry.settings) {
      env[name] = common::ExpandSetting(value, dir_, address);
      if (value.starts_with("{run}/") && !std::filesystem::exists(env[name])) {
        std::ofstream(env[name]) << "e2e-secret-" << name << "-" << getpid() << "-0123456789abcdefghijklmnopqrstuv\n";
      }
    }
    settings_[entry.name] = Merge(std::move(env), OptionsFor(options, entry.name));
    services_.emplace_back(entry.name, StartServer(std::string(GONGKAI_BINARY_DIR) + "/" + entry.binary(),
                                                   settings_[entry.name], dir_, entry.name, log_dir_));
    upstreams += (upstreams.empty() ? "" : ",") + entry.package() + "=" + address(entry.name);
  }
  gateway_ = StartServer(GONGKAI_GATEWAY_BIN,
                         Merge({{"GONGKAI_PRINCIPALS_FILE", dir_ + "/principals.json"},
                                {"GONGKAI_IDENTITY_KEY_FILE", identity_key_file("gateway")},
                                {"GONGKAI_UPSTREAMS", upstreams},
                                {"GONGKAI_HTTP_LISTEN", "127.0.0.1:0"},
                                {"GONGKAI_WEB_DIR", std::string(GONGKAI_BINARY_DIR) + "/web"},
                                {"GONGKAI_DEFAULT_DEADLINE_MS", "5000"},
                                {"GONGKAI_SHUTDOWN_GRACE_SECONDS", "2"}},
                               OptionsFor(options, "gateway")),
                         dir_, "gateway", log_dir_);
}

std::unique_ptr<common::IdentitySigner> Platform::SignerOf(const std::string& process) const {
  return std::make_unique<common::IdentitySigner>(common::ReadSigningKey(identity_key_file(process)),
                                                  SignerName(process), common::ReadTrustedKeys(trust_file()));
}

Platform::~Platform() {
  gateway_.process.reset();
  for (auto it = services_.rbegin(); it != services_.rend(); ++it) it->second.process.reset();
  DropServiceRoles(db_.url());
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

std::shared_ptr<grpc::Channel> Platform::Gateway() const {
  return grpc::CreateChannel(Loopback(gateway_.ports.grpc), grpc::InsecureChannelCredentials());
}

std::shared_ptr<grpc::Channel> Platform::Direct(const std::string& service) const {
  return grpc::CreateChannel(Loopback(this->service(service).ports.grpc), grpc::InsecureChannelCredentials());
}

std::string Platform::Authorization(const std::string& principal) const { return "Bearer " + tokens_.at(principal); }

void Platform::Authorize(grpc::ClientContext& ctx, const std::string& principal) const {
  if (!principal.empty()) ctx.AddMetadata("authorization", Authorization(principal));
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
}

std::string Platform::GatewayMetrics() const { return HttpGet(gateway_.ports.metrics, "/metrics"); }

Server& Platform::service(const std::string& name) { return Find(services_, name); }

const Server& Platform::service(const std::string& name) const { return Find(services_, name); }

const std::string& Platform::service_database_url(const std::string& service) const {
  auto it = database_urls_.find(service);
  if (it == database_urls_.end()) {
    throw std::out_of_range("the platform runs no service '" + service + "' (services/services.table)");
  }
  return it->second;
}

void Platform::Restart(const std::string& name) {
  Server& server = service(name);
  server.process->Stop();
  const auto& table = common::ServiceTable();
  const auto entry = std::find_if(table.begin(), table.end(), [&](const auto& e) { return e.name == name; });
  std::map<std::string, std::string> env = settings_.at(name);
  env["GONGKAI_LISTEN"] = Loopback(server.ports.grpc);
  env["GONGKAI_METRICS_LISTEN"] = Loopback(server.ports.metrics);
  server = StartServer(std::string(GONGKAI_BINARY_DIR) + "/" + entry->binary(), std::move(env), dir_, name, log_dir_);
}

void Platform::Restart(const std::string& name, const std::map<std::string, std::string>& settings) {
  service(name);  // throws for a name not in the table, before anything changes
  auto& env = settings_.at(name);
  for (const auto& [key, value] : settings) env[key] = value;
  Restart(name);
}

common::Date Platform::Today() const { return pinned_date_ ? *pinned_date_ : common::SystemClock().Today(); }

std::string Platform::DeskAgency(int n) { return CreditCode("140100", 900 + n); }

HttpAnswer HttpRequest(int port, const std::string& verb, const std::string& target,
                       const std::map<std::string, std::string>& headers, const std::string& body) {
  namespace beast = boost::beast;
  namespace http = beast::http;
  boost::asio::io_context io;
  beast::tcp_stream stream(io);
  beast::error_code ec;
  stream.expires_after(std::chrono::seconds(30));
  stream.connect(
      boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)),
      ec);
  if (ec) throw std::runtime_error("nothing answers on port " + std::to_string(port) + ": " + ec.message());
  http::request<http::string_body> request(http::string_to_verb(verb), target, 11);
  request.set(http::field::host, "127.0.0.1");
  for (const auto& [name, value] : headers) request.set(name, value);
  request.body() = body;
  request.prepare_payload();
  http::write(stream, request, ec);
  if (ec) throw std::runtime_error("cannot send to port " + std::to_string(port) + ": " + ec.message());
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(256 * 1024 * 1024);
  http::read(stream, buffer, parser, ec);
  if (ec) throw std::runtime_error("no answer from port " + std::to_string(port) + ": " + ec.message());
  HttpAnswer answer;
  answer.status = static_cast<int>(parser.get().result_int());
  for (const auto& field : parser.get()) {
    std::string name(field.name_string());
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    answer.headers[name] = std::string(field.value());
  }
  answer.body = std::move(parser.get().body());
  return answer;
}

NodeRun RunNode(const std::string& script, const std::map<std::string, std::string>& env) {
  const std::string dir = std::string(GONGKAI_SOURCE_DIR) + "/tests/node";
  NodeRun run;
  if (!std::filesystem::exists(dir + "/node_modules")) {
    run.output = "tests/node/node_modules is missing: run npm ci in tests/node (scripts/test does)";
    return run;
  }
  // Values are single-quoted for the shell; none of ours holds a quote.
  std::string command = "cd '" + dir + "' &&";
  for (const auto& [name, value] : env) {
    if (value.find('\'') != std::string::npos) throw std::invalid_argument("RunNode: a quote in " + name);
    command += " " + name + "='" + value + "'";
  }
  command += " node '" + script + "' 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) throw std::runtime_error("RunNode: popen failed");
  char buffer[4096];
  while (std::size_t n = fread(buffer, 1, sizeof buffer, pipe)) run.output.append(buffer, n);
  run.status = pclose(pipe);
  std::istringstream lines(run.output);
  for (std::string line; std::getline(lines, line);) {
    auto parsed = nlohmann::json::parse(line, nullptr, false);
    if (parsed.is_object() && parsed.contains("step")) run.steps[parsed["step"].get<std::string>()] = parsed;
  }
  return run;
}

std::string HttpGet(int port, const std::string& path) {
  try {
    return HttpRequest(port, "GET", path).body;
  } catch (const std::runtime_error&) {
    return {};
  }
}

std::optional<double> MetricValue(const std::string& metrics, const std::string& series) {
  std::istringstream lines(metrics);
  for (std::string line; std::getline(lines, line);) {
    if (line.starts_with(series + " ")) return std::strtod(line.c_str() + series.size() + 1, nullptr);
  }
  return std::nullopt;
}

std::string HealthOf(const std::shared_ptr<grpc::Channel>& channel) {
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  grpc::health::v1::HealthCheckResponse response;
  grpc::Status status = grpc::health::v1::Health::NewStub(channel)->Check(&ctx, {}, &response);
  if (!status.ok()) return "error " + std::to_string(status.error_code());
  return grpc::health::v1::HealthCheckResponse::ServingStatus_Name(response.status());
}

std::string CreditCode(const std::string& area, int serial) {
  char tail[8];
  std::snprintf(tail, sizeof tail, "%07d", serial);
  std::string first17 = "11" + area + "MB" + tail;
  return first17 + common::CreditCodeCheckCharacter(first17);
}

bool Eventually(const std::function<bool()>& pred, int timeout_ms) {
  auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (std::chrono::steady_clock::now() < until) {
    if (pred()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return pred();
}

registry::v1::Agency AgencyOf(const std::string& city, int serial, const std::vector<std::string>& domains) {
  registry::v1::Agency a = MakeAgency(city, city, serial);
  a.clear_domains();
  for (const auto& d : domains) a.add_domains(d);
  return a;
}

std::string PlatformTest::AddAgency(const std::string& city, int serial, const std::vector<std::string>& domains) {
  registry::v1::UpsertAgenciesRequest request;
  auto* a = request.add_agencies();
  *a = AgencyOf(city, serial, domains);
  registry::v1::UpsertAgenciesResponse response;
  grpc::Status status = Call("city-" + city, &registry::v1::RegistryService::Stub::UpsertAgencies, request, &response);
  EXPECT_TRUE(status.ok()) << status.error_message();
  if (status.ok()) {
    EXPECT_EQ(response.results(0).outcome(), common::v1::RecordResult::ACCEPTED);
  }
  return a->credit_code();
}

std::string PlatformTest::IsoDaysAgo(int days) const {
  return common::FormatIsoDate(platform_->Today() - std::chrono::days(days));
}

}  // namespace gongkai::testing
