#pragma once

#include <string>

namespace gongkai::testing {

// Certificates for TLS tests, made by openssl in `dir`: a private CA (ca.crt,
// ca.key; made first when `make_ca`) and `<name>.crt` / `<name>.key` signed by
// it, for 127.0.0.1, good for a server and as a client certificate. Fails the
// running test when openssl does.
void MakeCertificate(const std::string& dir, const std::string& name, bool make_ca);

}  // namespace gongkai::testing
