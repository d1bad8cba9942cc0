#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace gongkai::common {

enum class LogLevel { kDebug, kInfo, kWarning, kError };

// Writes one JSON line to stderr: {"ts", "level", "event", "request_id"?, ...fields}.
// Fields never carry personal data or SQL text; callers pass what an operator needs.
void Log(LogLevel level, const std::string& event, const nlohmann::json& fields = nlohmann::json::object());

// Sets the request id that Log() adds on this thread, for the life of the scope.
class RequestScope {
 public:
  explicit RequestScope(std::string request_id);
  ~RequestScope();
  RequestScope(const RequestScope&) = delete;
  RequestScope& operator=(const RequestScope&) = delete;

  static const std::string& Current();

 private:
  std::string previous_;
};

void SetLogComponent(const std::string& component);

}  // namespace gongkai::common
