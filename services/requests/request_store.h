#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/migrations.h"
#include "common/pg_pool.h"

namespace gongkai {
// The requests schema's migrations, compiled in from migrations/*.sql.
const common::MigrationSet& gongkai_requests_migrations();
}  // namespace gongkai

namespace gongkai::requests {

// A request as stored. Serialised messages are requests.v1 protos.
struct StoredRequest {
  std::string id;
  std::string agency_credit_code;
  std::string city_code;
  int channel = 0;
  std::string received_on;
  std::string applicant;  // serialised Applicant
  std::string applicant_name;
  std::string applicant_key;
  std::string information_requested;
  int delivery = 0;
  std::string state;
  bool open = true;
  std::string due_on;  // "" while the reply clock is not running
  bool due_provisional = false;
  std::string reply;  // serialised ReplyContent, "" until replied
  std::string replied_on;
  int outcome = 0;
  bool standardised = false;
  int64_t fee_fen = 0;
  std::vector<std::string> steps;  // serialised Step, in order
};

// What a new step changes: the step itself, and the clock's new answers.
struct RequestUpdate {
  std::string step;  // serialised Step
  int step_type = 0;
  std::string state;
  bool open = true;
  std::string due_on;
  bool due_provisional = false;
  // Replies only.
  std::string reply;
  std::string replied_on;
  int outcome = 0;
  bool standardised = false;
  int64_t fee_fen = 0;
};

struct StoredConsultation {
  std::string id;
  std::string agency_credit_code;
  std::string city_code;
  int channel = 0;
  std::string asked_on;
  std::string question;
  std::string contact;
  std::string due_on;
  bool due_provisional = false;
  std::string answered_on;
  std::string answer;
};

// The fields the yearly statistics and the KPIs count, no personal data.
struct RequestFacts {
  std::string agency_credit_code;
  std::string city_code;
  std::string received_on;
  std::string state;
  bool open = true;
  std::string due_on;
  std::string replied_on;
  int outcome = 0;
  bool standardised = false;
  int reviews = 0;
  int lawsuits = 0;
};

struct ConsultationFacts {
  std::string agency_credit_code;
  std::string city_code;
  std::string asked_on;
  std::string due_on;
  std::string answered_on;
};

class RequestStore {
 public:
  virtual ~RequestStore() = default;

  // Stores a new request with its first step; its id is made here.
  virtual std::string Insert(const StoredRequest& request, const RequestUpdate& first) = 0;
  // nullopt when there is no such request.
  virtual std::optional<StoredRequest> Get(const std::string& id) = 0;
  // Locks the request, asks `decide` what the next step changes (it may throw
  // to refuse), applies it and returns the request as it is now.
  virtual std::optional<StoredRequest> Update(const std::string& id,
                                              const std::function<RequestUpdate(const StoredRequest&)>& decide) = 0;
  // Open requests of an agency, soonest due first (no due date last), after
  // the keyset position; with their steps.
  virtual std::vector<StoredRequest> ListOpen(const std::string& agency, const std::string& after_due,
                                              const std::string& after_id, int limit) = 0;
  // The applicant's requests at this agency received in the month of
  // `received_on`, up to and including this one (for per-request fees).
  virtual int CountInMonth(const std::string& agency, const std::string& applicant_key,
                           const std::string& received_on) = 0;
  // Ids of requests whose due date rests on a calendar year not loaded.
  virtual std::vector<std::string> ProvisionalIds() = 0;
  // Replaces the stored due date (after a calendar reload recomputed it).
  virtual void SetDue(const std::string& id, const std::string& due_on, bool provisional) = 0;

  virtual std::string InsertConsultation(const StoredConsultation& consultation) = 0;
  virtual std::optional<StoredConsultation> AnswerConsultation(const std::string& id, const std::string& agency,
                                                               const std::string& answered_on,
                                                               const std::string& answer) = 0;
  virtual std::optional<StoredConsultation> GetConsultation(const std::string& id) = 0;
  virtual std::vector<StoredConsultation> ListOpenConsultations(const std::string& agency,
                                                                const std::string& after_due,
                                                                const std::string& after_id, int limit) = 0;
  virtual void UpdateConsultationDue(const std::string& id, const std::string& due_on, bool provisional) = 0;
  virtual std::vector<std::string> ProvisionalConsultationIds() = 0;

  // Facts of the requests and consultations received (or still open) in
  // `year`, or of every year when year is 0; empty filters match all.
  virtual std::vector<RequestFacts> RequestFactsOf(int year, const std::string& city,
                                                   const std::string& agency) = 0;
  virtual std::vector<ConsultationFacts> ConsultationFactsOf(int year, const std::string& city,
                                                             const std::string& agency) = 0;
};

class PgRequestStore final : public RequestStore {
 public:
  explicit PgRequestStore(common::PgPool& pool);

  std::string Insert(const StoredRequest& request, const RequestUpdate& first) override;
  std::optional<StoredRequest> Get(const std::string& id) override;
  std::optional<StoredRequest> Update(const std::string& id,
                                      const std::function<RequestUpdate(const StoredRequest&)>& decide) override;
  std::vector<StoredRequest> ListOpen(const std::string& agency, const std::string& after_due,
                                      const std::string& after_id, int limit) override;
  int CountInMonth(const std::string& agency, const std::string& applicant_key,
                   const std::string& received_on) override;
  std::vector<std::string> ProvisionalIds() override;
  void SetDue(const std::string& id, const std::string& due_on, bool provisional) override;
  std::string InsertConsultation(const StoredConsultation& consultation) override;
  std::optional<StoredConsultation> AnswerConsultation(const std::string& id, const std::string& agency,
                                                       const std::string& answered_on,
                                                       const std::string& answer) override;
  std::optional<StoredConsultation> GetConsultation(const std::string& id) override;
  std::vector<StoredConsultation> ListOpenConsultations(const std::string& agency, const std::string& after_due,
                                                        const std::string& after_id, int limit) override;
  void UpdateConsultationDue(const std::string& id, const std::string& due_on, bool provisional) override;
  std::vector<std::string> ProvisionalConsultationIds() override;
  std::vector<RequestFacts> RequestFactsOf(int year, const std::string& city, const std::string& agency) override;
  std::vector<ConsultationFacts> ConsultationFactsOf(int year, const std::string& city,
                                                     const std::string& agency) override;

 private:
  common::PgPool& pool_;
};

}  // namespace gongkai::requests
