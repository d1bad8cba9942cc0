#include "tests/e2e/certificates.h"

#include <gtest/gtest.h>

#include <cstdlib>

namespace gongkai::testing {

void MakeCertificate(const std::string& dir, const std::string& name, bool make_ca) {
  const std::string d = "'" + dir + "'";
  std::string command = "set -e; cd " + d + "; ";
  if (make_ca) {
    command +=
        "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 30 "
        "-subj '/CN=gongkai test CA' -keyout ca.key -out ca.crt 2>/dev/null; ";
  }
  command += "openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj '/CN=" + name + "' -keyout " +
             name + ".key -out " + name + ".csr 2>/dev/null; printf 'subjectAltName=IP:127.0.0.1\\n" +
             "extendedKeyUsage=serverAuth,clientAuth\\n' > " + name + ".ext; openssl x509 -req -in " + name +
             ".csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 30 -extfile " + name + ".ext -out " + name +
             ".crt 2>/dev/null";
  ASSERT_EQ(std::system(command.c_str()), 0) << command;
}

}  // namespace gongkai::testing
