#include "services/registry/officer_index.h"

#include <pqxx/pqxx>

#include "common/log.h"
#include "services/registry/officer_store.h"

namespace gongkai::registry {
namespace {

constexpr char kChannel[] = "registry_changes";

// Rows changed since the watermarks; an agency's change (its name) brings its
// officers. Prepared on the pool and on the listener's own connection.
const common::Statement kChanged{
    "registry_officer_index_changed",
    "SELECT o.certificate_number, o.agency_credit_code, o.city_code, o.name, o.category, o.valid_from::text, "
    "o.valid_until::text, o.status, o.source_version, o.code_generation, a.name, o.officer_code, o.change_seq, "
    "a.change_seq FROM registry.officers o JOIN registry.agencies a ON a.credit_code = o.agency_credit_code "
    "WHERE o.change_seq > $1 OR a.change_seq > $2"};

class Wakeup final : public pqxx::notification_receiver {
 public:
  Wakeup(pqxx::connection_base& conn, bool& woken) : pqxx::notification_receiver(conn, kChannel), woken_(woken) {}
  void operator()(const std::string&, int) override { woken_ = true; }

 private:
  bool& woken_;
};

}  // namespace

OfficerIndex::OfficerIndex(std::string database_url, common::PgPool& pool)
    : database_url_(std::move(database_url)), pool_(pool) {
  pool_.Prepare(kChanged);
}

OfficerIndex::~OfficerIndex() {
  stopping_ = true;
  if (follower_.joinable()) follower_.join();
}

void OfficerIndex::Start() {
  Refresh();
  common::Log(common::LogLevel::kInfo, "officer_index_loaded", {{"officers", size()}});
  follower_ = std::thread([this] { Follow(); });
}

void OfficerIndex::Refresh() {
  pool_.Run([this](pqxx::connection& conn) { RefreshOn(conn); });
}

void OfficerIndex::RefreshOn(pqxx::connection& conn) {
  std::lock_guard refresh(refresh_mutex_);
  pqxx::read_transaction tx(conn);
  auto rows = tx.exec_prepared(kChanged.name, officer_watermark_, agency_watermark_);
  std::unique_lock lock(mutex_);
  for (const auto& r : rows) {
    Entry e{OfficerFromRow(r), r[11].as<std::string>()};
    const Officer& o = e.officer;
    officer_watermark_ = std::max(officer_watermark_, r[12].as<int64_t>());
    agency_watermark_ = std::max(agency_watermark_, r[13].as<int64_t>());
    auto [it, fresh] = by_certificate_.try_emplace(o.certificate_number);
    if (!fresh && it->second.code != e.code) certificate_of_.erase(it->second.code);
    certificate_of_[e.code] = o.certificate_number;
    it->second = std::move(e);
  }
}

void OfficerIndex::Follow() {
  while (!stopping_) {
    try {
      pqxx::connection conn(database_url_);
      conn.prepare(kChanged.name, kChanged.sql);
      bool woken = false;
      Wakeup wakeup(conn, woken);
      // Changes made while this listener was away are read now.
      RefreshOn(conn);
      while (!stopping_) {
        conn.await_notification(1, 0);
        if (woken) {
          woken = false;
          RefreshOn(conn);
        }
      }
    } catch (const std::exception& e) {
      common::Log(common::LogLevel::kWarning, "officer_index_listener_lost", {{"reason", e.what()}});
      for (int i = 0; i < 10 && !stopping_; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
}

std::optional<Officer> OfficerIndex::ByCertificate(const std::string& certificate_number) const {
  std::shared_lock lock(mutex_);
  auto it = by_certificate_.find(certificate_number);
  if (it == by_certificate_.end()) return std::nullopt;
  return it->second.officer;
}

std::optional<Officer> OfficerIndex::ByCode(const std::string& officer_code) const {
  std::shared_lock lock(mutex_);
  auto code = certificate_of_.find(officer_code);
  if (code == certificate_of_.end()) return std::nullopt;
  return by_certificate_.at(code->second).officer;
}

std::size_t OfficerIndex::size() const {
  std::shared_lock lock(mutex_);
  return by_certificate_.size();
}

}  // namespace gongkai::registry
