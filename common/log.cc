#include "common/log.h"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>

namespace gongkai::common {
namespace {

thread_local std::string tls_request_id;
std::string g_component = "gongkai";
std::mutex g_write_mutex;

const char* LevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug: return "debug";
    case LogLevel::kInfo: return "info";
    case LogLevel::kWarning: return "warning";
    case LogLevel::kError: return "error";
  }
  return "info";
}

std::string NowRfc3339() {
  auto now = std::chrono::system_clock::now();
  std::time_t secs = std::chrono::system_clock::to_time_t(now);
  auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[40];
  std::size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  std::snprintf(buf + n, sizeof buf - n, ".%03dZ", static_cast<int>(millis));
  return buf;
}

}  // namespace

void SetLogComponent(const std::string& component) { g_component = component; }

void Log(LogLevel level, const std::string& event, const nlohmann::json& fields) {
  nlohmann::json line = {
      {"ts", NowRfc3339()}, {"level", LevelName(level)}, {"component", g_component}, {"event", event}};
  if (!tls_request_id.empty()) line["request_id"] = tls_request_id;
  if (fields.is_object()) {
    for (auto it = fields.begin(); it != fields.end(); ++it) line[it.key()] = it.value();
  }
  std::string text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  std::lock_guard lock(g_write_mutex);
  std::fprintf(stderr, "%s\n", text.c_str());
}

RequestScope::RequestScope(std::string request_id) : previous_(std::move(tls_request_id)) {
  tls_request_id = std::move(request_id);
}

RequestScope::~RequestScope() { tls_request_id = std::move(previous_); }

const std::string& RequestScope::Current() { return tls_request_id; }

}  // namespace gongkai::common
