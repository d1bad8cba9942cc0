#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/migrations.h"
#include "common/pg_pool.h"
#include "services/requests/request_statistics.h"

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
  common::Date received_on;
  std::string applicant;  // serialised Applicant
  std::string applicant_name;
  std::string applicant_key;
  std::string information_requested;
  int delivery = 0;
  std::string state;
  bool open = true;
  std::optional<common::Date> due_on;  // none while the reply clock is not running
  bool due_provisional = false;
  std::string reply;  // serialised ReplyContent, "" until replied
  std::optional<common::Date> replied_on;
  int outcome = 0;
  bool standardised = false;
  int64_t fee_fen = 0;
  std::vector<std::string> steps;  // serialised Step, in order
  // The clock depends on today (DependsOnToday in request_desk.h): the stored
  // state, open flag and due date hold as of the last step only.
  bool live = false;
  std::string request_key;  // the sender's key of the registration; "" for none
};

// What a new step changes: the step itself, and the clock's new answers.
struct RequestUpdate {
  std::string step;  // serialised Step
  int step_type = 0;
  std::string state;
  bool open = true;
  std::optional<common::Date> due_on;
  bool due_provisional = false;
  bool live = false;  // StoredRequest::live
  // Replies only.
  std::string reply;  // serialised ReplyContent; "" leaves the stored one
  std::optional<common::Date> replied_on;
  int outcome = 0;  // 0 leaves the stored outcome, standardised flag and fee
  bool standardised = false;
  int64_t fee_fen = 0;
};

struct StoredConsultation {
  std::string id;
  std::string agency_credit_code;
  std::string city_code;
  int channel = 0;
  common::Date asked_on;
  std::string question;
  std::string contact;
  common::Date due_on;
  bool due_provisional = false;
  std::optional<common::Date> answered_on;
  std::string answer;
  std::string request_key;  // the sender's key of the registration; "" for none
};

// A request's facts as stored, with what reading them as of another day needs.
struct StoredRequestFacts : RequestFacts {
  bool live = false;  // StoredRequest::live: the facts hold as of the last step only
};

// Open requests without a running clock sort after every due date, as if due
// on this day (the desk's lists and their page positions).
constexpr common::Date kNoDueDate = std::chrono::year(9999) / std::chrono::December / 31;

class RequestStore {
 public:
  virtual ~RequestStore() = default;

  // Stores a new request with its first step; its id is made here, and the
  // applicant's kind and category are kept apart for the report. When the
  // agency already holds a request under the same non-empty request_key,
  // stores nothing and returns that request's id, also when both arrive at
  // once: a key identifies the sender's attempt, so a resend is the same
  // request whatever it carries.
  virtual std::string Insert(const StoredRequest& request, const RequestUpdate& first) = 0;
  // The requests of these ids that exist, with their steps.
  virtual std::vector<StoredRequest> GetAll(const std::vector<std::string>& ids) = 0;
  // nullopt when there is no such request.
  virtual std::optional<StoredRequest> Get(const std::string& id) = 0;
  // Locks the request, asks `decide` what the next step changes (it may throw
  // to refuse), applies it and returns the request as it is now. A reply's
  // report reason is kept apart for the report.
  virtual std::optional<StoredRequest> Update(const std::string& id,
                                              const std::function<RequestUpdate(const StoredRequest&)>& decide) = 0;
  // Open requests of an agency that are not live (their stored due date
  // holds), soonest due first (no due date last, as kNoDueDate), after the
  // keyset position (after_due, after_id), or from the first when after_due
  // is nullopt; with their steps.
  virtual std::vector<StoredRequest> ListOpen(const std::string& agency, std::optional<common::Date> after_due,
                                              const std::string& after_id, int limit) = 0;
  // The live requests of an agency stored as open, with their steps.
  virtual std::vector<StoredRequest> ListOpenLive(const std::string& agency) = 0;
  // Stores the state, open flag, due date and live flag of `now` on a live
  // request whose clock no longer depends on today, if it is still live and
  // in `state_read` (a step recorded meanwhile wins).
  virtual void Settle(const std::string& id, const std::string& state_read, const RequestUpdate& now) = 0;
  // The applicant's requests at this agency received in the month of
  // `received_on`, up to and including that day (for per-request fees).
  virtual int CountInMonth(const std::string& agency, const std::string& applicant_key, common::Date received_on) = 0;
  // Ids of requests whose due date rests on a calendar year not loaded.
  virtual std::vector<std::string> ProvisionalIds() = 0;
  // Replaces the stored due date (after a calendar reload recomputed it).
  virtual void SetDue(const std::string& id, std::optional<common::Date> due_on, bool provisional) = 0;

