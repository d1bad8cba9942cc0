// gongkai-admin: adds, rotates, revokes and lists the gateway's principals.
//
//   gongkai-admin add    --principals=FILE --name=city-140100 --role=city --city=140100 [--expires=T]
//   gongkai-admin add    --principals=FILE --name=desk-1 --role=desk --agency=<credit code>
//   gongkai-admin add    ... --client-cert=city.crt [--token=no]
//   gongkai-admin rotate --principals=FILE --name=N [--expires=T]
//   gongkai-admin revoke --principals=FILE --name=N
//   gongkai-admin list   --principals=FILE
//
// add and rotate print the new token ("<principal>.<secret>") once on
// standard output; the file keeps only its salted hash. The gateway reads the
// file again on SIGHUP: until then it serves the principals it read before.
// T is a UTC time, YYYY-MM-DDTHH:MM:SSZ. With --client-cert, the principal is
// also the holder of that certificate (its SHA-256 is stored), which its
// system presents over mutual TLS: with its token, or alone with --token=no
// (then no token is printed).
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>

#include "gateway/principals.h"
#include "gateway/principals_admin.h"

namespace {

constexpr char kUsage[] =
    "usage: gongkai-admin add|rotate|revoke|list --principals=FILE [--name=N] [--role=city|province|desk]\n"
    "       [--city=CODE] [--agency=CREDIT_CODE] [--expires=YYYY-MM-DDTHH:MM:SSZ]\n"
    "       [--client-cert=PEM [--token=no]]  (the certificate with the token, or alone)\n";

int Fail(const std::string& why) {
  std::cerr << "gongkai-admin: " << why << "\n" << kUsage;
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace gongkai::gateway;
  if (argc < 2) return Fail("no command");
  const std::string command = argv[1];
  const std::map<std::string, std::set<std::string>> kFlags = {
      {"add", {"principals", "name", "role", "city", "agency", "expires", "client-cert", "token"}},
      {"rotate", {"principals", "name", "expires"}},
      {"revoke", {"principals", "name"}},
      {"list", {"principals"}}};
  const auto allowed = kFlags.find(command);
  if (allowed == kFlags.end()) return Fail("unknown command " + command);
  std::map<std::string, std::string> flags;
  for (int i = 2; i < argc; ++i) {
    const std::string arg = argv[i];
    const auto eq = arg.find('=');
    if (!arg.starts_with("--") || eq == std::string::npos) return Fail("not --flag=value: " + arg);
    const std::string name = arg.substr(2, eq - 2);
    if (!allowed->second.count(name)) return Fail(command + " takes no --" + name);
    flags[name] = arg.substr(eq + 1);
  }
  const std::string path = flags["principals"];
  if (path.empty()) return Fail("--principals is required");
  if (command != "list" && flags["name"].empty()) return Fail("--name is required");

  try {
    nlohmann::json file = nlohmann::json::array();
    {
      std::ifstream in(path);
      if (in) {
        std::stringstream text;
        text << in.rdbuf();
        file = nlohmann::json::parse(text.str());
      } else if (command != "add") {
        return Fail("cannot read " + path);
      }
    }
    if (command == "list") {
      if (!file.is_array()) return Fail(path + " is not a JSON array");
      for (const auto& p : file) {
        std::cout << p.value("name", "") << "\t" << p.value("role", "") << "\t"
                  << p.value("city", p.value("agency", "-")) << "\t" << p.value("expires", "-") << "\n";
      }
      return 0;
    }
    PrincipalsEdit edit;
    if (command == "add") {
      PrincipalSpec spec{flags["name"], flags["role"], flags["city"], flags["agency"], flags["expires"]};
      if (!flags["client-cert"].empty()) {
        std::ifstream in(flags["client-cert"]);
        std::stringstream pem;
        pem << in.rdbuf();
        spec.client_cert_sha256 = CertificateFingerprint(pem.str());
        if (spec.client_cert_sha256.empty()) return Fail(flags["client-cert"] + " does not read as a PEM certificate");
      }
      if (flags.count("token")) {
        if (flags["token"] != "yes" && flags["token"] != "no") return Fail("--token is yes or no");
        spec.token = flags["token"] == "yes";
      }
      if (!spec.token && spec.client_cert_sha256.empty()) return Fail("--token=no needs --client-cert");
      edit = AddPrincipal(file, spec, SystemRandomHex);
    } else if (command == "rotate") {
      edit = RotatePrincipal(file, flags["name"], flags["expires"], SystemRandomHex);
    } else {
      edit = RevokePrincipal(file, flags["name"]);
    }
    WriteFileAtomically(path, edit.file.dump(2) + "\n");
    if (!edit.token.empty()) std::cout << edit.token << "\n";
    std::cerr << "gongkai-admin: " << path << " written (" << command << " " << flags["name"]
              << "); send SIGHUP to the gateway to serve it"
              << (edit.token.empty() ? "" : "; the token is shown only this once") << "\n";
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "gongkai-admin: " << e.what() << "\n";
    return 1;
  }
}
