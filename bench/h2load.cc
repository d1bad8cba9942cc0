#include "bench/h2load.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <regex>
#include <sstream>

extern char** environ;

namespace gongkai::bench {
namespace {

// A folder of its own for h2load's files, removed when it goes.
class ScratchDir {
 public:
  ScratchDir() {
    char pattern[] = "/tmp/gongkai-h2load-XXXXXX";
    if (mkdtemp(pattern) == nullptr) throw BrokenSetup("cannot make a folder for h2load's files");
    path_ = pattern;
  }
  ~ScratchDir() {
    for (const char* name : {"/request", "/log", "/out"}) std::remove((path_ + name).c_str());
    rmdir(path_.c_str());
  }
  std::string operator/(const char* name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// The message as one uncompressed gRPC frame: a zero flag byte, the length
// (4 bytes, big-endian), the bytes.
std::string GrpcFrame(const std::string& message) {
  std::string frame(5, '\0');
  const auto size = static_cast<uint32_t>(message.size());
  for (int i = 0; i < 4; ++i) frame[static_cast<std::size_t>(1 + i)] = static_cast<char>(size >> (8 * (3 - i)));
  return frame + message;
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Starts h2load with `args`, its output into `out`; returns its pid.
pid_t Spawn(const std::vector<std::string>& args, const std::string& out) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  pid_t pid = -1;
  const int rc = posix_spawnp(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    throw BrokenSetup("cannot start h2load (Debian package nghttp2-client; bench/run installs it): " +
                      std::string(std::strerror(rc)));
  }
  return pid;
}

// Runs h2load over `load` for `amount` (--duration=… or --requests=…); `shares` (h2load's own added) are
// metered from its start until it ends, which is waited for without reaping
// it so that its CPU can still be read. Returns h2load's output.
std::string RunOnce(const H2Load& load, const std::string& amount, const ScratchDir& dir, bool with_log,
                    std::vector<CpuShare> shares, std::string* cpu) {
  std::vector<std::string> args = {"h2load",
                                   "--threads=" + std::to_string(load.threads),
                                   "--clients=" + std::to_string(load.connections),
                                   "--max-concurrent-streams=" + std::to_string(load.streams),
                                   amount,
                                   "--data=" + (dir / "request"),
                                   "--header=content-type: application/grpc",
                                   "--header=te: trailers"};
  if (with_log) args.push_back("--log-file=" + (dir / "log"));
  if (load.rate_per_connection > 0) args.push_back("--rps=" + std::to_string(load.rate_per_connection));
  if (load.tls) args.push_back("--npn-list=h2");
  args.push_back((load.tls ? "https://" : "http://") + load.address + load.path);
  const pid_t pid = Spawn(args, dir / "out");
  shares.push_back({"h2load", {pid}});
  const CpuMeter meter(std::move(shares));
  siginfo_t info{};
  waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOWAIT);
  if (cpu != nullptr) *cpu = meter.Report();
  int status = 0;
  waitpid(pid, &status, 0);
  std::string out = ReadAll(dir / "out");
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) throw BrokenSetup("h2load failed: " + out);
  return out;
}

int64_t Matched(const std::string& text, const std::regex& pattern, int group, const std::string& what) {
  std::smatch m;
  if (!std::regex_search(text, m, pattern)) throw BrokenSetup("h2load printed no " + what + ":\n" + text);
  return std::stoll(m[group].str());
}

// "finished in 6.00s, 15671.00 req/s, 2.86MB/s" (or "735.96ms")
std::smatch Finished(const std::string& out) {
  std::smatch m;
  if (!std::regex_search(out, m, std::regex(R"(finished in ([0-9.]+)(m?s), ([0-9.]+) req/s)"))) {
    throw BrokenSetup("h2load printed no duration:\n" + out);
  }
  return m;
}

double FinishedIn(const std::string& out) {
  const auto m = Finished(out);
  return std::stod(m[1].str()) / (m[2].str() == "ms" ? 1000 : 1);
}
double RequestsPerSecond(const std::string& out) { return std::stod(Finished(out)[3].str()); }

}  // namespace

H2LoadResult RunH2Load(const H2Load& load, std::vector<CpuShare> shares, const std::function<void()>& before_measured) {
  const ScratchDir dir;
  {
    std::ofstream request(dir / "request", std::ios::binary);
    request << GrpcFrame(load.message);
  }
  const std::string warm_up =
      RunOnce(load, "--requests=" + std::to_string(load.warm_up_calls), dir, false, {}, nullptr);
  const std::string amount = load.for_duration ? "--duration=" + std::to_string(load.seconds) : "";
  const int64_t calls = std::max<int64_t>(static_cast<int64_t>(RequestsPerSecond(warm_up) * load.seconds),
                                          static_cast<int64_t>(load.connections) * load.streams);
  if (before_measured) before_measured();

  H2LoadResult result;
  const std::string out = RunOnce(load, amount.empty() ? "--requests=" + std::to_string(calls) : amount, dir, true,
                                  std::move(shares), &result.cpu);
  // "requests: 78355 total, 78355 started, 78355 done, 78355 succeeded, 0 failed, 0 errored, 0 timeout"
  const std::regex requests(R"(requests: (\d+) total, (\d+) started, (\d+) done, (\d+) succeeded, (\d+) failed)");
  result.calls = Matched(out, requests, 4, "request counts");
  result.failed = Matched(out, requests, 5, "request counts");
  result.seconds = FinishedIn(out);

  // The log: start (µs since the epoch), HTTP status, µs until the response ended.
  std::vector<int64_t> latencies_ns;
  latencies_ns.reserve(static_cast<std::size_t>(result.calls));
  std::ifstream log(dir / "log");
  int64_t start_us = 0, micros = 0;
  int http_status = 0;
  double total_ms = 0;
  while (log >> start_us >> http_status >> micros) {
    if (http_status != 200) continue;
    latencies_ns.push_back(micros * 1000);
    total_ms += static_cast<double>(micros) / 1000;
  }
  std::sort(latencies_ns.begin(), latencies_ns.end());
  if (!latencies_ns.empty()) {
    result.mean_ms = total_ms / static_cast<double>(latencies_ns.size());
    result.p50_ms = PercentileMs(latencies_ns, 0.50);
    result.p90_ms = PercentileMs(latencies_ns, 0.90);
    result.p99_ms = PercentileMs(latencies_ns, 0.99);
    result.max_ms = PercentileMs(latencies_ns, 1.0);
  }
  return result;
}

std::map<std::string, int64_t> GrpcCodes(const std::string& metrics, const std::string& method) {
  std::map<std::string, int64_t> codes;
  const std::string wanted = "grpc_method=\"" + method + "\"";
  const std::regex code(R"re(grpc_code="([A-Za-z]+)")re");
  std::istringstream lines(metrics);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.rfind("grpc_server_handled_total{", 0) != 0 || line.find(wanted) == std::string::npos) continue;
    std::smatch m;
    if (!std::regex_search(line, m, code)) continue;
    codes[m[1].str()] += static_cast<int64_t>(std::stod(line.substr(line.rfind(' ') + 1)));
  }
  return codes;
}

std::map<std::string, int64_t> Delta(const std::map<std::string, int64_t>& after,
                                     const std::map<std::string, int64_t>& before) {
  std::map<std::string, int64_t> delta;
  for (const auto& [code, count] : after) {
    auto it = before.find(code);
    const int64_t d = count - (it == before.end() ? 0 : it->second);
    if (d != 0) delta[code] = d;
  }
  return delta;
}

}  // namespace gongkai::bench
