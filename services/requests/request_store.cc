#include "services/requests/request_store.h"

#include "common/calendar/iso_date.h"
#include "common/sql.h"
#include "gongkai/requests/v1/requests.pb.h"
#include "services/requests/requests_mapping.h"

namespace gongkai::requests {
namespace {

using common::FormatIsoDate;
using common::ReadDate;
using common::ReadOptionalDate;
using common::Statement;

// A key the agency has used inserts nothing (and returns no row): the caller
// reads the request first stored under it (kByKey).
const Statement kInsert{
    "requests_insert",
    "INSERT INTO requests.requests (id, agency_credit_code, city_code, channel, received_on, applicant, "
    "applicant_name, applicant_key, information_requested, delivery, state, open, due_on, due_provisional, live, "
    "request_key, applicant_kind, applicant_category) "
    "VALUES (gen_random_uuid()::text, $1, $2, $3, $4::date, $5::bytea, $6, $7, $8, $9, $10, $11, "
    "NULLIF($12, '')::date, $13, $14, $15, $16, $17) "
    "ON CONFLICT (agency_credit_code, request_key) WHERE request_key <> '' DO NOTHING RETURNING id"};

const Statement kByKey{"requests_by_key",
                       "SELECT id FROM requests.requests WHERE agency_credit_code = $1 AND request_key = $2"};

const Statement kInsertStep{
    "requests_insert_step",
    "INSERT INTO requests.request_steps (request_id, position, step, type) "
    "SELECT $1::text, coalesce(max(position), 0) + 1, $2::bytea, $3::smallint FROM requests.request_steps "
    "WHERE request_id = $1::text"};

// The statements that read a request select its columns in this order (RequestFrom).
const Statement kGet{
    "requests_get",
    "SELECT id, agency_credit_code, city_code, channel, received_on::text, applicant, applicant_name, applicant_key, "
    "information_requested, delivery, state, open, due_on::text, due_provisional, coalesce(reply, ''::bytea), "
    "replied_on::text, coalesce(outcome, 0), coalesce(standardised, false), coalesce(fee_fen, 0), live, request_key "
    "FROM requests.requests WHERE id = $1"};

const Statement kLock{
    "requests_lock",
    "SELECT id, agency_credit_code, city_code, channel, received_on::text, applicant, applicant_name, applicant_key, "
    "information_requested, delivery, state, open, due_on::text, due_provisional, coalesce(reply, ''::bytea), "
    "replied_on::text, coalesce(outcome, 0), coalesce(standardised, false), coalesce(fee_fen, 0), live, request_key "
    "FROM requests.requests WHERE id = $1 FOR UPDATE"};

const Statement kGetAll{
    "requests_get_all",
    "SELECT id, agency_credit_code, city_code, channel, received_on::text, applicant, applicant_name, applicant_key, "
    "information_requested, delivery, state, open, due_on::text, due_provisional, coalesce(reply, ''::bytea), "
    "replied_on::text, coalesce(outcome, 0), coalesce(standardised, false), coalesce(fee_fen, 0), live, request_key "
    "FROM requests.requests WHERE id = ANY($1::text[]) ORDER BY id"};

const Statement kListOpenLive{
    "requests_list_open_live",
    "SELECT id, agency_credit_code, city_code, channel, received_on::text, applicant, applicant_name, applicant_key, "
    "information_requested, delivery, state, open, due_on::text, due_provisional, coalesce(reply, ''::bytea), "
    "replied_on::text, coalesce(outcome, 0), coalesce(standardised, false), coalesce(fee_fen, 0), live, request_key "
    "FROM requests.requests WHERE agency_credit_code = $1 AND live AND open ORDER BY id"};

const Statement kSettle{"requests_settle",
                        "UPDATE requests.requests SET state = $3, open = $4, due_on = NULLIF($5, '')::date, "
                        "due_provisional = $6, live = $7 WHERE id = $1 AND live AND state = $2"};

const Statement kSteps{"requests_steps",
                       "SELECT request_id, step FROM requests.request_steps WHERE request_id = ANY($1::text[]) "
                       "ORDER BY request_id, position"};

// An empty reply and an outcome of 0 (a step that is not a reply) leave the
// stored reply, outcome, standardised flag, fee and report reason as they are.
const Statement kApply{
    "requests_apply",
    "UPDATE requests.requests SET state = $2, open = $3, due_on = NULLIF($4, '')::date, due_provisional = $5, "
    "live = $11, "
    "reply = coalesce(NULLIF($6::bytea, ''::bytea), reply), "
    "replied_on = coalesce(NULLIF($7, '')::date, replied_on), "
    "outcome = CASE WHEN $8 = 0 THEN outcome ELSE $8 END, "
    "standardised = CASE WHEN $8 = 0 THEN standardised ELSE $9 END, "
    "fee_fen = CASE WHEN $8 = 0 THEN fee_fen ELSE $10 END, "
    "report_reason = CASE WHEN $8 = 0 THEN report_reason ELSE $12 END WHERE id = $1"};

// Open requests that are not live, soonest due first; requests with no
// running clock sort last, as kNoDueDate. The first page starts after
// ('0001-01-01', '').
const Statement kListOpen{
    "requests_list_open",
    "SELECT id, agency_credit_code, city_code, channel, received_on::text, applicant, applicant_name, applicant_key, "
    "information_requested, delivery, state, open, due_on::text, due_provisional, coalesce(reply, ''::bytea), "
    "replied_on::text, coalesce(outcome, 0), coalesce(standardised, false), coalesce(fee_fen, 0), live, request_key "
    "FROM requests.requests WHERE agency_credit_code = $1 AND open AND NOT live "
    "AND (coalesce(due_on, '9999-12-31'::date), id) > (coalesce(NULLIF($2, '')::date, '0001-01-01'::date), $3) "
    "ORDER BY coalesce(due_on, '9999-12-31'::date), id LIMIT $4"};

const Statement kCountInMonth{
    "requests_count_in_month",
    "SELECT count(*) FROM requests.requests WHERE agency_credit_code = $1 AND applicant_key = $2 "
    "AND received_on >= date_trunc('month', $3::date) AND received_on <= $3::date"};

const Statement kProvisional{"requests_provisional",
                             "SELECT id FROM requests.requests WHERE due_provisional ORDER BY id"};

const Statement kSetDue{"requests_set_due",
                        "UPDATE requests.requests SET due_on = NULLIF($2, '')::date, due_provisional = $3 "
                        "WHERE id = $1"};

const Statement kInsertConsultation{
    "requests_insert_consultation",
    "INSERT INTO requests.consultations (id, agency_credit_code, city_code, channel, asked_on, question, contact, "
    "due_on, due_provisional, request_key) "
    "VALUES (gen_random_uuid()::text, $1, $2, $3, $4::date, $5, $6, $7::date, $8, $9) "
    "ON CONFLICT (agency_credit_code, request_key) WHERE request_key <> '' DO NOTHING RETURNING id"};

const Statement kConsultationByKey{
    "requests_consultation_by_key",
    "SELECT id FROM requests.consultations WHERE agency_credit_code = $1 AND request_key = $2"};

// The statements that read a consultation return its columns in this order (ConsultationFrom).
const Statement kAnswer{
    "requests_answer_consultation",
    "UPDATE requests.consultations SET answered_on = $3::date, answer = $4 "
    "WHERE id = $1 AND agency_credit_code = $2 AND answered_on IS NULL "
    "RETURNING id, agency_credit_code, city_code, channel, asked_on::text, question, contact, due_on::text, "
    "due_provisional, answered_on::text, coalesce(answer, ''), request_key"};

const Statement kGetConsultation{
    "requests_get_consultation",
    "SELECT id, agency_credit_code, city_code, channel, asked_on::text, question, contact, due_on::text, "
    "due_provisional, answered_on::text, coalesce(answer, ''), request_key FROM requests.consultations WHERE id = $1"};

const Statement kOpenConsultations{
    "requests_open_consultations",
    "SELECT id, agency_credit_code, city_code, channel, asked_on::text, question, contact, due_on::text, "
    "due_provisional, answered_on::text, coalesce(answer, ''), request_key "
    "FROM requests.consultations WHERE agency_credit_code = $1 AND answered_on IS NULL "
    "AND (due_on, id) > (coalesce(NULLIF($2, '')::date, '0001-01-01'::date), $3) ORDER BY due_on, id LIMIT $4"};

const Statement kUpdateConsultationDue{
    "requests_consultation_due",
    "UPDATE requests.consultations SET due_on = $2::date, due_provisional = $3 WHERE id = $1"};

const Statement kProvisionalConsultations{
    "requests_provisional_consultations",
    "SELECT id FROM requests.consultations WHERE due_provisional AND answered_on IS NULL ORDER BY id"};

// Requests received in the year, and those received before it that are still
// open, were replied in or after it, or were withdrawn or abandoned (carried
// over when that was in or after it: RequestFactsOf drops the others). Steps
// of type 8 and 9 are reviews and lawsuits. A withdrawn or abandoned request
// comes with its last withdrawal or abandonment step (types 7, 3), one that
// is or may be abandoned with its correction notice (type 1), for the day it
// was finished. A reply not standardised though dated by its due date comes
// with its content (ReplyLacks).
const Statement kRequestFacts{
    "requests_facts",
    "SELECT r.agency_credit_code, r.city_code, r.received_on::text, r.state, r.open, r.due_on::text, "
    "r.replied_on::text, coalesce(r.outcome, 0), coalesce(r.standardised, false), "
    "count(s.*) FILTER (WHERE s.type = 8), count(s.*) FILTER (WHERE s.type = 9), r.id, r.live, "
    "r.applicant_kind, r.applicant_category, r.report_reason, "
    "CASE WHEN r.state IN ('WITHDRAWN', 'ABANDONED') THEN (SELECT c.step FROM requests.request_steps c "
    "  WHERE c.request_id = r.id AND c.type IN (3, 7) ORDER BY c.position DESC LIMIT 1) END, "
    "CASE WHEN r.state IN ('ABANDONED', 'AWAITING_CORRECTION') THEN (SELECT c.step FROM requests.request_steps c "
    "  WHERE c.request_id = r.id AND c.type = 1 ORDER BY c.position DESC LIMIT 1) END, "
    "CASE WHEN r.replied_on IS NOT NULL AND NOT coalesce(r.standardised, false) "
    "  AND (r.due_on IS NULL OR r.replied_on <= r.due_on) THEN r.reply END "
    "FROM requests.requests r LEFT JOIN requests.request_steps s ON s.request_id = r.id AND s.type IN (8, 9) "
    "WHERE ($1 = 0 OR extract(year FROM r.received_on) = $1 "
    "       OR (extract(year FROM r.received_on) < $1 AND (r.open OR extract(year FROM r.replied_on) >= $1 "
    "                                                     OR r.state IN ('WITHDRAWN', 'ABANDONED')))) "
    "AND ($2 = '' OR r.city_code = $2) AND ($3 = '' OR r.agency_credit_code = $3) "
    "GROUP BY r.id"};

// The review and lawsuit steps (filed 8, 9; decided 12, 13) of a city and
// agency, by request in the order recorded.
const Statement kLegalSteps{
    "requests_legal_steps",
    "SELECT r.id, r.agency_credit_code, r.city_code, s.step "
    "FROM requests.request_steps s JOIN requests.requests r ON r.id = s.request_id "
    "WHERE s.type IN (8, 9, 12, 13) AND ($1 = '' OR r.city_code = $1) AND ($2 = '' OR r.agency_credit_code = $2) "
    "ORDER BY r.id, s.position"};

// The open requests of a year, city and agency for the request clock: the
// columns RequestFrom reads, the applicant's and the information requested
// left empty.
const Statement kOpenReceivedIn{
    "requests_open_received_in",
    "SELECT id, agency_credit_code, city_code, channel, received_on::text, ''::bytea, '', '', '', delivery, state, "
    "open, due_on::text, due_provisional, ''::bytea, replied_on::text, coalesce(outcome, 0), "
    "coalesce(standardised, false), coalesce(fee_fen, 0), live, request_key "
    "FROM requests.requests WHERE open AND ($1 = 0 OR extract(year FROM received_on) = $1) "
    "AND ($2 = '' OR city_code = $2) AND ($3 = '' OR agency_credit_code = $3) ORDER BY id"};

const Statement kConsultationFacts{
    "requests_consultation_facts",
    "SELECT agency_credit_code, city_code, asked_on::text, due_on::text, answered_on::text, id "
    "FROM requests.consultations WHERE ($1 = 0 OR extract(year FROM asked_on) = $1) "
    "AND ($2 = '' OR city_code = $2) AND ($3 = '' OR agency_credit_code = $3)"};

StoredRequest RequestFrom(const pqxx::row& r) {
  StoredRequest s;
  s.id = r[0].as<std::string>();
  s.agency_credit_code = r[1].as<std::string>();
  s.city_code = r[2].as<std::string>();
  s.channel = r[3].as<int>();
  s.received_on = ReadDate(r[4]);
  s.applicant = common::ReadBytes(r[5]);
  s.applicant_name = r[6].as<std::string>();
  s.applicant_key = r[7].as<std::string>();
  s.information_requested = r[8].as<std::string>();
  s.delivery = r[9].as<int>();
  s.state = r[10].as<std::string>();
  s.open = r[11].as<bool>();
  s.due_on = ReadOptionalDate(r[12]);
  s.due_provisional = r[13].as<bool>();
  s.reply = common::ReadBytes(r[14]);
  s.replied_on = ReadOptionalDate(r[15]);
  s.outcome = r[16].as<int>();
  s.standardised = r[17].as<bool>();
  s.fee_fen = r[18].as<int64_t>();
  s.live = r[19].as<bool>();
  s.request_key = r[20].as<std::string>();
  return s;
}

StoredConsultation ConsultationFrom(const pqxx::row& r) {
  StoredConsultation c;
  c.id = r[0].as<std::string>();
  c.agency_credit_code = r[1].as<std::string>();
  c.city_code = r[2].as<std::string>();
  c.channel = r[3].as<int>();
  c.asked_on = ReadDate(r[4]);
  c.question = r[5].as<std::string>();
  c.contact = r[6].as<std::string>();
  c.due_on = ReadDate(r[7]);
  c.due_provisional = r[8].as<bool>();
  c.answered_on = ReadOptionalDate(r[9]);
  c.answer = r[10].as<std::string>();
  c.request_key = r[11].as<std::string>();
  return c;
}

// What the report reads of the stored protos (no personal data leaves here):
// the applicant's kind and category, the reply's report reason, and a step's
// type, dates and legal fields. Bytes that do not parse read as unset.
std::pair<int, int> ApplicantKindAndCategory(const std::string& applicant) {
  v1::Applicant a;
  if (!a.ParseFromString(applicant)) return {0, 0};
  return {a.kind(), a.category()};
}

int ReportReasonOf(const std::string& reply) {
  v1::ReplyContent r;
  return r.ParseFromString(reply) ? r.report_reason() : 0;
}

// The first element a stored reply lacks (ValidateReply's first field, judged
// as of the day it was replied); empty when none, or when it does not parse.
std::string ReplyLacks(const pqxx::field& field, std::optional<common::Date> replied_on) {
  v1::ReplyContent content;
  if (field.is_null() || !replied_on || !content.ParseFromString(common::ReadBytes(field))) return "";
  const common::Violations lacks = ValidateReply(ReplyFromProto(content), *replied_on);
  return lacks.empty() ? "" : lacks.front().field;
}

std::optional<Step> ReportStepOf(const pqxx::field& field) {
  v1::Step p;
  if (field.is_null() || !p.ParseFromString(common::ReadBytes(field))) return std::nullopt;
  Step s;
  s.type = static_cast<StepType>(p.type());
  s.date = common::ParseIsoDate(p.date());
  s.correction_due = common::ParseIsoDate(p.correction_due());
  s.after_review = p.after_review();
  s.legal_outcome = static_cast<LegalOutcome>(p.legal_outcome());
  return s;
}

// Fills in the steps of the requests.
void LoadSteps(pqxx::transaction_base& tx, std::vector<StoredRequest>& requests) {
  if (requests.empty()) return;
  std::vector<std::string> ids;
  std::map<std::string, StoredRequest*> by_id;
  for (auto& r : requests) {
    ids.push_back(r.id);
    by_id[r.id] = &r;
  }
  for (const auto& row : tx.exec_prepared(kSteps.name, common::ArrayLiteral(ids))) {
    by_id.at(row[0].as<std::string>())->steps.push_back(common::ReadBytes(row[1]));
  }
}

// The request with its steps, as the transaction sees it; nullopt when there is none.
std::optional<StoredRequest> ReadRequest(pqxx::transaction_base& tx, const Statement& statement,
                                         const std::string& id) {
  auto rows = tx.exec_prepared(statement.name, id);
  if (rows.empty()) return std::nullopt;
  std::vector<StoredRequest> one{RequestFrom(rows[0])};
  LoadSteps(tx, one);
  return std::move(one[0]);
}

void AddStep(pqxx::transaction_base& tx, const std::string& id, const RequestUpdate& u) {
  tx.exec_prepared(kInsertStep.name, id, pqxx::binarystring(u.step), u.step_type);
}

}  // namespace

PgRequestStore::PgRequestStore(common::PgPool& pool) : pool_(pool) {
  for (const Statement& s : {kInsert,
                             kByKey,
                             kInsertStep,
                             kGet,
                             kLock,
                             kGetAll,
                             kListOpenLive,
                             kSettle,
                             kSteps,
                             kApply,
                             kListOpen,
                             kCountInMonth,
                             kProvisional,
                             kSetDue,
                             kInsertConsultation,
                             kConsultationByKey,
                             kAnswer,
                             kGetConsultation,
                             kOpenConsultations,
                             kUpdateConsultationDue,
                             kProvisionalConsultations,
                             kRequestFacts,
                             kOpenReceivedIn,
                             kLegalSteps,
                             kConsultationFacts}) {
    pool_.Prepare(s);
  }
}

std::string PgRequestStore::Insert(const StoredRequest& r, const RequestUpdate& first) {
  return pool_.Run([&](pqxx::connection& conn) {
    pqxx::work tx(conn);
    const auto [kind, category] = ApplicantKindAndCategory(r.applicant);
    auto inserted =
        tx.exec_prepared(kInsert.name, r.agency_credit_code, r.city_code, r.channel, FormatIsoDate(r.received_on),
                         pqxx::binarystring(r.applicant), r.applicant_name, r.applicant_key, r.information_requested,
                         r.delivery, first.state, first.open, FormatIsoDate(first.due_on), first.due_provisional,
                         first.live, r.request_key, kind, category);
    // A conflicting insert of another transaction has committed by now (the
    // insert waited for it), so this statement sees the request it stored.
    if (inserted.empty()) {
      return tx.exec_prepared(kByKey.name, r.agency_credit_code, r.request_key)[0][0].as<std::string>();
    }
    std::string id = inserted[0][0].as<std::string>();
    AddStep(tx, id, first);
    tx.commit();
    return id;
  });
}

std::optional<StoredRequest> PgRequestStore::Get(const std::string& id) {
  return pool_.Run([&](pqxx::connection& conn) {
    pqxx::read_transaction tx(conn);
    return ReadRequest(tx, kGet, id);
  });
}

std::optional<StoredRequest> PgRequestStore::Update(const std::string& id,
                                                    const std::function<RequestUpdate(const StoredRequest&)>& decide) {
  return pool_.Run([&](pqxx::connection& conn) -> std::optional<StoredRequest> {
    pqxx::work tx(conn);
    auto locked = ReadRequest(tx, kLock, id);
    if (!locked) return std::nullopt;
    RequestUpdate u = decide(*locked);
    AddStep(tx, id, u);
    tx.exec_prepared(kApply.name, id, u.state, u.open, FormatIsoDate(u.due_on), u.due_provisional,
                     pqxx::binarystring(u.reply), FormatIsoDate(u.replied_on), u.outcome, u.standardised, u.fee_fen,
                     u.live, ReportReasonOf(u.reply));
    auto updated = ReadRequest(tx, kGet, id);
    tx.commit();
    return updated;
  });
}

std::vector<StoredRequest> PgRequestStore::ListOpen(const std::string& agency, std::optional<common::Date> after_due,
                                                    const std::string& after_id, int limit) {
  return pool_.Run([&](pqxx::connection& conn) {
    pqxx::read_transaction tx(conn);
    std::vector<StoredRequest> out;
    for (const auto& row : tx.exec_prepared(kListOpen.name, agency, FormatIsoDate(after_due), after_id, limit)) {
      out.push_back(RequestFrom(row));
    }
    LoadSteps(tx, out);
    return out;
  });
}

std::vector<StoredRequest> PgRequestStore::GetAll(const std::vector<std::string>& ids) {
  if (ids.empty()) return {};
  return pool_.Run([&](pqxx::connection& conn) {
    pqxx::read_transaction tx(conn);
    std::vector<StoredRequest> out;
    for (const auto& row : tx.exec_prepared(kGetAll.name, common::ArrayLiteral(ids))) out.push_back(RequestFrom(row));
    LoadSteps(tx, out);
    return out;
  });
}

std::vector<StoredRequest> PgRequestStore::ListOpenLive(const std::string& agency) {
  return pool_.Run([&](pqxx::connection& conn) {
    pqxx::read_transaction tx(conn);
    std::vector<StoredRequest> out;
    for (const auto& row : tx.exec_prepared(kListOpenLive.name, agency)) out.push_back(RequestFrom(row));
    LoadSteps(tx, out);
    return out;
  });
}

void PgRequestStore::Settle(const std::string& id, const std::string& state_read, const RequestUpdate& now) {
  pool_.Run([&](pqxx::connection& conn) {
    pqxx::work tx(conn);
    tx.exec_prepared(kSettle.name, id, state_read, now.state, now.open, FormatIsoDate(now.due_on), now.due_provisional,
                     now.live);
    tx.commit();
  });
}

int PgRequestStore::CountInMonth(const std::string& agency, const std::string& applicant_key,
                                 common::Date received_on) {
  return pool_.Run([&](pqxx::connection& conn) {
    pqxx::read_transaction tx(conn);
    return tx.exec_prepared(kCountInMonth.name, agency, applicant_key, FormatIsoDate(received_on))[0][0].as<int>();
  });
}

std::vector<std::string> PgRequestStore::ProvisionalIds() {
  return pool_.Run([&](pqxx::connection& conn) {
    pqxx::read_transaction tx(conn);
    std::vector<std::string> out;
    for (const auto& row : tx.exec_prepared(kProvisional.name)) out.push_back(row[0].as<std::string>());
    return out;
  });
}

void PgRequestStore::SetDue(const std::string& id, std::optional<common::Date> due_on, bool provisional) {
  pool_.Run([&](pqxx::connection& conn) {
    pqxx::work tx(conn);
    tx.exec_prepared(kSetDue.name, id, FormatIsoDate(due_on), provisional);
    tx.commit();
  });
}

std::string PgRequestStore::InsertConsultation(const StoredConsultation& c) {
  return pool_.Run([&](pqxx::connection& conn) {
    pqxx::work tx(conn);
    auto inserted = tx.exec_prepared(kInsertConsultation.name, c.agency_credit_code, c.city_code, c.channel,
                                     FormatIsoDate(c.asked_on), c.question, c.contact, FormatIsoDate(c.due_on),
                                     c.due_provisional, c.request_key);
    // As in Insert: the consultation stored first under the key.
    if (inserted.empty()) {
      return tx.exec_prepared(kConsultationByKey.name, c.agency_credit_code, c.request_key)[0][0].as<std::string>();
    }
    tx.commit();
    return inserted[0][0].as<std::string>();
  });
}

std::optional<StoredConsultation> PgRequestStore::AnswerConsultation(const std::string& id, const std::string& agency,
                                                                     common::Date answered_on,
                                                                     const std::string& answer) {
  return pool_.Run([&](pqxx::connection& conn) -> std::optional<StoredConsultation> {
    pqxx::work tx(conn);
    auto rows = tx.exec_prepared(kAnswer.name, id, agency, FormatIsoDate(answered_on), answer);
    tx.commit();
    if (rows.empty()) return std::nullopt;
    return ConsultationFrom(rows[0]);
  });
}

std::optional<StoredConsultation> PgRequestStore::GetConsultation(const std::string& id) {
  return pool_.Run([&](pqxx::connection& conn) -> std::optional<StoredConsultation> {
    pqxx::read_transaction tx(conn);
    auto rows = tx.exec_prepared(kGetConsultation.name, id);
    if (rows.empty()) return std::nullopt;
    return ConsultationFrom(rows[0]);
  });
}

std::vector<StoredConsultation> PgRequestStore::ListOpenConsultations(const std::string& agency,
                                                                      std::optional<common::Date> after_due,
                                                                      const std::string& after_id, int limit) {
  return pool_.Run([&](pqxx::connection& conn) {
    pqxx::read_transaction tx(conn);
    std::vector<StoredConsultation> out;
    for (const auto& row :
         tx.exec_prepared(kOpenConsultations.name, agency, FormatIsoDate(after_due), after_id, limit)) {
      out.push_back(ConsultationFrom(row));
    }
    return out;
  });
}

void PgRequestStore::UpdateConsultationDue(const std::string& id, common::Date due_on, bool provisional) {
  pool_.Run([&](pqxx::connection& conn) {
    pqxx::work tx(conn);
    tx.exec_prepared(kUpdateConsultationDue.name, id, FormatIsoDate(due_on), provisional);
    tx.commit();
  });
}

std::vector<std::string> PgRequestStore::ProvisionalConsultationIds() {
  return pool_.Run([&](pqxx::connection& conn) {
    pqxx::read_transaction tx(conn);
    std::vector<std::string> out;
    for (const auto& row : tx.exec_prepared(kProvisionalConsultations.name)) out.push_back(row[0].as<std::string>());
    return out;
  });
}

std::vector<StoredRequestFacts> PgRequestStore::RequestFactsOf(int year, const std::string& city,
                                                               const std::string& agency) {
  return pool_.Run([&](pqxx::connection& conn) {
    pqxx::read_transaction tx(conn);
    std::vector<StoredRequestFacts> out;
    for (const auto& r : tx.exec_prepared(kRequestFacts.name, year, city, agency)) {
      StoredRequestFacts f;
      f.agency_credit_code = r[0].as<std::string>();
      f.city_code = r[1].as<std::string>();
      f.received_on = ReadDate(r[2]);
      f.state = r[3].as<std::string>();
      f.open = r[4].as<bool>();
      f.due_on = ReadOptionalDate(r[5]);
      f.replied_on = ReadOptionalDate(r[6]);
      f.outcome = static_cast<ReplyOutcome>(r[7].as<int>());
      f.standardised = r[8].as<bool>();
      f.reviews = r[9].as<int>();
      f.lawsuits = r[10].as<int>();
      f.id = r[11].as<std::string>();
      f.live = r[12].as<bool>();
      f.applicant_kind = static_cast<Applicant::Kind>(r[13].as<int>());
      f.applicant_category = static_cast<ApplicantCategory>(r[14].as<int>());
      f.report_reason = static_cast<ReportReason>(r[15].as<int>());
      if (auto closing = ReportStepOf(r[16])) f.closing_step_on = closing->date;
      if (auto notice = ReportStepOf(r[17])) f.correction_due = notice->correction_due;
      f.reply_lacks = ReplyLacks(r[18], f.replied_on);
      const common::Date year_start = std::chrono::year(year) / std::chrono::January / 1;
      const auto finished = FinishedOn(f);
      if (year != 0 && f.received_on < year_start && finished && *finished < year_start) continue;
      out.push_back(std::move(f));
    }
    return out;
  });
}

std::vector<StoredRequest> PgRequestStore::OpenRequestsReceivedIn(int year, const std::string& city,
                                                                  const std::string& agency) {
  return pool_.Run([&](pqxx::connection& conn) {
    pqxx::read_transaction tx(conn);
    std::vector<StoredRequest> out;
    for (const auto& row : tx.exec_prepared(kOpenReceivedIn.name, year, city, agency)) out.push_back(RequestFrom(row));
    LoadSteps(tx, out);
    return out;
  });
}

std::vector<LegalFacts> PgRequestStore::LegalFactsOf(const std::string& city, const std::string& agency) {
  return pool_.Run([&](pqxx::connection& conn) {
    pqxx::read_transaction tx(conn);
    std::vector<LegalFacts> out;
    std::string request_id;
    std::vector<Step> steps;
    auto flush = [&] {
      if (!steps.empty()) out.back().cases = LegalCasesOf(steps);
      steps.clear();
    };
    for (const auto& r : tx.exec_prepared(kLegalSteps.name, city, agency)) {
      if (out.empty() || r[0].as<std::string>() != request_id) {
        flush();
        request_id = r[0].as<std::string>();
        out.push_back({r[1].as<std::string>(), r[2].as<std::string>(), {}});
      }
      if (auto step = ReportStepOf(r[3])) steps.push_back(*step);
    }
    flush();
    return out;
  });
}

std::vector<ConsultationFacts> PgRequestStore::ConsultationFactsOf(int year, const std::string& city,
                                                                   const std::string& agency) {
  return pool_.Run([&](pqxx::connection& conn) {
    pqxx::read_transaction tx(conn);
    std::vector<ConsultationFacts> out;
    for (const auto& r : tx.exec_prepared(kConsultationFacts.name, year, city, agency)) {
      out.push_back({r[0].as<std::string>(), r[1].as<std::string>(), ReadDate(r[2]), ReadDate(r[3]),
                     ReadOptionalDate(r[4]), r[5].as<std::string>()});
    }
    return out;
  });
}

}  // namespace gongkai::requests
