#include "common/tls.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <prometheus/metric_family.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <string>

namespace gongkai::common {
namespace {

// 2029-06-01T00:00:00Z, 2030-01-01T00:00:00Z and 2031-03-15T12:00:00Z.
constexpr std::int64_t k2029 = 1874966400;
constexpr std::int64_t k2030 = 1893456000;
constexpr std::int64_t k2031 = 1931342400;

// A self-signed certificate valid until `not_after` (seconds since the Unix
// epoch), in PEM.
std::string CertificatePem(std::int64_t not_after) {
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"),
                                                          EVP_PKEY_free);
  std::unique_ptr<X509, decltype(&X509_free)> certificate(X509_new(), X509_free);
  EXPECT_TRUE(key && certificate);
  X509_set_version(certificate.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(certificate.get()), 1);
  X509_gmtime_adj(X509_getm_notBefore(certificate.get()), 0);
  ASN1_TIME_set(X509_getm_notAfter(certificate.get()), static_cast<time_t>(not_after));
  X509_NAME* name = X509_get_subject_name(certificate.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("gongkai test"), -1, -1,
                             0);
  X509_set_issuer_name(certificate.get(), name);
  X509_set_pubkey(certificate.get(), key.get());
  EXPECT_GT(X509_sign(certificate.get(), key.get(), nullptr), 0);
  std::unique_ptr<BIO, decltype(&BIO_free)> out(BIO_new(BIO_s_mem()), BIO_free);
  EXPECT_EQ(PEM_write_bio_X509(out.get(), certificate.get()), 1);
  char* data = nullptr;
  const long length = BIO_get_mem_data(out.get(), &data);
  return std::string(data, static_cast<std::size_t>(length));
}

class TlsFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/gongkai-tls-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string Write(const std::string& name, const std::string& text) {
    const std::string path = dir_ + "/" + name;
    std::ofstream(path) << text;
    return path;
  }

  std::string dir_;
};

// The gauge's samples by their `certificate` label.
std::map<std::string, double> Samples(const prometheus::Collectable& gauges) {
  std::map<std::string, double> out;
  for (const auto& family : gauges.Collect()) {
    EXPECT_EQ(family.name, "gongkai_tls_certificate_expiry_timestamp_seconds");
    EXPECT_EQ(family.type, prometheus::MetricType::Gauge);
    for (const auto& metric : family.metric) {
      EXPECT_EQ(metric.label.size(), 1u);
      out[metric.label.at(0).value] = metric.gauge.value;
    }
  }
  return out;
}

TEST_F(TlsFilesTest, EarliestExpiryIsTheCertificatesNotAfter) {
  EXPECT_EQ(EarliestExpiry(Write("one.crt", CertificatePem(k2030))), k2030);
}

TEST_F(TlsFilesTest, EarliestExpiryOfAChainIsItsFirstToEnd) {
  const std::string chain = CertificatePem(k2031) + CertificatePem(k2029) + CertificatePem(k2030);
  EXPECT_EQ(EarliestExpiry(Write("chain.crt", chain)), k2029);
}

TEST_F(TlsFilesTest, EarliestExpiryOfAFileWithoutACertificateIsNone) {
  EXPECT_EQ(EarliestExpiry(dir_ + "/missing.crt"), std::nullopt);
  EXPECT_EQ(EarliestExpiry(Write("empty.crt", "")), std::nullopt);
  EXPECT_EQ(
      EarliestExpiry(Write("garbage.crt", "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n")),
      std::nullopt);
}

TEST_F(TlsFilesTest, ACertificateFileMustHoldACertificateThatParses) {
  const std::string key =
      Write("served.key", "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIA==\n-----END PRIVATE KEY-----\n");
  const std::string good = Write("good.crt", CertificatePem(k2030));
  const std::string broken =
      Write("broken.crt", "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n");
  Config served({{"GONGKAI_TLS_CERT_FILE", good}, {"GONGKAI_TLS_KEY_FILE", key}}, {});
  ASSERT_TRUE(ReadTlsFiles(served).has_value());
  EXPECT_TRUE(served.Errors().empty());

  Config refused({{"GONGKAI_TLS_CERT_FILE", broken}, {"GONGKAI_TLS_KEY_FILE", key}}, {});
  ReadTlsFiles(refused);
  ASSERT_EQ(refused.Errors().size(), 1u);
  EXPECT_NE(refused.Errors()[0].find("GONGKAI_TLS_CERT_FILE"), std::string::npos) << refused.Errors()[0];
  EXPECT_NE(refused.Errors()[0].find("does not read as a PEM certificate"), std::string::npos) << refused.Errors()[0];

  Config upstream({{"GONGKAI_UPSTREAM_CA_FILE", broken}}, {});
  ReadUpstreamTls(upstream);
  ASSERT_EQ(upstream.Errors().size(), 1u);
  EXPECT_NE(upstream.Errors()[0].find("GONGKAI_UPSTREAM_CA_FILE"), std::string::npos) << upstream.Errors()[0];
}

TEST_F(TlsFilesTest, NoTlsFilesMakeNoGauge) { EXPECT_EQ(CertificateExpiryGauges(std::nullopt, std::nullopt), nullptr); }

TEST_F(TlsFilesTest, TheGaugeNamesEachFileSetAndReadsItAtEveryScrape) {
  TlsFiles served;
  served.certificate = Write("served.crt", CertificatePem(k2030));
  served.key = dir_ + "/served.key";
  served.client_ca = Write("clients.crt", CertificatePem(k2031));
  UpstreamTls upstream;
  upstream.ca = Write("ca.crt", CertificatePem(k2029));  // no client certificate of its own
  const auto gauges = CertificateExpiryGauges(served, upstream);
  ASSERT_NE(gauges, nullptr);
  const std::map<std::string, double> first = {{"served", static_cast<double>(k2030)},
                                               {"client_ca", static_cast<double>(k2031)},
                                               {"upstream_ca", static_cast<double>(k2029)}};
  EXPECT_EQ(Samples(*gauges), first);

  // A certificate renewed on disk shows at the next scrape; a file that no
  // longer reads shows as 0 (its end is not known: the alert fires).
  Write("served.crt", CertificatePem(k2031));
  std::filesystem::remove(upstream.ca);
  const std::map<std::string, double> renewed = {
      {"served", static_cast<double>(k2031)}, {"client_ca", static_cast<double>(k2031)}, {"upstream_ca", 0.0}};
  EXPECT_EQ(Samples(*gauges), renewed);
}

TEST_F(TlsFilesTest, TheGaugeNamesTheUpstreamClientCertificate) {
  UpstreamTls upstream;
  upstream.ca = Write("ca.crt", CertificatePem(k2031));
  upstream.certificate = Write("client.crt", CertificatePem(k2029));
  upstream.key = dir_ + "/client.key";
  const auto gauges = CertificateExpiryGauges(std::nullopt, upstream);
  ASSERT_NE(gauges, nullptr);
  const std::map<std::string, double> expected = {{"upstream_ca", static_cast<double>(k2031)},
                                                  {"upstream_client", static_cast<double>(k2029)}};
  EXPECT_EQ(Samples(*gauges), expected);
}

}  // namespace
}  // namespace gongkai::common
