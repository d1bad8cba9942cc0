#include "common/config.h"

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <iostream>
#include <set>

extern char** environ;

namespace gongkai::common {
namespace {

constexpr std::string_view kPrefix = "GONGKAI_";

std::map<std::string, std::string> ProcessEnvironment() {
  std::map<std::string, std::string> env;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    std::string entry(*e);
    auto eq = entry.find('=');
    if (eq != std::string::npos && entry.starts_with(kPrefix)) {
      env[entry.substr(0, eq)] = entry.substr(eq + 1);
    }
  }
  return env;
}

}  // namespace

std::string FlagName(const std::string& name) {
  std::string flag = name.starts_with(kPrefix) ? name.substr(kPrefix.size()) : name;
  std::transform(flag.begin(), flag.end(), flag.begin(),
                 [](unsigned char c) { return c == '_' ? '-' : static_cast<char>(std::tolower(c)); });
  return flag;
}

Config::Config(int argc, char** argv)
    : Config(ProcessEnvironment(), std::vector<std::string>(argv + (argc > 0 ? 1 : 0), argv + argc)) {
  if (argc > 0) program_ = argv[0];
}

Config::Config(std::map<std::string, std::string> env, std::vector<std::string> args) : env_(std::move(env)) {
  for (const auto& arg : args) {
    if (arg == "--help" || arg == "-h") {
      help_requested_ = true;
      continue;
    }
    auto eq = arg.find('=');
    if (!arg.starts_with("--") || eq == std::string::npos) {
      errors_.push_back("argument '" + arg + "': expected --name=value");
      continue;
    }
    flags_[arg.substr(2, eq - 2)] = arg.substr(eq + 1);
  }
}

const std::string* Config::Lookup(const std::string& name) {
  known_.push_back(FlagName(name));
  if (auto f = flags_.find(FlagName(name)); f != flags_.end()) return &f->second;
  if (auto e = env_.find(name); e != env_.end()) return &e->second;
  return nullptr;
}

std::string Config::String(const std::string& name, const std::string& fallback, const std::string& help) {
  help_lines_.push_back("  --" + FlagName(name) + " (" + name + ", default '" + fallback + "'): " + help);
  const std::string* v = Lookup(name);
  return v ? *v : fallback;
}

std::string Config::RequiredString(const std::string& name, const std::string& help) {
  help_lines_.push_back("  --" + FlagName(name) + " (" + name + ", required): " + help);
  const std::string* v = Lookup(name);
  if (v == nullptr || v->empty()) {
    errors_.push_back(name + " (--" + FlagName(name) + "): required, not set");
    return {};
  }
  return *v;
}

int64_t Config::Int(const std::string& name, int64_t fallback, int64_t min, int64_t max, const std::string& help) {
  help_lines_.push_back("  --" + FlagName(name) + " (" + name + ", default " + std::to_string(fallback) + ", " +
                        std::to_string(min) + ".." + std::to_string(max) + "): " + help);
  const std::string* v = Lookup(name);
  if (v == nullptr) return fallback;
  int64_t value = 0;
  auto [end, ec] = std::from_chars(v->data(), v->data() + v->size(), value);
  if (ec != std::errc() || end != v->data() + v->size()) {
    errors_.push_back(name + " (--" + FlagName(name) + "): '" + *v + "' is not an integer");
    return fallback;
  }
  if (value < min || value > max) {
    errors_.push_back(name + " (--" + FlagName(name) + "): " + *v + " is outside " + std::to_string(min) + ".." +
                      std::to_string(max));
    return fallback;
  }
  return value;
}

std::string Config::Address(const std::string& name, const std::string& fallback, const std::string& help) {
  std::string v = String(name, fallback, help);
  auto colon = v.rfind(':');
  bool ok = colon != std::string::npos && colon > 0 && colon + 1 < v.size();
  if (ok) {
    int port = -1;
    std::string_view p(v.data() + colon + 1, v.size() - colon - 1);
    auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), port);
    ok = ec == std::errc() && end == p.data() + p.size() && port >= 0 && port <= 65535;
  }
  if (!ok) {
    errors_.push_back(name + " (--" + FlagName(name) + "): '" + v + "' is not host:port");
  }
  return v;
}

bool Config::Bool(const std::string& name, bool fallback, const std::string& help) {
  std::string v = String(name, fallback ? "true" : "false", help);
  if (v == "true" || v == "1") return true;
  if (v == "false" || v == "0") return false;
  errors_.push_back(name + " (--" + FlagName(name) + "): '" + v + "' is not true or false");
  return fallback;
}

void Config::Fail(const std::string& name, const std::string& problem) {
  errors_.push_back(name + " (--" + FlagName(name) + "): " + problem);
}

std::vector<std::string> Config::Errors() const {
  std::vector<std::string> all = errors_;
  for (const auto& [flag, value] : flags_) {
    if (std::find(known_.begin(), known_.end(), flag) == known_.end()) {
      all.push_back("--" + flag + ": unknown setting");
    }
  }
  return all;
}

std::string Config::Help() const {
  std::string help = "usage: " + program_ + " [--name=value ...]\n";
  std::set<std::string> listed;
  for (const auto& line : help_lines_) {
    if (listed.insert(line).second) help += line + "\n";
  }
  return help;
}

void Config::Finish() const {
  if (help_requested_) {
    std::cout << Help();
    std::exit(0);
  }
  auto errors = Errors();
  if (errors.empty()) return;
  for (const auto& e : errors) std::cerr << program_ << ": configuration: " << e << "\n";
  std::exit(2);
}

}  // namespace gongkai::common
