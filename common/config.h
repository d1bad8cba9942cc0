#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace gongkai::common {

// Process configuration: each setting is an environment variable
// (GONGKAI_DATABASE_URL) that a command-line flag (--database-url=...) overrides.
// Settings are read and validated up front; Finish() stops the process with
// every bad value named, so nothing starts half-configured.
class Config {
 public:
  Config(int argc, char** argv);
  // For tests: explicit environment and flags.
  Config(std::map<std::string, std::string> env, std::vector<std::string> args);

  std::string String(const std::string& name, const std::string& fallback, const std::string& help);
  std::string RequiredString(const std::string& name, const std::string& help);
  int64_t Int(const std::string& name, int64_t fallback, int64_t min, int64_t max, const std::string& help);
  // host:port; port 0 asks the kernel for a free one.
  std::string Address(const std::string& name, const std::string& fallback, const std::string& help);
  bool Bool(const std::string& name, bool fallback, const std::string& help);
  // Records a problem with a setting already read (a rule across settings).
  void Fail(const std::string& name, const std::string& problem);

  // Problems found so far, plus unknown flags; empty when all is well.
  std::vector<std::string> Errors() const;
  // What --help prints: the usage line, then one line per setting read, in
  // the order first read (a setting two readers share is listed once).
  std::string Help() const;
  // Exits with status 2 and one line per problem when there is any; prints
  // Help() on --help.
  void Finish() const;

 private:
  const std::string* Lookup(const std::string& name);

  std::map<std::string, std::string> env_;
  std::map<std::string, std::string> flags_;  // by setting name
  std::vector<std::string> errors_;
  std::vector<std::string> help_lines_;
  std::vector<std::string> known_;
  std::string program_;
  bool help_requested_ = false;
};

// GONGKAI_DATABASE_URL <-> --database-url
std::string FlagName(const std::string& name);

}  // namespace gongkai::common