  // Stores a new consultation; its id is made here. Under a request_key the
  // agency has used, stores nothing and returns the consultation stored first
  // under it, as Insert does.
  virtual std::string InsertConsultation(const StoredConsultation& consultation) = 0;
  // Records the answer of the agency's consultation; nullopt when there is no
  // such unanswered consultation of the agency (an answer is recorded once).
  virtual std::optional<StoredConsultation> AnswerConsultation(const std::string& id, const std::string& agency,
                                                               common::Date answered_on, const std::string& answer) = 0;
  virtual std::optional<StoredConsultation> GetConsultation(const std::string& id) = 0;
  // Unanswered consultations of an agency, soonest due first, after the keyset
  // position (after_due, after_id), or from the first when after_due is nullopt.
  virtual std::vector<StoredConsultation> ListOpenConsultations(const std::string& agency,
                                                                std::optional<common::Date> after_due,
                                                                const std::string& after_id, int limit) = 0;
  virtual void UpdateConsultationDue(const std::string& id, common::Date due_on, bool provisional) = 0;
  // Ids of unanswered consultations whose due date rests on a calendar year not loaded.
  virtual std::vector<std::string> ProvisionalConsultationIds() = 0;

  // Facts of the requests received in `year` or carried into it (received
  // before it and not finished before it: still open, or replied, withdrawn
  // or abandoned in or after it, FinishedOn), and of the consultations asked
  // in it; of every year when year is 0. An empty city or agency matches all.
  // The facts of live requests are as stored (LiveRequestFacts in
  // request_desk.h reads them as of a day). A reply not standardised though
  // dated by its due date comes with the first element it lacks
  // (RequestFacts::reply_lacks); only such replies are read.
  virtual std::vector<StoredRequestFacts> RequestFactsOf(int year, const std::string& city,
                                                         const std::string& agency) = 0;
  // The requests received in `year` (every year when 0) of a city and agency
  // (empty: all) stored as open, with their steps, by id; their applicant,
  // name, key and the information requested left empty: what the request
  // clock needs to read them as of a day, for the lead rules.
  virtual std::vector<StoredRequest> OpenRequestsReceivedIn(int year, const std::string& city,
                                                            const std::string& agency) = 0;
  // The reviews and lawsuits of every request of a city and agency (empty:
  // all) that has one recorded, of every year, by request id.
  virtual std::vector<LegalFacts> LegalFactsOf(const std::string& city, const std::string& agency) = 0;
  virtual std::vector<ConsultationFacts> ConsultationFactsOf(int year, const std::string& city,
                                                             const std::string& agency) = 0;
};

class PgRequestStore final : public RequestStore {
 public:
  explicit PgRequestStore(common::PgPool& pool);

  std::string Insert(const StoredRequest& request, const RequestUpdate& first) override;
  std::optional<StoredRequest> Get(const std::string& id) override;
  std::vector<StoredRequest> GetAll(const std::vector<std::string>& ids) override;
  std::optional<StoredRequest> Update(const std::string& id,
                                      const std::function<RequestUpdate(const StoredRequest&)>& decide) override;
  std::vector<StoredRequest> ListOpen(const std::string& agency, std::optional<common::Date> after_due,
                                      const std::string& after_id, int limit) override;
  std::vector<StoredRequest> ListOpenLive(const std::string& agency) override;
  void Settle(const std::string& id, const std::string& state_read, const RequestUpdate& now) override;
  int CountInMonth(const std::string& agency, const std::string& applicant_key, common::Date received_on) override;
  std::vector<std::string> ProvisionalIds() override;
  void SetDue(const std::string& id, std::optional<common::Date> due_on, bool provisional) override;
  std::string InsertConsultation(const StoredConsultation& consultation) override;
  std::optional<StoredConsultation> AnswerConsultation(const std::string& id, const std::string& agency,
                                                       common::Date answered_on, const std::string& answer) override;
  std::optional<StoredConsultation> GetConsultation(const std::string& id) override;
  std::vector<StoredConsultation> ListOpenConsultations(const std::string& agency,
                                                        std::optional<common::Date> after_due,
                                                        const std::string& after_id, int limit) override;
  void UpdateConsultationDue(const std::string& id, common::Date due_on, bool provisional) override;
  std::vector<std::string> ProvisionalConsultationIds() override;
  std::vector<StoredRequestFacts> RequestFactsOf(int year, const std::string& city, const std::string& agency) override;
  std::vector<StoredRequest> OpenRequestsReceivedIn(int year, const std::string& city,
                                                    const std::string& agency) override;
  std::vector<LegalFacts> LegalFactsOf(const std::string& city, const std::string& agency) override;
  std::vector<ConsultationFacts> ConsultationFactsOf(int year, const std::string& city,
                                                     const std::string& agency) override;

 private:
  common::PgPool& pool_;
};

}  // namespace gongkai::requests
