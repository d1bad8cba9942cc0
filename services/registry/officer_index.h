#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <thread>
#include <unordered_map>

#include "common/pg_pool.h"
#include "services/registry/officer.h"

namespace gongkai::registry {

// What certificate verification reads: the published fields of a certificate,
// by its number or by its badge code.
class CertificateLookup {
 public:
  virtual ~CertificateLookup() = default;
  virtual std::optional<Officer> ByCertificate(const std::string& certificate_number) const = 0;
  virtual std::optional<Officer> ByCode(const std::string& officer_code) const = 0;
  // Reads what changed since the last refresh (after this process's writes).
  virtual void Refresh() = 0;
};

// Every officer's published fields and badge code in memory, for public
// certificate verification (执法证真伪查询), which is by far the hottest read.
// Kept current from the database: a change to the officers or agencies tables
// notifies every registry process (registry_changes), which reads the rows
// changed since its watermarks. A process refreshes after its own writes too,
// so what it wrote it verifies at once. While the database is away,
// verification goes on from the last known state.
class OfficerIndex final : public CertificateLookup {
 public:
  OfficerIndex(std::string database_url, common::PgPool& pool);
  ~OfficerIndex();
  OfficerIndex(const OfficerIndex&) = delete;
  OfficerIndex& operator=(const OfficerIndex&) = delete;

  // Loads everything, then follows changes on a thread of its own. Throws when
  // the first load fails.
  void Start();

  std::optional<Officer> ByCertificate(const std::string& certificate_number) const override;
  std::optional<Officer> ByCode(const std::string& officer_code) const override;
  void Refresh() override;
  std::size_t size() const;

 private:
  struct Entry {
    Officer officer;
    std::string code;
  };
  void Follow();
  void RefreshOn(pqxx::connection& conn);

  const std::string database_url_;
  common::PgPool& pool_;
  std::mutex refresh_mutex_;       // one refresh at a time
  int64_t officer_watermark_ = 0;  // guarded by refresh_mutex_
  int64_t agency_watermark_ = 0;   // guarded by refresh_mutex_

  mutable std::shared_mutex mutex_;
  std::unordered_map<std::string, Entry> by_certificate_;        // guarded by mutex_
  std::unordered_map<std::string, std::string> certificate_of_;  // code -> certificate; guarded by mutex_

  std::atomic<bool> stopping_{false};
  std::thread follower_;
};

}  // namespace gongkai::registry
